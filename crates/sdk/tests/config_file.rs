//! The configuration file (INI and JSON, the official SDKs' keys) as the client reads it:
//! precedence, environment variables, bad files; and bad input to the client's setters.

mod capture;

use capture::{Capture, Reply};
use purecloud_platform_client_v2::api::AuthorizationApi;
use purecloud_platform_client_v2::{Client, ErrorKind, MemoryTokenStore, RetryConfig};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

fn write(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("purecloud-sdk-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn builder() -> purecloud_platform_client_v2::ClientBuilder {
    Client::builder().token_store(Arc::new(MemoryTokenStore::new()))
}

#[test]
fn ini_and_json_files_configure_the_client() {
    let ini = write(
        "ini",
        "[general]\nhost = https://api.mypurecloud.ie/\n[retry]\nretry_wait_min = 1\nretry_wait_max = 4\nretry_max = 2\nretry_max_time = 30\n\
         [reauthentication]\nrefresh_access_token = false\nrefresh_token_wait_max = 20\n",
    );
    let c = builder().config_file(&ini).build().unwrap();
    assert_eq!(c.base_url(), "https://api.mypurecloud.ie");
    assert_eq!(c.login_base_url(), "https://login.mypurecloud.ie");
    assert_eq!(
        c.retry_config(),
        RetryConfig::default()
            .with_max_retries(2)
            .with_backoff(Duration::from_secs(1), Duration::from_secs(4))
            .with_max_retry_time(Duration::from_secs(30))
    );
    let json = write(
        "json",
        r#"{"general": {"host": "usw2.pure.cloud"},
            "gateway": {"host": "gw.example.com", "port": 8443, "path_params_login": "login", "path_params_api": "api", "username": "u", "password": "p"},
            "retry": {"retry_max": 0}}"#,
    );
    let c = builder().config_file(&json).build().unwrap();
    assert_eq!(c.environment(), "usw2.pure.cloud");
    assert_eq!(c.base_url(), "https://gw.example.com:8443/api");
    assert_eq!(c.login_base_url(), "https://gw.example.com:8443/login");
    assert_eq!(c.retry_config().max_retries, 0);
    // What the builder sets wins over the file.
    let c = builder()
        .config_file(&json)
        .base_url("http://127.0.0.1:9")
        .retry(RetryConfig::default())
        .build()
        .unwrap();
    assert_eq!(
        c.base_url(),
        "https://gw.example.com:8443/api",
        "a gateway still wins over a base URL"
    );
    assert_eq!(c.retry_config().max_retries, 5);
    let c = builder()
        .config_file(&ini)
        .environment("mypurecloud.jp")
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(c.base_url(), "https://api.mypurecloud.jp");
}

#[test]
fn bad_files_fail_the_build_with_the_file_line_and_key() {
    let cases = [
        ("bad1", "[retry]\nretry_max = lots\n", "line 2"),
        ("bad2", "retry_max = 5\n", "line 1"),
        ("bad3", "{\"retry\": {\"retry_max\": true", "invalid JSON"),
        ("bad4", "[gateway]\nhost = gw.example.com\nprotocol = ftp\n", "ftp"),
        ("bad5", "[logging]\nlog_level = trace\nlog_to_console = false\nlog_file_path = /nonexistent-dir/sdk.log\n", "/nonexistent-dir/sdk.log"),
        ("bad6", "[general]\nhost = https://\n", "host"),
    ];
    for (name, text, what) in cases {
        let p = write(name, text);
        let e = builder().config_file(&p).build().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput, "{name}");
        assert!(e.message().contains(what), "{name}: {}", e.message());
        if name != "bad5" {
            assert!(
                e.message().contains(p.to_str().unwrap()),
                "{name}: {}",
                e.message()
            );
        }
    }
    let e = builder()
        .config_file("/nonexistent/config")
        .build()
        .unwrap_err();
    assert!(
        e.message().contains("/nonexistent/config"),
        "{}",
        e.message()
    );
    let p = write("binary", "");
    std::fs::write(&p, [0xff, 0xfe, 0x00]).unwrap();
    assert!(builder()
        .config_file(&p)
        .build()
        .unwrap_err()
        .message()
        .contains("UTF-8"));
}

#[tokio::test]
async fn the_logging_section_writes_the_log_file() {
    let log = std::env::temp_dir().join(format!(
        "purecloud-sdk-config-{}-sdk.log",
        std::process::id()
    ));
    let _ = std::fs::remove_file(&log);
    let cfg = write(
        "logging",
        &format!("[logging]\nlog_level = debug\nlog_format = text\nlog_to_console = false\nlog_file_path = {}\nlog_request_body = true\n", log.display()),
    );
    let cap = Capture::start(|_| Reply::json(200, "{}")).await;
    let c = builder()
        .config_file(&cfg)
        .base_url(cap.url())
        .access_token("TOKEN-XYZ")
        .build()
        .unwrap();
    AuthorizationApi::new(&c)
        .get_authorization_permissions()
        .send()
        .await
        .unwrap();
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(
        text.contains(":DEBUG: GET ") && text.contains("/api/v2/authorization/permissions 200"),
        "{text}"
    );
    assert!(
        text.contains("authorization: [REDACTED]") && !text.contains("TOKEN-XYZ"),
        "{text}"
    );
    // Reloading another file changes the settings at run time.
    let off = write(
        "off",
        "[logging]\nlog_level = none\n[retry]\nretry_max = 1\n",
    );
    c.load_config_file(&off).unwrap();
    assert_eq!(c.retry_config().max_retries, 1);
    let before = std::fs::read_to_string(&log).unwrap().len();
    AuthorizationApi::new(&c)
        .get_authorization_permissions()
        .send()
        .await
        .unwrap();
    assert_eq!(std::fs::read_to_string(&log).unwrap().len(), before);
    let _ = std::fs::remove_file(&log);
}

#[test]
fn setters_reject_bad_input_with_clear_errors() {
    let c = builder().no_config_file().build().unwrap();
    for bad in [
        "",
        "  ",
        "https://",
        "my purecloud.com",
        "localhost",
        "mypurecloud..com",
    ] {
        let e = c.set_environment(bad).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert!(e.message().contains("environment"), "{}", e.message());
    }
    assert_eq!(c.environment(), "mypurecloud.com");
    for bad in ["ftp://x", "http://", "api.mypurecloud.com", "http://a b"] {
        let e = builder()
            .no_config_file()
            .base_url(bad)
            .build()
            .unwrap_err();
        assert!(e.message().contains("base URL"), "{}", e.message());
    }
    assert!(c
        .set_persist_settings(true, Some("../x"))
        .unwrap_err()
        .message()
        .contains("prefix"));
    assert!(c
        .set_default_header("bad header", "x")
        .unwrap_err()
        .message()
        .contains("bad header"));
    assert!("nowhere-1"
        .parse::<purecloud_platform_client_v2::Region>()
        .is_err());
}
