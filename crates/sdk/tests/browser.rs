//! The SDK in a real browser (wasm32, headless Chromium) against the simulator: fetch, CORS,
//! timers, localStorage, the implicit grant and PKCE round trips through the simulator's
//! `/oauth/authorize` (driven in an iframe: a full-page redirect would take the test page
//! away; `examples/web` is the full-page flow, driven by `scripts/wasm-test.sh`).
//!
//! Run with `scripts/wasm-test.sh`, which starts the simulator and passes at compile time:
//! `PURECLOUD_SIM_URL` (the simulator) and `PURECLOUD_WASM_REDIRECT_URI` (a URL on the test
//! runner's origin registered as a redirect URI of the simulator's clients).
#![cfg(target_arch = "wasm32")]

use purecloud_platform_client_v2::api::UsersApi;
use purecloud_platform_client_v2::runtime::{HttpRequest, HttpTransport, ReqwestTransport};
use purecloud_platform_client_v2::{
    compute_pkce_code_challenge, generate_pkce_code_verifier, Client, ErrorKind,
    LocalStorageTokenStore, LoginOptions, MemoryTokenStore, OAuthRedirect, RequestBuilder,
    RetryConfig, StoredToken, TokenStore,
};
use std::sync::Arc;
use std::time::Duration;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const CLIENT_ID: &str = "sim-client-id";
/// A client of the simulator without the implicit grant (`scripts/wasm-test.sh` configures it).
const NO_IMPLICIT_CLIENT_ID: &str = "no-implicit-client";
const SIM_USER_ID: &str = "6f0d1c3e-2b7a-4e55-9a1f-3c5d7e9b1a20";

fn sim() -> &'static str {
    option_env!("PURECLOUD_SIM_URL")
        .expect("PURECLOUD_SIM_URL is not set at compile time: run scripts/wasm-test.sh")
}

fn redirect_uri() -> &'static str {
    option_env!("PURECLOUD_WASM_REDIRECT_URI")
        .expect("PURECLOUD_WASM_REDIRECT_URI is not set at compile time: run scripts/wasm-test.sh")
}

/// A client of the simulator keeping tokens in memory.
fn client() -> Client {
    Client::builder()
        .base_url(sim())
        .no_config_file()
        .token_store(Arc::new(MemoryTokenStore::new()))
        .build()
        .unwrap()
}

/// A client of the simulator with the default store (localStorage on wasm32).
fn browser_client() -> Client {
    Client::builder()
        .base_url(sim())
        .no_config_file()
        .build()
        .unwrap()
}

fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

async fn sleep_ms(ms: i32) {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(p).await.unwrap();
}

/// A raw request to the simulator through the SDK's own transport (the browser's fetch).
async fn sim_request(
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&str>,
) -> (u16, String) {
    let mut headers = http::HeaderMap::new();
    if let Some(t) = token {
        headers.insert("authorization", format!("Bearer {t}").parse().unwrap());
    }
    if body.is_some() {
        headers.insert("content-type", "application/json".parse().unwrap());
    }
    let mut req = HttpRequest::new(method.parse().unwrap(), format!("{}{path}", sim()), headers);
    req.body = body.map(|b| b.as_bytes().to_vec());
    let resp = ReqwestTransport::default().send(req).await.unwrap();
    (
        resp.status,
        String::from_utf8_lossy(&resp.body).into_owned(),
    )
}

