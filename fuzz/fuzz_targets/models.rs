//! Every response type of the SDK's default API groups (`authorization`, `users`, `tokens`,
//! `presence`: their models and the non-model types operations answer with), decoded from any
//! body as `.send()` decodes it.
//!
//! Input: `Type[ content-type]\nbody`, e.g. `UserEntityListing\n{"entities": [...]}` or
//! `User[]\n[...]` (an array of the model, how the `Vec<Model>` responses decode). A type that
//! is not in the table picks one by hash.
//!
//! - A body either decodes or gives an `ErrorKind::Decode` error carrying the codec's error,
//!   whose offset is within the body.
//! - A decoded value survives encode → decode unchanged, and its encoding is stable.
#![no_main]

use libfuzzer_sys::fuzz_target;
use purecloud_fuzz::{lines, pick_response_type};

fuzz_target!(|data: &[u8]| {
    let ([selector], body) = lines::<1>(data);
    let (name, content_type) = match selector.iter().position(|&b| b == b' ') {
        Some(i) => (&selector[..i], Some(&selector[i + 1..])),
        None => (selector, Some(&b"application/json"[..])),
    };
    let (ty, many) = pick_response_type(name);
    (ty.run)(body, content_type, many);
});
