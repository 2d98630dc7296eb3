//! The token lifecycle over real HTTP: expiry and 401 renewal, one renewal for 100 racing
//! calls, failed renewals, refresh tokens; expiry timing with Tokio's paused clock.

mod capture;

use capture::{Capture, Reply};
use purecloud_platform_client_v2::api::AuthorizationApi;
use purecloud_platform_client_v2::runtime::{
    BoxFuture, HttpRequest, HttpResponse, HttpTransport, TransportError,
};
use purecloud_platform_client_v2::{Client, ErrorKind, MemoryTokenStore};
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A login service and API: tokens `T1`, `T2`, ...; the API accepts the valid ones only.
#[derive(Default)]
struct Server {
    issued: u32,
    valid: HashSet<String>,
    /// `expires_in` of the next tokens.
    lifetimes: Vec<u64>,
    fail_renewals: bool,
    refresh_tokens: bool,
}

async fn server(state: Arc<Mutex<Server>>) -> Capture {
    Capture::start(move |r| {
        let mut s = state.lock().unwrap();
        if r.path() == "/oauth/token" {
            if s.issued > 0 && s.fail_renewals {
                return Reply::json(
                    400,
                    r#"{"error":"invalid_grant","description":"refresh token revoked"}"#,
                );
            }
            s.issued += 1;
            let t = format!("T{}", s.issued);
            s.valid.insert(t.clone());
            let lifetime = if s.lifetimes.is_empty() {
                3600
            } else {
                s.lifetimes.remove(0)
            };
            let refresh = if s.refresh_tokens {
                format!(r#","refresh_token":"R{}""#, s.issued)
            } else {
                String::new()
            };
            return Reply::json(
                200,
                format!(r#"{{"access_token":"{t}","expires_in":{lifetime}{refresh}}}"#),
            );
        }
        match r.bearer() {
            Some(t) if s.valid.contains(t) => Reply::json(200, r#"{"entities":[],"total":0}"#),
            _ => Reply::json(
                401,
                r#"{"status":401,"code":"bad.credentials","message":"Invalid login credentials."}"#,
            ),
        }
    })
    .await
}

fn client(base: &str) -> Client {
    Client::builder()
        .base_url(base)
        .no_config_file()
        .token_store(Arc::new(MemoryTokenStore::new()))
        .build()
        .unwrap()
}

async fn call(c: &Client) -> Result<(), purecloud_platform_client_v2::Error> {
    AuthorizationApi::new(c)
        .get_authorization_permissions()
        .send()
        .await
        .map(drop)
}

/// Issue 12 (10): a login service answering `expires_in: 0` made a token request before every
/// call. A token is now used for at least `MIN_TOKEN_LIFETIME` (60 s) before it is renewed
/// ahead of time (a token that really expired gets a 401, which renews it).
#[tokio::test]
async fn expires_in_zero_does_not_renew_before_every_call() {
    let state = Arc::new(Mutex::new(Server {
        lifetimes: vec![0; 100],
        ..Default::default()
    }));
    let cap = server(state.clone()).await;
    let c = client(&cap.url());
    c.login_client_credentials_grant("id", "secret")
        .await
        .unwrap();
    for _ in 0..20 {
        call(&c).await.unwrap();
    }
    assert_eq!(cap.to("/oauth/token").len(), 1, "no renewal storm");
    let api: Vec<_> = cap
        .to("/api/")
        .iter()
        .map(|r| r.bearer().unwrap().to_owned())
        .collect();
    assert_eq!(api, vec!["T1"; 20]);
}

/// Issue 12 (10): a service that refuses every token (each new token is revoked at once)
/// costs one renewal, then the 401 is returned without another token request while the
/// renewed token is fresh: 20 calls make 2 token requests, not 21.
#[tokio::test]
async fn a_service_refusing_every_token_gets_no_renewal_storm() {
    let state = Arc::new(Mutex::new(Server::default()));
    let cap = server(state.clone()).await;
    let c = client(&cap.url());
    c.login_client_credentials_grant("id", "secret")
        .await
        .unwrap();
    let revoke_all = state.clone();
    c.add_pre_request_hook(move |_| {
        revoke_all.lock().unwrap().valid.clear();
        Ok(())
    });
    for _ in 0..20 {
        let e = call(&c).await.unwrap_err();
        assert!(e.is_status(401), "{e}");
    }
    assert_eq!(cap.to("/oauth/token").len(), 2, "the login and one renewal");
}

#[tokio::test]
async fn a_401_renews_the_token_and_resends_once() {
    let state = Arc::new(Mutex::new(Server::default()));
    let cap = server(state.clone()).await;
    let c = client(&cap.url());
    c.login_client_credentials_grant("id", "secret")
        .await
        .unwrap();
    call(&c).await.unwrap();
    state.lock().unwrap().valid.clear(); // T1 revoked server-side
    call(&c).await.unwrap();
    let api: Vec<_> = cap
        .to("/api/")
        .iter()
        .map(|r| r.bearer().unwrap().to_owned())
        .collect();
    assert_eq!(api, ["T1", "T1", "T2"]);
    assert_eq!(cap.to("/oauth/token").len(), 2);

    // T2 came from a renewal moments ago: refused already, it is not renewed again (issue 12,
    // renewal amplification): the 401 is returned without a token request.
    assert_refused_with(&c, &state, &cap, 0).await;
}

/// From now on every token is revoked as soon as a request uses it; one call then gets a 401
/// after `renewals` token requests (and `renewals + 1` API requests).
async fn assert_refused_with(
    c: &Client,
    state: &Arc<Mutex<Server>>,
    cap: &Capture,
    renewals: usize,
) {
    let revoke_all = state.clone();
    c.add_pre_request_hook(move |_| {
        revoke_all.lock().unwrap().valid.clear();
        Ok(())
    });
    cap.clear();
    let e = call(c).await.unwrap_err();
    assert!(e.is_status(401), "{e}");
    assert_eq!(cap.to("/oauth/token").len(), renewals);
    assert_eq!(cap.to("/api/").len(), renewals + 1);
}

/// A token from a login refused even when fresh: the 401 is returned after one renewal, no loop.
#[tokio::test]
async fn a_token_refused_when_fresh_is_renewed_once() {
    let state = Arc::new(Mutex::new(Server::default()));
    let cap = server(state.clone()).await;
    let c = client(&cap.url());
    c.login_client_credentials_grant("id", "secret")
        .await
        .unwrap();
    assert_refused_with(&c, &state, &cap, 1).await;
}

#[tokio::test]
async fn without_a_grant_or_with_refresh_off_the_401_is_returned() {
    let state = Arc::new(Mutex::new(Server::default()));
    let cap = server(state.clone()).await;
    let c = client(&cap.url());
    c.set_access_token("GIVEN");
    let e = call(&c).await.unwrap_err();
    assert!(e.is_status(401));
    assert!(cap.to("/oauth/").is_empty());

    c.login_client_credentials_grant("id", "secret")
        .await
        .unwrap();
    c.set_should_refresh_access_token(false);
    state.lock().unwrap().valid.clear();
    let e = call(&c).await.unwrap_err();
    assert!(e.is_status(401));
    assert_eq!(cap.to("/oauth/token").len(), 1);
}

#[tokio::test]
async fn a_failed_renewal_is_an_auth_error_not_a_loop() {
    let state = Arc::new(Mutex::new(Server {
        refresh_tokens: true,
        ..Default::default()
    }));
    let cap = server(state.clone()).await;
    let c = client(&cap.url());
    c.login_code_authorization_grant("id", "secret", "code", "http://localhost/cb")
        .await
        .unwrap();
    {
        let mut s = state.lock().unwrap();
        s.valid.clear();
        s.fail_renewals = true;
    }
    let e = call(&c).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Auth, "{e}");
    assert!(
        e.message().contains("re-authentication failed") && e.message().contains("invalid_grant"),
        "{}",
        e.message()
    );
    assert_eq!(e.status(), Some(400));
    let tokens = cap.to("/oauth/token");
    assert_eq!(tokens.len(), 2);
    let f = tokens[1].form();
    assert_eq!(
        (f["grant_type"].as_str(), f["refresh_token"].as_str()),
        ("refresh_token", "R1"),
        "the code grant renews with its refresh token"
    );
    assert_eq!(tokens[1].basic(), Some(("id".into(), "secret".into())));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_calls_refused_with_401_make_one_token_request() {
    let state = Arc::new(Mutex::new(Server::default()));
    let cap = server(state.clone()).await;
    let c = client(&cap.url());
    c.login_client_credentials_grant("id", "secret")
        .await
        .unwrap();
    state.lock().unwrap().valid.clear();
    let calls: Vec<_> = (0..100)
        .map(|_| {
            tokio::spawn({
                let c = c.clone();
                async move { call(&c).await }
            })
        })
        .collect();
    for t in calls {
        t.await.unwrap().unwrap();
    }
    assert_eq!(
        cap.to("/oauth/token").len(),
        2,
        "the login, then exactly one renewal"
    );
    let api = cap.to("/api/");
    let refused = api.iter().filter(|r| r.bearer() == Some("T1")).count();
    assert!(refused >= 1);
    assert_eq!(api.len(), 100 + refused, "each refused call resent once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_calls_share_one_failed_renewal() {
    let state = Arc::new(Mutex::new(Server {
        refresh_tokens: true,
        ..Default::default()
    }));
    let cap = server(state.clone()).await;
    let c = client(&cap.url());
    c.login_pkce_grant("cid", &"v".repeat(43), "code", "http://localhost/cb")
        .await
        .unwrap();
    {
        let mut s = state.lock().unwrap();
        s.valid.clear();
        s.fail_renewals = true;
    }
    let calls: Vec<_> = (0..100)
        .map(|_| {
            tokio::spawn({
                let c = c.clone();
                async move { call(&c).await }
            })
        })
        .collect();
    for t in calls {
        let e = t.await.unwrap().unwrap_err();
        assert!(e.kind() == ErrorKind::Auth || e.is_status(401), "{e}");
    }
    // The failure is shared, and remembered for a second: no storm of token requests.
    let renewals = cap.to("/oauth/token").len() - 1;
    assert!((1..=2).contains(&renewals), "{renewals} renewals");
}

/// An in-memory login service and API for paused-clock tests (no sockets, so Tokio's clock
/// moves only when told).
struct Mock {
    tokens: Mutex<u32>,
}

impl HttpTransport for Mock {
    fn send(&self, r: HttpRequest) -> BoxFuture<'static, Result<HttpResponse, TransportError>> {
        let body = if r.url.ends_with("/oauth/token") {
            let mut n = self.tokens.lock().unwrap();
            *n += 1;
            format!(r#"{{"access_token":"M{n}","expires_in":3600}}"#)
        } else {
            r#"{"entities":[]}"#.to_owned()
        };
        let mut h = http::HeaderMap::new();
        h.insert("content-type", "application/json".parse().unwrap());
        Box::pin(async move { Ok(HttpResponse::new(200, h, body)) })
    }
}

#[tokio::test(start_paused = true)]
async fn expiry_follows_expires_in_with_a_margin() {
    let mock = Arc::new(Mock {
        tokens: Mutex::new(0),
    });
    let c = Client::builder()
        .base_url("http://mock")
        .no_config_file()
        .token_store(Arc::new(MemoryTokenStore::new()))
        .transport(mock.clone())
        .build()
        .unwrap();
    c.login_client_credentials_grant("id", "secret")
        .await
        .unwrap();
    let left = c.access_token_expires_in().unwrap();
    assert_eq!(left, Duration::from_secs(3540), "renewed a minute early");
    tokio::time::advance(Duration::from_secs(3500)).await;
    call(&c).await.unwrap();
    assert_eq!(*mock.tokens.lock().unwrap(), 1);
    tokio::time::advance(Duration::from_secs(41)).await;
    call(&c).await.unwrap();
    assert_eq!(*mock.tokens.lock().unwrap(), 2);
    call(&c).await.unwrap();
    assert_eq!(*mock.tokens.lock().unwrap(), 2);
}

#[tokio::test(start_paused = true)]
async fn a_hundred_calls_racing_an_expiry_make_one_token_request() {
    let mock = Arc::new(Mock {
        tokens: Mutex::new(0),
    });
    let c = Client::builder()
        .base_url("http://mock")
        .no_config_file()
        .token_store(Arc::new(MemoryTokenStore::new()))
        .transport(mock.clone())
        .build()
        .unwrap();
    c.login_client_credentials_grant("id", "secret")
        .await
        .unwrap();
    tokio::time::advance(Duration::from_secs(3541)).await;
    let calls: Vec<_> = (0..100)
        .map(|_| {
            tokio::spawn({
                let c = c.clone();
                async move { call(&c).await }
            })
        })
        .collect();
    for t in calls {
        t.await.unwrap().unwrap();
    }
    assert_eq!(
        *mock.tokens.lock().unwrap(),
        2,
        "the login, then exactly one renewal"
    );
}