/// A fresh token of the default user, minted by the simulator's admin endpoint.
async fn mint_token() -> String {
    let (status, body) = sim_request(
        "POST",
        "/__sim/tokens",
        None,
        Some(r#"{"user":"sim.user@example.com"}"#),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    v["access_token"].as_str().unwrap().to_owned()
}

fn local_storage() -> web_sys::Storage {
    web_sys::window().unwrap().local_storage().unwrap().unwrap()
}

/// Loads `url` in a hidden iframe and waits until the frame is back on this page's origin (the
/// simulator's `/oauth/authorize` redirects it to `redirect_uri()`): its URL then.
async fn redirect_in_iframe(url: &str) -> String {
    let document = web_sys::window().unwrap().document().unwrap();
    let frame: web_sys::HtmlIFrameElement = document
        .create_element("iframe")
        .unwrap()
        .dyn_into()
        .unwrap();
    frame.set_attribute("style", "display:none").unwrap();
    frame.set_src(url);
    document.body().unwrap().append_child(&frame).unwrap();
    let start = now_ms();
    let found = loop {
        // Reading a cross-origin frame's location throws: keep waiting until it is ours.
        let href = frame
            .content_window()
            .and_then(|w| w.location().href().ok())
            .filter(|h| h.starts_with(redirect_uri()));
        if let Some(h) = href {
            break h;
        }
        assert!(
            now_ms() - start < 10_000,
            "the login redirect did not come back: {url}"
        );
        sleep_ms(20).await;
    };
    frame.remove();
    found
}

#[wasm_bindgen_test]
async fn implicit_grant_round_trip_through_authorize() {
    let c = client();
    let state = OAuthRedirect::generate_state().unwrap();
    let opts = LoginOptions::new().state(&state);
    let url = c
        .implicit_grant_url(CLIENT_ID, redirect_uri(), &opts)
        .unwrap();
    assert!(url.starts_with(&format!("{}/oauth/authorize?client_id={CLIENT_ID}&", sim())));
    assert!(url.contains(&format!("&response_type=token&state={state}")));
    let landed = redirect_in_iframe(&url).await;
    let fragment = landed
        .split_once('#')
        .expect("the token comes in the fragment")
        .1;
    let answer = OAuthRedirect::from_fragment(fragment).expect("a token");
    let data = c.complete_implicit_grant(&answer, &state).await.unwrap();
    assert_eq!(data.state(), Some(state.as_str()));
    assert_eq!(data.expires_in(), Some(Duration::from_secs(86_400)));
    let at = data.token_expiry_time_ms().unwrap();
    assert!(
        at > now_ms() + 86_000_000 && at <= now_ms() + 86_400_000,
        "{at}"
    );
    assert!(c.has_access_token());
    // The client renews nothing (no grant to repeat) but knows the token's lifetime.
    let left = c.access_token_expires_in().unwrap();
    assert!(left > Duration::from_secs(80_000), "{left:?}");
    let me = UsersApi::new(&c).get_users_me().send().await.unwrap();
    assert_eq!(me.id.as_deref(), Some(SIM_USER_ID));
}

#[wasm_bindgen_test]
async fn implicit_grant_errors_and_state_mismatch() {
    // The login service refuses: the error in the fragment becomes a clear error.
    let c = client();
    let url = c
        .implicit_grant_url(
            NO_IMPLICIT_CLIENT_ID,
            redirect_uri(),
            &LoginOptions::new().state("s"),
        )
        .unwrap();
    let landed = redirect_in_iframe(&url).await;
    let answer = OAuthRedirect::from_url(&landed).expect("an error answer");
    assert!(matches!(answer, OAuthRedirect::Error { .. }), "{answer:?}");
    let e = c.complete_implicit_grant(&answer, "s").await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Auth);
    assert!(
        e.message()
            .starts_with("login failed: [unauthorized_client] "),
        "{}",
        e.message()
    );
    assert!(!c.has_access_token());

    // A token answering another login (another state) is not used.
    let url = c
        .implicit_grant_url(
            CLIENT_ID,
            redirect_uri(),
            &LoginOptions::new().state("theirs"),
        )
        .unwrap();
    let answer = OAuthRedirect::from_url(&redirect_in_iframe(&url).await).unwrap();
    let e = c
        .complete_implicit_grant(&answer, "mine")
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Auth);
    assert!(e.message().contains("state"), "{}", e.message());
    assert!(!c.has_access_token());

    // A token the API refuses is removed again and its 401 returned.
    let bogus =
        OAuthRedirect::from_fragment("access_token=not-a-token&expires_in=60&state=s1").unwrap();
    let e = c.complete_implicit_grant(&bogus, "s1").await.unwrap_err();
    assert_eq!(e.status(), Some(401));
    assert!(!c.has_access_token());
}

