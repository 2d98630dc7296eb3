//! The token file the file store reads back (`StoredToken::from_json`: `accessToken`,
//! `refreshToken`, `tokenExpiryTime`), e.g. a corrupt or planted `~/.genesyscloudrust/<prefix>`.
//!
//! Input: the file's text (invalid UTF-8 replaced).
//!
//! - It parses or gives an `ErrorKind::InvalidInput` error.
//! - What parses survives `to_json` → `from_json`, and its `Debug` shows no token.
#![no_main]

use libfuzzer_sys::fuzz_target;
use purecloud_fuzz::{other_secret, sdk};
use sdk::{ErrorKind, StoredToken};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match StoredToken::from_json(&text) {
        Ok(t) => {
            let back = StoredToken::from_json(&t.to_json()).expect("to_json's output parses");
            assert!(back == t, "round trip changed the token");
            // Debug hides the tokens: with other tokens of the same shape it is the same text
            // where they would be.
            let mut swapped = t.clone();
            swapped.access_token = other_secret(&t.access_token);
            swapped.refresh_token = t.refresh_token.as_deref().map(other_secret);
            let (debug, debug2) = (format!("{t:?}"), format!("{swapped:?}"));
            for s in std::iter::once(&t.access_token).chain(t.refresh_token.as_ref()) {
                assert!(
                    !debug.contains(s.as_str()) || debug2.contains(s.as_str()),
                    "a token in Debug: {debug}"
                );
            }
        }
        Err(e) => {
            assert_eq!(e.kind(), ErrorKind::InvalidInput, "{e}");
            let _ = format!("{e} {e:?}");
        }
    }
});
