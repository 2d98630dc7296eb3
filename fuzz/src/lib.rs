//! What the fuzz targets (`fuzz_targets/*.rs`) share: the table of response types the `models`
//! target decodes, the round-trip check, and small input helpers. See docs/fuzzing.md.
//!
//! A target must never panic: a panic (or an abort, a timeout, running out of memory) is a
//! finding. The checks below panic on purpose when a property does not hold.

use purecloud_platform_client_v2::models::json::{self, DecodeError, FromJson, ToJson};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Debug;
use std::sync::OnceLock;

pub use purecloud_platform_client_v2 as sdk;

// ----- input helpers -----

/// Splits `n` leading lines (each without its `\n`) off `data`; the rest is the body. Missing
/// lines are empty. The targets' inputs are `status\ncontent-type\nbody` and the like, so that
/// a corpus file reads like the response it stands for.
pub fn lines<const N: usize>(mut data: &[u8]) -> ([&[u8]; N], &[u8]) {
    let mut out = [&data[..0]; N];
    for slot in out.iter_mut() {
        match data.iter().position(|&b| b == b'\n') {
            Some(i) => {
                *slot = &data[..i];
                data = &data[i + 1..];
            }
            None => {
                *slot = data;
                data = &data[data.len()..];
            }
        }
    }
    (out, data)
}

/// An HTTP status from a line of the input: the number written there, or one derived from the
/// bytes (so that every input tries some status).
pub fn status(line: &[u8]) -> u16 {
    std::str::from_utf8(line)
        .ok()
        .and_then(|s| s.trim().parse::<u16>().ok())
        .unwrap_or_else(|| 100 + (fnv(line) % 500) as u16)
}

/// The content type a line of the input names (`None` for an empty line).
pub fn content_type(line: &[u8]) -> Option<&[u8]> {
    (!line.is_empty()).then_some(line)
}

/// FNV-1a: picks a table entry for a name that is not in the table.
pub fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// `text` with every ASCII letter and digit replaced by another one: a secret of the same
/// length and shape, to tell a secret that leaks into a message from text that merely equals it.
pub fn other_secret(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            'a'..='y' | 'A'..='Y' | '0'..='8' => char::from(c as u8 + 1),
            'z' => 'a',
            'Z' => 'A',
            '9' => '0',
            c => c,
        })
        .collect()
}

// ----- decoding checks -----

/// A decode error is well formed: its offset (every error from the reader has one) is within
/// the input and it can be displayed.
pub fn check_decode_error(e: &DecodeError, input_len: usize) {
    if let Some(at) = e.offset() {
        assert!(
            at <= input_len,
            "error offset {at} past the input ({input_len} bytes): {e}"
        );
    }
    assert!(!e.to_string().is_empty());
    let _ = e.path();
}

/// Decoded values survive the codec: encode → decode gives the same value, and encoding that
/// gives the same bytes (the writer's output is canonical for the reader).
pub fn check_round_trip<T: FromJson + ToJson + PartialEq + Debug>(v: &T) {
    let bytes = json::to_vec(v);
    let back: T = match json::from_slice(&bytes) {
        Ok(b) => b,
        Err(e) => panic!(
            "the writer's output does not decode: {e}\n{}",
            String::from_utf8_lossy(&bytes)
        ),
    };
    assert!(
        back == *v,
        "decode(encode(v)) != v\n   v: {v:?}\nback: {back:?}\nbytes: {}",
        String::from_utf8_lossy(&bytes)
    );
    let again = json::to_vec(&back);
    assert!(
        again == bytes,
        "encoding is not stable:\n{}\n{}",
        String::from_utf8_lossy(&bytes),
        String::from_utf8_lossy(&again)
    );
}

/// Every string and key of a decoded value is valid UTF-8 (the reader builds some without
/// checking, after its own scan: this is the check a sanitizer cannot make for it).
pub fn check_utf8(v: &Value) {
    match v {
        Value::String(s) => assert!(std::str::from_utf8(s.as_bytes()).is_ok(), "{s:?}"),
        Value::Array(a) => a.iter().for_each(check_utf8),
        Value::Object(o) => o.iter().for_each(|(k, v)| {
            assert!(std::str::from_utf8(k.as_bytes()).is_ok(), "{k:?}");
            check_utf8(v)
        }),
        _ => {}
    }
}

