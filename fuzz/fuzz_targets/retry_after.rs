//! The `Retry-After` header of a 429/503 answer, as the retry loop reads it: seconds (integer
//! or decimal) or an HTTP date (IMF-fixdate, RFC 850, asctime).
//!
//! Input: the header value's bytes.
//!
//! - No value makes the client wait more than a year (more is garbage: `None`).
//! - A number of seconds within that is the wait, exactly.
#![no_main]

use libfuzzer_sys::fuzz_target;
use purecloud_fuzz::sdk;
use std::time::Duration;

const YEAR: Duration = Duration::from_secs(86_400 * 365);

fuzz_target!(|data: &[u8]| {
    let wait = sdk::__fuzz::retry_after(data);
    if let Some(w) = wait {
        assert!(w <= YEAR, "{w:?} for {:?}", String::from_utf8_lossy(data));
    }
    let secs = std::str::from_utf8(data)
        .ok()
        .and_then(|s| s.trim().parse::<f64>().ok())
        .filter(|s| (0.0..=YEAR.as_secs_f64()).contains(s));
    if let Some(s) = secs {
        // A valid header value (no control characters) that is a number.
        if data
            .iter()
            .all(|&b| b == b'\t' || (b' '..=b'~').contains(&b))
        {
            assert_eq!(wait, Some(Duration::from_secs_f64(s)), "{s}");
        }
    }
});
