//! Test support shared by the SDK's integration tests: the spec, and sample values made from it.
#![allow(dead_code)]

use purecloud_platform_client_v2::models::json::{self, FromJson};
use purecloud_platform_client_v2::runtime::{decode, RawResponse};
use purecloud_platform_client_v2::Error;

/// Decodes a response as an operation's type, dropping the value.
pub type Decodes = fn(&RawResponse) -> Result<(), Error>;

pub fn decodes<T: FromJson>(raw: &RawResponse) -> Result<(), Error> {
    decode::<T>(raw).map(drop)
}
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// Fixed sample dates, in the form the codec writes them.
pub mod fixed {
    pub const DATE: &str = "2024-05-01";
    pub const DATE_TIME: &str = "2024-05-01T12:30:00.000Z";
}

/// The vendored spec, parsed once.
pub fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../spec/platform-api-v2.json"
        );
        let text =
            std::fs::read_to_string(path).expect("the vendored spec (spec/platform-api-v2.json)");
        serde_json::from_str(&text).expect("spec is JSON")
    })
}

/// operationId -> (method, path, operation object)
pub fn operations() -> &'static BTreeMap<String, (String, String, Value)> {
    static OPS: OnceLock<BTreeMap<String, (String, String, Value)>> = OnceLock::new();
    OPS.get_or_init(|| {
        let mut out = BTreeMap::new();
        for (path, item) in spec()["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                if let Some(id) = op["operationId"].as_str() {
                    out.insert(
                        id.to_owned(),
                        (method.to_ascii_uppercase(), path.clone(), op.clone()),
                    );
                }
            }
        }
        out
    })
}

/// How a sample is made.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Flavor {
    /// Every property, realistic values.
    Full,
    /// Every property, plus an unknown property in every object of a model, and enum values the
    /// spec does not list.
    Unknowns,
}

const MAX_DEPTH: usize = 4;

/// A JSON sample of `schema`: every property present, arrays of one element, recursion cut where
/// a model would repeat on the current path or nesting passes `MAX_DEPTH`.
pub fn sample(schema: &Value, flavor: Flavor) -> Value {
    sample_at(schema, flavor, &mut Vec::new()).unwrap_or(Value::Null)
}

pub fn model_sample(name: &str, flavor: Flavor) -> Value {
    sample(&json!({ "$ref": format!("#/definitions/{name}") }), flavor)
}

fn sample_at(schema: &Value, flavor: Flavor, stack: &mut Vec<String>) -> Option<Value> {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.trim_start_matches("#/definitions/").to_owned();
        if stack.contains(&name) || stack.len() >= MAX_DEPTH {
            return None;
        }
        let def = &spec()["definitions"][&name];
        stack.push(name);
        let mut obj = Map::new();
        if let Some(props) = def.get("properties").and_then(Value::as_object) {
            for (k, p) in props {
                if let Some(v) = sample_at(p, flavor, stack) {
                    obj.insert(k.clone(), v);
                }
            }
        }
        stack.pop();
        if flavor == Flavor::Unknowns {
            obj.insert(
                "zzUnknownProperty".into(),
                json!({"nested": [1, "two", null, 2.5], "flag": true}),
            );
        }
        return Some(Value::Object(obj));
    }
    let ty = schema.get("type").and_then(Value::as_str);
    Some(match ty {
        Some("string") => match (
            schema.get("format").and_then(Value::as_str),
            schema.get("enum"),
        ) {
            (Some("date-time"), _) => json!(fixed::DATE_TIME),
            (Some("date"), _) => json!(fixed::DATE),
            (_, Some(Value::Array(vals))) if !vals.is_empty() => match flavor {
                Flavor::Full => vals[vals.len() / 2].clone(),
                Flavor::Unknowns => json!("A_VALUE_FROM_THE_FUTURE"),
            },
            _ => json!("text é \"quoted\" \\ / \u{1F600}"),
        },
        Some("integer") => json!(-9_007_199_254_740_993i64),
        Some("number") => json!(1.5),
        Some("boolean") => json!(true),
        Some("array") => {
            let items = schema.get("items")?;
            Value::Array(sample_at(items, flavor, stack).into_iter().collect())
        }
        _ => match schema.get("additionalProperties") {
            Some(ap @ Value::Object(_)) => {
                let mut m = Map::new();
                if let Some(v) = sample_at(ap, flavor, stack) {
                    m.insert("key one".into(), v);
                }
                Value::Object(m)
            }
            _ => json!({"free": "form", "n": 1, "list": [true, null]}),
        },
    })
}

