//! Builds a request for every operation through every API group it belongs to (no network) and
//! checks method, path, query encoding, headers, auth and body against the spec.
//! Needs `--features full` to cover every group; with fewer features it checks what is enabled.

#[path = "generated/requests.rs"]
#[rustfmt::skip]
mod generated;
mod support;

use purecloud_platform_client_v2::Client;
use serde_json::Value;
use std::collections::BTreeSet;
use support::{expected_param, operations, percent_decode, Samples};

#[test]
fn every_operation_builds_the_request_the_spec_describes() {
    let client = Client::builder()
        .base_url("http://127.0.0.1:9")
        .build()
        .unwrap();
    let built = generated::build_all(&client, &mut Samples);
    let mut failures = Vec::new();
    let mut seen = BTreeSet::new();
    let mut pairs = BTreeSet::new();
    let tag_class: std::collections::BTreeMap<String, String> = support::spec()["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["name"].as_str().unwrap().to_owned(),
                t["x-sdk-class"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    for (class, op_id, req, _) in &built {
        pairs.insert((class.to_string(), op_id.to_string()));
        seen.insert(op_id.to_string());
        let Some((method, path, op)) = operations().get(*op_id) else {
            failures.push(format!("{op_id}: not in the spec"));
            continue;
        };
        let mut fail = |m: String| failures.push(format!("{class}.{op_id}: {m}"));
        if req.method().as_str() != method {
            fail(format!("method {} != {method}", req.method()));
        }
        if req.operation_id() != *op_id {
            fail(format!("operation id {}", req.operation_id()));
        }
        let auth = op["security"]
            .as_array()
            .map(|a| !a.is_empty())
            .unwrap_or(false);
        if req.requires_auth() != auth {
            fail(format!("auth {} != spec {auth}", req.requires_auth()));
        }
        let params: Vec<&Value> = op["parameters"]
            .as_array()
            .map(|a| a.iter().collect())
            .unwrap_or_default();
        // Path: the same segments, each the percent-decoded sample of its parameter.
        let want: Vec<String> = path
            .split('/')
            .map(
                |seg| match seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                    Some(name) => {
                        let p = params
                            .iter()
                            .find(|p| p["name"] == name && p["in"] == "path")
                            .unwrap();
                        expected_param(p["type"].as_str().unwrap(), p["format"].as_str(), name)
                            .remove(0)
                    }
                    None => seg.to_owned(),
                },
            )
            .collect();
        let got: Vec<String> = req.path().split('/').map(percent_decode).collect();
        if got != want {
            fail(format!(
                "path {} decodes to {got:?}, want {want:?}",
                req.path()
            ));
        }
        if req.path().contains(' ') || req.path().contains('?') || req.path().contains('#') {
            fail(format!("path not encoded: {}", req.path()));
        }
        // Query: every query parameter, arrays repeated (collectionFormat multi), in spec order.
        let mut want_q = Vec::new();
        for p in params.iter().filter(|p| p["in"] == "query") {
            let name = p["name"].as_str().unwrap();
            if p["type"] == "array"
                && p.get("collectionFormat").and_then(Value::as_str) == Some("csv")
            {
                want_q.push((
                    name.to_owned(),
                    expected_param("array", None, name).join(","),
                ));
            } else {
                for v in expected_param(p["type"].as_str().unwrap(), p["format"].as_str(), name) {
                    want_q.push((name.to_owned(), v));
                }
            }
        }
        if req.query_pairs() != want_q {
            fail(format!("query {:?} != {want_q:?}", req.query_pairs()));
        }
        for qs in req.query_string().split('&').filter(|s| !s.is_empty()) {
            if qs.contains(' ') || qs.contains('#') || qs.matches('=').count() != 1 {
                fail(format!("query not encoded: {qs}"));
            }
        }
        // Headers.
        for p in params.iter().filter(|p| p["in"] == "header") {
            let name = p["name"].as_str().unwrap();
            let want = expected_param("string", None, name).remove(0);
            if !req.headers().any(|(k, v)| k == name && v == want) {
                fail(format!("header {name} missing"));
            }
        }
        // Body: exactly the sample the builder was given.
        let has_body = params.iter().any(|p| p["in"] == "body");
        match (has_body, req.body()) {
            (true, Some(b)) => {
                let want = support::body_sample(op_id);
                // A body that is a string in the spec goes out as that text, not JSON-quoted.
                if let Value::String(text) = &want {
                    if b != text.as_bytes() {
                        fail(format!(
                            "text body {:?} != {text:?}",
                            String::from_utf8_lossy(b)
                        ));
                    }
                    continue;
                }
                let got: Value = serde_json::from_slice(b).unwrap();
                if got != want {
                    fail(format!(
                        "body differs: {}",
                        support::json_diff(&want, &got, "body")
                    ));
                }
            }
            (true, None) => fail("body missing".into()),
            (false, Some(_)) => fail("unexpected body".into()),
            (false, None) => {}
        }
    }
    // With every feature on, every operation is built through every group that lists it.
    #[cfg(feature = "full")]
    {
        for (id, (_, _, op)) in operations() {
            for t in op["tags"].as_array().unwrap() {
                let class = &tag_class[t.as_str().unwrap()];
                if !pairs.contains(&(class.clone(), id.clone())) {
                    failures.push(format!("{class}.{id}: not generated"));
                }
            }
        }
        assert_eq!(seen.len(), 3356, "operations covered");
    }
    let _ = &tag_class;
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
    eprintln!(
        "checked {} requests ({} operations)",
        built.len(),
        seen.len()
    );
}