#[wasm_bindgen_test]
async fn pkce_round_trip_through_authorize() {
    let c = client();
    let verifier = generate_pkce_code_verifier(128).unwrap();
    let challenge = compute_pkce_code_challenge(&verifier);
    let url = c
        .pkce_grant_url(
            CLIENT_ID,
            redirect_uri(),
            &challenge,
            &LoginOptions::new().state("p"),
        )
        .unwrap();
    assert!(url.contains("&response_type=code&code_challenge="));
    assert!(url.contains("&code_challenge_method=S256&state=p"));
    let landed = redirect_in_iframe(&url).await;
    let Some(OAuthRedirect::Code { code, state }) = OAuthRedirect::from_url(&landed) else {
        panic!("no code in {landed}")
    };
    assert_eq!(state.as_deref(), Some("p"));
    // A wrong verifier is refused by the login service.
    let wrong = generate_pkce_code_verifier(64).unwrap();
    let e = c
        .login_pkce_grant(CLIENT_ID, &wrong, &code, redirect_uri())
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Auth);
    // Codes are single use: get another one for the right verifier.
    let landed = redirect_in_iframe(&url).await;
    let Some(OAuthRedirect::Code { code, .. }) = OAuthRedirect::from_url(&landed) else {
        panic!("no code in {landed}")
    };
    let data = c
        .login_pkce_grant(CLIENT_ID, &verifier, &code, redirect_uri())
        .await
        .unwrap();
    assert!(data.refresh_token().is_some());
    c.validate_access_token().await.unwrap();
    // The refresh token renews the access token.
    let refreshed = c
        .refresh_pkce_token(CLIENT_ID, data.refresh_token().unwrap())
        .await
        .unwrap();
    assert_ne!(refreshed.access_token(), data.access_token());
    UsersApi::new(&c).get_users_me().send().await.unwrap();
}

#[wasm_bindgen_test]
async fn get_users_me_with_expand_over_fetch_and_cors() {
    let c = client();
    c.set_access_token(mint_token().await);
    let resp = UsersApi::new(&c)
        .get_users_me()
        .set_expand(["presence", "organization"])
        .send_extended()
        .await
        .unwrap();
    assert_eq!(resp.status, 200);
    // CORS exposes the inin-* headers to the page.
    assert!(resp.headers.get("inin-correlation-id").is_some());
    let me = resp.body;
    assert_eq!(me.name.as_deref(), Some("Sim User"));
    assert_eq!(me.email.as_deref(), Some("sim.user@example.com"));
    let presence = me.presence.expect("expand=presence");
    assert!(presence
        .presence_definition
        .and_then(|d| d.system_presence)
        .is_some());
    // A user found by id, with a per-request header (CORS preflight allows it).
    let u = UsersApi::new(&c)
        .get_user(SIM_USER_ID)
        .with_header("x-app", "browser-test")
        .send()
        .await
        .unwrap();
    assert_eq!(u.id.as_deref(), Some(SIM_USER_ID));
}

#[wasm_bindgen_test]
async fn error_responses_keep_the_whole_answer() {
    let c = client();
    c.set_access_token(mint_token().await);
    let e = UsersApi::new(&c)
        .get_user("00000000-0000-4000-8000-000000000000")
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Api);
    assert_eq!(e.status(), Some(404));
    assert_eq!(e.code(), Some("not.found"));
    assert!(
        e.correlation_id().is_some(),
        "the inin-correlation-id header is exposed"
    );
    assert_eq!(e.operation(), Some("getUser"));
    // A bad parameter: 400 with the field named.
    let e = UsersApi::new(&c)
        .get_users()
        .set_page_size(-5)
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(400), "{e}");
    // Unreachable host: a transport error, not a panic.
    let dead = Client::builder()
        .base_url("http://127.0.0.1:9")
        .no_config_file()
        .token_store(Arc::new(MemoryTokenStore::new()))
        .access_token("t")
        .retry(RetryConfig::disabled())
        .build()
        .unwrap();
    let e = UsersApi::new(&dead)
        .get_users_me()
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Transport, "{e}");
}

