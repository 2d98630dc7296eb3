//! Errors below the API: requests the HTTP parser refuses (a malformed request line or header,
//! a bad `Content-Length`, a target or a header section too long) and bodies that are not JSON
//! are answered as the service answers every error: a Genesys error body whose `contextId` is
//! the `inin-correlation-id` header.

mod common;

use std::time::Duration;

use common::*;
use purecloud_simulator::DEFAULT_USER_ID;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

struct Raw {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Raw {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Parses answers read from a connection (several, when requests were pipelined).
fn parse_all(mut out: &[u8]) -> Vec<Raw> {
    let mut all = Vec::new();
    while !out.is_empty() {
        let end = out
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .unwrap_or_else(|| panic!("no end of head in {:?}", String::from_utf8_lossy(out)));
        let head = String::from_utf8_lossy(&out[..end]).into_owned();
        let mut lines = head.split("\r\n");
        let status = lines.next().unwrap()[9..12].parse().unwrap();
        let headers: Vec<(String, String)> = lines
            .map(|l| {
                let (k, v) = l.split_once(':').unwrap();
                (k.trim().to_string(), v.trim().to_string())
            })
            .collect();
        let len: usize = headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
            .map(|(_, v)| v.parse().unwrap())
            .unwrap_or(0);
        let body = out[end + 4..end + 4 + len].to_vec();
        out = &out[end + 4 + len..];
        all.push(Raw {
            status,
            headers,
            body,
        });
    }
    all
}

async fn raw(sim: &Simulator, bytes: &[u8]) -> Vec<Raw> {
    let mut s = TcpStream::connect(sim.local_addr()).await.unwrap();
    let _ = s.write_all(bytes).await;
    let mut out = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), s.read_to_end(&mut out)).await;
    parse_all(&out)
}

/// A Genesys error with this status and code, its `contextId` in `inin-correlation-id`, and the
/// connection closed after it; returns the body.
fn assert_genesys(r: &Raw, status: u16, code: &str) -> Value {
    assert_eq!(r.status, status, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.header("content-type"), Some("application/json"));
    let v: Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(v["status"], status, "{v}");
    assert_eq!(v["code"], code, "{v}");
    assert!(v["message"].as_str().is_some_and(|m| !m.is_empty()), "{v}");
    assert!(v["messageParams"].is_object() && v["details"].is_array() && v["errors"].is_array());
    let cid = r
        .header("inin-correlation-id")
        .expect("inin-correlation-id");
    assert_eq!(v["contextId"], cid);
    assert_eq!(cid.len(), 36);
    v
}

#[tokio::test]
async fn unparseable_requests_get_genesys_errors() {
    let sim = start().await;
    let http = Http::for_sim(&sim);
    let token = sim.issue_token(Some(DEFAULT_USER_ID));

    for (request, field) in [
        (&b"GET /api/v2/users HTTP/1.1 extra\r\nHost: x\r\n\r\n"[..], "Malformed request line"),
        (b"\x00\x01\x02 NOT HTTP\r\n\r\n", "Malformed request line"),
        (b"GET /api/v2/users\r\nHost: x\r\n\r\n", "Malformed request line"),
        (b"GET /api/v2/users HTTP/1.1\r\nHost x\r\n\r\n", "Malformed header line"),
        (
            b"POST /api/v2/groups HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 12abc\r\n\r\n{}",
            "Invalid Content-Length header \"12abc\"",
        ),
        (
            b"POST /api/v2/groups HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
            "Invalid Content-Length header \"-1\"",
        ),
        (
            b"POST /api/v2/groups HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
            "Conflicting Content-Length headers",
        ),
    ] {
        let answers = raw(&sim, request).await;
        assert_eq!(answers.len(), 1, "{:?}", String::from_utf8_lossy(request));
        let v = assert_genesys(&answers[0], 400, "bad.request");
        let message = v["message"].as_str().unwrap();
        assert!(message.starts_with(field), "{message}");
        assert_eq!(answers[0].header("connection"), Some("close"));
    }

    // A good request then a bad one on the same connection: the first is answered normally,
    // the second is described (not the first).
    let auth = format!("Authorization: Bearer {token}\r\n");
    let pipelined = format!(
        "GET /api/v2/users/me HTTP/1.1\r\nHost: x\r\n{auth}\r\nPOST /api/v2/groups HTTP/1.1\r\nHost: x\r\nContent-Length: nine\r\n\r\n"
    );
    let answers = raw(&sim, pipelined.as_bytes()).await;
    assert_eq!(answers.len(), 2);
    assert_eq!(answers[0].status, 200);
    let me: Value = serde_json::from_slice(&answers[0].body).unwrap();
    assert_eq!(me["id"], DEFAULT_USER_ID);
    let v = assert_genesys(&answers[1], 400, "bad.request");
    assert!(v["message"].as_str().unwrap().contains("\"nine\""), "{v}");

    // Still serving.
    assert_eq!(http.get("/api/v2/users/me", &token).await.status, 200);
    sim.shutdown().await;
}

