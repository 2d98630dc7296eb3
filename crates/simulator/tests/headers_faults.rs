//! Response headers, rate limiting, fault injection (API, header, admin endpoint) and CORS.

mod common;

use std::time::{Duration, Instant};

use common::*;
use purecloud_simulator::{Fault, FaultRule, DEFAULT_USER_ID};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Sends raw bytes and reads until the server closes; returns what was read and whether the
/// read ended with an error (e.g. a reset).
async fn raw(sim: &Simulator, request: &str) -> (Vec<u8>, bool) {
    let mut s = TcpStream::connect(sim.local_addr()).await.unwrap();
    s.write_all(request.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        match tokio::time::timeout(Duration::from_secs(5), s.read(&mut buf)).await {
            Ok(Ok(0)) => return (out, false),
            Ok(Ok(n)) => out.extend_from_slice(&buf[..n]),
            Ok(Err(_)) => return (out, true),
            Err(_) => panic!("timed out reading"),
        }
    }
}

fn get_request(path: &str, token: &str, extra: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n{extra}\r\n")
}

#[tokio::test]
async fn correlation_and_rate_limit_headers() {
    let sim = start().await;
    let http = Http::for_sim(&sim);
    let token = sim.issue_token(None);
    let r1 = http.get("/api/v2/users", &token).await;
    let r2 = http.get("/api/v2/users", &token).await;
    let c1 = r1.header("inin-correlation-id").unwrap();
    let c2 = r2.header("inin-correlation-id").unwrap();
    assert_eq!(c1.len(), 36);
    assert_ne!(c1, c2);
    assert_eq!(r1.header("content-type"), Some("application/json"));
    assert_eq!(r1.header("inin-ratelimit-count"), Some("1"));
    assert_eq!(r2.header("inin-ratelimit-count"), Some("2"));
    assert!(r2.header("inin-ratelimit-allowed").is_some());
    let reset: u64 = r2.header("inin-ratelimit-reset").unwrap().parse().unwrap();
    assert!((1..=60).contains(&reset));
    // Correlation ids on login responses and errors too.
    let r = http
        .token(Some(("x", "y")), &[("grant_type", "client_credentials")])
        .await;
    assert!(r.header("inin-correlation-id").is_some());
    let r = http.get("/api/v2/nope", &token).await;
    assert_error(&r, 404, "not.found");
    sim.shutdown().await;
}

#[tokio::test]
async fn rate_limit_answers_429_with_retry_after() {
    let config = SimulatorConfig {
        rate_limit: Some(5),
        ..Default::default()
    };
    let sim = Simulator::start(config).await.unwrap();
    let http = Http::for_sim(&sim);
    let token = sim.issue_token(None);
    for i in 1..=5 {
        let r = http.get("/api/v2/users", &token).await;
        assert_eq!(r.status, 200);
        assert_eq!(r.header("inin-ratelimit-allowed"), Some("5"));
        assert_eq!(
            r.header("inin-ratelimit-count"),
            Some(i.to_string().as_str())
        );
    }
    let r = http.get("/api/v2/users", &token).await;
    let e = assert_error(&r, 429, "too.many.requests");
    let retry: u64 = r.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry));
    assert_eq!(e["messageParams"]["retryAfter"], retry.to_string());
    // Limits are per token.
    let other = sim.issue_token(None);
    assert_eq!(http.get("/api/v2/users", &other).await.status, 200);
    sim.shutdown().await;
}

