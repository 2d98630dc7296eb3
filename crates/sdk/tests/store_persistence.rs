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

    // Bad prefixes are clear errors; a corrupt file is no token (see below).
    let e = store.save("../escape", &t).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(e.message().contains("prefix"));
    std::fs::write(store.path("broken"), "<html>").unwrap();
    assert_eq!(store.load("broken").unwrap(), None);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The attack of issue 12: the temporary file had a predictable name
/// (`.<prefix>_auth_data.json.<pid>.tmp`) and was opened without `O_EXCL`, so a symbolic link
/// planted there made `save()` write the token into the link's target.
#[cfg(unix)]
#[test]
fn a_link_planted_at_the_old_temporary_name_is_not_followed() {
    let dir = temp_dir("symlink");
    let store = FileTokenStore::new(dir.join("store"));
    store.save("purecloud", &StoredToken::new("first")).unwrap();
    let victim = dir.join("victim.txt");
    std::fs::write(&victim, "victim's data").unwrap();
    let planted = store.dir().join(format!(
        ".purecloud_auth_data.json.{}.tmp",
        std::process::id()
    ));
    std::os::unix::fs::symlink(&victim, &planted).unwrap();

    store
        .save("purecloud", &StoredToken::new("SECRET-TOKEN-1"))
        .unwrap();
    assert_eq!(
        std::fs::read_to_string(&victim).unwrap(),
        "victim's data",
        "the token was written through the planted link"
    );
    let path = store.path("purecloud");
    assert!(std::fs::symlink_metadata(&path).unwrap().is_file());
    assert_eq!(mode(&path), 0o600);
    assert_eq!(
        store.load("purecloud").unwrap().unwrap().access_token,
        "SECRET-TOKEN-1"
    );
    assert!(std::fs::symlink_metadata(&planted)
        .unwrap()
        .file_type()
        .is_symlink());
    // The token file itself replaced by a link: a save replaces the link, not its target.
    std::fs::remove_file(&path).unwrap();
    std::os::unix::fs::symlink(&victim, &path).unwrap();
    store
        .save("purecloud", &StoredToken::new("SECRET-TOKEN-2"))
        .unwrap();
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "victim's data");
    assert!(std::fs::symlink_metadata(&path).unwrap().is_file());
    // The token file and the planted link: no temporary file left behind.
    assert_eq!(std::fs::read_dir(store.dir()).unwrap().count(), 2);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A directory others can write to (0777 was accepted) is refused, for saving and loading, with
/// a clear error; a client persisting there does not build. A private one works.
#[cfg(unix)]
#[test]
fn a_directory_others_can_write_to_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let dir = temp_dir("shared");
    let shared = dir.join("shared");
    std::fs::create_dir_all(&shared).unwrap();
    let store = FileTokenStore::new(&shared);
    let token = StoredToken::new("SECRET-TOKEN-3");
    for (m, who) in [
        (0o777, "everyone"),
        (0o1777, "everyone"),
        (0o733, "everyone"),
        (0o770, "its group"),
        (0o720, "its group"),
    ] {
        std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(m)).unwrap();
        let e = store.save("purecloud", &token).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert!(
            e.message().contains(&format!("writable by {who}"))
                && e.message().contains(&shared.display().to_string())
                && e.message().contains("chmod 700"),
            "{m:o}: {}",
            e.message()
        );
        assert!(!e.message().contains("SECRET"));
        assert_eq!(std::fs::read_dir(&shared).unwrap().count(), 0, "{m:o}");
        let e = store.load("purecloud").unwrap_err();
        assert!(e.message().contains("writable by"), "{}", e.message());
        let built = Client::builder()
            .no_config_file()
            .token_store(Arc::new(store.clone()))
            .persist_settings(None)
            .build();
        let e = built.unwrap_err();
        assert!(e.message().contains("writable by"), "{}", e.message());
    }
    // A file where a directory should be.
    let file = dir.join("a-file");
    std::fs::write(&file, "x").unwrap();
    let e = FileTokenStore::new(&file).save("p", &token).unwrap_err();
    assert!(e.message().contains("not a directory"), "{}", e.message());

    for m in [0o700, 0o755, 0o750] {
        std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(m)).unwrap();
        store.save("purecloud", &token).unwrap();
        assert_eq!(store.load("purecloud").unwrap().unwrap(), token);
    }

    // A private directory that belongs to someone else (only root can make one to test).
    let probe = dir.join("probe");
    std::fs::write(&probe, "").unwrap();
    if std::os::unix::fs::MetadataExt::uid(&std::fs::metadata(&probe).unwrap()) == 0 {
        let theirs = dir.join("theirs");
        std::fs::create_dir(&theirs).unwrap();
        std::fs::set_permissions(&theirs, std::fs::Permissions::from_mode(0o700)).unwrap();
        std::os::unix::fs::chown(&theirs, Some(65534), Some(65534)).unwrap();
        let e = FileTokenStore::new(&theirs)
            .save("purecloud", &token)
            .unwrap_err();
        assert!(
            e.message().contains("belongs to user 65534"),
            "{}",
            e.message()
        );
        assert_eq!(std::fs::read_dir(&theirs).unwrap().count(), 0);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Saves from many threads of one process all succeed (1,183 of 2,400 failed when they shared
/// one temporary name), and the file is a whole token at every moment.
#[test]
fn concurrent_saves_all_succeed_and_the_file_is_always_a_token() {
    const THREADS: usize = 8;
    const SAVES: usize = 300;
    let dir = temp_dir("concurrent");
    let store = Arc::new(FileTokenStore::new(&dir));
    store.save("race", &StoredToken::new("initial")).unwrap();
    let path = store.path("race");
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let reader = {
        let (done, path) = (done.clone(), path.clone());
        std::thread::spawn(move || {
            let (mut reads, mut bad) = (0u32, Vec::new());
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                reads += 1;
                let whole = match std::fs::read_to_string(&path) {
                    Ok(text) => serde_json::from_str::<serde_json::Value>(&text)
                        .ok()
                        .and_then(|v| v["accessToken"].as_str().map(|t| t.len() > 1))
                        .unwrap_or(false)
                        .then_some(())
                        .ok_or(text),
                    Err(e) => Err(e.to_string()),
                };
                if let Err(what) = whole {
                    bad.push(what);
                }
            }
            (reads, bad)
        })
    };
    let writers: Vec<_> = (0..THREADS)
        .map(|t| {
            let store = store.clone();
            std::thread::spawn(move || {
                let mut failed = Vec::new();
                for i in 0..SAVES {
                    let mut token = StoredToken::new(format!("T{t}-{i}"));
                    token.refresh_token = Some(format!("R{t}-{i}"));
                    token.expires_at_ms = Some(4_000_000_000_000 + i as u64);
                    if let Err(e) = store.save("race", &token) {
                        failed.push(e.to_string());
                    }
                }
                failed
            })
        })
        .collect();
    let failed: Vec<String> = writers
        .into_iter()
        .flat_map(|w| w.join().unwrap())
        .collect();
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    let (reads, bad) = reader.join().unwrap();
    assert!(
        failed.is_empty(),
        "{} of {} saves failed, e.g. {:?}",
        failed.len(),
        THREADS * SAVES,
        failed.first()
    );
    assert!(
        bad.is_empty(),
        "{} of {reads} reads saw no whole token, e.g. {:?}",
        bad.len(),
        bad.first()
    );
    assert!(reads > 0);
    let last = store.load("race").unwrap().unwrap();
    let (t, i) = last.access_token[1..].split_once('-').unwrap();
    assert_eq!(
        i,
        (SAVES - 1).to_string(),
        "the last save of some thread wins"
    );
    assert_eq!(last.refresh_token, Some(format!("R{t}-{i}")));
    #[cfg(unix)]
    assert_eq!(mode(&path), 0o600);
    // No temporary files left behind.
    let names: Vec<_> = std::fs::read_dir(store.dir())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("race_auth_data.json")]);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A `tracing` subscriber (for the current thread) that keeps every event as text.
