//! Requests that are not HTTP enough to reach a handler: a malformed request line or header, a
//! bad `Content-Length`, a request target or a header section too long for the parser. hyper
//! answers these itself, with a status and an empty body; the connection wrapper in `server`
//! recognises that answer (no `inin-correlation-id`: every answer of the simulator has one) and
//! sends in its place a Genesys error, as the service does for every error.

use crate::error::{code_for_status, ApiError};
use crate::util::random_uuid;

/// How much of a request's head is kept to say what is wrong with it.
pub const HEAD_CAPTURE: usize = 8 * 1024;

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The status of hyper's own error answer, when `out` (bytes about to be written) is one.
pub fn hyper_error_status(out: &[u8]) -> Option<u16> {
    if out.len() < 12 || !out.starts_with(b"HTTP/1.") {
        return None;
    }
    let status: u16 = std::str::from_utf8(&out[9..12]).ok()?.parse().ok()?;
    if status < 400 {
        return None;
    }
    let head = &out[..find(out, b"\r\n\r\n")?];
    let lower = head.to_ascii_lowercase();
    (find(&lower, b"inin-correlation-id").is_none()).then_some(status)
}

fn quoted(bytes: &[u8]) -> String {
    let s = String::from_utf8_lossy(&bytes[..bytes.len().min(100)]).into_owned();
    let mut q = format!("{s:?}");
    if bytes.len() > 100 {
        q.insert_str(q.len() - 1, "...");
    }
    q
}

fn is_token(s: &[u8]) -> bool {
    !s.is_empty()
        && s.iter()
            .all(|c| c.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(c))
}

/// Drops the first request (head and `Content-Length` body) from the bytes kept of a
/// connection's requests, once it is answered; what follows belongs to the next request. When
/// its end is not known (a chunked body, a body longer than what is kept), everything goes.
pub fn consume_request(kept: &mut Vec<u8>) {
    let Some(end) = find(kept, b"\r\n\r\n") else {
        kept.clear();
        return;
    };
    let mut len = 0usize;
    for line in kept[..end].split(|b| *b == b'\n').skip(1) {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let Some(colon) = line.iter().position(|b| *b == b':') else {
            continue;
        };
        let (name, value) = (&line[..colon], line[colon + 1..].trim_ascii());
        if name.eq_ignore_ascii_case(b"transfer-encoding") {
            kept.clear();
            return;
        }
        if name.eq_ignore_ascii_case(b"content-length") {
            len = std::str::from_utf8(value)
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
        }
    }
    let total = end + 4 + len;
    if total <= kept.len() {
        kept.drain(..total);
    } else {
        kept.clear();
    }
}

/// What is wrong with a request head that hyper refused with `status`, as far as `head` (its
/// first bytes) shows.
pub fn describe(status: u16, head: &[u8]) -> String {
    match status {
        414 => return "The request URI is too long.".into(),
        431 => return "The request's header section is too large.".into(),
        _ => {}
    }
    let mut lines = head
        .split(|b| *b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l));
    let Some(first) = lines.next().filter(|l| !l.is_empty()) else {
        return "The request has no request line.".into();
    };
    let parts: Vec<&[u8]> = first.split(|b| *b == b' ').collect();
    let line_ok = parts.len() == 3
        && is_token(parts[0])
        && !parts[1].is_empty()
        && parts[1].iter().all(|c| c.is_ascii_graphic())
        && matches!(parts[2], b"HTTP/1.0" | b"HTTP/1.1");
    if !line_ok {
        return format!(
            "Malformed request line {}: expected METHOD SP request-target SP HTTP/1.1.",
            quoted(first)
        );
    }
    let mut lengths: Vec<&[u8]> = Vec::new();
    for line in lines {
        if line.is_empty() {
            break;
        }
        let Some(colon) = line.iter().position(|b| *b == b':') else {
            return format!("Malformed header line {}: no ':'.", quoted(line));
        };
        let (name, value) = (&line[..colon], line[colon + 1..].trim_ascii());
        if !is_token(name) {
            return format!("Malformed header name {}.", quoted(name));
        }
        if name.eq_ignore_ascii_case(b"content-length") {
            if value.is_empty() || !value.iter().all(u8::is_ascii_digit) {
                return format!(
                    "Invalid Content-Length header {}: expected a number of bytes.",
                    quoted(value)
                );
            }
            lengths.push(value);
        }
    }
    if lengths.windows(2).any(|w| w[0] != w[1]) {
        return "Conflicting Content-Length headers.".into();
    }
    "The request could not be parsed as HTTP/1.1.".into()
}

