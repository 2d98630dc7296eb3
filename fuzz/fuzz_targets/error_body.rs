//! A non-2xx response as the request pipeline turns it into an error (`Error::from_response`:
//! the Genesys error body — `status`, `code`, `message`, `messageWithParams`, `messageParams`,
//! `contextId`, `details`, `errors` — parsed when the body is one).
//!
//! Input: `status\ncontent-type\nbody`.
//!
//! - The error is `ErrorKind::Api` with that status and the whole body kept.
//! - The body is parsed exactly when it is a JSON object that decodes as `ErrorBody`; the
//!   error's message is its `message` when it has one; the parsed body survives a round trip.
//! - `Display` shows no control character of the body (it cannot forge log lines).
#![no_main]

use libfuzzer_sys::fuzz_target;
use purecloud_fuzz::{check_round_trip, content_type, lines, sdk, status};
use sdk::models::{json, ErrorBody};

fuzz_target!(|data: &[u8]| {
    let ([status_line, ct], body) = lines::<2>(data);
    let status = status(status_line);
    let e = sdk::__fuzz::api_error(status, content_type(ct), body);
    assert_eq!(e.kind(), sdk::ErrorKind::Api);
    assert_eq!(e.status(), Some(status));
    let r = e.response().expect("an API error has its response");
    assert_eq!(&r.raw[..], body);

    let is_object = body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
    let decoded = json::from_slice::<ErrorBody>(body)
        .ok()
        .filter(|_| is_object);
    assert_eq!(e.error_body(), decoded.as_ref());
    if let Some(b) = &decoded {
        check_round_trip(b);
        if let Some(m) = &b.message {
            assert_eq!(e.message(), m);
        }
    }

    let shown = e.to_string();
    assert!(
        !shown.chars().any(|c| c.is_control()),
        "control character in the error's Display: {shown:?}"
    );
    let _ = format!("{e:?}");
    let _ = (e.code(), e.correlation_id(), r.text());
});
