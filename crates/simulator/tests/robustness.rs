//! Bad requests never crash the simulator, and it keeps serving under concurrent load.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use purecloud_simulator::DEFAULT_USER_ID;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

async fn raw(sim: &Simulator, bytes: &[u8]) -> String {
    let mut s = TcpStream::connect(sim.local_addr()).await.unwrap();
    let _ = s.write_all(bytes).await;
    let mut out = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), s.read_to_end(&mut out)).await;
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test]
async fn malformed_bodies_and_urls_get_400() {
    let sim = start().await;
    let http = Http::for_sim(&sim);
    let token = sim.issue_token(Some(DEFAULT_USER_ID));
    let auth = format!("Bearer {token}");
    let h = [
        ("authorization", auth.as_str()),
        ("content-type", "application/json"),
    ];

    // Malformed JSON, wrong top-level type, bad UTF-8, empty required body.
    let r = http
        .send("POST", "/api/v2/users", &h, Some(b"{\"name\": ".to_vec()))
        .await;
    let e = assert_error(&r, 400, "bad.request");
    assert!(e["message"].as_str().unwrap().contains("not valid JSON"));
    let r = http
        .send("POST", "/api/v2/users", &h, Some(b"[1,2,3]".to_vec()))
        .await;
    assert_error(&r, 400, "bad.request");
    let r = http
        .send(
            "POST",
            "/api/v2/users",
            &h,
            Some(b"{\"name\": \"\xff\xfe\"}".to_vec()),
        )
        .await;
    assert_error(&r, 400, "bad.request");
    let r = http.send("POST", "/api/v2/users", &h, None).await;
    let e = assert_error(&r, 400, "bad.request");
    assert!(e["message"].as_str().unwrap().contains("body"));

    // Bad percent-encoding in the path and the query; percent-decoding to bad UTF-8.
    assert_error(
        &http.get("/api/v2/users/%zz", &token).await,
        400,
        "bad.request",
    );
    assert_error(
        &http.get("/api/v2/users/%ff%fe", &token).await,
        400,
        "bad.request",
    );
    assert_error(
        &http.get("/api/v2/users?pageSize=%zz", &token).await,
        400,
        "bad.request",
    );
    // Bad typed query parameters name the parameter.
    let e = assert_error(
        &http.get("/api/v2/users?pageNumber=two", &token).await,
        400,
        "bad.request",
    );
    assert!(e["message"].as_str().unwrap().contains("pageNumber"));
    let e = assert_error(
        &http
            .get("/api/v2/authorization/roles?userCount=perhaps", &token)
            .await,
        400,
        "bad.request",
    );
    assert!(e["message"].as_str().unwrap().contains("userCount"));
    // Encoded path segments are decoded before routing.
    let r = http
        .get(
            &format!("/api/v2/users/{}", DEFAULT_USER_ID.replace('-', "%2D")),
            &token,
        )
        .await;
    assert_eq!(r.status, 200);

    // Garbage that is not HTTP at all.
    let out = raw(&sim, b"\x00\x01\x02 NOT HTTP\r\n\r\n").await;
    assert!(out.is_empty() || out.starts_with("HTTP/1.1 400"), "{out}");
    // Still serving.
    assert_eq!(http.get("/api/v2/users/me", &token).await.status, 200);
    sim.shutdown().await;
}

