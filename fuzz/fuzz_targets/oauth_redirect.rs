//! The browser logins' answer in the redirect URL (`OAuthRedirect::from_url`, `from_fragment`,
//! `from_query`): `#access_token=…&expires_in=…&state=…`, `?code=…&state=…`, or `error=…`.
//!
//! Input: the URL (invalid UTF-8 replaced).
//!
//! - `from_url` reads the fragment when it holds an answer, else the query.
//! - What is read survives being written back as a fragment or query and read again.
//! - `Debug` does not show the access token or the code; `error()` is an `ErrorKind::Auth` error exactly for an OAuth error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use purecloud_fuzz::{other_secret, sdk};
use sdk::{ErrorKind, OAuthRedirect};

/// `application/x-www-form-urlencoded`, every byte but unreserved ones escaped.
fn form_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn encode(r: &OAuthRedirect) -> String {
    let mut p = Vec::new();
    match r {
        OAuthRedirect::Token {
            access_token,
            expires_in,
            state,
        } => {
            p.push(format!("access_token={}", form_encode(access_token)));
            if let Some(e) = expires_in {
                p.push(format!("expires_in={e}"));
            }
            if let Some(s) = state {
                p.push(format!("state={}", form_encode(s)));
            }
        }
        OAuthRedirect::Code { code, state } => {
            p.push(format!("code={}", form_encode(code)));
            if let Some(s) = state {
                p.push(format!("state={}", form_encode(s)));
            }
        }
        OAuthRedirect::Error {
            error,
            description,
            state,
        } => {
            p.push(format!("error={}", form_encode(error)));
            if let Some(d) = description {
                p.push(format!("error_description={}", form_encode(d)));
            }
            if let Some(s) = state {
                p.push(format!("state={}", form_encode(s)));
            }
        }
        _ => unreachable!("a new OAuthRedirect variant: extend the fuzz target"),
    }
    p.join("&")
}

fn check(r: &OAuthRedirect) {
    let again = match r {
        OAuthRedirect::Code { .. } => OAuthRedirect::from_query(&encode(r)),
        _ => OAuthRedirect::from_fragment(&encode(r)),
    };
    assert_eq!(again.as_ref(), Some(r), "{}", encode(r));
    // `Debug` hides the token or code: the same answer with another secret of the same shape
    // gives the same text where the secret would be.
    let debug = format!("{r:?}");
    let mut swapped = r.clone();
    let secret = match &mut swapped {
        OAuthRedirect::Token {
            access_token: s, ..
        }
        | OAuthRedirect::Code { code: s, .. } => {
            let original = s.clone();
            *s = other_secret(&original);
            Some(original)
        }
        _ => None,
    };
    if let Some(s) = secret {
        let debug2 = format!("{swapped:?}");
        assert!(
            !debug.contains(s.as_str()) || debug2.contains(s.as_str()),
            "a secret in Debug: {debug}"
        );
    }
    match (r, r.error()) {
        (OAuthRedirect::Error { .. }, Some(e)) => {
            assert_eq!(e.kind(), ErrorKind::Auth);
            let _ = e.to_string();
        }
        (OAuthRedirect::Error { .. }, None) => panic!("no error for {r:?}"),
        (_, Some(e)) => panic!("an error for a token or a code: {e}"),
        (_, None) => {}
    }
}

fuzz_target!(|data: &[u8]| {
    let url = String::from_utf8_lossy(data);
    let from_url = OAuthRedirect::from_url(&url);
    let (rest, fragment) = match url.split_once('#') {
        Some((r, f)) => (r, Some(f)),
        None => (&url[..], None),
    };
    let expected = fragment.and_then(OAuthRedirect::from_fragment).or_else(|| {
        rest.split_once('?')
            .and_then(|(_, q)| OAuthRedirect::from_query(q))
    });
    assert_eq!(from_url, expected);
    for r in [
        from_url,
        OAuthRedirect::from_fragment(&url),
        OAuthRedirect::from_query(&url),
    ]
    .iter()
    .flatten()
    {
        check(r);
    }
});
