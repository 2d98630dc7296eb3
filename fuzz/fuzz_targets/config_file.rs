//! The official SDKs' configuration file (`[logging]`, `[retry]`, `[reauthentication]`,
//! `[general]`, `[gateway]`; INI, or JSON when it starts with `{`), as `ConfigFile::parse`
//! reads it and the client builder checks it.
//!
//! Input: the file's text (invalid UTF-8 replaced, as a file that is read is checked first).
//!
//! - It parses or gives an `ErrorKind::InvalidInput` error; what parses is within the bounds
//!   the parser promises (retries at most 1000, waits at most a year, a valid environment).
//! - A parsed `[gateway]` either is refused by the builder's check or gives both base URLs.
#![no_main]

use libfuzzer_sys::fuzz_target;
use purecloud_fuzz::sdk;
use sdk::{ConfigFile, ErrorKind};
use std::time::Duration;

const YEAR: Duration = Duration::from_secs(86_400 * 365);

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let c = match ConfigFile::parse(&text) {
        Ok(c) => c,
        Err(e) => {
            assert_eq!(e.kind(), ErrorKind::InvalidInput, "{e}");
            let _ = format!("{e} {e:?}");
            return;
        }
    };
    assert!(c.retry_max.is_none_or(|n| n <= 1000));
    for d in [
        c.retry_wait_min,
        c.retry_wait_max,
        c.retry_max_time,
        c.refresh_token_wait_max,
    ]
    .into_iter()
    .flatten()
    {
        assert!(d <= YEAR, "{d:?}");
    }
    if let Some(h) = &c.host {
        if let Err(e) = sdk::runtime::normalize_environment(h) {
            panic!("host {h:?} was accepted but does not normalise: {e}");
        }
    }
    match sdk::__fuzz::checked_gateway(&c) {
        Ok(Some(g)) => {
            let api = g.api_base_url().expect("a checked gateway has an API URL");
            let login = g
                .login_base_url()
                .expect("a checked gateway has a login URL");
            assert!(!api.is_empty() && !login.is_empty());
        }
        Ok(None) => {}
        Err(e) => assert_eq!(e.kind(), ErrorKind::InvalidInput, "{e}"),
    }
    let _ = format!("{c:?}");
});