#[tokio::test]
async fn latency_status_and_counted_faults() {
    let sim = start().await;
    let http = Http::for_sim(&sim);
    let token = sim.issue_token(Some(DEFAULT_USER_ID));
    let faults = sim.faults();

    // Latency on one operation.
    faults.add(
        FaultRule::operation("getUsersMe", Fault::latency(Duration::from_millis(300))).times(1),
    );
    let t = Instant::now();
    assert_eq!(http.get("/api/v2/users/me", &token).await.status, 200);
    assert!(t.elapsed() >= Duration::from_millis(300));
    let t = Instant::now();
    assert_eq!(http.get("/api/v2/users/me", &token).await.status, 200);
    assert!(t.elapsed() < Duration::from_millis(300));

    // 503 on a route template, twice.
    faults.add(FaultRule::route("GET", "/api/v2/users/{userId}", Fault::status(503)).times(2));
    for _ in 0..2 {
        let r = http
            .get(&format!("/api/v2/users/{DEFAULT_USER_ID}"), &token)
            .await;
        assert_error(&r, 503, "service.unavailable");
    }
    assert_eq!(
        http.get(&format!("/api/v2/users/{DEFAULT_USER_ID}"), &token)
            .await
            .status,
        200
    );
    // Other methods and paths are not affected.
    faults.add(FaultRule::route(
        "POST",
        "/api/v2/users",
        Fault::status(500),
    ));
    assert_eq!(http.get("/api/v2/users", &token).await.status, 200);
    faults.clear();

    // 429 burst of 3 with Retry-After, then success.
    faults.add(FaultRule::any(Fault::too_many_requests(2)).times(3));
    for _ in 0..3 {
        let r = http.get("/api/v2/users", &token).await;
        assert_error(&r, 429, "too.many.requests");
        assert_eq!(r.header("retry-after"), Some("2"));
    }
    assert_eq!(http.get("/api/v2/users", &token).await.status, 200);

    // Faults on the login service too.
    faults
        .add_spec("POST /oauth/token", "status=502;count=1")
        .unwrap();
    let r = http
        .token(
            Some(("sim-client-id", "sim-client-secret")),
            &[("grant_type", "client_credentials")],
        )
        .await;
    assert_eq!(r.status, 502);
    let r = http
        .token(
            Some(("sim-client-id", "sim-client-secret")),
            &[("grant_type", "client_credentials")],
        )
        .await;
    assert_eq!(r.status, 200);
    assert!(faults.rules().is_empty());
    sim.shutdown().await;
}

#[tokio::test]
async fn malformed_html_reset_and_truncated_faults() {
    let sim = start().await;
    let http = Http::for_sim(&sim);
    let token = sim.issue_token(Some(DEFAULT_USER_ID));
    let auth = format!("Bearer {token}");

    // Malformed JSON with 200.
    let r = http
        .send(
            "GET",
            "/api/v2/users/me",
            &[("authorization", &auth), ("x-sim-fault", "malformed")],
            None,
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert!(serde_json::from_slice::<serde_json::Value>(&r.body).is_err());

    // An HTML 502 page like a proxy's.
    let r = http
        .send(
            "GET",
            "/api/v2/users/me",
            &[("authorization", &auth), ("x-sim-fault", "html")],
            None,
        )
        .await;
    assert_eq!(r.status, 502);
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
    assert!(r.text().contains("502 Bad Gateway"));

    // A 5xx through the header, with latency.
    let t = Instant::now();
    let r = http
        .send(
            "GET",
            "/api/v2/users/me",
            &[
                ("authorization", &auth),
                ("x-sim-fault", "latency=150;status=500"),
            ],
            None,
        )
        .await;
    assert_error(&r, 500, "internal.server.error");
    assert!(t.elapsed() >= Duration::from_millis(150));
    // A bad fault header is a 400.
    let r = http
        .send(
            "GET",
            "/api/v2/users/me",
            &[("authorization", &auth), ("x-sim-fault", "explode")],
            None,
        )
        .await;
    assert_error(&r, 400, "bad.request");

    // Connection reset: no response at all.
    let r = http
        .try_send(
            "GET",
            "/api/v2/users/me",
            &[("authorization", &auth), ("x-sim-fault", "reset")],
            None,
        )
        .await;
    assert!(r.is_err(), "expected a connection error");
    let (bytes, _) = raw(
        &sim,
        &get_request("/api/v2/users/me", &token, "x-sim-fault: reset\r\n"),
    )
    .await;
    assert!(bytes.is_empty(), "got {}", String::from_utf8_lossy(&bytes));

    // Truncated body: Content-Length larger than what arrives.
    let (bytes, _) = raw(
        &sim,
        &get_request("/api/v2/users/me", &token, "x-sim-fault: truncate\r\n"),
    )
    .await;
    let text = String::from_utf8_lossy(&bytes).to_string();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let len: usize = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length: ")
                .map(|v| v.trim().parse().unwrap())
        })
        .unwrap();
    assert!(
        body.len() < len,
        "body {} >= content-length {len}",
        body.len()
    );
    let r = http
        .try_send(
            "GET",
            "/api/v2/users/me",
            &[("authorization", &auth), ("x-sim-fault", "truncate")],
            None,
        )
        .await;
    assert!(r.is_err(), "expected an incomplete body error");

    // The server is still fine.
    assert_eq!(http.get("/api/v2/users/me", &token).await.status, 200);

    // Route rules for the same kinds.
    sim.faults()
        .add(FaultRule::operation("getUsersMe", Fault::connection_reset()).times(1));
    assert!(http
        .try_send("GET", "/api/v2/users/me", &[("authorization", &auth)], None)
        .await
        .is_err());
    assert_eq!(http.get("/api/v2/users/me", &token).await.status, 200);
    sim.shutdown().await;
}