#[tokio::test]
async fn over_long_urls_and_heads_get_genesys_errors() {
    let sim = start().await;
    let http = Http::for_sim(&sim);
    let token = sim.issue_token(Some(DEFAULT_USER_ID));

    // Over the simulator's limit (8 KiB by default): 414 from the simulator itself.
    let long = format!("/api/v2/users?id={}", "a".repeat(9000));
    let r = http.get(&long, &token).await;
    let e = assert_error(&r, 414, "request.uri.too.long");
    assert!(e["message"].as_str().unwrap().contains("8192"), "{e}");
    // Just under it: served.
    let fits = format!("/api/v2/users?sortOrder={}", "a".repeat(8000));
    assert_eq!(http.get(&fits, &token).await.status, 200);

    // Over what the HTTP parser takes at all: 414 and 431 from the parser, as Genesys errors.
    let huge = format!(
        "GET /api/v2/users?id={} HTTP/1.1\r\nHost: x\r\n\r\n",
        "a".repeat(70_000)
    );
    let answers = raw(&sim, huge.as_bytes()).await;
    let v = assert_genesys(&answers[0], 414, "request.uri.too.long");
    assert_eq!(v["message"], "The request URI is too long.");
    let big_head = format!(
        "GET /api/v2/users HTTP/1.1\r\nHost: x\r\n{}\r\n",
        (0..200)
            .map(|i| format!("x-filler-{i}: {}\r\n", "b".repeat(4000)))
            .collect::<String>()
    );
    let answers = raw(&sim, big_head.as_bytes()).await;
    assert_genesys(&answers[0], 431, "request.header.fields.too.large");
    sim.shutdown().await;

    // The limit is configurable.
    let sim = Simulator::start(SimulatorConfig {
        max_url_bytes: 100,
        ..Default::default()
    })
    .await
    .unwrap();
    let http = Http::for_sim(&sim);
    let token = sim.issue_token(Some(DEFAULT_USER_ID));
    let r = http
        .get(
            &format!("/api/v2/users?sortOrder={}", "a".repeat(100)),
            &token,
        )
        .await;
    assert_error(&r, 414, "request.uri.too.long");
    sim.shutdown().await;
}

#[tokio::test]
async fn json_bodies_must_be_sent_as_json() {
    let sim = start().await;
    let http = Http::for_sim(&sim);
    let token = sim.issue_token(Some(DEFAULT_USER_ID));
    let auth = format!("Bearer {token}");
    let body = serde_json::to_vec(
        &json!({"name": "Media Types", "type": "official", "visibility": "public"}),
    )
    .unwrap();
    let send = |ct: Option<&'static str>, name: &str| {
        let http = http.clone();
        let auth = auth.clone();
        let mut b: Value = serde_json::from_slice(&body).unwrap();
        b["name"] = json!(name);
        async move {
            let mut h = vec![("authorization", auth.as_str())];
            if let Some(ct) = ct {
                h.push(("content-type", ct));
            }
            http.send(
                "POST",
                "/api/v2/groups",
                &h,
                Some(serde_json::to_vec(&b).unwrap()),
            )
            .await
        }
    };
    for ct in [
        "text/plain",
        "text/plain; charset=utf-8",
        "application/x-www-form-urlencoded",
        "application/xml",
    ] {
        let r = send(Some(ct), "Refused").await;
        let e = assert_error(&r, 415, "unsupported.media.type");
        assert!(e["message"].as_str().unwrap().contains(ct), "{e}");
    }
    for (ct, name) in [
        (Some("application/json"), "Json"),
        (Some("application/json; charset=UTF-8"), "Json charset"),
        (Some("Application/JSON"), "Json case"),
        (Some("application/scim+json"), "Scim json"),
        (None, "No content type"),
    ] {
        let r = send(ct, name).await;
        assert_eq!(r.status, 200, "{ct:?}: {}", r.text());
    }
    // Nothing was created by the refused requests.
    let groups = http.get("/api/v2/groups?name=Refused", &token).await.json();
    assert_eq!(groups["total"], 0);
    // A body-less request may say anything.
    let r = http
        .send(
            "GET",
            "/api/v2/users/me",
            &[
                ("authorization", auth.as_str()),
                ("content-type", "text/plain"),
            ],
            None,
        )
        .await;
    assert_eq!(r.status, 200);
    sim.shutdown().await;
}
