//! The JSON reader's typed entry points, which the generated models are made of: `bool`,
//! `i64`, `i32`, `f64`, `String`, `Option<T>`, `Box<T>`, `Vec<T>`, `BTreeMap<String, T>`,
//! `time::OffsetDateTime`, `time::Date`, `()`.
//!
//! Input: one byte choosing the type, then the JSON text.
//!
//! - A value either decodes or gives an error whose offset is within the input.
//! - Decoded values survive encode → decode unchanged (date-times: the same instant and offset),
//!   and their encoding is stable.
//! - Numbers agree with serde_json: an integer decodes to the value serde_json reads, a float
//!   to the same `f64`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use purecloud_fuzz::{check_decode_error, check_round_trip, sdk::models::json};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Debug;
use time::{Date, OffsetDateTime};

use json::{FromJson, ToJson};

fn decode<T: FromJson + ToJson + PartialEq + Debug>(text: &[u8]) -> Option<T> {
    match json::from_slice::<T>(text) {
        Ok(v) => {
            check_round_trip(&v);
            Some(v)
        }
        Err(e) => {
            check_decode_error(&e, text.len());
            None
        }
    }
}

/// The same value written by the codec and by serde_json, when serde_json reads `text`.
fn serde_number(text: &[u8]) -> Option<serde_json::Number> {
    match serde_json::from_slice::<Value>(text) {
        Ok(Value::Number(n)) => Some(n),
        _ => None,
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, text)) = data.split_first() else {
        return;
    };
    match which % 16 {
        0 => {
            decode::<bool>(text);
        }
        1 => {
            if let Some(v) = decode::<i64>(text) {
                // Integral values in range, also written as `3.0` or `3e2`.
                let n = serde_number(text).expect("an i64 the codec reads is a JSON number");
                match (n.as_i64(), n.as_u64(), n.as_f64()) {
                    (Some(i), _, _) => assert_eq!(v, i),
                    (None, Some(u), _) => panic!("{u} read as the i64 {v}"),
                    (None, None, Some(f)) => assert_eq!(v as f64, f, "{v}"),
                    _ => unreachable!(),
                }
            }
        }
        2 => {
            if let Some(v) = decode::<i32>(text) {
                assert_eq!(json::from_slice::<i64>(text).ok(), Some(i64::from(v)));
            }
        }
        3 => {
            if let Some(v) = decode::<f64>(text) {
                let n = serde_number(text).expect("an f64 the codec reads is a JSON number");
                assert_eq!(Some(v), n.as_f64(), "{}", String::from_utf8_lossy(text));
            }
        }
        4 => {
            if let Some(v) = decode::<String>(text) {
                assert_eq!(
                    serde_json::from_slice::<Value>(text).ok(),
                    Some(Value::String(v))
                );
            }
        }
        5 => {
            decode::<OffsetDateTime>(text);
        }
        6 => {
            decode::<Date>(text);
        }
        7 => {
            decode::<Option<i64>>(text);
        }
        8 => {
            decode::<Vec<Option<String>>>(text);
        }
        9 => {
            decode::<BTreeMap<String, Vec<i64>>>(text);
        }
        10 => {
            decode::<Vec<OffsetDateTime>>(text);
        }
        11 => {
            decode::<Box<BTreeMap<String, Value>>>(text);
        }
        12 => {
            decode::<()>(text);
        }
        13 => {
            decode::<Vec<Vec<f64>>>(text);
        }
        14 => {
            // A date-time as a query parameter or a model's string: parse → format → parse.
            if let Ok(s) = std::str::from_utf8(text) {
                if let Ok(t) = json::parse_datetime(s) {
                    let f = json::format_datetime(&t);
                    let back = json::parse_datetime(&f).expect("format_datetime's output parses");
                    assert_eq!((back, back.offset()), (t, t.offset()), "{s} -> {f}");
                }
                if let Ok(d) = json::parse_date(s) {
                    assert_eq!(json::parse_date(&json::format_date(&d)).ok(), Some(d));
                }
            }
        }
        _ => {
            decode::<Option<Box<Vec<bool>>>>(text);
        }
    }
});