struct Events(Arc<std::sync::Mutex<Vec<String>>>);

struct Fields(String);

impl tracing::field::Visit for Fields {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.push_str(&format!(" {}={:?}", field.name(), value));
    }
}

impl tracing::Subscriber for Events {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, e: &tracing::Event<'_>) {
        let mut f = Fields(e.metadata().level().to_string());
        e.record(&mut f);
        self.0.lock().unwrap().push(f.0);
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

/// A token file that is not a token (it made `build()` fail) is no token: the client builds,
/// has no token, warns without the content, and the next token replaces the file.
#[test]
fn a_corrupt_token_file_is_no_token_and_the_client_still_builds() {
    let dir = temp_dir("corrupt");
    let store = FileTokenStore::new(&dir);
    store.save("ok", &StoredToken::new("x")).unwrap();
    let path = store.path("broken");
    let contents: Vec<Vec<u8>> = vec![
        b"<html>CONTENT-SECRET-1</html>".to_vec(),
        b"{\"accessToken\":\"CONTENT-SECRET-1\"".to_vec(),
        b"{\"accessToken\":\"\",\"refreshToken\":\"CONTENT-SECRET-1\"}".to_vec(),
        b"{\"accessToken\":\"CONTENT-SECRET-1\",\"tokenExpiryTime\":\"soon\"}".to_vec(),
        b"\xff\xfeCONTENT-SECRET-1".to_vec(),
        b"".to_vec(),
        format!(
            "{{\"accessToken\":\"CONTENT-SECRET-1{}\"}}",
            "x".repeat(2 << 20)
        )
        .into_bytes(),
    ];
    for content in contents {
        std::fs::write(&path, &content).unwrap();
        let events: Arc<std::sync::Mutex<Vec<String>>> = Arc::default();
        let client = tracing::subscriber::with_default(Events(events.clone()), || {
            Client::builder()
                .no_config_file()
                .token_store(Arc::new(store.clone()))
                .persist_settings(Some("broken"))
                .build()
        })
        .unwrap_or_else(|e| panic!("build failed on a corrupt token file: {e}"));
        assert!(!client.has_access_token());
        let all = events.lock().unwrap().join("\n");
        assert!(
            all.contains("WARN") && all.contains("broken_auth_data.json"),
            "{all}"
        );
        assert!(!all.contains("CONTENT-SECRET"), "{all}");
        // The next token replaces the file.
        client.set_access_token("given");
        assert_eq!(store.load("broken").unwrap().unwrap().access_token, "given");
    }
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
