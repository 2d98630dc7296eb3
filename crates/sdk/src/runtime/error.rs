//! The one error type of the SDK.

use crate::models::ErrorBody;
use http::HeaderMap;
use std::borrow::Cow;
use std::fmt;

/// What went wrong, in broad strokes. Match on this to decide what to do; the [`Error`] accessors
/// give the details.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The API answered with a non-2xx status. [`Error::response`] has the whole response.
    Api,
    /// The request could not be sent or the response not received (connection refused or reset,
    /// DNS, TLS, a body cut short).
    Transport,
    /// The request or a connect attempt took longer than its timeout.
    Timeout,
    /// A 2xx response whose body does not decode into the operation's type. The raw body is kept
    /// in [`Error::response`].
    Decode,
    /// Logging in or re-authenticating failed (OAuth error, missing credentials).
    Auth,
    /// The caller gave something unusable (a bad header name or value, a bad base URL, a bad
    /// environment, a bad configuration file).
    InvalidInput,
}

/// The response behind an API or decode error: everything the server sent.
#[derive(Clone, Debug)]
pub struct ErrorResponse {
    /// HTTP status code.
    pub status: u16,
    /// The status's reason phrase (`Not Found`), empty when unknown.
    pub status_text: String,
    /// Response headers (`inin-correlation-id`, rate-limit headers, ...).
    pub headers: HeaderMap,
    /// The Genesys error body (`status`, `code`, `message`, `messageWithParams`, `messageParams`,
    /// `contextId`, `details`, `errors`) when the body was one; `None` for an HTML page from a
    /// proxy, an empty body, or garbage.
    pub body: Option<ErrorBody>,
    /// The raw body bytes (an error body is kept up to
    /// [`ERROR_BODY_MAX_BYTES`](crate::runtime::ERROR_BODY_MAX_BYTES)).
    pub raw: bytes::Bytes,
}

impl ErrorResponse {
    /// The raw body as text (invalid UTF-8 replaced).
    pub fn text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.raw)
    }

    /// The `inin-correlation-id` header, which Genesys support asks for.
    pub fn correlation_id(&self) -> Option<&str> {
        super::response::correlation_id(&self.headers)
    }
}

struct Inner {
    kind: ErrorKind,
    message: String,
    operation: Option<&'static str>,
    response: Option<ErrorResponse>,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

/// The error of every SDK call: a [`kind`](Error::kind), a message, and for API and decode errors
/// the full [`response`](Error::response). It never contains a token or secret.
pub struct Error(Box<Inner>);

impl Error {
    /// A new error of `kind` with `message`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error(Box::new(Inner {
            kind,
            message: message.into(),
            operation: None,
            response: None,
            source: None,
        }))
    }

    /// Attaches the underlying cause.
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.0.source = Some(Box::new(source));
        self
    }

    pub(crate) fn with_operation(mut self, op: &'static str) -> Self {
        self.0.operation = Some(op);
        self
    }

    pub(crate) fn with_response(mut self, r: ErrorResponse) -> Self {
        self.0.response = Some(r);
        self
    }

    /// An [`ErrorKind::Api`] error for a non-2xx response; parses the Genesys error body when the
    /// body is one.
    pub fn from_response(
        status: u16,
        headers: HeaderMap,
        raw: bytes::Bytes,
        operation: Option<&'static str>,
    ) -> Self {
        let body = parse_error_body(&raw);
        let status_text = super::response::status_text(status);
        let message = match body.as_ref().and_then(|b| b.message.as_deref()) {
            Some(m) => m.to_owned(),
            None => format!("the API answered {status} {status_text}")
                .trim()
                .to_owned(),
        };
        let mut e = Error::new(ErrorKind::Api, message).with_response(ErrorResponse {
            status,
            status_text,
            headers,
            body,
            raw,
        });
        e.0.operation = operation;
        e
    }

    /// Replaces every occurrence of the `secrets` (those of 4 characters or more) in the
    /// message and the response body, which a server may have echoed them into.
    pub(crate) fn scrub(mut self, secrets: &[&str]) -> Self {
        let secrets: Vec<&str> = secrets.iter().copied().filter(|s| s.len() >= 4).collect();
        if secrets.is_empty() {
            return self;
        }
        let mark = super::logging::REDACTED;
        for s in &secrets {
            if self.0.message.contains(s) {
                self.0.message = self.0.message.replace(s, mark);
            }
        }
        if let Some(r) = &mut self.0.response {
            let mut raw = r.raw.to_vec();
            let mut changed = false;
            for s in &secrets {
                let s = s.as_bytes();
                let mut i = 0;
                while let Some(at) = raw[i..].windows(s.len()).position(|w| w == s) {
                    raw.splice(i + at..i + at + s.len(), mark.bytes());
                    i += at + mark.len();
                    changed = true;
                }
            }
            if changed {
                r.body = parse_error_body(&raw);
                r.raw = raw.into();
            }
        }
        self
    }

    /// What kind of error this is.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// A human-readable message (for API errors, the Genesys `message`).
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// The operation (`getUsersMe`) the error came from, when known.
    pub fn operation(&self) -> Option<&'static str> {
        self.0.operation
    }

    /// The response behind an API or decode error.
    pub fn response(&self) -> Option<&ErrorResponse> {
        self.0.response.as_ref()
    }

    /// The HTTP status of an API or decode error.
    pub fn status(&self) -> Option<u16> {
        self.response().map(|r| r.status)
    }

    /// The parsed Genesys error body, when the server sent one.
    pub fn error_body(&self) -> Option<&ErrorBody> {
        self.response().and_then(|r| r.body.as_ref())
    }

    /// The Genesys error `code` (`not.found`, `bad.request`, ...).
    pub fn code(&self) -> Option<&str> {
        self.error_body().and_then(|b| b.code.as_deref())
    }

    /// The `inin-correlation-id` response header.
    pub fn correlation_id(&self) -> Option<&str> {
        self.response().and_then(|r| r.correlation_id())
    }

    /// True for [`ErrorKind::Api`] with this status.
    pub fn is_status(&self, status: u16) -> bool {
        self.0.kind == ErrorKind::Api && self.status() == Some(status)
    }
}

