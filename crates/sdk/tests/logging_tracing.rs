//! `tracing` events over real HTTP: levels, and never a token, secret, refresh token, code,
//! verifier or assertion. Alone in its binary: `tracing` caches per-callsite interest
//! process-wide, which other tests' threads would race.

mod capture;

use capture::{Capture, Reply};
use purecloud_platform_client_v2::api::AuthorizationApi;
use purecloud_platform_client_v2::{Client, MemoryTokenStore, RetryConfig};
use std::sync::{Arc, Mutex};

const SECRETS: &[&str] = &[
    "CLIENT-SECRET-1",
    "ACCESS-TOKEN-1",
    "REFRESH-TOKEN-1",
    "AUTH-CODE-1",
    "SAML-ASSERTION-1",
    "VERIFIER-VERIFIER-VERIFIER-VERIFIER-VERIFIER-1",
    "PROXY-PASSWORD-1",
];

async fn server() -> Capture {
    let calls = Mutex::new(0u32);
    Capture::start(move |r| {
        if r.path() == "/oauth/token" {
            return Reply::json(200, r#"{"access_token":"ACCESS-TOKEN-1","refresh_token":"REFRESH-TOKEN-1","expires_in":3600,"token_type":"bearer"}"#);
        }
        let mut n = calls.lock().unwrap();
        *n += 1;
        match *n {
            1 => Reply::json(401, r#"{"status":401,"code":"bad.credentials","message":"Invalid login credentials."}"#),
            2 => Reply::json(503, r#"{"status":503,"code":"service.unavailable","message":"down"}"#).header("retry-after", "0"),
            _ => Reply::json(
                200,
                r#"{"entities":[{"id":"1","name":"a"},{"id":"2","name":"b"},{"id":"3","name":"c"}],"total":3,"accessToken":"ACCESS-TOKEN-1"}"#,
            )
            .header("set-cookie", "session=ACCESS-TOKEN-1"),
        }
    })
    .await
}

fn client(base: &str) -> Client {
    Client::builder()
        .base_url(base)
        .no_config_file()
        .token_store(Arc::new(MemoryTokenStore::new()))
        .retry(
            RetryConfig::default()
                .with_backoff(std::time::Duration::ZERO, std::time::Duration::ZERO),
        )
        .build()
        .unwrap()
}

async fn exercise(c: &Client) {
    c.login_client_credentials_grant("client-id", "CLIENT-SECRET-1")
        .await
        .unwrap();
    // 401 → renewal → 503 → retry → 200
    AuthorizationApi::new(c)
        .get_authorization_permissions()
        .send()
        .await
        .unwrap();
    c.login_code_authorization_grant(
        "client-id",
        "CLIENT-SECRET-1",
        "AUTH-CODE-1",
        "http://localhost/cb",
    )
    .await
    .unwrap();
    c.refresh_code_authorization_token("client-id", "CLIENT-SECRET-1", "REFRESH-TOKEN-1")
        .await
        .unwrap();
    c.login_saml2_bearer_grant("client-id", "CLIENT-SECRET-1", "org", "SAML-ASSERTION-1")
        .await
        .unwrap();
    c.login_pkce_grant(
        "client-id",
        "VERIFIER-VERIFIER-VERIFIER-VERIFIER-VERIFIER-1",
        "AUTH-CODE-1",
        "http://localhost/cb",
    )
    .await
    .unwrap();
}

fn assert_clean(text: &str) {
    for s in SECRETS {
        assert!(!text.contains(s), "{s} leaked:\n{text}");
    }
}

/// A `tracing` subscriber that keeps every event's fields as text.
struct Events(Arc<Mutex<Vec<String>>>);

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
        let mut f = Fields(format!(
            "{} {}",
            e.metadata().level(),
            e.metadata().target()
        ));
        e.record(&mut f);
        self.0.lock().unwrap().push(f.0);
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

#[tokio::test(flavor = "current_thread")]
async fn tracing_events_have_levels_and_no_secrets() {
    let events: Arc<Mutex<Vec<String>>> = Arc::default();
    tracing::dispatcher::set_global_default(tracing::Dispatch::new(Events(events.clone())))
        .unwrap();
    let cap = server().await;
    let c = client(&cap.url());
    exercise(&c).await;
    let all = events.lock().unwrap().join("\n");
    assert_clean(&all);
    assert!(
        all.contains("DEBUG purecloud_platform_client_v2") && all.contains("sending request"),
        "{all}"
    );
    assert!(all.contains("WARN") && all.contains("retrying"), "{all}");
    assert!(
        all.contains("INFO") && all.contains("401 Unauthorized: renewing"),
        "{all}"
    );
    assert!(all.contains("logged in"));
}
