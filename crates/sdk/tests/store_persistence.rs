//! Token persistence: the file store (mode 0600, one file per prefix, atomic writes), the memory
//! store, `set_persist_settings` against the simulator.

use purecloud_platform_client_v2::api::AuthorizationApi;
use purecloud_platform_client_v2::{
    Client, ErrorKind, FileTokenStore, MemoryTokenStore, StoredToken, TokenStore,
};
use purecloud_simulator::{Simulator, SimulatorConfig, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET};
use std::path::PathBuf;
use std::sync::Arc;

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("purecloud-sdk-store-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

#[cfg(unix)]
fn mode(p: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn the_file_store_writes_one_private_file_per_prefix() {
    let dir = temp_dir("files");
    let store = FileTokenStore::new(dir.join("nested"));
    assert!(store.load("purecloud").unwrap().is_none());
    let mut t = StoredToken::new("AT");
    t.refresh_token = Some("RT".into());
    t.expires_at_ms = Some(4_000_000_000_000);
    store.save("purecloud", &t).unwrap();
    store.save("other", &StoredToken::new("AT2")).unwrap();
    let path = store.path("purecloud");
    assert_eq!(path.file_name().unwrap(), "purecloud_auth_data.json");
    #[cfg(unix)]
    {
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(&store.path("other")), 0o600);
        assert_eq!(mode(store.dir()), 0o700);
        // A file loosened by someone else is tightened on the next save.
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        store.save("purecloud", &t).unwrap();
        assert_eq!(mode(&path), 0o600);
    }
    assert_eq!(store.load("purecloud").unwrap().unwrap(), t);
    assert_eq!(store.load("other").unwrap().unwrap().access_token, "AT2");
    let text = std::fs::read_to_string(&path).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["accessToken"], "AT");
    assert_eq!(v["tokenExpiryTime"], 4_000_000_000_000u64);
    // No temporary files left behind.
    assert_eq!(std::fs::read_dir(store.dir()).unwrap().count(), 2);
    store.remove("purecloud").unwrap();
    assert!(store.load("purecloud").unwrap().is_none());
    store.remove("purecloud").unwrap();

    // Bad prefixes and corrupt files are clear errors.
    let e = store.save("../escape", &t).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(e.message().contains("prefix"));
    std::fs::write(store.path("broken"), "<html>").unwrap();
    let e = store.load("broken").unwrap_err();
    assert!(
        e.message().contains("broken_auth_data.json") && e.message().contains("not JSON"),
        "{}",
        e.message()
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn persisted_tokens_are_saved_on_login_and_loaded_by_the_next_client() {
    let sim = Simulator::start(SimulatorConfig::default()).await.unwrap();
    let dir = temp_dir("persist");
    let store: Arc<dyn TokenStore> = Arc::new(FileTokenStore::new(&dir));
    let build = || {
        Client::builder()
            .base_url(sim.base_url())
            .no_config_file()
            .token_store(store.clone())
            .build()
            .unwrap()
    };
    let first = build();
    first.set_persist_settings(true, Some("my-app")).unwrap();
    let data = first
        .login_client_credentials_grant(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET)
        .await
        .unwrap();
    let saved = store.load("my-app").unwrap().unwrap();
    assert_eq!(saved.access_token, data.access_token());
    assert!(saved.expires_at_ms.is_some());
    #[cfg(unix)]
    assert_eq!(mode(&dir.join("my-app_auth_data.json")), 0o600);

    // A new client (a restart) with the same prefix needs no login.
    let second = build();
    assert!(!second.has_access_token());
    second.set_persist_settings(true, Some("my-app")).unwrap();
    assert!(second.has_access_token());
    AuthorizationApi::new(&second)
        .get_authorization_permissions()
        .send()
        .await
        .unwrap();
    // Another prefix: nothing there. The default prefix is "purecloud".
    let third = build();
    third.set_persist_settings(true, None).unwrap();
    assert!(!third.has_access_token());
    third.set_access_token("given");
    assert_eq!(
        store.load("purecloud").unwrap().unwrap().access_token,
        "given"
    );
    // Expired tokens are not loaded.
    let mut old = StoredToken::new("old");
    old.expires_at_ms = Some(1_000);
    store.save("expired", &old).unwrap();
    let fourth = build();
    fourth.set_persist_settings(true, Some("expired")).unwrap();
    assert!(!fourth.has_access_token());
    // Forgetting the token removes the file.
    second.clear_access_token().unwrap();
    assert!(store.load("my-app").unwrap().is_none());
    assert!(second
        .set_persist_settings(true, Some("bad prefix"))
        .is_err());
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_memory_store_shares_a_token_between_clients() {
    let sim = Simulator::start(SimulatorConfig::default()).await.unwrap();
    let store = Arc::new(MemoryTokenStore::new());
    let a = Client::builder()
        .base_url(sim.base_url())
        .no_config_file()
        .token_store(store.clone())
        .persist_settings(None)
        .build()
        .unwrap();
    a.login_client_credentials_grant(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET)
        .await
        .unwrap();
    let b = Client::builder()
        .base_url(sim.base_url())
        .no_config_file()
        .token_store(store.clone())
        .persist_settings(None)
        .build()
        .unwrap();
    assert!(b.has_access_token());
    AuthorizationApi::new(&b)
        .get_authorization_permissions()
        .send()
        .await
        .unwrap();
    assert!(!format!("{store:?}").contains(&store.load("purecloud").unwrap().unwrap().access_token));
}
