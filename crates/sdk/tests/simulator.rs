//! The SDK against the local simulator over real HTTP: the seed's flows, the error shapes, faults,
//! and (with `--features full`) every operation's response decoded into its type.

#[path = "generated/requests.rs"]
#[rustfmt::skip]
mod generated;
mod support;

use purecloud_platform_client_v2::api::{AuthorizationApi, UsersApi};
use purecloud_platform_client_v2::{Client, ErrorKind, RequestBuilder};
use purecloud_simulator::{Fault, FaultRule, Simulator, SimulatorConfig, DEFAULT_USER_ID};
use std::time::Duration;

async fn start() -> (Simulator, Client, Client) {
    let sim = Simulator::start(SimulatorConfig::default())
        .await
        .expect("simulator");
    let user = Client::builder()
        .base_url(sim.base_url())
        .access_token(sim.issue_token(Some(DEFAULT_USER_ID)))
        .build()
        .unwrap();
    let app = Client::builder()
        .base_url(sim.base_url())
        .access_token(sim.issue_token(None))
        .build()
        .unwrap();
    (sim, user, app)
}

#[tokio::test]
async fn users_me_with_presence_and_extended_response() {
    let (_sim, user, _) = start().await;
    let me = UsersApi::new(&user)
        .get_users_me()
        .set_expand(["presence"])
        .send()
        .await
        .unwrap();
    assert_eq!(me.id.as_deref(), Some(DEFAULT_USER_ID));
    assert!(me.name.is_some());
    assert!(me.presence.is_some(), "expand=presence adds the presence");

    let ext = UsersApi::new(&user)
        .get_users_me()
        .send_extended()
        .await
        .unwrap();
    assert_eq!(ext.status, 200);
    assert_eq!(ext.status_text, "OK");
    assert!(ext.correlation_id().is_some());
    assert!(ext.headers.contains_key("inin-ratelimit-allowed"));
    assert!(ext.text().contains(DEFAULT_USER_ID));
    assert_eq!(ext.body.id.as_deref(), Some(DEFAULT_USER_ID));
}

#[tokio::test]
async fn permissions_with_an_app_token_and_users_me_refused() {
    let (_sim, _, app) = start().await;
    let perms = AuthorizationApi::new(&app)
        .get_authorization_permissions()
        .set_page_size(10)
        .send()
        .await
        .unwrap();
    assert_eq!(perms.entities.as_ref().map(Vec::len), Some(10));
    assert!(perms.total.unwrap() > 10);
    // Like the real API, /users/me needs a user's token.
    let e = UsersApi::new(&app).get_users_me().send().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Api);
    assert!(matches!(e.status(), Some(400) | Some(403)), "{e}");
}

#[tokio::test]
async fn not_found_carries_the_whole_response() {
    let (_sim, user, _) = start().await;
    let e = UsersApi::new(&user)
        .get_user("no-such-user")
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Api);
    assert!(e.is_status(404));
    assert_eq!(e.code(), Some("not.found"));
    assert_eq!(e.operation(), Some("getUser"));
    let body = e.error_body().unwrap();
    assert!(body.message.is_some());
    assert_eq!(
        body.context_id.as_deref(),
        e.correlation_id(),
        "contextId is the correlation id"
    );
    assert!(e.response().unwrap().text().contains("not.found"));
}

#[tokio::test]
async fn bad_token_is_a_401_with_the_genesys_body() {
    let (sim, _, _) = start().await;
    let c = Client::builder()
        .base_url(sim.base_url())
        .access_token("nope")
        .build()
        .unwrap();
    let e = UsersApi::new(&c).get_users_me().send().await.unwrap_err();
    assert!(e.is_status(401), "{e}");
    assert!(e.code().is_some());
}

#[tokio::test]
async fn faults_map_to_error_kinds() {
    let (sim, user, _) = start().await;
    // Each fault once, without the retries that would hide it (retries: tests/retry_*.rs).
    user.set_retry_config(purecloud_platform_client_v2::RetryConfig::disabled());
    let api = UsersApi::new(&user);
    // An HTML page from a proxy: still an API error, with the text.
    sim.faults()
        .add(FaultRule::operation("getUsersMe", Fault::html_bad_gateway()).times(1));
    let e = api.get_users_me().send().await.unwrap_err();
    assert!(e.is_status(502));
    assert!(e.error_body().is_none());
    assert!(e.response().unwrap().text().contains("<html"));
    // Malformed JSON with 200: a decode error that keeps the raw body.
    sim.faults()
        .add(FaultRule::operation("getUsersMe", Fault::malformed_json()).times(1));
    let e = api.get_users_me().send().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Decode, "{e}");
    assert_eq!(e.status(), Some(200));
    assert!(!e.response().unwrap().raw.is_empty());
    // A truncated body: transport error.
    sim.faults()
        .add(FaultRule::operation("getUsersMe", Fault::truncated_body()).times(1));
    let e = api.get_users_me().send().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Transport, "{e}");
    // A 503 with the Genesys body.
    sim.faults()
        .add(FaultRule::operation("getUsersMe", Fault::status(503)).times(1));
    let e = api.get_users_me().send().await.unwrap_err();
    assert!(e.is_status(503));
    // Slower than the per-request timeout: a timeout error.
    sim.faults()
        .add(FaultRule::operation("getUsersMe", Fault::latency(Duration::from_secs(5))).times(1));
    let e = api
        .get_users_me()
        .with_timeout(Duration::from_millis(100))
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout, "{e}");
    // And then it works again.
    assert!(api.get_users_me().send().await.is_ok());
}

#[tokio::test]
async fn invalid_request_headers_are_rejected_before_sending() {
    let (_sim, user, _) = start().await;
    let e = UsersApi::new(&user)
        .get_users_me()
        .with_header("bad header", "x")
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(e.message().contains("bad header"));
}

/// Every operation of every enabled group is sent to the simulator and its answer decoded into the
/// operation's type: no decode or transport errors, and most answer 2xx (the rest are the
/// simulator refusing sample values, e.g. unknown ids of stateful resources, with a Genesys body).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_response_decodes() {
    let (_sim, user, _) = start().await;
    let built = generated::build_all(&user, &mut support::Samples);
    let mut ok = 0;
    let mut refused = 0;
    let mut failures = Vec::new();
    for (class, op, req, decodes) in built {
        // Revoking our own token would turn every later call into a 401.
        if op == "deleteTokensMe" {
            continue;
        }
        let head = req.method() == "HEAD";
        match user.clone().send_raw(req).await {
            Ok(raw) => match decodes(&raw) {
                Ok(()) => ok += 1,
                Err(e) => failures.push(format!("{class}.{op}: {e}")),
            },
            Err(e) if e.is_status(401) => failures.push(format!("{class}.{op}: {e}")),
            Err(e) if e.kind() == ErrorKind::Api && (head || e.error_body().is_some()) => {
                refused += 1
            }
            Err(e) => failures.push(format!("{class}.{op}: {e}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures
            .iter()
            .take(30)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(ok > 0);
    assert!(
        ok >= (ok + refused) * 8 / 10,
        "only {ok} of {} answered 2xx",
        ok + refused
    );
    eprintln!("{ok} operations decoded, {refused} refused by the simulator");
}