#[wasm_bindgen_test]
async fn retries_wait_with_set_timeout_and_timeouts_abort_fetch() {
    let c = client();
    let token = mint_token().await;
    c.set_access_token(&token);
    // Two 503s on a path only this test uses, then the answer: the client waits between
    // attempts (setTimeout) and gets it.
    let path = format!("/api/v2/users/{SIM_USER_ID}/presences/purecloud");
    let rule = format!(r#"{{"target":"GET {path}","fault":"503","count":2}}"#);
    let (status, body) = sim_request("POST", "/__sim/faults", None, Some(&rule)).await;
    assert_eq!(status, 201, "{body}");
    c.set_retry_config(
        RetryConfig::default().with_backoff(Duration::from_millis(200), Duration::from_millis(200)),
    );
    let start = now_ms();
    let (status, _) = {
        let resp = c
            .clone()
            .send_raw({
                let mut r = purecloud_platform_client_v2::ApiRequest::new(
                    http::Method::GET,
                    "/api/v2/users/{userId}/presences/purecloud",
                    "getUserPresencesPurecloud",
                    Default::default(),
                );
                r.path_param("userId", &SIM_USER_ID.to_owned());
                r
            })
            .await
            .unwrap();
        (resp.status, resp.body)
    };
    assert_eq!(status, 200);
    let waited = now_ms() - start;
    // Jitter makes each wait 100-200 ms.
    assert!(waited >= 200, "two retries waited only {waited} ms");

    // A timeout aborts the fetch: ErrorKind::Timeout.
    let e = UsersApi::new(&c)
        .get_users_me()
        .with_header("x-sim-fault", "latency=3000")
        .with_timeout(Duration::from_millis(300))
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout, "{e}");
}

