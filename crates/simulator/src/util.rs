//! Small helpers: hashing, deterministic PRNG, ids, time formatting, URL encoding.

use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

/// 64-bit FNV-1a hash: stable across runs and platforms (used for deterministic output).
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Mixes two 64-bit values (splitmix64 finaliser).
pub fn mix(a: u64, b: u64) -> u64 {
    let mut z = a ^ b.wrapping_add(0x9e37_79b9_7f4a_7c15).wrapping_add(a << 6);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A tiny deterministic PRNG (splitmix64).
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform-ish value in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
}

/// Formats 128 bits as a version-4-looking UUID.
pub fn uuid_from(hi: u64, lo: u64) -> String {
    let hi = (hi & 0xffff_ffff_ffff_0fff) | 0x0000_0000_0000_4000;
    let lo = (lo & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000;
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        hi >> 32,
        (hi >> 16) & 0xffff,
        hi & 0xffff,
        lo >> 48,
        lo & 0xffff_ffff_ffff
    )
}

/// A deterministic UUID derived from a seed.
pub fn uuid_seeded(seed: u64) -> String {
    let mut r = Rng::new(seed);
    let a = r.next_u64();
    let b = r.next_u64();
    uuid_from(a, b)
}

fn process_key() -> u64 {
    static KEY: OnceLock<u64> = OnceLock::new();
    *KEY.get_or_init(|| {
        let s = std::collections::hash_map::RandomState::new();
        let mut h = s.build_hasher();
        h.write_u128(
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0),
        );
        h.write_u32(std::process::id());
        h.finish()
    })
}

/// Unpredictable (per process) 64-bit values, for ids, tokens and codes.
pub fn random_u64() -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(1);
    let c = COUNTER.fetch_add(1, Ordering::Relaxed);
    let s = std::collections::hash_map::RandomState::new();
    let mut h = s.build_hasher();
    h.write_u64(c);
    h.write_u64(process_key());
    mix(h.finish(), c)
}

/// A random v4-looking UUID.
pub fn random_uuid() -> String {
    uuid_from(random_u64(), random_u64())
}

/// An opaque random token: 43 URL-safe characters (256 bits).
pub fn random_token() -> String {
    use base64::Engine;
    let mut bytes = [0u8; 32];
    for chunk in bytes.chunks_mut(8) {
        chunk.copy_from_slice(&random_u64().to_le_bytes());
    }
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Days since 1970-01-01 to (year, month, day) (proleptic Gregorian; Howard Hinnant's algorithm).
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = (z - era * 146_097) as u64;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let y = yoe as i64 + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Formats a UNIX time in milliseconds as `YYYY-MM-DDTHH:MM:SS.mmmZ`.
pub fn format_datetime_millis(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let millis = ms.rem_euclid(1000);
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{millis:03}Z",
        sod / 3600,
        (sod / 60) % 60,
        sod % 60
    )
}

/// Current time as an ISO-8601 UTC date-time with milliseconds.
pub fn now_iso() -> String {
    let ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0);
    format_datetime_millis(ms)
}

fn digits(s: &[u8]) -> bool {
    !s.is_empty() && s.iter().all(u8::is_ascii_digit)
}

fn num(s: &[u8]) -> u32 {
    s.iter().fold(0u32, |acc, b| acc * 10 + u32::from(b - b'0'))
}

/// `YYYY-MM-DD` with a plausible month and day.
pub fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    if !digits(&b[0..4]) || !digits(&b[5..7]) || !digits(&b[8..10]) {
        return false;
    }
    let m = num(&b[5..7]);
    let d = num(&b[8..10]);
    (1..=12).contains(&m) && (1..=31).contains(&d)
}

/// ISO-8601 date-time: `YYYY-MM-DDTHH:MM[:SS[.fff…]][Z|±HH:MM|±HHMM]`.
pub fn is_datetime(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 16 || !is_date(&s[..10]) || !(b[10] == b'T' || b[10] == b't' || b[10] == b' ') {
        return false;
    }
    let t = &b[11..];
    if t.len() < 5 || !digits(&t[0..2]) || t[2] != b':' || !digits(&t[3..5]) {
        return false;
    }
    if num(&t[0..2]) > 23 || num(&t[3..5]) > 59 {
        return false;
    }
    let mut rest = &t[5..];
    if rest.len() >= 3 && rest[0] == b':' {
        if !digits(&rest[1..3]) || num(&rest[1..3]) > 60 {
            return false;
        }
        rest = &rest[3..];
        if !rest.is_empty() && (rest[0] == b'.' || rest[0] == b',') {
            let n = rest[1..].iter().take_while(|c| c.is_ascii_digit()).count();
            if n == 0 {
                return false;
            }
            rest = &rest[1 + n..];
        }
    }
    match rest {
        [] | [b'Z'] | [b'z'] => true,
        [sign, h1, h2, b':', m1, m2] | [sign, h1, h2, m1, m2] if *sign == b'+' || *sign == b'-' => {
            [h1, h2, m1, m2].iter().all(|c| c.is_ascii_digit())
        }
        [sign, h1, h2] if *sign == b'+' || *sign == b'-' => {
            h1.is_ascii_digit() && h2.is_ascii_digit()
        }
        _ => false,
    }
}