/// A complete answer standing for hyper's: the same status, a Genesys error body, an
/// `inin-correlation-id` equal to its `contextId`, and `connection: close` (hyper closes the
/// connection after it).
pub fn genesys_answer(status: u16, head: &[u8], date: Option<&str>) -> Vec<u8> {
    let cid = random_uuid();
    let e = ApiError::new(status, code_for_status(status), describe(status, head));
    let body = serde_json::to_vec(&e.to_json(&cid)).unwrap_or_default();
    let reason = hyper::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Error");
    let mut out = format!(
        "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {}\r\ninin-correlation-id: {cid}\r\naccess-control-allow-origin: *\r\naccess-control-expose-headers: inin-correlation-id\r\nconnection: close\r\n",
        body.len()
    );
    if let Some(d) = date {
        out.push_str(&format!("date: {d}\r\n"));
    }
    out.push_str("\r\n");
    let mut out = out.into_bytes();
    out.extend_from_slice(&body);
    out
}

/// The `date` header of hyper's answer, kept in ours.
pub fn date_of(out: &[u8]) -> Option<String> {
    let head = &out[..find(out, b"\r\n\r\n")?];
    head.split(|b| *b == b'\n').find_map(|l| {
        let l = l.strip_suffix(b"\r").unwrap_or(l);
        let colon = l.iter().position(|b| *b == b':')?;
        l[..colon]
            .eq_ignore_ascii_case(b"date")
            .then(|| String::from_utf8_lossy(l[colon + 1..].trim_ascii()).into_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_hyper_answers_only() {
        let hyper = b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\ndate: Sun, 01 Dec 2024 10:00:00 GMT\r\n\r\n";
        assert_eq!(hyper_error_status(hyper), Some(400));
        assert_eq!(
            date_of(hyper).as_deref(),
            Some("Sun, 01 Dec 2024 10:00:00 GMT")
        );
        let ours = b"HTTP/1.1 404 Not Found\r\ninin-correlation-id: x\r\n\r\n{}";
        assert_eq!(hyper_error_status(ours), None);
        assert_eq!(hyper_error_status(b"HTTP/1.1 100 Continue\r\n\r\n"), None);
        assert_eq!(hyper_error_status(b"{\"entities\": []}"), None);
    }

    #[test]
    fn keeps_the_next_request() {
        let mut kept =
            b"POST /a HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}GET /b HTTP/1.1\r\n".to_vec();
        consume_request(&mut kept);
        assert_eq!(kept, b"GET /b HTTP/1.1\r\n");
        consume_request(&mut kept);
        assert!(kept.is_empty());
        let mut kept = b"POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}".to_vec();
        consume_request(&mut kept);
        assert!(kept.is_empty());
    }

    #[test]
    fn says_what_is_wrong() {
        let d = describe(400, b"GET /api/v2/users HTTP/1.1 extra\r\nHost: x\r\n\r\n");
        assert!(d.starts_with("Malformed request line"), "{d}");
        let d = describe(400, b"\x00\x01 NOT HTTP\r\n\r\n");
        assert!(
            d.starts_with("Malformed request line \"\\0\\u{1} NOT HTTP\""),
            "{d}"
        );
        let d = describe(400, b"POST /x HTTP/1.1\r\nContent-Length: 12abc\r\n\r\n");
        assert_eq!(
            d,
            "Invalid Content-Length header \"12abc\": expected a number of bytes."
        );
        let d = describe(
            400,
            b"POST /x HTTP/1.1\r\nContent-Length: 1\r\ncontent-length: 2\r\n\r\n",
        );
        assert_eq!(d, "Conflicting Content-Length headers.");
        let d = describe(400, b"GET /x HTTP/1.1\r\nbad header\r\n\r\n");
        assert!(d.starts_with("Malformed header line"), "{d}");
        assert_eq!(describe(414, b"GET /aaaa"), "The request URI is too long.");
    }
}
