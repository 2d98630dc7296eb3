//! The JSON reader on any bytes, as `serde_json::Value` (what free-form properties, unknown
//! fields and `Value` responses are read as).
//!
//! - It accepts exactly what serde_json accepts (built here with `float_roundtrip`, so numbers
//!   must be equal, not close), except nesting between serde_json's limit (128) and ours (256).
//! - Every error has an offset within the input; skipping a value (`()`, what unknown fields
//!   are read with when not kept) accepts the same documents, except numbers out of range.
//! - Decoded strings are valid UTF-8; encode → decode is the identity and encoding is stable.
#![no_main]

use libfuzzer_sys::fuzz_target;
use purecloud_fuzz::{check_decode_error, check_round_trip, check_utf8, sdk::models::json};
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let ours = json::from_slice::<Value>(data);
    let theirs = serde_json::from_slice::<Value>(data);
    match (&ours, &theirs) {
        (Ok(a), Ok(b)) => assert!(a == b, "ours {a:?}\ntheirs {b:?}"),
        (Err(_), Err(_)) => {}
        (Ok(_), Err(e)) if e.to_string().starts_with("recursion limit exceeded") => {}
        _ => panic!("ours {ours:?}\ntheirs {theirs:?}"),
    }
    match &ours {
        Ok(v) => {
            check_utf8(v);
            check_round_trip(v);
        }
        Err(e) => check_decode_error(e, data.len()),
    }
    let skipped = json::from_slice::<()>(data);
    if let Err(e) = &skipped {
        check_decode_error(e, data.len());
    }
    let out_of_range = ours
        .as_ref()
        .is_err_and(|e| e.message().contains("out of range"));
    assert!(
        ours.is_ok() == skipped.is_ok() || (out_of_range && skipped.is_ok()),
        "read {ours:?}, skip {skipped:?}"
    );
});