/// An ISO-8601 date-time without a zone (`2024-05-01T12:00:00.000`): a Java `LocalDateTime`.
pub fn is_local_datetime(s: &str) -> bool {
    is_datetime(s) && !s[16..].contains(['Z', 'z', '+']) && !s[16..].contains('-')
}

/// `YYYY-MM` with a plausible month: a Java `YearMonth`.
pub fn is_year_month(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 7 && b[4] == b'-' && digits(&b[0..4]) && digits(&b[5..7]) && {
        let m = num(&b[5..7]);
        (1..=12).contains(&m)
    }
}

/// Percent-decodes `s`; `plus_as_space` for form/query encoding. Fails on a bad escape or bad UTF-8.
pub fn percent_decode(s: &str, plus_as_space: bool) -> Result<String, String> {
    if !s.bytes().any(|b| b == b'%' || (plus_as_space && b == b'+')) {
        return Ok(s.to_string());
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                let hex = |c: u8| (c as char).to_digit(16);
                match (
                    b.get(i + 1).and_then(|c| hex(*c)),
                    b.get(i + 2).and_then(|c| hex(*c)),
                ) {
                    (Some(h), Some(l)) => out.push((h * 16 + l) as u8),
                    _ => return Err(format!("invalid percent-encoding in '{s}'")),
                }
                i += 3;
            }
            b'+' if plus_as_space => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_err(|_| format!("percent-decoded value of '{s}' is not valid UTF-8"))
}

/// Percent-encodes a query component (RFC 3986 unreserved characters pass).
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Parses `a=1&b=2` (form or query encoding) into pairs, in order.
pub fn parse_form(s: &str) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for part in s.split('&') {
        if part.is_empty() {
            continue;
        }
        let (k, v) = part.split_once('=').unwrap_or((part, ""));
        out.push((percent_decode(k, true)?, percent_decode(v, true)?));
    }
    Ok(out)
}

/// HTML-escapes text for the small pages the login service renders.
pub fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert!(is_date("2024-05-01"));
        assert!(!is_date("2024-13-01"));
        assert!(!is_date("2024-5-01"));
        assert!(is_datetime("2024-05-01T12:00:00.000Z"));
        assert!(is_datetime("2024-05-01T12:00:00Z"));
        assert!(is_datetime("2024-05-01T12:00"));
        assert!(is_datetime("2024-05-01T12:00:00+02:00"));
        assert!(!is_datetime("2024-05-01"));
        assert!(!is_datetime("yesterday"));
        assert!(is_local_datetime("2024-05-01T12:00:00.000"));
        assert!(is_local_datetime("2024-05-01T12:00"));
        assert!(!is_local_datetime("2024-05-01T12:00:00.000Z"));
        assert!(!is_local_datetime("2024-05-01T12:00:00-05:00"));
        assert!(!is_local_datetime("Example start 7"));
        assert!(is_year_month("2024-05"));
        assert!(!is_year_month("2024-13"));
        assert!(!is_year_month("2024-05-01"));
        assert_eq!(format_datetime_millis(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(
            format_datetime_millis(1_714_564_800_000),
            "2024-05-01T12:00:00.000Z"
        );
    }

    #[test]
    fn percent() {
        assert_eq!(percent_decode("a%20b+c", true).unwrap(), "a b c");
        assert!(percent_decode("%zz", false).is_err());
        assert!(percent_decode("%ff", false).is_err());
        assert_eq!(percent_encode("a b/c"), "a%20b%2Fc");
    }

    #[test]
    fn uuids() {
        let u = uuid_seeded(42);
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        assert_eq!(u, uuid_seeded(42));
        assert_ne!(random_uuid(), random_uuid());
        assert_eq!(random_token().len(), 43);
    }
}
