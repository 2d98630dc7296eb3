//! Configuration from JSON, another spec file, and the command-line binary.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use common::*;
use purecloud_simulator::{SimulatorConfig, DEFAULT_CLIENT_ID};
use serde_json::json;

const TINY_SPEC: &str = r##"{
  "swagger": "2.0",
  "info": {"title": "tiny", "version": "1"},
  "paths": {
    "/api/v2/widgets/{widgetId}": {
      "get": {
        "operationId": "getWidget",
        "parameters": [{"name": "widgetId", "in": "path", "required": true, "type": "string"}],
        "responses": {"200": {"schema": {"$ref": "#/definitions/Widget"}}},
        "security": [{"PureCloud OAuth": []}]
      }
    },
    "/api/v2/ping": {
      "post": {
        "operationId": "postPing",
        "parameters": [{"name": "body", "in": "body", "required": true, "schema": {"$ref": "#/definitions/Ping"}}],
        "responses": {"204": {"description": "ok"}},
        "security": []
      }
    }
  },
  "definitions": {
    "Widget": {"type": "object", "properties": {
      "id": {"type": "string"}, "name": {"type": "string"}, "count": {"type": "integer", "format": "int64"},
      "tags": {"type": "array", "items": {"type": "string"}}, "selfUri": {"type": "string"}}},
    "Ping": {"type": "object", "required": ["msg"], "properties": {"msg": {"type": "string"}}}
  }
}"##;

#[test]
fn config_from_json() {
    let c = SimulatorConfig::from_json(&json!({
        "port": 0,
        "clients": [{"clientId": "a", "clientSecret": "b", "redirectUris": ["http://x/cb"], "grantTypes": ["client_credentials"]}],
        "users": [{"name": "Zed", "email": "zed@example.com", "password": "pw"}],
        "tokenLifetimeSeconds": 60,
        "rateLimit": 300,
        "seed": 7,
        "seedData": false
    }))
    .unwrap();
    assert_eq!(c.port, Some(0));
    assert_eq!(c.clients[0].client_id, "a");
    assert!(c.clients[0].allows("client_credentials"));
    assert!(!c.clients[0].allows("implicit"));
    assert_eq!(c.users[0].username, "zed@example.com");
    assert_eq!(c.users[0].id.len(), 36);
    assert_eq!(c.token_lifetime.as_secs(), 60);
    assert_eq!(c.rate_limit, Some(300));
    assert!(!c.seed_data);
    assert!(SimulatorConfig::from_json(&json!({"port": "x"})).is_err());
    assert!(SimulatorConfig::from_json(&json!([])).is_err());
    assert!(SimulatorConfig::from_json(&json!({"users": []})).is_err());
}

#[tokio::test]
async fn another_spec_file() {
    let path = std::env::temp_dir().join(format!("sim-tiny-spec-{}.json", std::process::id()));
    std::fs::write(&path, TINY_SPEC).unwrap();
    let config = SimulatorConfig {
        spec_path: Some(path.clone()),
        seed_data: false,
        ..Default::default()
    };
    let sim = Simulator::start(config).await.unwrap();
    assert_eq!(sim.spec().operations.len(), 2);
    let http = Http::for_sim(&sim);
    let token = sim.issue_token(None);
    let w = http.get("/api/v2/widgets/w1", &token).await.json();
    assert_eq!(w["id"], "w1");
    assert_eq!(w["selfUri"], "/api/v2/widgets/w1");
    assert!(w["count"].is_i64() && w["tags"].as_array().is_some_and(|a| !a.is_empty()));
    assert_error(
        &http.send("GET", "/api/v2/widgets/w1", &[], None).await,
        401,
        "authentication.required",
    );
    let h = [("content-type", "application/json")];
    assert_eq!(
        http.send(
            "POST",
            "/api/v2/ping",
            &h,
            Some(br#"{"msg":"hi"}"#.to_vec())
        )
        .await
        .status,
        204
    );
    // A wrong type is refused naming the field; a property the definition lists as required
    // may be left out (the spec's `required` lists are the SDK typings', not the service's).
    let r = http
        .send("POST", "/api/v2/ping", &h, Some(br#"{"msg":5}"#.to_vec()))
        .await;
    let e = assert_error(&r, 400, "bad.request");
    assert!(e["message"].as_str().unwrap().contains("body.msg"));
    let r = http
        .send("POST", "/api/v2/ping", &h, Some(b"{}".to_vec()))
        .await;
    assert_eq!(r.status, 204, "{}", r.text());
    assert_error(&http.get("/api/v2/users", &token).await, 404, "not.found");
    sim.shutdown().await;
    let _ = std::fs::remove_file(path);

    // A missing spec file is an error, not a panic.
    let config = SimulatorConfig {
        spec_path: Some("/nonexistent/spec.json".into()),
        ..Default::default()
    };
    assert!(Simulator::start(config).await.is_err());
}

#[tokio::test]
async fn binary_prints_base_url_and_serves_tokens() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_purecloud-simulator"))
        .args(["--port", "0", "--host", "127.0.0.1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let first = lines.next().unwrap().unwrap();
    let base = first.rsplit(' ').next().unwrap().to_string();
    assert!(base.starts_with("http://127.0.0.1:"), "{first}");
    let rest: Vec<String> = lines.by_ref().take(5).map(|l| l.unwrap()).collect();
    assert!(
        rest.iter().any(|l| l.contains(DEFAULT_CLIENT_ID)),
        "{rest:?}"
    );
    assert!(
        rest.iter().any(|l| l.contains("sim-client-secret")),
        "{rest:?}"
    );
    let http = Http::new(&base);
    let r = http
        .token(
            Some(("sim-client-id", "sim-client-secret")),
            &[("grant_type", "client_credentials")],
        )
        .await;
    assert_eq!(r.status, 200);
    let token = r.json()["access_token"].as_str().unwrap().to_string();
    assert_eq!(http.get("/api/v2/users", &token).await.status, 200);
    child.kill().unwrap();
    child.wait().unwrap();

    // Bad arguments exit with status 2.
    let out = Command::new(env!("CARGO_BIN_EXE_purecloud-simulator"))
        .arg("--bogus")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