#[tokio::test]
async fn admin_fault_endpoint() {
    let sim = start().await;
    let http = Http::for_sim(&sim);
    let token = sim.issue_token(None);
    let post = |body: serde_json::Value| {
        let http = http.clone();
        async move {
            http.send(
                "POST",
                "/__sim/faults",
                &[("content-type", "application/json")],
                Some(serde_json::to_vec(&body).unwrap()),
            )
            .await
        }
    };
    let r = post(json!({"method": "GET", "path": "/api/v2/groups/{groupId}", "fault": "status=504", "count": 1})).await;
    assert_eq!(r.status, 201, "{}", r.text());
    let id = r.json()["id"].as_u64().unwrap();
    let r = post(json!({"operationId": "getRoutingQueues", "fault": "429;retry-after=7"})).await;
    let id2 = r.json()["id"].as_u64().unwrap();
    let list = http.send("GET", "/__sim/faults", &[], None).await.json();
    assert_eq!(list["rules"].as_array().unwrap().len(), 2);
    assert_eq!(list["rules"][0]["id"], id);

    assert_error(
        &http.get("/api/v2/groups/abc", &token).await,
        504,
        "gateway.timeout",
    );
    assert_error(
        &http.get("/api/v2/groups/abc", &token).await,
        404,
        "not.found",
    );
    let r = http.get("/api/v2/routing/queues", &token).await;
    assert_eq!(r.status, 429);
    assert_eq!(r.header("retry-after"), Some("7"));
    assert_eq!(
        http.send("DELETE", &format!("/__sim/faults/{id2}"), &[], None)
            .await
            .status,
        204
    );
    assert_eq!(http.get("/api/v2/routing/queues", &token).await.status, 200);

    // Invalid rules are rejected.
    assert_eq!(post(json!({"fault": "bogus"})).await.status, 400);
    assert_eq!(post(json!({"path": "/x"})).await.status, 400);
    let r = http
        .send("POST", "/__sim/faults", &[], Some(b"{not json".to_vec()))
        .await;
    assert_eq!(r.status, 400);
    // Several at once, then clear.
    let r = post(json!([{"target": "*", "fault": "latency=1"}, {"target": "GET /api/v2/users", "fault": "html"}])).await;
    assert_eq!(r.json()["ids"].as_array().unwrap().len(), 2);
    assert_eq!(
        http.send("DELETE", "/__sim/faults", &[], None).await.status,
        204
    );
    assert!(sim.faults().rules().is_empty());
    assert_eq!(
        http.send("GET", "/__sim/health", &[], None).await.status,
        200
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn cors() {
    let sim = start().await;
    let http = Http::for_sim(&sim);
    let r = http
        .send(
            "OPTIONS",
            "/api/v2/users/me",
            &[
                ("origin", "http://app.example.com:3000"),
                ("access-control-request-method", "GET"),
                (
                    "access-control-request-headers",
                    "authorization, content-type, x-custom",
                ),
            ],
            None,
        )
        .await;
    assert!(r.status == 200 || r.status == 204);
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some("http://app.example.com:3000")
    );
    assert!(r
        .header("access-control-allow-methods")
        .unwrap()
        .contains("PATCH"));
    let allowed = r
        .header("access-control-allow-headers")
        .unwrap()
        .to_lowercase();
    assert!(
        allowed.contains("authorization")
            && allowed.contains("content-type")
            && allowed.contains("x-custom")
    );
    // Preflight of the token endpoint.
    let r = http
        .send(
            "OPTIONS",
            "/oauth/token",
            &[
                ("origin", "http://app.example.com"),
                ("access-control-request-method", "POST"),
            ],
            None,
        )
        .await;
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some("http://app.example.com")
    );
    // Actual responses carry the origin and expose the inin headers.
    let token = sim.issue_token(None);
    let r = http
        .send(
            "GET",
            "/api/v2/users",
            &[
                ("origin", "http://app.example.com"),
                ("authorization", &format!("Bearer {token}")),
            ],
            None,
        )
        .await;
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some("http://app.example.com")
    );
    let expose = r.header("access-control-expose-headers").unwrap();
    assert!(expose.contains("inin-correlation-id") && expose.contains("inin-ratelimit-count"));
    // Without an Origin header: `*`.
    let r = http.get("/api/v2/users", &token).await;
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    sim.shutdown().await;
}