#[wasm_bindgen_test]
async fn persistence_in_local_storage() {
    let prefix = "wasmtest_persist";
    let key = format!("{prefix}_auth_data");
    let storage = local_storage();
    storage.remove_item(&key).unwrap();
    assert!(LocalStorageTokenStore::available());

    // A token obtained in one page load...
    let first = browser_client();
    first.set_persist_settings(true, Some(prefix)).unwrap();
    assert!(!first.has_access_token());
    let url = first
        .start_implicit_grant(CLIENT_ID, redirect_uri(), &LoginOptions::new())
        .unwrap();
    let answer = OAuthRedirect::from_url(&redirect_in_iframe(&url).await).unwrap();
    let data = first.finish_implicit_grant(&answer).await.unwrap();
    // ...is in localStorage in the official JavaScript SDK's format...
    let saved: serde_json::Value =
        serde_json::from_str(&storage.get_item(&key).unwrap().expect("saved")).unwrap();
    assert_eq!(saved["accessToken"].as_str(), Some(data.access_token()));
    assert_eq!(
        saved["tokenExpiryTime"].as_u64(),
        data.token_expiry_time_ms()
    );
    // ...and used by the next one (a reload) without logging in again.
    let second = browser_client();
    second.set_persist_settings(true, Some(prefix)).unwrap();
    assert!(second.has_access_token());
    let me = UsersApi::new(&second).get_users_me().send().await.unwrap();
    assert_eq!(me.id.as_deref(), Some(SIM_USER_ID));
    // login_implicit_grant resolves with it at once (no redirect), with the options' state.
    let again = second
        .login_implicit_grant(
            CLIENT_ID,
            redirect_uri(),
            &LoginOptions::new().state("kept"),
        )
        .await
        .unwrap();
    assert_eq!(again.access_token(), data.access_token());
    assert_eq!(again.state(), Some("kept"));

    // What the official SDK writes loads too; an entry that is not a token is none.
    storage
        .set_item(
            &key,
            &format!(
                r#"{{"accessToken":"{}","tokenExpiryTime":{},"tokenExpiryTimeString":"later"}}"#,
                data.access_token(),
                now_ms() + 3_600_000
            ),
        )
        .unwrap();
    let third = browser_client();
    third.set_persist_settings(true, Some(prefix)).unwrap();
    assert!(third.has_access_token());
    storage.set_item(&key, r#"{"error":"x"}"#).unwrap();
    let store = LocalStorageTokenStore::new();
    assert_eq!(store.load(prefix).unwrap(), None);
    // Refresh tokens stay out of localStorage.
    let mut t = StoredToken::new("a");
    t.refresh_token = Some("r".into());
    store.save(prefix, &t).unwrap();
    assert!(!storage
        .get_item(&key)
        .unwrap()
        .unwrap()
        .contains("refreshToken"));

    // Forgetting the token removes it.
    second.clear_access_token().unwrap();
    assert_eq!(storage.get_item(&key).unwrap(), None);
    assert!(second
        .set_persist_settings(true, Some("bad prefix"))
        .is_err());
}

#[wasm_bindgen_test]
async fn expired_persisted_tokens_are_dropped_or_refused_with_401() {
    let prefix = "wasmtest_expired";
    let key = format!("{prefix}_auth_data");
    let storage = local_storage();

    // Expired by its own expiry time: not loaded, and removed.
    storage
        .set_item(
            &key,
            &format!(
                r#"{{"accessToken":"old","tokenExpiryTime":{}}}"#,
                now_ms() - 1000
            ),
        )
        .unwrap();
    let c = browser_client();
    c.set_persist_settings(true, Some(prefix)).unwrap();
    assert!(!c.has_access_token());
    assert_eq!(storage.get_item(&key).unwrap(), None, "dropped");
    let e = UsersApi::new(&c).get_users_me().send().await.unwrap_err();
    assert_eq!(e.status(), Some(401));
    assert_eq!(e.code(), Some("authentication.required"));

    // Expired for the server (revoked) while the page thinks it is still good: a 401.
    let token = mint_token().await;
    let (status, _) = sim_request("DELETE", "/api/v2/tokens/me", Some(&token), None).await;
    assert!((200..300).contains(&status), "{status}");
    storage
        .set_item(
            &key,
            &format!(
                r#"{{"accessToken":"{token}","tokenExpiryTime":{}}}"#,
                now_ms() + 3_600_000
            ),
        )
        .unwrap();
    let c = browser_client();
    c.set_persist_settings(true, Some(prefix)).unwrap();
    assert!(c.has_access_token());
    let e = UsersApi::new(&c)
        .get_users_me()
        .set_expand(["presence"])
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Api);
    assert_eq!(e.status(), Some(401));
    assert_eq!(e.code(), Some("bad.credentials"));
    assert_eq!(e.operation(), Some("getUsersMe"));
    // validate_access_token says the same.
    assert_eq!(
        c.validate_access_token().await.unwrap_err().status(),
        Some(401)
    );
    storage.remove_item(&key).unwrap();
}

#[wasm_bindgen_test]
fn the_test_page_url_is_not_a_login_answer() {
    // The runner's page has `#wbg_style=…`: not a token, not an error.
    let hash = web_sys::window().unwrap().location().hash().unwrap();
    assert_eq!(OAuthRedirect::from_fragment(&hash), None);
    let _ = JsValue::NULL;
}

/// Puts `suffix` (`?query`, `#fragment`) on the test page's path without loading anything, as
/// the login page's redirect would; returns the page's URL to restore.
fn set_page_url(suffix: &str) -> String {
    let w = web_sys::window().unwrap();
    let original = w.location().href().unwrap();
    let path = w.location().pathname().unwrap();
    w.history()
        .unwrap()
        .replace_state_with_url(&JsValue::NULL, "", Some(&format!("{path}{suffix}")))
        .unwrap();
    original
}