#[tokio::test]
async fn huge_bodies_get_413() {
    let sim = start().await;
    let http = Http::for_sim(&sim);
    let token = sim.issue_token(Some(DEFAULT_USER_ID));
    let auth = format!("Bearer {token}");

    // Declared far beyond the limit: refused without reading.
    let req = format!(
        "POST /api/v2/groups HTTP/1.1\r\nHost: x\r\nAuthorization: {auth}\r\nContent-Type: application/json\r\nContent-Length: 900000000\r\n\r\n{{"
    );
    let out = raw(&sim, req.as_bytes()).await;
    assert!(out.starts_with("HTTP/1.1 413"), "{out}");
    assert!(out.contains("request.entity.too.large"));

    // An actual 11 MB body (over the default 10 MB limit).
    let big = vec![b' '; 11 * 1024 * 1024];
    let r = http
        .send(
            "POST",
            "/api/v2/groups",
            &[
                ("authorization", &auth),
                ("content-type", "application/json"),
            ],
            Some(big),
        )
        .await;
    assert_error(&r, 413, "request.entity.too.large");
    // Just under the limit is read (and rejected as not JSON).
    let mut ok = vec![b' '; 1024 * 1024];
    ok.extend_from_slice(b"{\"name\": 1}");
    let r = http
        .send(
            "POST",
            "/api/v2/groups",
            &[
                ("authorization", &auth),
                ("content-type", "application/json"),
            ],
            Some(ok),
        )
        .await;
    assert_error(&r, 400, "bad.request");
    assert_eq!(http.get("/api/v2/users/me", &token).await.status, 200);
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_load() {
    let sim = start().await;
    let http = Http::for_sim(&sim);
    let token = Arc::new(sim.issue_token(Some(DEFAULT_USER_ID)));
    let paths = [
        "/api/v2/users/me",
        "/api/v2/users?pageSize=5",
        "/api/v2/routing/queues",
        "/api/v2/authorization/permissions",
        "/api/v2/flows/abc",
        "/api/v2/conversations/calls/abc",
        "/api/v2/no/such/path",
    ];
    let started = Instant::now();
    let sem = Arc::new(tokio::sync::Semaphore::new(50));
    let mut tasks = Vec::new();
    for i in 0..500usize {
        let http = http.clone();
        let token = token.clone();
        let sem = sem.clone();
        let path = paths[i % paths.len()];
        tasks.push(tokio::spawn(async move {
            let _permit = sem.acquire().await.unwrap();
            let r = if i % 10 == 0 {
                // A few bad requests mixed in.
                http.json(
                    "POST",
                    "/api/v2/groups",
                    &token,
                    &serde_json::json!({"name": 1}),
                )
                .await
            } else {
                http.get(path, &token).await
            };
            (i, path, r.status, r.header("inin-correlation-id").is_some())
        }));
    }
    let mut ok = 0;
    for t in tasks {
        let (i, path, status, has_cid) = t.await.unwrap();
        assert!(has_cid);
        let expected = if i % 10 == 0 {
            400
        } else if path == "/api/v2/no/such/path" {
            404
        } else {
            200
        };
        assert_eq!(status, expected, "request {i} to {path}");
        ok += 1;
    }
    assert_eq!(ok, 500);
    eprintln!("500 requests, 50 in flight: {:?}", started.elapsed());
    sim.shutdown().await;
}

#[tokio::test]
async fn shutdown_and_restart_on_a_fixed_port() {
    let sim = start().await;
    let port = sim.port();
    assert_eq!(sim.base_url(), format!("http://127.0.0.1:{port}"));
    sim.shutdown().await;
    assert!(TcpStream::connect(("127.0.0.1", port)).await.is_err());
    let config = SimulatorConfig {
        port: Some(port),
        ..Default::default()
    };
    let sim = Simulator::start(config).await.unwrap();
    assert_eq!(sim.port(), port);
    let http = Http::for_sim(&sim);
    let r = http
        .token(
            Some(("sim-client-id", "sim-client-secret")),
            &[("grant_type", "client_credentials")],
        )
        .await;
    assert_eq!(r.status, 200);
    sim.shutdown().await;
}

static SHARED: std::sync::OnceLock<Simulator> = std::sync::OnceLock::new();

fn shared() -> &'static Simulator {
    SHARED.get_or_init(|| Simulator::start_blocking(SimulatorConfig::default()).unwrap())
}

#[tokio::test]
async fn shared_simulator_across_runtimes_a() {
    let sim = shared();
    let http = Http::for_sim(sim);
    let token = sim.issue_token(Some(DEFAULT_USER_ID));
    assert_eq!(http.get("/api/v2/users/me", &token).await.status, 200);
}

#[tokio::test]
async fn shared_simulator_across_runtimes_b() {
    let sim = shared();
    let http = Http::for_sim(sim);
    let token = sim.issue_token(None);
    assert_eq!(http.get("/api/v2/routing/queues", &token).await.status, 200);
}

#[test]
fn blocking_start_from_sync_code() {
    fn is_send_sync<T: Send + Sync>() {}
    is_send_sync::<Simulator>();
    let sim = Simulator::start_blocking(SimulatorConfig::default()).unwrap();
    let mut s = std::net::TcpStream::connect(sim.local_addr()).unwrap();
    use std::io::{Read, Write};
    s.write_all(b"GET /__sim/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    assert!(out.starts_with("HTTP/1.1 200"), "{out}");
    drop(sim);
}