// ----- the response types of the `models` target -----

/// One response type: decodes a body as `.send()` does and checks the result.
#[derive(Clone, Copy)]
pub struct ResponseType {
    /// The model's name (`User`), or the Rust type of a non-model response (`Value`).
    pub name: &'static str,
    /// Decodes `body` as this type (`many`: as an array of it, `Vec<T>`) with the given
    /// content type, then checks the error or the round trip.
    pub run: fn(body: &[u8], content_type: Option<&[u8]>, many: bool),
}

/// Collects the models of the enabled API groups from the generated list
/// (`crates/sdk/tests/generated/all_models.rs` calls `c.check::<Model>("Model")` under each
/// model's `#[cfg(feature = ...)]`).
pub struct Checker {
    types: Vec<ResponseType>,
}

impl Checker {
    pub fn check<T: FromJson + ToJson + PartialEq + Debug>(&mut self, name: &'static str) {
        self.types.push(ResponseType {
            name,
            run: run::<T>,
        });
    }
}

#[allow(unexpected_cfgs, unused_imports, clippy::all)]
#[path = "../../crates/sdk/tests/generated/all_models.rs"]
#[rustfmt::skip]
mod all_models;

/// `T` (or `Vec<T>`) through the SDK's response decoding.
fn run<T: FromJson + ToJson + PartialEq + Debug>(body: &[u8], ct: Option<&[u8]>, many: bool) {
    if many {
        decode_and_check::<Vec<T>>(body, ct);
        return;
    }
    decode_and_check::<T>(body, ct);
    // Decoded in place as an array element (`push_from_json`: what `Vec<Model>` responses and
    // properties use), a JSON body gives the same value as alone.
    let Ok(v) = json::from_slice::<T>(body) else {
        return;
    };
    let mut array = Vec::with_capacity(body.len() + 2);
    array.push(b'[');
    array.extend_from_slice(body);
    array.push(b']');
    match json::from_slice::<Vec<T>>(&array) {
        Ok(items) => assert!(items.len() == 1 && items[0] == v, "[body] gave {items:?}"),
        // One level deeper than the body: the reader's depth limit may be what it hits.
        Err(e) if e.message().starts_with("nesting too deep") => {}
        Err(e) => panic!("the body decodes alone but not as an array element: {e}"),
    }
}

fn decode_and_check<T: FromJson + ToJson + PartialEq + Debug>(body: &[u8], ct: Option<&[u8]>) {
    match sdk::__fuzz::decode_response::<T>(200, ct, body) {
        Ok(v) => check_round_trip(&v),
        Err(e) => {
            assert_eq!(e.kind(), sdk::ErrorKind::Decode, "{e}");
            let source = std::error::Error::source(&e)
                .and_then(|s| s.downcast_ref::<DecodeError>())
                .expect("a decode error carries the codec's error");
            check_decode_error(source, body.len());
            let _ = (e.to_string(), format!("{e:?}"));
        }
    }
}

/// Every response type the `models` target knows, sorted by name: the models of the enabled
/// API groups (the SDK's default features), then the non-model types operations answer with.
pub fn response_types() -> &'static [ResponseType] {
    static TABLE: OnceLock<Vec<ResponseType>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut c = Checker { types: Vec::new() };
        all_models::check_all(&mut c);
        c.check::<Value>("Value");
        c.check::<String>("String");
        c.check::<i64>("i64");
        c.check::<()>("()");
        c.check::<BTreeMap<String, Value>>("BTreeMap<String,Value>");
        c.types.sort_by_key(|t| t.name);
        c.types
    })
}

/// The response type a selector names (`User`, `User[]` for an array of them), or one picked by
/// the selector's hash when it names none. Returns the type and whether it is an array.
pub fn pick_response_type(selector: &[u8]) -> (&'static ResponseType, bool) {
    let table = response_types();
    let (name, many) = match selector.strip_suffix(b"[]") {
        Some(n) => (n, true),
        None => (selector, false),
    };
    match table.binary_search_by(|t| t.name.as_bytes().cmp(name)) {
        Ok(i) => (&table[i], many),
        Err(_) => (&table[(fnv(name) % table.len() as u64) as usize], many),
    }
}
