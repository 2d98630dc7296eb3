//! Retries over real HTTP on Tokio's paused clock (waits take no real time and are measured
//! exactly): Retry-After, backoff, caps, what is and is not resent, per-request settings.

mod capture;

use capture::{Capture, Reply};
use purecloud_platform_client_v2::api::{AuthorizationApi, UsersApi};
use purecloud_platform_client_v2::runtime::ReqwestTransport;
use purecloud_platform_client_v2::{
    Client, ErrorKind, MemoryTokenStore, RequestBuilder, RetryConfig,
};
use purecloud_simulator::{Fault, FaultRule, Simulator, SimulatorConfig};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::time::Instant;

fn client(base: &str) -> Client {
    // No idle connection pool: its timer would let the paused clock jump while a socket waits.
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    Client::builder()
        .base_url(base)
        .no_config_file()
        .token_store(Arc::new(MemoryTokenStore::new()))
        .transport(Arc::new(ReqwestTransport::new(http)))
        .access_token("T")
        .build()
        .unwrap()
}

/// Answers with the scripted replies in order, then 200.
async fn scripted(replies: Vec<Reply>) -> Capture {
    let replies = Mutex::new(replies);
    Capture::start(move |_| {
        let mut r = replies.lock().unwrap();
        if r.is_empty() {
            Reply::json(200, r#"{"entities":[]}"#)
        } else {
            r.remove(0)
        }
    })
    .await
}

fn too_many(retry_after: &str) -> Reply {
    Reply::json(
        429,
        r#"{"status":429,"code":"too.many.requests","message":"Rate limit exceeded"}"#,
    )
    .header("retry-after", retry_after)
}

fn unavailable() -> Reply {
    Reply::json(
        503,
        r#"{"status":503,"code":"service.unavailable","message":"Service Unavailable"}"#,
    )
}

async fn get(c: &Client) -> Result<(), purecloud_platform_client_v2::Error> {
    AuthorizationApi::new(c)
        .get_authorization_permissions()
        .send()
        .await
        .map(drop)
}

#[tokio::test(start_paused = true)]
async fn retry_after_is_honoured() {
    let cap = scripted(vec![too_many("5"), too_many("5")]).await;
    let c = client(&cap.url());
    let t0 = Instant::now();
    get(&c).await.unwrap();
    let took = t0.elapsed();
    assert!(
        took >= Duration::from_secs(10) && took < Duration::from_millis(10_500),
        "{took:?}"
    );
    assert_eq!(cap.requests().len(), 3);
}

/// `unix` as an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`).
fn http_date(unix: i64) -> String {
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let t = time::OffsetDateTime::from_unix_timestamp(unix).unwrap();
    format!(
        "{}, {:02} {} {} {:02}:{:02}:{:02} GMT",
        DAYS[t.weekday().number_days_from_monday() as usize],
        t.day(),
        MONTHS[t.month() as usize - 1],
        t.year(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

#[tokio::test(start_paused = true)]
async fn retry_after_as_an_http_date_waits_until_then() {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    // Whole seconds: the wait is between 4 and 5 s from now (the wall clock, not Tokio's).
    let cap = scripted(vec![too_many(&http_date(now + 5))]).await;
    let c = client(&cap.url());
    let t0 = Instant::now();
    get(&c).await.unwrap();
    let took = t0.elapsed();
    assert!(
        took >= Duration::from_secs(3) && took <= Duration::from_millis(5_100),
        "{took:?}"
    );
    assert_eq!(cap.requests().len(), 2);
    // A date in the past means "now": resent at once.
    let cap = scripted(vec![too_many(&http_date(now - 60))]).await;
    let c = client(&cap.url());
    let t0 = Instant::now();
    get(&c).await.unwrap();
    assert!(
        t0.elapsed() < Duration::from_millis(100),
        "{:?}",
        t0.elapsed()
    );
    assert_eq!(cap.requests().len(), 2);
}

#[tokio::test(start_paused = true)]
async fn a_429_burst_from_the_simulator_is_ridden_out() {
    let sim = Simulator::start(SimulatorConfig::default()).await.unwrap();
    let c = client(&sim.base_url());
    c.set_access_token(sim.issue_token(None));
    sim.faults().add(
        FaultRule::operation("getAuthorizationPermissions", Fault::too_many_requests(3)).times(3),
    );
    let t0 = Instant::now();
    get(&c).await.unwrap();
    assert!(t0.elapsed() >= Duration::from_secs(9), "{:?}", t0.elapsed());
}

#[tokio::test(start_paused = true)]
async fn a_retry_after_beyond_the_cap_returns_the_429_at_once() {
    let cap = scripted(vec![too_many("200")]).await;
    let c = client(&cap.url());
    let t0 = Instant::now();
    let e = get(&c).await.unwrap_err();
    assert!(t0.elapsed() < Duration::from_secs(1));
    assert!(e.is_status(429), "{e}");
    assert_eq!(e.code(), Some("too.many.requests"));
    assert_eq!(e.response().unwrap().headers["retry-after"], "200");
    assert_eq!(cap.requests().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn max_retries_and_max_retry_time_bound_the_retries() {
    let cap = Capture::start(|_| too_many("1")).await;
    let c = client(&cap.url());
    let t0 = Instant::now();
    let e = AuthorizationApi::new(&c)
        .get_authorization_permissions()
        .with_max_retries(3)
        .send()
        .await
        .unwrap_err();
    assert!(e.is_status(429));
    assert_eq!(cap.requests().len(), 4);
    assert!(t0.elapsed() >= Duration::from_secs(3) && t0.elapsed() < Duration::from_millis(3500));

    let cap = Capture::start(|_| too_many("4")).await;
    let c = client(&cap.url());
    c.set_retry_config(
        RetryConfig::default()
            .with_max_retries(100)
            .with_max_retry_time(Duration::from_secs(10)),
    );
    let t0 = Instant::now();
    let e = get(&c).await.unwrap_err();
    assert!(e.is_status(429));
    assert_eq!(
        cap.requests().len(),
        3,
        "waits 4 + 4; a third would pass 10 s"
    );
    assert!(t0.elapsed() >= Duration::from_secs(8) && t0.elapsed() < Duration::from_millis(8500));

    // The default cap is 180 s in total.
    let cap = Capture::start(|_| too_many("50")).await;
    let c = client(&cap.url());
    let t0 = Instant::now();
    get(&c).await.unwrap_err();
    assert_eq!(
        cap.requests().len(),
        4,
        "50 + 50 + 50 = 150; a fourth wait would pass 180"
    );
    assert!(t0.elapsed() >= Duration::from_secs(150) && t0.elapsed() < Duration::from_secs(151));
}

#[tokio::test(start_paused = true)]
async fn a_5xx_is_retried_with_backoff_for_a_get_but_not_for_a_post() {
    let cap = scripted(vec![unavailable()]).await;
    let c = client(&cap.url());
    let t0 = Instant::now();
    get(&c).await.unwrap();
    let took = t0.elapsed();
    assert!(
        took >= Duration::from_millis(1500) && took <= Duration::from_millis(3100),
        "backoff 3 s with jitter: {took:?}"
    );
    assert_eq!(cap.requests().len(), 2);

    let cap = scripted(vec![unavailable(), unavailable()]).await;
    let c = client(&cap.url());
    let e = UsersApi::new(&c)
        .post_users()
        .set_body(Default::default())
        .send()
        .await
        .unwrap_err();
    assert!(e.is_status(503), "{e}");
    assert_eq!(cap.requests().len(), 1, "a POST is not resent after a 5xx");
    // Opted in: resent.
    UsersApi::new(&c)
        .post_users()
        .set_body(Default::default())
        .with_retry_non_idempotent(true)
        .send()
        .await
        .unwrap();
    assert_eq!(cap.requests().len(), 3);
    // A 429 is always safe to resend.
    let cap = scripted(vec![too_many("1")]).await;
    let c = client(&cap.url());
    UsersApi::new(&c)
        .post_users()
        .set_body(Default::default())
        .send()
        .await
        .unwrap();
    assert_eq!(cap.requests().len(), 2);
    assert!(cap.requests().iter().all(|r| r.method == "POST"));
}

#[tokio::test(start_paused = true)]
async fn retries_can_be_turned_off_per_client_and_per_request() {
    let cap = Capture::start(|_| too_many("1")).await;
    let c = client(&cap.url());
    let e = AuthorizationApi::new(&c)
        .get_authorization_permissions()
        .without_retry()
        .send()
        .await
        .unwrap_err();
    assert!(e.is_status(429));
    assert_eq!(cap.requests().len(), 1);
    c.set_retry_config(RetryConfig::disabled());
    get(&c).await.unwrap_err();
    assert_eq!(cap.requests().len(), 2);
    // ...and on again for one request.
    get(&c).await.unwrap_err();
    let e = AuthorizationApi::new(&c)
        .get_authorization_permissions()
        .with_retry(RetryConfig::default().with_max_retries(2))
        .send()
        .await
        .unwrap_err();
    assert!(e.is_status(429));
    assert_eq!(cap.requests().len(), 6);
}

#[tokio::test(start_paused = true)]
async fn refused_connections_are_retried_even_for_a_post() {
    // A port nothing listens on.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let c = client(&format!("http://127.0.0.1:{port}"));
    let attempts = Arc::new(AtomicU32::new(0));
    let a = attempts.clone();
    c.add_post_request_hook(move |_, r| {
        assert!(r.is_err());
        a.fetch_add(1, Ordering::SeqCst);
    });
    let e = UsersApi::new(&c)
        .post_users()
        .set_body(Default::default())
        .with_max_retries(2)
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Transport, "{e}");
    assert_eq!(attempts.load(Ordering::SeqCst), 3);
}

#[tokio::test(start_paused = true)]
async fn a_reset_connection_is_retried_for_a_get_only() {
    let sim = Simulator::start(SimulatorConfig::default()).await.unwrap();
    let c = client(&sim.base_url());
    c.set_access_token(sim.issue_token(None));
    sim.faults().add(
        FaultRule::operation("getAuthorizationPermissions", Fault::connection_reset()).times(1),
    );
    get(&c).await.unwrap();
    sim.faults()
        .add(FaultRule::operation("postAuthorizationRoles", Fault::connection_reset()).times(1));
    let e = AuthorizationApi::new(&c)
        .post_authorization_roles()
        .set_body(Default::default())
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Transport, "{e}");
}

#[tokio::test(start_paused = true)]
async fn timeouts_are_not_retried() {
    let mut slow = Reply::json(200, "{}");
    slow.delay = Some(Duration::from_secs(30));
    let cap = scripted(vec![slow]).await;
    let c = client(&cap.url());
    let e = AuthorizationApi::new(&c)
        .get_authorization_permissions()
        .with_timeout(Duration::from_secs(2))
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout, "{e}");
    assert_eq!(cap.requests().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn token_requests_are_retried_on_429() {
    let cap = Capture::start({
        let n = AtomicU32::new(0);
        move |_| {
            if n.fetch_add(1, Ordering::SeqCst) == 0 {
                too_many("2")
            } else {
                Reply::token("NEW", 3600)
            }
        }
    })
    .await;
    let c = client(&cap.url());
    let t0 = Instant::now();
    c.login_client_credentials_grant("id", "secret")
        .await
        .unwrap();
    assert!(t0.elapsed() >= Duration::from_secs(2));
    assert_eq!(cap.requests().len(), 2);
}