fn restore_page_url(original: &str) {
    web_sys::window()
        .unwrap()
        .history()
        .unwrap()
        .replace_state_with_url(&JsValue::NULL, "", Some(original))
        .unwrap();
}

fn session_storage() -> web_sys::Storage {
    web_sys::window()
        .unwrap()
        .session_storage()
        .unwrap()
        .unwrap()
}

/// The state value of a login page URL.
fn sent_state(url: &str) -> String {
    url.split(['?', '&'])
        .find_map(|p| p.strip_prefix("state="))
        .expect("a state is sent")
        .to_owned()
}

/// The attack of issue 12 (login CSRF): a link to the app with `#access_token=<the attacker's
/// valid token>` was accepted when the app gave no state, and with `&state=<the app's own
/// value>` when it gave one. Both are refused: the answer must carry the random state this tab
/// sent.
#[wasm_bindgen_test]
async fn login_implicit_grant_refuses_a_planted_token() {
    let attackers = mint_token().await;
    session_storage()
        .remove_item("purecloud_oauth_state")
        .unwrap();
    for (opts, fragment) in [
        (
            LoginOptions::new(),
            format!("#access_token={attackers}&expires_in=3600&token_type=bearer"),
        ),
        (
            LoginOptions::new().state("/inbox"),
            format!("#access_token={attackers}&expires_in=3600&token_type=bearer&state=%2Finbox"),
        ),
    ] {
        let c = client();
        let original = set_page_url(&fragment);
        let result = c
            .login_implicit_grant(CLIENT_ID, redirect_uri(), &opts)
            .await;
        let hash = web_sys::window().unwrap().location().hash().unwrap();
        restore_page_url(&original);
        let e = result.expect_err("the planted token was accepted");
        assert_eq!(e.kind(), ErrorKind::Auth);
        assert!(e.message().contains("state"), "{}", e.message());
        assert!(!c.has_access_token());
        assert_eq!(hash, "", "the answer is removed from the address bar");
    }

    // A login this tab started, answered with another login's token (a state of its own).
    let c = client();
    let mine = c
        .start_implicit_grant(
            CLIENT_ID,
            redirect_uri(),
            &LoginOptions::new().state("/inbox"),
        )
        .unwrap();
    let theirs = client()
        .implicit_grant_url(CLIENT_ID, redirect_uri(), &LoginOptions::new().state("x"))
        .unwrap();
    assert_ne!(
        sent_state(&mine),
        "/inbox",
        "the app's state is not what is sent"
    );
    let answer = OAuthRedirect::from_url(&redirect_in_iframe(&theirs).await).unwrap();
    let e = c.finish_implicit_grant(&answer).await.unwrap_err();
    assert!(e.message().contains("state"), "{}", e.message());
    assert!(!c.has_access_token());
}

/// The full-page flow with the SDK's state: `login_implicit_grant` keeps a random state and
/// the app's own in sessionStorage, sends the random one, takes the answer from the page's
/// fragment, and hands the app its state back. The state is used once: the same answer again
/// is refused.
#[wasm_bindgen_test]
async fn login_implicit_grant_round_trips_the_apps_state() {
    let c = client();
    let url = c
        .start_implicit_grant(
            CLIENT_ID,
            redirect_uri(),
            &LoginOptions::new().state("/return/path?x=1"),
        )
        .unwrap();
    let state = sent_state(&url);
    assert_eq!(state.len(), 43, "{url}");
    assert!(!url.contains("return"), "{url}");
    let kept = session_storage()
        .get_item("purecloud_oauth_state")
        .unwrap()
        .expect("kept");
    assert!(
        kept.contains(&state) && kept.contains("/return/path?x=1"),
        "{kept}"
    );
    let landed = redirect_in_iframe(&url).await;
    let fragment = format!("#{}", landed.split_once('#').unwrap().1);
    assert!(fragment.contains(&format!("state={state}")), "{fragment}");

    let original = set_page_url(&fragment);
    let result = c
        .login_implicit_grant(CLIENT_ID, redirect_uri(), &LoginOptions::new())
        .await;
    restore_page_url(&original);
    let data = result.unwrap();
    assert_eq!(data.state(), Some("/return/path?x=1"));
    assert!(c.has_access_token());
    assert_eq!(
        session_storage().get_item("purecloud_oauth_state").unwrap(),
        None
    );
    UsersApi::new(&c).get_users_me().send().await.unwrap();

    // Replayed: this tab's login is over.
    let again = client();
    let original = set_page_url(&fragment);
    let result = again
        .login_implicit_grant(CLIENT_ID, redirect_uri(), &LoginOptions::new())
        .await;
    restore_page_url(&original);
    assert!(result.unwrap_err().message().contains("state"));
    assert!(!again.has_access_token());
}

