//! Walks every operation of the spec: a well-formed request must succeed with an answer valid
//! against the response schema; a malformed variant must get a 400 naming the offending field.

mod common;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use common::*;
use hyper::Method;
use purecloud_simulator::{
    generate, validate, GenOptions, Operation, ParamIn, ParamType, Schema, Spec, ValidateOptions,
    DEFAULT_USER_ID,
};
use serde_json::{json, Value};

fn value_for(ty: &ParamType, name: &str, ids: &HashMap<String, String>) -> String {
    match ty {
        ParamType::Integer => "1".into(),
        ParamType::Number => "1.5".into(),
        ParamType::Boolean => "true".into(),
        ParamType::Date => "2024-05-01".into(),
        ParamType::DateTime => "2024-05-01T12:00:00.000Z".into(),
        ParamType::Array(inner) => value_for(inner, name, ids),
        ParamType::String => ids
            .get(name)
            .cloned()
            .unwrap_or_else(|| "3fa85f64-5717-4562-b3fc-2c963f66afa6".into()),
    }
}

struct Built {
    path: String,
    query: Vec<(String, String)>,
    body: Option<Value>,
}

fn build(op: &Operation, spec: &Spec, ids: &HashMap<String, String>, seed: u64) -> Built {
    let mut path = op.path.clone();
    let mut query = Vec::new();
    for p in &op.params {
        match p.location {
            ParamIn::Path => {
                path = path.replace(&format!("{{{}}}", p.name), &value_for(&p.ty, &p.name, ids));
            }
            ParamIn::Query if p.required => {
                query.push((p.name.clone(), value_for(&p.ty, &p.name, ids)));
            }
            _ => {}
        }
    }
    let mut body = op
        .body
        .as_ref()
        .map(|b| generate(spec, &b.schema, seed, &GenOptions::default()));
    if let Some(b) = body.as_mut() {
        coherent_body(op, b, ids);
    }
    Built { path, query, body }
}

/// Bodies of stateful operations that refer to other entities name seeded ones (as a client
/// would), and a user's PATCH changes fields rather than only its state.
fn coherent_body(op: &Operation, body: &mut Value, ids: &HashMap<String, String>) {
    let id = |k: &str| json!(ids.get(k).cloned().unwrap_or_default());
    match op.id.as_str() {
        "patchUser" => {
            body.as_object_mut().map(|m| m.remove("state"));
        }
        "putUserRoles" => *body = json!([id("roleId")]),
        "postRoutingQueueMembers" => *body = json!([{"id": id("userId")}]),
        "patchRoutingQueueMembers" => *body = json!([{"id": id("userId"), "joined": true}]),
        "patchUserQueues" => *body = json!([{"id": id("queueId"), "joined": false}]),
        _ => {}
    }
}

fn url(b: &Built) -> String {
    let mut u = b.path.clone();
    for (i, (k, v)) in b.query.iter().enumerate() {
        u.push(if i == 0 { '?' } else { '&' });
        u.push_str(&enc(k));
        u.push('=');
        u.push_str(&enc(v));
    }
    u
}

/// A value of the wrong type for a schema, if there is one.
fn wrong_value(s: &Schema) -> Option<Value> {
    match s {
        Schema::String(_) | Schema::Enum(_) => Some(json!(12345)),
        Schema::Integer | Schema::Number => Some(json!("not-a-number")),
        Schema::Boolean => Some(json!("nope")),
        Schema::Array(_) | Schema::Object | Schema::Map(_) | Schema::Ref(_) => Some(json!("x")),
        Schema::Any => None,
    }
}

