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

/// The attack of issue 12: redaction followed the response's `Content-Type`, so a JSON token
/// answer labelled `application/x-www-form-urlencoded` printed `"access_token": "…"` in the
/// debug log. Token answers labelled as a form, as text or not at all, and API bodies holding
/// tokens under the wrong label, go through the debug log and the logger (text and JSON
/// lines) without a secret.
#[tokio::test]
async fn mislabelled_bodies_are_redacted_by_their_shape_and_endpoint() {
    use capture::{Capture, Reply};
    const LEAKS: &[&str] = &[
        "ACCESS-TOKEN-2",
        "REFRESH-TOKEN-2",
        "ID-TOKEN-2",
        "CLIENT-SECRET-1",
        "ODD-SECRET-2",
    ];
    let token_answer = r#"{"access_token":"ACCESS-TOKEN-2","refresh_token":"REFRESH-TOKEN-2","id_token":"ID-TOKEN-2","expires_in":3600,"token_type":"bearer","odd":"ODD-SECRET-2"}"#;
    let labels: Arc<Mutex<Vec<Option<&'static str>>>> = Arc::new(Mutex::new(vec![
        Some("application/x-www-form-urlencoded"),
        Some("text/plain"),
        None,
        Some("application/json"),
    ]));
    let api_calls = Arc::new(Mutex::new(0u32));
    let (l, n) = (labels.clone(), api_calls.clone());
    let cap = Capture::start(move |r| {
        if r.path() == "/oauth/token" {
            let mut reply = Reply::text(200, "", token_answer);
            reply.headers.clear();
            if let Some(Some(ct)) = l.lock().unwrap().pop() {
                reply.headers.push(("content-type".into(), ct.into()));
            }
            return reply;
        }
        let mut n = n.lock().unwrap();
        *n += 1;
        match *n {
            // A form of tokens labelled JSON.
            1 => Reply::json(
                200,
                "access_token=ACCESS-TOKEN-2&refresh_token=REFRESH-TOKEN-2&id_token=ID-TOKEN-2&page=1",
            ),
            // Cut JSON labelled as text.
            2 => Reply::text(
                400,
                "text/plain",
                r#"{"message":"bad","id_token":"ID-TOKEN-2","refreshToken":"REFRESH-TOKEN-2"#,
            ),
            // An echo of the request's headers, as text.
            _ => Reply::text(
                500,
                "text/html",
                "<pre>Authorization: Bearer ACCESS-TOKEN-2\naccess_token: ACCESS-TOKEN-2</pre>",
            ),
        }
    })
    .await;
    let c = client(&cap.url());
    c.set_retry_config(purecloud_platform_client_v2::RetryConfig::disabled());
    let traces: Arc<Mutex<Vec<String>>> = Arc::default();
    let sink = traces.clone();
    c.set_debug_log(move |t| sink.lock().unwrap().push(t.to_owned()), None);
    let dir = std::env::temp_dir().join(format!(
        "purecloud-sdk-log-mislabelled-{}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let mut logs = Vec::new();
    for (i, format) in [LogFormat::Text, LogFormat::Json].into_iter().enumerate() {
        let path = dir.join(format!("sdk-{i}.log"));
        let _ = std::fs::remove_file(&path);
        let mut cfg = LogConfig::new(LogLevel::Trace);
        cfg.format = format;
        cfg.to_console = false;
        cfg.file_path = Some(path.clone());
        cfg.log_request_body = true;
        cfg.log_response_body = true;
        c.set_logging(cfg).unwrap();
        for _ in 0..2 {
            let data = c
                .login_client_credentials_grant("client-id", "CLIENT-SECRET-1")
                .await
                .unwrap();
            assert_eq!(data.access_token(), "ACCESS-TOKEN-2");
        }
        for _ in 0..3 {
            purecloud_platform_client_v2::api::AuthorizationApi::new(&c)
                .get_authorization_permissions()
                .send()
                .await
                .unwrap_err();
        }
        *api_calls.lock().unwrap() = 0;
        logs.push(std::fs::read_to_string(&path).unwrap());
    }
    let _ = std::fs::remove_dir_all(&dir);
    let debug = traces.lock().unwrap().join("\n");
    for (what, text) in [
        ("debug log", &debug),
        ("text log", &logs[0]),
        ("JSON log", &logs[1]),
    ] {
        for s in LEAKS {
            assert!(!text.contains(s), "{s} in the {what}:\n{text}");
        }
        assert!(text.contains("access_token"), "the keys are shown: {text}");
    }
    // The token answers show their keys (and the values that grant nothing).
    assert!(
        debug.contains("\"access_token\": \"[REDACTED]\""),
        "{debug}"
    );
    assert!(debug.contains("\"odd\": \"[REDACTED]\"") && debug.contains("3600"));
    assert!(debug.contains("grant_type=client_credentials"));
    // API bodies: the form labelled JSON, the cut JSON, the header echo.
    assert!(
        debug.contains(
            "access_token=[REDACTED]&refresh_token=[REDACTED]&id_token=[REDACTED]&page=1"
        ),
        "{debug}"
    );
    assert!(debug.contains(r#""id_token":"[REDACTED]""#), "{debug}");
    assert!(debug.contains("Authorization: [REDACTED]"), "{debug}");
    assert!(labels.lock().unwrap().is_empty(), "every label was served");
}