/// PKCE in the browser: the answer's code is exchanged only with this tab's state; the app's
/// state comes back. A code without the state (planted, or a login this tab did not start) is
/// not exchanged, even with a verifier in sessionStorage.
#[wasm_bindgen_test]
async fn login_pkce_grant_in_browser_requires_this_logins_state() {
    let c = client();
    let url = c
        .start_pkce_grant_in_browser(
            CLIENT_ID,
            redirect_uri(),
            &LoginOptions::new().state("/pkce/return"),
        )
        .unwrap();
    let state = sent_state(&url);
    assert_eq!(state.len(), 43, "{url}");
    assert!(url.contains("&code_challenge_method=S256&"), "{url}");
    let landed = redirect_in_iframe(&url).await;
    let query = format!("?{}", landed.split_once('?').unwrap().1);
    assert!(query.contains(&format!("state={state}")), "{query}");
    let original = set_page_url(&query);
    let result = c
        .login_pkce_grant_in_browser(CLIENT_ID, redirect_uri(), &LoginOptions::new())
        .await;
    let search = web_sys::window().unwrap().location().search().unwrap();
    restore_page_url(&original);
    let data = result.unwrap();
    assert_eq!(data.state(), Some("/pkce/return"));
    assert!(data.refresh_token().is_some());
    assert_eq!(search, "", "the code is removed from the address bar");
    UsersApi::new(&c).get_users_me().send().await.unwrap();

    // A code for the verifier in sessionStorage, without this login's state: not exchanged.
    let victim = client();
    let url = victim
        .start_pkce_grant_in_browser(CLIENT_ID, redirect_uri(), &LoginOptions::new())
        .unwrap();
    let verifier = session_storage()
        .get_item("purecloud_pkce_code_verifier")
        .unwrap()
        .expect("the verifier is kept");
    let landed = redirect_in_iframe(&url).await;
    let code = landed
        .split(['?', '&'])
        .find_map(|p| p.strip_prefix("code="))
        .unwrap()
        .to_owned();
    for (query, app_state) in [
        (format!("?code={code}"), None),
        (
            format!("?code={code}&state=%2Fpkce%2Freturn"),
            Some("/pkce/return"),
        ),
    ] {
        // A login of this tab under way, with the verifier the code was made for.
        victim
            .start_pkce_grant_in_browser(CLIENT_ID, redirect_uri(), &LoginOptions::new())
            .unwrap();
        for key in [
            "purecloud_pkce_code_verifier",
            "genesys_cloud_sdk_pkce_code_verifier",
        ] {
            session_storage().set_item(key, &verifier).unwrap();
        }
        let mut opts = LoginOptions::new();
        opts.state = app_state.map(str::to_owned);
        let original = set_page_url(&query);
        let result = victim
            .login_pkce_grant_in_browser(CLIENT_ID, redirect_uri(), &opts)
            .await;
        restore_page_url(&original);
        let e = result.expect_err("a code without this login's state was exchanged");
        assert_eq!(e.kind(), ErrorKind::Auth);
        assert!(e.message().contains("state"), "{}", e.message());
        assert!(!victim.has_access_token());
    }
}