/// A malformed variant: (url, body, field the error must name).
fn malformed(op: &Operation, spec: &Spec, good: &Built) -> Option<(String, Option<Value>, String)> {
    if let Some(bp) = &op.body {
        let body = good.body.clone().unwrap_or(Value::Null);
        match &bp.schema {
            Schema::Ref(d) => {
                let def = &spec.definitions[*d];
                let mut props: Vec<_> = def.properties.iter().collect();
                props.sort_by_key(|p| !p.required);
                for p in props {
                    if let Some(w) = wrong_value(&p.schema) {
                        let mut b = body.clone();
                        if !b.is_object() {
                            b = json!({});
                        }
                        b[p.name.as_str()] = w;
                        return Some((url(good), Some(b), format!("{}.{}", bp.name, p.name)));
                    }
                }
                return Some((url(good), Some(json!([1])), bp.name.clone()));
            }
            // A body declared `type: string` is a document taken as sent: any JSON is good.
            Schema::String(_) => {}
            other => {
                if let Some(w) = wrong_value(other) {
                    return Some((url(good), Some(w), bp.name.clone()));
                }
            }
        }
    }
    for p in &op.params {
        let bad = match p.ty {
            ParamType::Integer | ParamType::Number => "not-a-number",
            ParamType::Boolean => "maybe",
            ParamType::Date | ParamType::DateTime => "yesterday",
            _ => continue,
        };
        match p.location {
            ParamIn::Path => {
                let mut b = Built {
                    path: op.path.clone(),
                    query: good.query.clone(),
                    body: None,
                };
                for q in op.params.iter().filter(|q| q.location == ParamIn::Path) {
                    let v = if q.name == p.name {
                        bad.to_string()
                    } else {
                        value_for(&q.ty, &q.name, &HashMap::new())
                    };
                    b.path = b.path.replace(&format!("{{{}}}", q.name), &v);
                }
                return Some((url(&b), good.body.clone(), p.name.clone()));
            }
            ParamIn::Query => {
                let mut b = Built {
                    path: good.path.clone(),
                    query: good.query.clone(),
                    body: None,
                };
                b.query.retain(|(k, _)| k != &p.name);
                b.query.push((p.name.clone(), bad.to_string()));
                return Some((url(&b), good.body.clone(), p.name.clone()));
            }
            ParamIn::Header => {}
        }
    }
    None
}

