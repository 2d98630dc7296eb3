//! Debug logging over real HTTP: the `set_debug_log` hook, the configurable logger and
//! `tracing` events never show tokens, secrets, refresh tokens, codes, verifiers or assertions.

mod capture;
mod redaction;

use purecloud_platform_client_v2::{LogConfig, LogFormat, LogLevel};
use redaction::{assert_clean, client, exercise, server};
use std::sync::{Arc, Mutex};

#[tokio::test]
async fn the_debug_log_hook_sees_every_exchange_with_secrets_redacted() {
    let cap = server().await;
    let c = client(&cap.url());
    let lines: Arc<Mutex<Vec<String>>> = Arc::default();
    let sink = lines.clone();
    c.set_debug_log(move |t| sink.lock().unwrap().push(t.to_owned()), Some(4));
    exercise(&c).await;
    let all = lines.lock().unwrap().join("\n");
    assert_clean(&all);
    assert!(all.contains("authorization: [REDACTED]"), "{all}");
    assert!(all.contains("set-cookie: [REDACTED]"));
    assert!(all.contains("grant_type=client_credentials"));
    assert!(
        all.contains("refresh_token=[REDACTED]")
            && all.contains("assertion=[REDACTED]")
            && all.contains("code_verifier=[REDACTED]")
            && all.contains("code=[REDACTED]")
    );
    assert!(all.contains("\"access_token\": \"[REDACTED]\""), "{all}");
    assert!(all.contains(&format!("POST {}/oauth/token", cap.url())));
    assert!(all.contains("GET ") && all.contains("/api/v2/authorization/permissions"));
    assert!(
        all.contains(": 401 Unauthorized")
            && all.contains(": 503 Service Unavailable")
            && all.contains(": 200 OK")
    );
    assert!(all.contains("=== RETRY"), "{all}");
    assert!(all.contains("more lines"), "the body is cut to 4 lines");
    assert!(all.contains(&format!("purecloud-sdk: {}", env!("CARGO_PKG_VERSION"))));
    // One trace per request and one per response.
    let requests = lines
        .lock()
        .unwrap()
        .iter()
        .filter(|l| l.starts_with("=== REQUEST"))
        .count();
    let responses = lines
        .lock()
        .unwrap()
        .iter()
        .filter(|l| l.starts_with("=== RESPONSE"))
        .count();
    assert_eq!(requests, cap.requests().len());
    assert_eq!(responses, requests);
    // Debug output of the client, errors and auth data hide the token too.
    assert_clean(&format!("{c:?}"));
    c.clear_debug_log();
}

#[cfg(unix)]
fn mode(p: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[tokio::test]
async fn the_log_file_is_json_lines_without_secrets() {
    let cap = server().await;
    let c = client(&cap.url());
    let dir = std::env::temp_dir().join(format!("purecloud-sdk-log-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("sdk.log");
    let _ = std::fs::remove_file(&path);
    let mut cfg = LogConfig::new(LogLevel::Trace);
    cfg.format = LogFormat::Json;
    cfg.to_console = false;
    cfg.file_path = Some(path.clone());
    cfg.log_request_body = true;
    cfg.log_response_body = true;
    c.set_logging(cfg).unwrap();
    exercise(&c).await;
    let text = std::fs::read_to_string(&path).unwrap();
    assert_clean(&text);
    let entries: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(entries.len(), cap.requests().len());
    let first = &entries[0];
    assert_eq!(first["method"], "POST");
    assert_eq!(first["statusCode"], 200);
    assert_eq!(first["requestHeaders"]["authorization"], "[REDACTED]");
    assert!(first["requestBody"]
        .as_str()
        .unwrap()
        .contains("grant_type=client_credentials"));
    assert!(entries
        .iter()
        .any(|e| e["statusCode"] == 503 && e["level"] == "error"));
    #[cfg(unix)]
    assert_eq!(mode(&path), 0o600);

    // Error level: failures only, as text.
    let path2 = dir.join("errors.log");
    let _ = std::fs::remove_file(&path2);
    let mut cfg = LogConfig::new(LogLevel::Error);
    cfg.to_console = false;
    cfg.file_path = Some(path2.clone());
    cfg.log_response_body = true;
    c.set_logging(cfg).unwrap();
    exercise(&c).await;
    let text = std::fs::read_to_string(&path2).unwrap();
    assert_clean(&text);
    assert!(
        text.is_empty() || text.lines().next().unwrap().contains(":ERROR: "),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(&dir);

    // A log file that cannot be opened is a clear error.
    let mut cfg = LogConfig::new(LogLevel::Debug);
    cfg.file_path = Some("/nonexistent-dir/x/sdk.log".into());
    let e = c.set_logging(cfg).unwrap_err();
    assert!(
        e.message().contains("/nonexistent-dir/x/sdk.log"),
        "{}",
        e.message()
    );
}
