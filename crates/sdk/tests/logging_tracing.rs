//! `tracing` events over real HTTP: levels, and never a token, secret, refresh token, code,
//! verifier or assertion. Alone in its binary: `tracing` caches per-callsite interest
//! process-wide, which other tests' threads would race.

mod capture;
mod redaction;

use redaction::{assert_clean, client, exercise, server};
use std::sync::{Arc, Mutex};

/// A `tracing` subscriber that keeps every event's fields, and every span's, as text.
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
    fn new_span(&self, a: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let mut f = Fields(format!(
            "SPAN {} {}",
            a.metadata().level(),
            a.metadata().name()
        ));
        a.record(&mut f);
        self.0.lock().unwrap().push(f.0);
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, r: &tracing::span::Record<'_>) {
        let mut f = Fields("SPAN-RECORD".to_owned());
        r.record(&mut f);
        self.0.lock().unwrap().push(f.0);
    }
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
    // One span per call, with what identifies it, and what it ended with.
    assert!(
        all.contains("SPAN INFO genesys_cloud.call operation=\"getAuthorizationPermissions\" method=GET path=\"/api/v2/authorization/permissions\""),
        "{all}"
    );
    assert!(all.contains("SPAN-RECORD status=200"), "{all}");
    assert!(all.contains("duration_ms="), "{all}");
}
