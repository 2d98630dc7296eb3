//! Token persistence: save the access token so that the next run (or another process) reuses it
//! instead of logging in again, in files or in a store of your own.
//!
//! ```sh
//! cargo run -p purecloud-platform-client-v2 --example token_persistence
//! ```
//!
//! `set_persist_settings(true, Some(prefix))` (the official SDKs' `setPersistSettings`) loads
//! the token saved under `prefix` if it has not expired, and saves every new token there. The
//! default store is `~/.genesyscloudrust/<prefix>_auth_data.json`; this example keeps its files
//! in a temporary directory instead, removed at the end.
//!
//! Runs against the local simulator started in this process unless
//! `GENESYS_CLOUD_CLIENT_ID`/`GENESYS_CLOUD_CLIENT_SECRET` (and `GENESYS_CLOUD_ENVIRONMENT`) are
//! set.

use purecloud_platform_client_v2::api::AuthorizationApi;
use purecloud_platform_client_v2::{
    Client, Error, ErrorKind, FileTokenStore, StoredToken, TokenStore,
};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

mod support;

#[tokio::main]
async fn main() {
    support::exit_on_error("token_persistence", run().await);
}

/// Logs in only when the client has no (persisted) token: what an application does at start.
async fn ensure_logged_in(t: &support::Target, client: &Client) -> Result<(), Error> {
    if client.has_access_token() {
        println!("   a persisted token was loaded: no login");
    } else {
        client
            .login_client_credentials_grant(&t.client_id, &t.client_secret)
            .await?;
        println!("   no persisted token: logged in (and the token was saved)");
    }
    Ok(())
}

/// Counts the requests to the login service (`/oauth/token`) a client makes.
fn count_logins(client: &Client) -> Arc<AtomicUsize> {
    let logins = Arc::new(AtomicUsize::new(0));
    let counter = logins.clone();
    client.add_post_request_hook(move |req, _| {
        if req.url.contains("/oauth/token") {
            counter.fetch_add(1, Ordering::SeqCst);
        }
    });
    logins
}

async fn permissions(client: &Client) -> Result<i64, Error> {
    let page = AuthorizationApi::new(client)
        .get_authorization_permissions()
        .set_page_size(1)
        .send()
        .await?;
    Ok(page.total.unwrap_or_default())
}

async fn run() -> Result<(), Error> {
    let t = support::target().await?;
    let tmp = support::TempDir::new("genesys-token-example")?;
    // The file store creates its directory with mode 0700, and refuses one others can write to.
    let files = FileTokenStore::new(tmp.path().join("tokens"));

    println!(
        "\n1. The first run: persistence on with the prefix \"example\", in a temporary directory"
    );
    let first = &t.client;
    let logins = count_logins(first);
    first.set_token_store(Arc::new(files.clone()));
    first.set_persist_settings(true, Some("example"))?;
    ensure_logged_in(&t, first).await?;
    println!("   {} permission domains", permissions(first).await?);
    let path = files.path("example");
    println!("   saved to {}", path.display());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path)
            .map(|m| m.permissions().mode() & 0o777)
            .unwrap_or_default();
        println!("   file mode {mode:o} (the owner only)");
    }
    if let Some(saved) = files.load("example")? {
        // `Debug` of a StoredToken redacts the tokens.
        println!("   it holds {saved:?}");
    }
    println!("   logins so far: {}", logins.load(Ordering::SeqCst));

    println!("\n2. The next run: a new client with the same store and prefix, set on the builder");
    let second = t
        .builder()?
        .token_store(Arc::new(files.clone()))
        .persist_settings(Some("example"))
        .build()?;
    let logins = count_logins(&second);
    ensure_logged_in(&t, &second).await?;
    println!("   {} permission domains", permissions(&second).await?);
    println!(
        "   logins by this client: {}",
        logins.load(Ordering::SeqCst)
    );
    if logins.load(Ordering::SeqCst) != 0 {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            "the second client logged in again",
        ));
    }

    println!("\n3. Logging out: clear_access_token also removes the saved token");
    second.clear_access_token()?;
    println!("   {} exists: {}", path.display(), path.exists());

    println!("\n4. A store of your own (a secret manager, a database, ...): implement TokenStore");
    let vault = Arc::new(AuditedStore::default());
    let third = t
        .builder()?
        .token_store(vault.clone())
        .persist_settings(Some("example"))
        .build()?;
    ensure_logged_in(&t, &third).await?;
    let fourth = t
        .builder()?
        .token_store(vault.clone())
        .persist_settings(Some("example"))
        .build()?;
    ensure_logged_in(&t, &fourth).await?;
    println!("   {} permission domains", permissions(&fourth).await?);

    println!("   an expired token in the store is removed, not used:");
    let mut expired = StoredToken::new("an-expired-token");
    expired.expires_at_ms = Some(1_000);
    vault.save("old", &expired)?;
    let fifth = t
        .builder()?
        .token_store(vault.clone())
        .persist_settings(Some("old"))
        .build()?;
    println!("   the client has a token: {}", fifth.has_access_token());
    println!("\nDone.");
    Ok(())
}

/// Tokens in memory, printing each access: stands for a secret manager or a database. The SDK
/// checks nothing about a store's format; `StoredToken::to_json`/`from_json` give the
/// official SDKs' JSON if a text form is wanted.
#[derive(Default)]
struct AuditedStore {
    entries: Mutex<HashMap<String, String>>,
}

impl TokenStore for AuditedStore {
    fn load(&self, prefix: &str) -> Result<Option<StoredToken>, Error> {
        let entry = self.entries.lock().unwrap().get(prefix).cloned();
        println!(
            "   [store] load {prefix:?}: {}",
            if entry.is_some() { "found" } else { "none" }
        );
        entry.map(|json| StoredToken::from_json(&json)).transpose()
    }

    fn save(&self, prefix: &str, token: &StoredToken) -> Result<(), Error> {
        println!("   [store] save {prefix:?}");
        self.entries
            .lock()
            .unwrap()
            .insert(prefix.to_owned(), token.to_json());
        Ok(())
    }

    fn remove(&self, prefix: &str) -> Result<(), Error> {
        println!("   [store] remove {prefix:?}");
        self.entries.lock().unwrap().remove(prefix);
        Ok(())
    }
}