fn parse_error_body(raw: &[u8]) -> Option<ErrorBody> {
    let first = raw.iter().find(|b| !b.is_ascii_whitespace())?;
    if *first != b'{' {
        return None;
    }
    crate::models::json::from_slice::<ErrorBody>(raw).ok()
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.0.kind {
            ErrorKind::Api => "API error",
            ErrorKind::Transport => "transport error",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Decode => "decode error",
            ErrorKind::Auth => "authentication error",
            ErrorKind::InvalidInput => "invalid input",
        };
        write!(f, "{kind}")?;
        if let Some(op) = self.0.operation {
            write!(f, " in {op}")?;
        }
        // What the server sent (message, code, correlation id) is shown with control
        // characters escaped and cut: a message cannot forge log lines or move a terminal's
        // cursor, nor fill a log.
        if let Some(r) = &self.0.response {
            write!(f, ": {} {}", r.status, r.status_text)?;
            if let Some(code) = r.body.as_ref().and_then(|b| b.code.as_deref()) {
                write!(f, " ({})", Shown(code, 200))?;
            }
        }
        write!(f, ": {}", Shown(&self.0.message, DISPLAY_MESSAGE_MAX))?;
        if let Some(id) = self.correlation_id() {
            write!(f, " [correlation id {}]", Shown(id, 200))?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Error");
        d.field("kind", &self.0.kind)
            .field("message", &self.0.message)
            .field("operation", &self.0.operation);
        if let Some(r) = &self.0.response {
            // The raw body is shown cut and with secrets redacted (a decode error of a token
            // answer, say, holds the token).
            let text = debug_text(&r.raw);
            d.field("status", &r.status)
                .field("correlation_id", &r.correlation_id())
                .field(
                    "body",
                    &r.body.as_ref().map(|b| {
                        // Shown as redacted JSON: its unknown properties are the server's words.
                        let text = debug_text(&crate::models::json::to_vec(b));
                        format!("{}", Shown(&text, DEBUG_TEXT_MAX))
                    }),
                )
                .field("text", &format_args!("{}", Shown(&text, DEBUG_TEXT_MAX)))
                .field("raw_len", &r.raw.len());
        }
        if let Some(s) = &self.0.source {
            d.field("source", s);
        }
        d.finish()
    }
}

/// The most characters of the message `Display` shows.
const DISPLAY_MESSAGE_MAX: usize = 2000;
/// The most characters of the raw body `Debug` shows.
const DEBUG_TEXT_MAX: usize = 1024;

/// The start of a body for `Debug`, secrets redacted. Only a prefix (four times what is shown)
/// is redacted: a decode error can hold a body of up to the response limit (128 MiB), and
/// `Debug` must not parse all of it (redaction reads JSON into a tree) to show one kilobyte.
/// A cut JSON document is redacted by its shape (`"access_token": "…` included).
fn debug_text(raw: &[u8]) -> String {
    let mut n = raw.len().min(DEBUG_TEXT_MAX * 4);
    if let Err(e) = std::str::from_utf8(&raw[..n]) {
        if e.error_len().is_none() {
            n = e.valid_up_to(); // a character cut by the prefix
        }
    }
    super::logging::redacted_body(&raw[..n], false)
}