/// Sample parameter values for the generated request test; deterministic per (operation,
/// parameter) so the checker can recompute what it expects.
#[derive(Default)]
pub struct Samples;

pub const STRING_SAMPLE: &str = "a b/ü?&=#%";

impl Samples {
    pub fn string(&mut self, _op: &str, name: &str) -> String {
        format!("{STRING_SAMPLE}{name}")
    }
    pub fn strings(&mut self, _op: &str, name: &str) -> Vec<String> {
        vec![format!("first {name}"), format!("second,{name}")]
    }
    pub fn i64(&mut self, _op: &str, name: &str) -> i64 {
        1000 + name.len() as i64
    }
    pub fn f64(&mut self, _op: &str, _name: &str) -> f64 {
        2.25
    }
    pub fn bool(&mut self, _op: &str, _name: &str) -> bool {
        true
    }
    pub fn date(&mut self, _op: &str, _name: &str) -> ::time::Date {
        json::from_str(&format!("\"{}\"", fixed::DATE)).unwrap()
    }
    pub fn datetime(&mut self, _op: &str, _name: &str) -> ::time::OffsetDateTime {
        json::from_str(&format!("\"{}\"", fixed::DATE_TIME)).unwrap()
    }
    pub fn body<T: FromJson>(&mut self, op: &str) -> T {
        let bytes = serde_json::to_vec(&body_sample(op)).unwrap();
        json::from_slice(&bytes)
            .unwrap_or_else(|e| panic!("{op}: body sample does not decode: {e}"))
    }
}

/// The text a parameter's sample has on the wire, before percent-encoding.
pub fn expected_param(ty: &str, format: Option<&str>, name: &str) -> Vec<String> {
    match (ty, format) {
        ("integer", _) => vec![(1000 + name.len()).to_string()],
        ("number", _) => vec!["2.25".into()],
        ("boolean", _) => vec!["true".into()],
        ("string", Some("date")) => vec![fixed::DATE.into()],
        ("string", Some("date-time")) => vec![fixed::DATE_TIME.into()],
        ("array", _) => vec![format!("first {name}"), format!("second,{name}")],
        _ => vec![format!("{STRING_SAMPLE}{name}")],
    }
}

pub fn body_sample(op: &str) -> Value {
    let (_, _, o) = &operations()[op];
    let p = o["parameters"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["in"] == "body"))
        .unwrap_or_else(|| panic!("{op} has no body"));
    sample(&p["schema"], Flavor::Full)
}

pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8(out).expect("utf-8")
}

/// Where two JSON values first differ (`$.a.b[2]: want 1, got 2`); empty when equal.
pub fn json_diff(want: &Value, got: &Value, at: &str) -> String {
    match (want, got) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in a {
                match b.get(k) {
                    Some(g) if g != v => return json_diff(v, g, &format!("{at}.{k}")),
                    None => return format!("{at}.{k} missing"),
                    _ => {}
                }
            }
            b.keys()
                .find(|k| !a.contains_key(*k))
                .map(|k| format!("{at}.{k} unexpected"))
                .unwrap_or_default()
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => a
            .iter()
            .zip(b)
            .enumerate()
            .find(|(_, (x, y))| x != y)
            .map(|(i, (x, y))| json_diff(x, y, &format!("{at}[{i}]")))
            .unwrap_or_default(),
        _ => format!("{at}: want {want}, got {got}"),
    }
}
