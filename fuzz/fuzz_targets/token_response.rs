//! The token endpoint's answer (`POST {login}/oauth/token`), as every grant reads it.
//!
//! Input: `status\ncontent-type\nbody`.
//!
//! - Only a 2xx answer with a non-empty `access_token` string that can be sent as a header
//!   value (no CR, LF or other control character but a tab) gives a token; anything else is
//!   an `ErrorKind::Auth` error.
//! - The tokens never leak: a token from the body (`access_token`, `refresh_token`) is not in
//!   the error's `Display` or `Debug`, nor in `AuthData`'s `Debug`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use purecloud_fuzz::{content_type, lines, other_secret, sdk, status};
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let ([status_line, ct], body) = lines::<2>(data);
    let (status, ct) = (status(status_line), content_type(ct));
    let parsed = sdk::__fuzz::parse_token_response(status, ct, body);
    let shown = |r: &Result<sdk::AuthData, sdk::Error>| match r {
        Ok(a) => format!("{a:?}"),
        Err(e) => format!("{e}\n{e:?}"),
    };
    match &parsed {
        Ok(a) => {
            assert!(
                (200..300).contains(&status),
                "a token from a {status} answer"
            );
            assert!(!a.access_token().is_empty());
            // What an HTTP header value may hold (a tab, not CR, LF or other controls).
            assert!(
                !a.access_token()
                    .bytes()
                    .any(|b| (b < 0x20 && b != b'\t') || b == 0x7f),
                "a token that cannot be a header value: {:?}",
                a.access_token()
            );
            assert_eq!(a.expires_in().is_some(), a.token_expiry_time_ms().is_some());
        }
        Err(e) => {
            assert_eq!(e.kind(), sdk::ErrorKind::Auth, "{e}");
        }
    }

    // The secrets the body holds, as the parser reads them. The body is written again twice
    // (by serde_json, so the two differ in nothing else): once as it is, once with the secret
    // swapped for another of the same length and shape; what changes with it came from it.
    let Ok(Value::Object(o)) = serde_json::from_slice::<Value>(body) else {
        return;
    };
    let body1 = serde_json::to_vec(&o).expect("a JSON object serializes");
    let out1 = shown(&sdk::__fuzz::parse_token_response(status, ct, &body1));
    for key in ["access_token", "refresh_token"] {
        let Some(Value::String(secret)) = o.get(key) else {
            continue;
        };
        if secret.is_empty() || !out1.contains(secret.as_str()) {
            continue;
        }
        let mut o2 = o.clone();
        o2.insert(key.to_owned(), Value::String(other_secret(secret)));
        let body2 = serde_json::to_vec(&o2).expect("a JSON object serializes");
        let out2 = shown(&sdk::__fuzz::parse_token_response(status, ct, &body2));
        assert!(
            out2.contains(secret.as_str()),
            "the {key} leaks into the output:\n{out1}"
        );
    }
});