/// Text from the network for a log line: control characters escaped (`\n`, `\u{1b}`), at most
/// `.1` characters, then `…`.
struct Shown<'a>(&'a str, usize);

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use fmt::Write;
        for (i, c) in self.0.chars().enumerate() {
            if i == self.1 {
                return f.write_str("…");
            }
            // Bidirectional overrides are escaped too: they reorder what a reader sees.
            if c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}') {
                write!(f, "{}", c.escape_default())?;
            } else {
                f.write_char(c)?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0
            .source
            .as_deref()
            .map(|s| s as &(dyn std::error::Error + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers() -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("inin-correlation-id", "abc-123".parse().unwrap());
        h
    }

    #[test]
    fn api_error_parses_the_genesys_body() {
        let raw = br#"{"status":404,"code":"not.found","message":"The requested operation failed with status 404","messageWithParams":"x {a}","messageParams":{"a":"b"},"contextId":"c1","details":[{"errorCode":"e"}],"errors":[{"code":"inner"}]}"#;
        let e = Error::from_response(
            404,
            headers(),
            bytes::Bytes::from_static(raw),
            Some("getUser"),
        );
        assert_eq!(e.kind(), ErrorKind::Api);
        assert!(e.is_status(404));
        assert_eq!(e.code(), Some("not.found"));
        assert_eq!(
            e.message(),
            "The requested operation failed with status 404"
        );
        assert_eq!(e.correlation_id(), Some("abc-123"));
        let b = e.error_body().unwrap();
        assert_eq!(b.context_id.as_deref(), Some("c1"));
        assert_eq!(b.message_params.as_ref().unwrap()["a"], "b");
        assert_eq!(b.errors.as_ref().unwrap()[0].code.as_deref(), Some("inner"));
        assert_eq!(e.response().unwrap().status_text, "Not Found");
        let shown = e.to_string();
        assert!(
            shown.contains("getUser")
                && shown.contains("404")
                && shown.contains("not.found")
                && shown.contains("abc-123"),
            "{shown}"
        );
    }

    #[test]
    fn display_escapes_control_characters_from_the_server() {
        let raw = br#"{"code":"x\r\nFAKE","message":"bad\r\n2026-01-01 INFO forged line \u001b[31mred\u0007"}"#;
        let mut h = HeaderMap::new();
        h.insert("inin-correlation-id", "id\tx".parse().unwrap());
        let e = Error::from_response(400, h, bytes::Bytes::from_static(raw), Some("op"));
        let shown = e.to_string();
        assert!(!shown.chars().any(|c| c.is_control()), "{shown:?}");
        assert!(
            shown.contains("bad\\r\\n2026-01-01 INFO forged line \\u{1b}[31mred\\u{7}"),
            "{shown}"
        );
        assert!(shown.contains("(x\\r\\nFAKE)"), "{shown}");
        let long = format!(r#"{{"message":"{}"}}"#, "m".repeat(100_000));
        let e = Error::from_response(400, HeaderMap::new(), long.into(), None);
        assert!(e.to_string().len() < 2_100, "Display is cut");
    }

    #[test]
    fn debug_cuts_and_redacts_the_raw_body() {
        let raw = format!(
            r#"{{"access_token":"SECRET-TOKEN","filler":"{}"}}"#,
            "x".repeat(1_000_000)
        );
        let e = Error::new(ErrorKind::Decode, "bad").with_response(ErrorResponse {
            status: 200,
            status_text: "OK".into(),
            headers: HeaderMap::new(),
            body: None,
            raw: raw.into(),
        });
        let d = format!("{e:?}");
        assert!(!d.contains("SECRET-TOKEN"), "{}", &d[..200]);
        assert!(d.len() < 2_000, "Debug is cut: {} bytes", d.len());
        assert!(d.contains("raw_len: 1000043"), "{}", &d[d.len() - 100..]);
    }

    #[test]
    fn debug_redacts_secrets_in_the_parsed_body() {
        let raw = br#"{"status":400,"message":"bad","access_token":"LEAKED-TOKEN-1234567"}"#;
        let e = Error::from_response(400, HeaderMap::new(), bytes::Bytes::from_static(raw), None);
        assert!(e.error_body().is_some());
        let d = format!("{e:?}");
        assert!(!d.contains("LEAKED-TOKEN-1234567"), "{d}");
        assert!(d.contains("message"), "{d}");
    }

    #[test]
    fn api_error_survives_a_non_json_body() {
        let raw = b"<html><body>502 Bad Gateway</body></html>";
        let e = Error::from_response(502, HeaderMap::new(), bytes::Bytes::from_static(raw), None);
        assert_eq!(e.status(), Some(502));
        assert!(e.error_body().is_none());
        assert_eq!(
            e.response().unwrap().text(),
            "<html><body>502 Bad Gateway</body></html>"
        );
        assert!(e.message().contains("502"));
        let e = Error::from_response(
            500,
            HeaderMap::new(),
            bytes::Bytes::from_static(b"{garbage"),
            None,
        );
        assert!(e.error_body().is_none());
        assert_eq!(e.response().unwrap().text(), "{garbage");
    }
}