async fn call(http: &Http, op: &Operation, token: &str, url: &str, body: Option<&Value>) -> Resp {
    let auth = format!("Bearer {token}");
    let mut headers = vec![("authorization", auth.as_str())];
    let req_headers: Vec<String> = op
        .params
        .iter()
        .filter(|p| p.location == ParamIn::Header && p.required)
        .map(|p| p.name.clone())
        .collect();
    for h in &req_headers {
        headers.push((h.as_str(), "x"));
    }
    let bytes = body.map(|b| serde_json::to_vec(b).unwrap());
    if bytes.is_some() {
        headers.push(("content-type", "application/json"));
    }
    http.send(op.method.as_str(), url, &headers, bytes).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_answers_valid_and_rejects_malformed() {
    let started = Instant::now();
    let sim = Arc::new(start().await);
    let spec = sim.spec().clone();
    assert_eq!(spec.operations.len(), 3356);
    let http = Http::for_sim(&sim);
    let token = sim.issue_token(Some(DEFAULT_USER_ID));

    // Ids of seeded entities for the stateful operations.
    let mut ids: HashMap<String, String> = HashMap::new();
    for param in ["userId", "subjectId", "memberId"] {
        ids.insert(param.into(), DEFAULT_USER_ID.into());
    }
    for (param, path, pick_non_home) in [
        ("roleId", "/api/v2/authorization/roles", false),
        ("divisionId", "/api/v2/authorization/divisions", true),
        ("groupId", "/api/v2/groups", false),
        ("queueId", "/api/v2/routing/queues", false),
        ("presenceId", "/api/v2/presencedefinitions", false),
        ("definitionId", "/api/v2/presence/definitions", false),
    ] {
        let v = http.get(path, &token).await.json();
        let e = v["entities"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| !pick_non_home || e["homeDivision"] != json!(true))
            .unwrap()
            .clone();
        ids.insert(param.into(), e["id"].as_str().unwrap().into());
    }
    let ids = Arc::new(ids);

    // Deletes last, so that the entities they remove are not needed afterwards; the deepest
    // paths first (a user's sub-resources before the user).
    let mut order: Vec<usize> = (0..spec.operations.len()).collect();
    order.sort_by_key(|i| {
        let op = &spec.operations[*i];
        let delete = op.method == Method::DELETE;
        (
            delete,
            if delete {
                usize::MAX - op.path.matches('/').count()
            } else {
                0
            },
        )
    });

    let mut failures: Vec<String> = Vec::new();
    let mut malformed_checked = 0usize;
    let mut good_checked = 0usize;
    for chunk in order.chunks(8) {
        let mut tasks = Vec::new();
        for &i in chunk {
            let sim = sim.clone();
            let spec = spec.clone();
            let http = http.clone();
            let ids = ids.clone();
            tasks.push(tokio::spawn(async move {
                let op = &spec.operations[i];
                let mut errs = Vec::new();
                let token = sim.issue_token(Some(DEFAULT_USER_ID));
                let seed = i as u64;
                // Revoking the default user's tokens would fail the requests running beside it.
                let ids = if op.id == "deleteToken" {
                    let mut other = (*ids).clone();
                    other.remove("userId");
                    Arc::new(other)
                } else {
                    ids
                };
                let good = build(op, &spec, &ids, seed);
                let bad = malformed(op, &spec, &good);
                // The malformed request first: it must not change state.
                let mut checked_bad = false;
                if let Some((u, body, field)) = &bad {
                    let r = call(&http, op, &token, u, body.as_ref()).await;
                    checked_bad = true;
                    if r.status != 400 {
                        errs.push(format!(
                            "{} {} malformed ({u}): status {} {}",
                            op.method,
                            op.path,
                            r.status,
                            r.text()
                        ));
                    } else {
                        let v: Value = serde_json::from_slice(&r.body).unwrap_or(Value::Null);
                        let msg = v["message"].as_str().unwrap_or("");
                        if v["code"] != "bad.request" || !msg.contains(field.as_str()) {
                            errs.push(format!(
                                "{} {} malformed: expected bad.request naming {field}: {v}",
                                op.method, op.path
                            ));
                        }
                        if v["contextId"].as_str() != r.header("inin-correlation-id") {
                            errs.push(format!(
                                "{} {}: contextId != inin-correlation-id",
                                op.method, op.path
                            ));
                        }
                    }
                }
                let r = call(&http, op, &token, &url(&good), good.body.as_ref()).await;
                match &op.response {
                    None => {
                        if r.status != 204 || !r.body.is_empty() {
                            errs.push(format!(
                                "{} {}: expected 204, got {} {}",
                                op.method,
                                op.path,
                                r.status,
                                r.text()
                            ));
                        }
                    }
                    Some(schema) => {
                        if r.status != 200 {
                            errs.push(format!(
                                "{} {} ({}): expected 200, got {} {}",
                                op.method,
                                op.path,
                                url(&good),
                                r.status,
                                r.text()
                            ));
                        } else if op.produces.is_some() && matches!(schema, Schema::String(_)) {
                            if r.body.is_empty() {
                                errs.push(format!("{} {}: empty text body", op.method, op.path));
                            }
                        } else {
                            match serde_json::from_slice::<Value>(&r.body) {
                                Err(e) => {
                                    errs.push(format!("{} {}: not JSON: {e}", op.method, op.path))
                                }
                                Ok(v) => {
                                    if let Err(e) = validate(
                                        &spec,
                                        schema,
                                        &v,
                                        "response",
                                        ValidateOptions::STRICT,
                                    ) {
                                        errs.push(format!(
                                            "{} {}: invalid response: {e}",
                                            op.method, op.path
                                        ));
                                    }
                                    if v == json!({}) {
                                        errs.push(format!(
                                            "{} {}: empty object",
                                            op.method, op.path
                                        ));
                                    }
                                    if r.header("content-type") != Some("application/json") {
                                        errs.push(format!(
                                            "{} {}: content-type {:?}",
                                            op.method,
                                            op.path,
                                            r.header("content-type")
                                        ));
                                    }
                                }
                            }
                        }
                    }
                }
                (errs, checked_bad)
            }));
        }
        for t in tasks {
            let (errs, checked_bad) = t.await.unwrap();
            good_checked += 1;
            malformed_checked += usize::from(checked_bad);
            failures.extend(errs);
        }
    }
    eprintln!(
        "walked {good_checked} operations, {malformed_checked} malformed variants, in {:?}",
        started.elapsed()
    );
    assert!(
        malformed_checked > 1500,
        "only {malformed_checked} malformed variants"
    );
    if !failures.is_empty() {
        let shown: Vec<_> = failures.iter().take(40).collect();
        panic!(
            "{} failures:\n{}",
            failures.len(),
            shown
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}

#[tokio::test]
async fn responses_are_deterministic_and_full() {
    let sim = start().await;
    let http = Http::for_sim(&sim);
    let token = sim.issue_token(None);
    let a = http.get("/api/v2/flows/abc", &token).await.json();
    let b = http.get("/api/v2/flows/abc", &token).await.json();
    assert_eq!(a, b);
    let c = http.get("/api/v2/flows/def", &token).await.json();
    assert_ne!(a, c);
    assert_eq!(a["id"], "abc");
    assert_eq!(a["selfUri"], "/api/v2/flows/abc");
    // Every declared property of the top-level model is present.
    let def = sim.spec().definition("Flow").unwrap();
    for p in &def.properties {
        assert!(a.get(&p.name).is_some(), "Flow.{} missing", p.name);
    }
    // Realistic values.
    let user = &a["lockedUser"];
    assert!(user["email"].as_str().unwrap().ends_with("@example.com"));
    let id = user["id"].as_str().unwrap();
    assert_eq!(id.len(), 36);
    assert_eq!(id.matches('-').count(), 4);
    let dt = a["publishedVersion"]["datePublished"]
        .as_str()
        .unwrap_or("2024-05-01T12:00:00.000Z");
    assert!(dt.ends_with('Z') && dt.len() == 24, "{dt}");
    // Listing: paging fields consistent.
    let l = http
        .get("/api/v2/flows?pageSize=10&pageNumber=1", &token)
        .await
        .json();
    assert_eq!(l["pageSize"], 10);
    assert_eq!(l["pageNumber"], 1);
    assert_eq!(l["total"], l["entities"].as_array().unwrap().len());
    assert!(!l["entities"].as_array().unwrap().is_empty());
    sim.shutdown().await;
}

#[tokio::test]
async fn routing_prefers_literals_and_reports_unknown_paths() {
    let sim = start().await;
    let http = Http::for_sim(&sim);
    let token = sim.issue_token(Some(DEFAULT_USER_ID));
    // Literal segment `me` wins over `{userId}`.
    let me = http.get("/api/v2/users/me", &token).await;
    assert_eq!(me.status, 200);
    assert_eq!(me.json()["id"], DEFAULT_USER_ID);
    let r = http.get("/api/v2/no/such/thing", &token).await;
    assert_error(&r, 404, "not.found");
    let r = http
        .send(
            "PUT",
            "/api/v2/users/me",
            &[("authorization", &format!("Bearer {token}"))],
            None,
        )
        .await;
    assert!(r.status == 405 || r.status == 404, "{}", r.status);
    assert_error(
        &r,
        r.status,
        if r.status == 405 {
            "method.not.allowed"
        } else {
            "not.found"
        },
    );
    let r = http.get("/nothing-here", &token).await;
    assert_error(&r, 404, "not.found");
    // An integer path parameter.
    let op = sim
        .spec()
        .operations
        .iter()
        .find(|o| {
            o.params
                .iter()
                .any(|p| p.location == ParamIn::Path && p.ty == ParamType::Integer)
        })
        .unwrap();
    let path = op.path.clone();
    let mut p = path.clone();
    for prm in op.params.iter().filter(|p| p.location == ParamIn::Path) {
        let v = if prm.ty == ParamType::Integer {
            "abc"
        } else {
            "x"
        };
        p = p.replace(&format!("{{{}}}", prm.name), v);
    }
    let r = http
        .send(
            op.method.as_str(),
            &p,
            &[("authorization", &format!("Bearer {token}"))],
            None,
        )
        .await;
    assert_error(&r, 400, "bad.request");
    sim.shutdown().await;
}

/// The official Python SDK's rules in the spec (property constraints, `LocalDateTime` and
/// `YearMonth`) are all understood: none is dropped as unsupported, so the generator honours and
/// the strict validator checks every one of them.
#[test]
fn every_constraint_of_the_spec_is_understood() {
    use purecloud_simulator::spec::EMBEDDED_SPEC;
    use purecloud_simulator::StrFormat;
    let raw: Value = serde_json::from_slice(EMBEDDED_SPEC).unwrap();
    let spec = Spec::embedded();
    let mut constrained = 0;
    let mut patterns = 0;
    for (name, d) in raw["definitions"].as_object().unwrap() {
        let def = spec.definition(name).unwrap();
        for (pname, ps) in d["properties"].as_object().into_iter().flatten() {
            let p = def.property(pname).unwrap();
            let has = ["minimum", "maximum", "minLength", "maxLength", "pattern"]
                .iter()
                .any(|k| ps.get(*k).is_some());
            assert_eq!(p.constraints.is_some(), has, "{name}.{pname}");
            if let Some(src) = ps["pattern"].as_str() {
                let c = p.constraints.as_ref().unwrap();
                let parsed = c.pattern.as_ref();
                assert_eq!(
                    parsed.map(|p| p.as_str()),
                    Some(src),
                    "{name}.{pname}: {src}"
                );
                patterns += 1;
            }
            constrained += usize::from(has);
        }
    }
    assert_eq!(constrained, 140);
    assert_eq!(patterns, 50);
    let fmt =
        |def: &str, prop: &str| match &spec.definition(def).unwrap().property(prop).unwrap().schema
        {
            Schema::String(f) => *f,
            Schema::Array(items) => match **items {
                Schema::String(f) => f,
                ref other => panic!("{other:?}"),
            },
            other => panic!("{other:?}"),
        };
    assert_eq!(fmt("Schedule", "start"), StrFormat::LocalDateTime);
    assert_eq!(fmt("EdgeAutoUpdateConfig", "end"), StrFormat::LocalDateTime);
    assert_eq!(fmt("LongTermRequirements", "months"), StrFormat::YearMonth);
}

/// Generated answers keep to the constraints and formats the Python SDK enforces, and the strict
/// validator refuses values that break them.
#[test]
fn answers_keep_the_python_sdk_rules() {
    let spec = Spec::embedded();
    let schema = |name: &str| spec.schema_ref(name).unwrap();
    for seed in 0..50u64 {
        for model in [
            "SummaryGenerationConfig",
            "Function",
            "SupportCenterGlobalStyle",
            "Prefix",
            "Schedule",
            "LongTermRequirements",
            "DomainNetworkAddress",
        ] {
            let v = generate(&spec, &schema(model), seed, &GenOptions::default());
            validate(&spec, &schema(model), &v, "answer", ValidateOptions::STRICT)
                .unwrap_or_else(|e| panic!("{model} (seed {seed}): {e}: {v}"));
        }
        let s = generate(&spec, &schema("Schedule"), seed, &GenOptions::default());
        let start = s["start"].as_str().unwrap();
        assert_eq!(start.len(), 23, "{start}");
        let a = generate(
            &spec,
            &schema("DomainNetworkAddress"),
            seed,
            &GenOptions::default(),
        );
        assert!(a["family"] == json!(2) || a["family"] == json!(23), "{a}");
    }
    for (model, bad) in [
        ("SummaryGenerationConfig", json!({"retentionSeconds": 60})),
        ("Function", json!({"timeoutSeconds": 16})),
        (
            "SupportCenterGlobalStyle",
            json!({"backgroundColor": "green"}),
        ),
        ("Prefix", json!({"countryCode": "12345"})),
        ("Prefix", json!({"countryCode": "+1"})),
        ("Schedule", json!({"start": "2024-05-01T12:00:00.000Z"})),
        ("LongTermRequirements", json!({"months": ["2024-05-01"]})),
    ] {
        let e = validate(
            &spec,
            &schema(model),
            &bad,
            "answer",
            ValidateOptions::STRICT,
        );
        assert!(e.is_err(), "{model}: {bad} accepted");
        // Requests are not held to them, nor to the typings' required lists.
        let r = validate(
            &spec,
            &schema(model),
            &bad,
            "body",
            ValidateOptions::REQUEST,
        );
        assert!(r.is_ok(), "{model}: {bad}: {r:?}");
    }
    // A path id that breaks the model's id pattern does not replace the generated one.
    let opts = GenOptions {
        id: Some("not-a-uuid".into()),
        ..GenOptions::default()
    };
    let c = generate(&spec, &schema("SupportCenterCategory"), 1, &opts);
    assert_ne!(c["id"], "not-a-uuid");
    validate(
        &spec,
        &schema("SupportCenterCategory"),
        &c,
        "answer",
        ValidateOptions::STRICT,
    )
    .unwrap();
}
