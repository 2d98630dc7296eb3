//! The quickstart: the official SDK README's flows, in Rust.
//!
//! ```sh
//! cargo run -p purecloud-platform-client-v2 --example quickstart
//! ```
//!
//! With no credentials in the environment it starts the local Platform API simulator in this
//! process (on a free port) and runs everything against it. To talk to a real Genesys Cloud org,
//! set:
//!
//! - `GENESYS_CLOUD_CLIENT_ID`, `GENESYS_CLOUD_CLIENT_SECRET`: an OAuth client of the
//!   client-credentials type (used for steps 1 and 4),
//! - `GENESYS_CLOUD_ENVIRONMENT`: e.g. `mypurecloud.ie` (default `mypurecloud.com`),
//! - `GENESYS_CLOUD_USER_TOKEN` (optional): a user's access token for steps 2 and 3 (a user login
//!   needs a browser; against the simulator the quickstart plays the browser's part itself).

use purecloud_platform_client_v2::api::{AuthorizationApi, UsersApi};
use purecloud_platform_client_v2::{
    compute_pkce_code_challenge, generate_pkce_code_verifier, Client, Error, ErrorKind,
};
use purecloud_simulator::Simulator;
use std::sync::{Arc, Mutex};

mod support;

#[tokio::main]
async fn main() {
    support::exit_on_error("quickstart", run().await);
}

async fn run() -> Result<(), Error> {
    let t = support::target().await?;
    let client = &t.client;
    // A user login needs a browser: against a real org, take a user's token from the
    // environment; against the simulator the quickstart plays the browser's part itself.
    let user_token = match t.sim {
        Some(_) => None,
        None => support::env("GENESYS_CLOUD_USER_TOKEN"),
    };

    println!("\n1. Client-credentials login, then GET /api/v2/authorization/permissions");
    let auth = client
        .login_client_credentials_grant(&t.client_id, &t.client_secret)
        .await?;
    println!("   logged in; the token expires in {:?}", auth.expires_in());
    let permissions = AuthorizationApi::new(client)
        .get_authorization_permissions()
        .set_page_size(5)
        .send()
        .await?;
    println!(
        "   {} permission domains in all; the first page has:",
        permissions.total.unwrap_or_default()
    );
    for p in permissions.entities.iter().flatten() {
        println!("   - {}", p.domain.as_deref().unwrap_or("?"));
    }

    println!("\n2. A user's login, then GET /api/v2/users/me?expand=presence");
    let user = match (&t.sim, &user_token) {
        (_, Some(token)) => {
            println!("   using GENESYS_CLOUD_USER_TOKEN");
            Client::builder()
                .environment(&client.environment())?
                .access_token(token.clone())
                .build()?
        }
        (Some(sim), None) => pkce_login_against(sim, &t.client_id).await?,
        (None, None) => {
            println!("   skipped: set GENESYS_CLOUD_USER_TOKEN to a user's token (a user login needs a browser)");
            return not_found_and_debug_log(client).await;
        }
    };
    let me = UsersApi::new(&user)
        .get_users_me()
        .set_expand(["presence"])
        .send()
        .await?;
    println!("   Hello, {}!", me.name.as_deref().unwrap_or("?"));
    if let Some(presence) = me
        .presence
        .as_ref()
        .and_then(|p| p.presence_definition.as_ref())
    {
        println!(
            "   Your presence: {}",
            presence.system_presence.as_deref().unwrap_or("?")
        );
    }

    println!("\n3. The extended response of the same call");
    let ext = UsersApi::new(&user).get_users_me().send_extended().await?;
    println!("   status: {} {}", ext.status, ext.status_text);
    for name in [
        "content-type",
        "inin-correlation-id",
        "inin-ratelimit-allowed",
        "inin-ratelimit-count",
    ] {
        if let Some(v) = ext.headers.get(name).and_then(|v| v.to_str().ok()) {
            println!("   header {name}: {v}");
        }
    }
    let text = ext.text();
    println!(
        "   body ({} bytes): {}…",
        text.len(),
        text.chars().take(100).collect::<String>()
    );

    not_found_and_debug_log(client).await
}

/// The PKCE flow against the simulator: the quickstart plays the browser, which a real app would
/// send to `authorize_url` and get the code back on its redirect URI.
async fn pkce_login_against(sim: &Simulator, client_id: &str) -> Result<Client, Error> {
    let redirect_uri = purecloud_simulator::DEFAULT_REDIRECT_URI;
    let verifier = generate_pkce_code_verifier(64)?;
    let challenge = compute_pkce_code_challenge(&verifier);
    let user = Client::builder()
        .base_url(sim.base_url())
        .login_base_url(sim.base_url())
        .no_config_file()
        .build()?;
    let url = user.pkce_authorize_url(client_id, redirect_uri, &challenge, Some("quickstart"));
    println!("   PKCE: the browser opens {url}");
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| Error::new(ErrorKind::Transport, e.to_string()))?;
    let resp = http
        .get(&url)
        .send()
        .await
        .map_err(|e| Error::new(ErrorKind::Transport, e.to_string()))?;
    let location = resp
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| Error::new(ErrorKind::Auth, "the authorize endpoint did not redirect"))?;
    let code = location
        .split(['?', '&'])
        .find_map(|kv| kv.strip_prefix("code="))
        .ok_or_else(|| {
            Error::new(
                ErrorKind::Auth,
                format!("no code in the redirect {location}"),
            )
        })?;
    println!("   the login service redirected back with a code; exchanging it with the verifier");
    user.login_pkce_grant(client_id, &verifier, code, redirect_uri)
        .await?;
    Ok(user)
}

async fn not_found_and_debug_log(client: &Client) -> Result<(), Error> {
    println!("\n4. An error: GET /api/v2/users/no-such-user");
    match UsersApi::new(client).get_user("no-such-user").send().await {
        Ok(_) => println!("   unexpectedly found"),
        Err(e) => {
            println!("   {} - {}", e.status().unwrap_or_default(), e.message());
            println!("   code: {}", e.code().unwrap_or("?"));
            println!("   correlation id: {}", e.correlation_id().unwrap_or("?"));
        }
    }

    println!("\n5. The debug log, with the response body cut to 10 lines");
    let lines = Arc::new(Mutex::new(Vec::new()));
    let sink = lines.clone();
    client.set_debug_log(
        move |trace| sink.lock().unwrap().push(trace.to_owned()),
        Some(10),
    );
    AuthorizationApi::new(client)
        .get_authorization_permissions()
        .set_page_size(1)
        .send()
        .await?;
    client.clear_debug_log();
    for trace in lines.lock().unwrap().iter() {
        for line in trace.lines() {
            println!("   | {line}");
        }
    }
    println!("\nDone.");
    Ok(())
}
