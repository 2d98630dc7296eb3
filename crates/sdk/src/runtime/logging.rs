//! Debug logging: the official SDKs' `setDebugLog(log, maxLines)` hook, the configurable logger
//! of the config file's `[logging]` section, `tracing` events, and the redaction they all share.
//!
//! Whatever the sink, the `Authorization` (and `Proxy-Authorization`, cookie) headers, client
//! secrets, access, refresh and id tokens, PKCE verifiers, authorization codes, passwords and
//! SAML assertions are replaced by `[REDACTED]` before anything is formatted.
//!
//! What a body is redacted as is decided by its shape and by the endpoint, never by its
//! `Content-Type` (the server's word: a JSON token answer labelled as a form or as text, or a
//! form labelled as JSON, is redacted all the same): a body that parses as JSON has the values
//! of secret keys replaced (and the strings in it scanned as text); any other text has the
//! values after secret keys replaced, in forms, cut JSON, `key: value` lines and header lines
//! alike. A body to or from an OAuth endpoint (`/oauth/token`, any path with an `oauth`
//! segment) is credentials whatever it looks like: only its keys are shown, with the values of
//! `grant_type`, `token_type`, `expires_in`, `error`, `client_id` and `redirect_uri`.

use super::error::{Error, ErrorKind};
use super::request::form_decode;
use super::transport::{HttpRequest, HttpResponse, TransportError};
use http::HeaderMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What replaces a secret in logs.
pub const REDACTED: &str = "[REDACTED]";

/// The debug-log hook: receives each request and response trace as text.
pub type DebugLogHook = dyn Fn(&str) + Send + Sync + 'static;

#[derive(Clone)]
pub(crate) struct DebugLog {
    pub hook: Arc<DebugLogHook>,
    pub max_lines: Option<usize>,
}

impl fmt::Debug for DebugLog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DebugLog")
            .field("max_lines", &self.max_lines)
            .finish_non_exhaustive()
    }
}

fn sensitive_header(name: &str) -> bool {
    matches!(
        name,
        "authorization" | "proxy-authorization" | "cookie" | "set-cookie" | "x-api-key"
    )
}

/// Whether a JSON or form key names a secret: tokens, secrets, passwords, assertions, PKCE
/// verifiers (`access_token`, `refreshToken`, `client_secret`, `assertion`, ...).
pub(crate) fn sensitive_key(key: &str) -> bool {
    let k: String = key
        .chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect();
    k == "token"
        || k.contains("accesstoken")
        || k.contains("refreshtoken")
        || k.contains("idtoken")
        || k.contains("secret")
        || k.contains("password")
        || k.contains("assertion")
        || k.contains("codeverifier")
}

/// Header names and values with secrets redacted.
pub(crate) fn redacted_headers(h: &HeaderMap) -> Vec<(String, String)> {
    h.iter()
        .map(|(k, v)| {
            let name = k.as_str().to_owned();
            let value = if v.is_sensitive() || sensitive_header(k.as_str()) {
                REDACTED.to_owned()
            } else {
                String::from_utf8_lossy(v.as_bytes()).into_owned()
            };
            (name, value)
        })
        .collect()
}

/// Whether `url` is one of the login service's OAuth endpoints (`/oauth/token`,
/// `/oauth/authorize`, ...: a path segment `oauth`, wherever a gateway puts it; this includes
/// the API's `/api/v2/oauth/...`, whose bodies hold client secrets). What goes to and comes
/// from them is credentials, whatever it looks like.
pub(crate) fn oauth_endpoint(url: &str) -> bool {
    let path = match url.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("", |i| &rest[i..]),
        None => url,
    };
    let path = path.split(['?', '#']).next().unwrap_or("");
    path.split('/')
        .any(|seg| form_decode(seg).eq_ignore_ascii_case("oauth"))
}

/// Keys whose values an OAuth exchange may show: they say what happened, never grant anything.
fn oauth_safe_key(key: &str) -> bool {
    matches!(
        key,
        "grant_type" | "token_type" | "expires_in" | "error" | "client_id" | "redirect_uri"
    )
}

/// What a JSON value of an OAuth exchange is logged as: objects and arrays keep their shape
/// and keys, the scalars of [`oauth_safe_key`]s, `null` and booleans stay, every other value
/// is [`REDACTED`].
fn redact_json_all(v: &mut serde_json::Value, key: Option<&str>) {
    use serde_json::Value;
    match v {
        Value::Object(o) => o.iter_mut().for_each(|(k, v)| redact_json_all(v, Some(k))),
        Value::Array(a) => a.iter_mut().for_each(|v| redact_json_all(v, None)),
        Value::Null | Value::Bool(_) => {}
        Value::String(_) | Value::Number(_) => {
            if !key.is_some_and(oauth_safe_key) {
                *v = Value::String(REDACTED.to_owned());
            }
        }
    }
}

/// The parameter names an OAuth form may hold: shown in the log of an OAuth exchange (with
/// their values redacted), where any other key is not (a text that only looks like a form —
/// a bare token ending in `=` padding — would show its secret as a "key").
fn oauth_param(k: &str) -> bool {
    matches!(
        k,
        "grant_type"
            | "code"
            | "redirect_uri"
            | "client_id"
            | "client_secret"
            | "refresh_token"
            | "code_verifier"
            | "code_challenge"
            | "code_challenge_method"
            | "assertion"
            | "orgName"
            | "username"
            | "password"
            | "scope"
            | "state"
            | "nonce"
            | "response_type"
            | "access_token"
            | "id_token"
            | "token_type"
            | "expires_in"
            | "error"
            | "error_description"
            | "error_uri"
    )
}

/// The text of an OAuth exchange that is not JSON, as a form: `key=[REDACTED]` for each pair
/// of a known OAuth parameter (the values of [`oauth_safe_key`]s stay), anything else
/// [`REDACTED`].
fn redact_form_all(text: &str) -> String {
    text.split('&')
        .map(
            |pair| match pair.split_once('=').map(|(k, v)| (k, form_decode(k), v)) {
                Some((k, key, v)) if oauth_param(&key) => {
                    if oauth_safe_key(&key)
                        && v.len() <= 256
                        && v.bytes().all(|b| b.is_ascii_graphic())
                    {
                        format!("{k}={v}")
                    } else {
                        format!("{k}={REDACTED}")
                    }
                }
                _ => REDACTED.to_owned(),
            },
        )
        .collect::<Vec<_>>()
        .join("&")
}

fn redact_json(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(o) => {
            for (k, v) in o.iter_mut() {
                // `"authorization": "Bearer …"` (an echoed header); not the user's
                // `"authorization": {roles, permissions}` object.
                let header = v.is_string() && sensitive_header(&k.to_ascii_lowercase());
                if (sensitive_key(k) && !v.is_null()) || header {
                    *v = serde_json::Value::String(REDACTED.to_owned());
                } else {
                    redact_json(v);
                }
            }
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(redact_json),
        // A string can hold a form or a JSON text of its own (an error message quoting a
        // request): the same scan as a text body.
        serde_json::Value::String(s) if s.contains(['=', ':']) => *s = redact_text(s),
        _ => {}
    }
}

/// The bytes a key can be made of in a form or unquoted (`refresh_token=`, `password: `).
fn key_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'%' | b'+')
}

/// Where the value starting at `start` ends: a quoted value at its closing quote (escapes
/// skipped; the end of the text when it is cut), else at a delimiter. Returns (value start,
/// value end) without the quotes.
fn value_span(b: &[u8], start: usize) -> (usize, usize) {
    match b.get(start) {
        Some(&q @ (b'"' | b'\'')) => {
            let mut i = start + 1;
            while i < b.len() && b[i] != q {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            (start + 1, i.min(b.len()))
        }
        _ => {
            let mut i = start;
            while i < b.len()
                && !b[i].is_ascii_whitespace()
                && !matches!(
                    b[i],
                    b'&' | b',' | b';' | b'}' | b']' | b')' | b'"' | b'\'' | b'<' | b'>'
                )
            {
                i += 1;
            }
            (start, i)
        }
    }
}

/// Redacts secrets in text that is not JSON — a form, a cut or broken JSON text, a plain text
/// or HTML page — by its shape: wherever a key naming a secret is followed by `=` (forms,
/// queries; the authorization `code` too) or `:` (JSON, YAML), quoted or not, its value
/// becomes [`REDACTED`]; after a sensitive header name and `:` (`Authorization: Bearer …`),
/// the rest of the line. Everything else is kept as it was.
pub(crate) fn redact_text(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0; // bytes of `text` already in `out`
    let mut i = 0;
    while i < b.len() {
        let sep = b[i];
        if sep != b'=' && sep != b':' {
            i += 1;
            continue;
        }
        // The key before the separator: `"key"`, `'key'` or a run of key bytes (spaces
        // before a `:` or `=` allowed), at most 128 bytes back.
        let mut end = i;
        while end > copied && b[end - 1] == b' ' {
            end -= 1;
        }
        let floor = end.saturating_sub(128).max(copied);
        let key = match end.checked_sub(1).map(|j| b[j]) {
            Some(q @ (b'"' | b'\'')) if end - 1 > floor => {
                let close = end - 1;
                b[floor..close]
                    .iter()
                    .rposition(|&c| c == q)
                    .map(|open| &text[floor + open + 1..close])
            }
            Some(c) if key_byte(c) => {
                let mut s = end;
                while s > floor && key_byte(b[s - 1]) {
                    s -= 1;
                }
                Some(&text[s..end])
            }
            _ => None,
        };
        let key = key.map(form_decode);
        let header = key
            .as_deref()
            .is_some_and(|k| sensitive_header(&k.to_ascii_lowercase()));
        let secret = header
            || key
                .as_deref()
                .is_some_and(|k| sensitive_key(k) || (sep == b'=' && k == "code"));
        if !secret {
            i += 1;
            continue;
        }
        let mut v = i + 1;
        while v < b.len() && b[v] == b' ' {
            v += 1;
        }
        let (vs, ve) = match b.get(v) {
            // `Authorization: Bearer …` (a header line): the rest of the line.
            Some(c) if header && sep == b':' && !matches!(c, b'"' | b'\'' | b'{' | b'[') => {
                let e = b[v..]
                    .iter()
                    .position(|&c| c == b'\r' || c == b'\n')
                    .map_or(b.len(), |n| v + n);
                (v, e)
            }
            _ => value_span(b, v),
        };
        if ve > vs {
            out.push_str(&text[copied..vs]);
            out.push_str(REDACTED);
            copied = ve;
        }
        i = ve.max(i + 1);
    }
    out.push_str(&text[copied..]);
    out
}

/// A body for a log with its secrets redacted, decided by the body's shape (never by its
/// `Content-Type`, which the server chooses: a JSON token answer labelled as a form or as
/// text is redacted all the same): JSON (pretty-printed when `pretty`) has the values of
/// secret keys replaced, any other text the values after secret keys (see
/// [`redact_text`]); binary bodies are summarised. `_headers` are not consulted.
pub(crate) fn redacted_body(body: &[u8], pretty: bool) -> String {
    shaped_body(body, pretty, false)
}

/// [`redacted_body`] of an exchange with `url`: a body to or from an OAuth endpoint
/// ([`oauth_endpoint`]) is credentials whatever it looks like — only its keys (and the few
/// values that grant nothing: `grant_type`, `token_type`, `expires_in`, `error`, `client_id`,
/// `redirect_uri`) are shown.
pub(crate) fn redacted_body_for(url: &str, body: &[u8], pretty: bool) -> String {
    shaped_body(body, pretty, oauth_endpoint(url))
}

fn shaped_body(body: &[u8], pretty: bool, credentials: bool) -> String {
    if body.is_empty() {
        return String::new();
    }
    let Ok(text) = std::str::from_utf8(body) else {
        return format!("<{} bytes of binary data>", body.len());
    };
    if let Ok(mut v) = serde_json::from_str::<serde_json::Value>(text) {
        if credentials {
            redact_json_all(&mut v, None);
        } else {
            redact_json(&mut v);
        }
        let out = if pretty {
            serde_json::to_string_pretty(&v)
        } else {
            serde_json::to_string(&v)
        };
        return out.unwrap_or_default();
    }
    if credentials {
        redact_form_all(text.trim())
    } else {
        redact_text(text)
    }
}

/// Keeps the first `max` lines of `text`, saying how many were cut.
pub(crate) fn cut_lines(text: &str, max: Option<usize>) -> String {
    let Some(max) = max else {
        return text.to_owned();
    };
    let total = text.lines().count();
    if total <= max {
        return text.to_owned();
    }
    let mut out: String = text.lines().take(max).collect::<Vec<_>>().join("\n");
    if !out.is_empty() {
        out.push('\n');
    }
    out.push_str(&format!("... ({} more lines)", total - max));
    out
}

/// One attempt: the request sent and what came back.
pub(crate) struct Exchange<'a> {
    pub operation: &'static str,
    pub attempt: u32,
    pub request: &'a HttpRequest,
    pub outcome: Result<&'a HttpResponse, &'a TransportError>,
    pub elapsed: Option<Duration>,
}

fn write_headers(out: &mut String, h: &HeaderMap) {
    for (k, v) in redacted_headers(h) {
        out.push_str(&format!("  {k}: {v}\n"));
    }
}

/// The debug-log trace of a request about to be sent.
pub(crate) fn request_trace(op: &str, attempt: u32, req: &HttpRequest) -> String {
    let mut out = format!(
        "=== REQUEST ({op}, attempt {attempt}) ===\n{} {}\n",
        req.method, req.url
    );
    out.push_str("Headers:\n");
    write_headers(&mut out, &req.headers);
    if let Some(b) = &req.body {
        out.push_str("Body:\n");
        out.push_str(&redacted_body_for(&req.url, b, true));
        out.push('\n');
    }
    out
}

/// The debug-log trace of what came back, the body cut to `max_lines`.
pub(crate) fn response_trace(x: &Exchange<'_>, max_lines: Option<usize>) -> String {
    let took = x
        .elapsed
        .map(|d| format!(" in {} ms", d.as_millis()))
        .unwrap_or_default();
    match x.outcome {
        Ok(resp) => {
            let reason = super::response::status_text(resp.status);
            let mut out = format!(
                "=== RESPONSE ({}, attempt {}) ===\n{} {}: {} {reason}{took}\nHeaders:\n",
                x.operation, x.attempt, x.request.method, x.request.url, resp.status
            );
            write_headers(&mut out, &resp.headers);
            let body = redacted_body_for(&x.request.url, &resp.body, true);
            if !body.is_empty() {
                out.push_str("Body:\n");
                out.push_str(&cut_lines(&body, max_lines));
                out.push('\n');
            }
            out
        }
        Err(e) => format!(
            "=== RESPONSE ({}, attempt {}) ===\n{} {}: no response{took}: {e}\n",
            x.operation, x.attempt, x.request.method, x.request.url
        ),
    }
}

/// The levels of the config file's `log_level`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum LogLevel {
    /// Nothing (the default).
    #[default]
    None,
    /// Failed requests (non-2xx or no response): method, URL, status, headers, and the bodies
    /// when enabled.
    Error,
    /// Every request, one line: method, URL, status.
    Info,
    /// Every request: method, URL, status, request headers (and request body when enabled).
    Debug,
    /// Every request: method, URL, status, request and response headers (and the bodies when
    /// enabled).
    Trace,
}

impl std::str::FromStr for LogLevel {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "none" | "off" | "" => LogLevel::None,
            "error" | "warn" | "warning" => LogLevel::Error,
            "info" => LogLevel::Info,
            "debug" => LogLevel::Debug,
            "trace" => LogLevel::Trace,
            _ => {
                return Err(Error::new(
                    ErrorKind::InvalidInput,
                    format!("invalid log level {s:?}: expected trace, debug, info, error or none"),
                ))
            }
        })
    }
}

/// The formats of the config file's `log_format`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LogFormat {
    /// Lines of text (the default).
    #[default]
    Text,
    /// One JSON object per line.
    Json,
}

impl std::str::FromStr for LogFormat {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        match s.trim().to_ascii_lowercase().as_str() {
            "text" | "" => Ok(LogFormat::Text),
            "json" => Ok(LogFormat::Json),
            _ => Err(Error::new(
                ErrorKind::InvalidInput,
                format!("invalid log format {s:?}: expected text or json"),
            )),
        }
    }
}

/// The SDK's own logger (the official SDKs' `LoggingConfiguration`, the config file's
/// `[logging]`): writes an entry per HTTP exchange to standard error and/or a file. Bodies are
/// off by default (they may hold personal data); secrets are always redacted.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct LogConfig {
    /// What is logged.
    pub level: LogLevel,
    /// Text or JSON lines.
    pub format: LogFormat,
    /// Write to standard error.
    pub to_console: bool,
    /// Append to this file (created with mode 0600 on Unix; rotation is up to you).
    pub file_path: Option<std::path::PathBuf>,
    /// Include request bodies.
    pub log_request_body: bool,
    /// Include response bodies.
    pub log_response_body: bool,
}

impl Default for LogConfig {
    fn default() -> Self {
        LogConfig {
            level: LogLevel::None,
            format: LogFormat::Text,
            to_console: true,
            file_path: None,
            log_request_body: false,
            log_response_body: false,
        }
    }
}

impl LogConfig {
    /// Logging at `level` to standard error, as text, without bodies.
    pub fn new(level: LogLevel) -> Self {
        LogConfig {
            level,
            ..Self::default()
        }
    }
}

pub(crate) struct Logger {
    cfg: LogConfig,
    #[cfg(not(target_arch = "wasm32"))]
    file: Option<Mutex<std::fs::File>>,
    #[cfg(target_arch = "wasm32")]
    #[allow(dead_code)]
    file: Option<Mutex<()>>,
}

impl fmt::Debug for Logger {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Logger").field("config", &self.cfg).finish()
    }
}

impl Logger {
    /// Opens the log file (append); `None` when the level is `none` or there is no sink.
    pub(crate) fn open(cfg: &LogConfig) -> Result<Option<Arc<Logger>>, Error> {
        if cfg.level == LogLevel::None || (!cfg.to_console && cfg.file_path.is_none()) {
            return Ok(None);
        }
        #[cfg(not(target_arch = "wasm32"))]
        let file = match &cfg.file_path {
            Some(p) => {
                let mut o = std::fs::OpenOptions::new();
                o.create(true).append(true);
                #[cfg(unix)]
                std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
                let f = o.open(p).map_err(|e| {
                    Error::new(
                        ErrorKind::InvalidInput,
                        format!("cannot open the log file {}: {e}", p.display()),
                    )
                })?;
                Some(Mutex::new(f))
            }
            None => None,
        };
        #[cfg(target_arch = "wasm32")]
        let file = None;
        Ok(Some(Arc::new(Logger {
            cfg: cfg.clone(),
            file,
        })))
    }

    pub(crate) fn log(&self, x: &Exchange<'_>) {
        let failed = match x.outcome {
            Ok(r) => !(200..300).contains(&r.status),
            Err(_) => true,
        };
        let level = self.cfg.level;
        if level == LogLevel::None || (level == LogLevel::Error && !failed) {
            return;
        }
        let line = match self.cfg.format {
            LogFormat::Text => self.text(x, failed),
            LogFormat::Json => self.json(x, failed),
        };
        self.write(&line);
    }

    fn level_name(&self, failed: bool) -> &'static str {
        match self.cfg.level {
            _ if failed => "ERROR",
            LogLevel::Trace => "TRACE",
            LogLevel::Debug => "DEBUG",
            _ => "INFO",
        }
    }

    fn parts(&self, failed: bool) -> (bool, bool, bool, bool) {
        // (request headers, response headers, request body, response body)
        let l = self.cfg.level;
        let req_h = l >= LogLevel::Debug || l == LogLevel::Error;
        let resp_h = l == LogLevel::Trace || l == LogLevel::Error;
        let req_b = self.cfg.log_request_body && (l >= LogLevel::Debug || l == LogLevel::Error);
        let resp_b = self.cfg.log_response_body
            && (l == LogLevel::Trace || (l == LogLevel::Error && failed));
        (req_h, resp_h, req_b, resp_b)
    }

    fn text(&self, x: &Exchange<'_>, failed: bool) -> String {
        let ts = super::clock::unix_millis()
            .map(super::clock::rfc3339_millis)
            .unwrap_or_default();
        let status = match x.outcome {
            Ok(r) => r.status.to_string(),
            Err(e) => format!("no response ({e})"),
        };
        let took = x
            .elapsed
            .map(|d| format!(" {} ms", d.as_millis()))
            .unwrap_or_default();
        let mut out = format!(
            "{ts}:{}: {} {} {status}{took} ({}, attempt {})",
            self.level_name(failed),
            x.request.method,
            x.request.url,
            x.operation,
            x.attempt
        );
        if let Ok(r) = x.outcome {
            if let Some(id) = super::response::correlation_id(&r.headers) {
                out.push_str(&format!(" correlation-id={id}"));
            }
        }
        out.push('\n');
        let (req_h, resp_h, req_b, resp_b) = self.parts(failed);
        if req_h {
            out.push_str("  request headers:\n");
            for (k, v) in redacted_headers(&x.request.headers) {
                out.push_str(&format!("    {k}: {v}\n"));
            }
        }
        if req_b {
            if let Some(b) = &x.request.body {
                out.push_str(&format!(
                    "  request body: {}\n",
                    redacted_body_for(&x.request.url, b, false)
                ));
            }
        }
        if let Ok(r) = x.outcome {
            if resp_h {
                out.push_str("  response headers:\n");
                for (k, v) in redacted_headers(&r.headers) {
                    out.push_str(&format!("    {k}: {v}\n"));
                }
            }
            if resp_b && !r.body.is_empty() {
                out.push_str(&format!(
                    "  response body: {}\n",
                    redacted_body_for(&x.request.url, &r.body, false)
                ));
            }
        }
        out
    }

    fn json(&self, x: &Exchange<'_>, failed: bool) -> String {
        use serde_json::{Map, Value};
        let headers = |h: &HeaderMap| {
            Value::Object(
                redacted_headers(h)
                    .into_iter()
                    .map(|(k, v)| (k, Value::String(v)))
                    .collect(),
            )
        };
        let mut o = Map::new();
        if let Some(ms) = super::clock::unix_millis() {
            o.insert("date".into(), super::clock::rfc3339_millis(ms).into());
        }
        o.insert(
            "level".into(),
            self.level_name(failed).to_ascii_lowercase().into(),
        );
        o.insert("method".into(), x.request.method.as_str().into());
        o.insert("url".into(), x.request.url.clone().into());
        o.insert("operation".into(), x.operation.into());
        o.insert("attempt".into(), x.attempt.into());
        if let Some(d) = x.elapsed {
            o.insert("durationMs".into(), (d.as_millis() as u64).into());
        }
        let (req_h, resp_h, req_b, resp_b) = self.parts(failed);
        if req_h {
            o.insert("requestHeaders".into(), headers(&x.request.headers));
        }
        if req_b {
            if let Some(b) = &x.request.body {
                o.insert(
                    "requestBody".into(),
                    redacted_body_for(&x.request.url, b, false).into(),
                );
            }
        }
        match x.outcome {
            Ok(r) => {
                o.insert("statusCode".into(), r.status.into());
                if let Some(id) = super::response::correlation_id(&r.headers) {
                    o.insert("correlationId".into(), id.into());
                }
                if resp_h {
                    o.insert("responseHeaders".into(), headers(&r.headers));
                }
                if resp_b && !r.body.is_empty() {
                    o.insert(
                        "responseBody".into(),
                        redacted_body_for(&x.request.url, &r.body, false).into(),
                    );
                }
            }
            Err(e) => {
                o.insert("error".into(), e.to_string().into());
            }
        }
        let mut s = Value::Object(o).to_string();
        s.push('\n');
        s
    }

    fn write(&self, line: &str) {
        if self.cfg.to_console {
            #[cfg(not(target_arch = "wasm32"))]
            eprint!("{line}");
            // The browser's devtools console (stderr goes nowhere on wasm32-unknown-unknown).
            #[cfg(target_arch = "wasm32")]
            web_sys::console::log_1(&line.trim_end().into());
        }
        #[cfg(not(target_arch = "wasm32"))]
        if let Some(f) = &self.file {
            use std::io::Write;
            if let Ok(mut f) = f.lock() {
                let _ = f.write_all(line.as_bytes());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    #[test]
    fn keys() {
        for k in [
            "access_token",
            "refresh_token",
            "refreshToken",
            "accessToken",
            "id_token",
            "client_secret",
            "secret",
            "password",
            "assertion",
            "code_verifier",
            "token",
        ] {
            assert!(sensitive_key(k), "{k}");
        }
        for k in [
            "code",
            "message",
            "expires_in",
            "tokenType",
            "name",
            "pageSize",
        ] {
            assert!(!sensitive_key(k), "{k}");
        }
        assert!(!sensitive_key("token_type"));
    }

    #[test]
    fn bodies_and_headers_are_redacted() {
        let form = "grant_type=refresh_token&refresh_token=RT-SECRET&client_id=abc&code=CODE1&assertion=AS&code_verifier=V";
        let out = redacted_body(form.as_bytes(), true);
        assert_eq!(out, "grant_type=refresh_token&refresh_token=[REDACTED]&client_id=abc&code=[REDACTED]&assertion=[REDACTED]&code_verifier=[REDACTED]");
        let json = r#"{"access_token":"AT-SECRET","expires_in":3600,"nested":[{"refreshToken":"RT"}],"code":"not.found","secret":null}"#;
        let out = redacted_body(json.as_bytes(), false);
        assert!(
            !out.contains("AT-SECRET") && !out.contains("\"RT\""),
            "{out}"
        );
        assert!(out.contains("not.found") && out.contains("3600"), "{out}");
        // Not JSON after all: left as text.
        assert_eq!(redacted_body(b"{oops", false), "{oops");
        assert_eq!(
            redacted_body(&[0xff, 0xfe], false),
            "<2 bytes of binary data>"
        );

        let mut h = HeaderMap::new();
        h.insert(
            "authorization",
            HeaderValue::from_static("Bearer AT-SECRET"),
        );
        h.insert("x-other", HeaderValue::from_static("visible"));
        let mut s = HeaderValue::from_static("custom-secret");
        s.set_sensitive(true);
        h.insert("x-custom", s);
        let out = format!("{:?}", redacted_headers(&h));
        assert!(
            !out.contains("AT-SECRET") && !out.contains("custom-secret") && out.contains("visible"),
            "{out}"
        );
    }

    const SECRETS: &[&str] = &[
        "AT-SECRET",
        "RT-SECRET",
        "ID-SECRET",
        "CODE-SECRET",
        "PW-SECRET",
    ];

    fn assert_clean(out: &str) {
        for s in SECRETS {
            assert!(!out.contains(s), "{s} in {out}");
        }
    }

    /// The attack of issue 12: a JSON token answer labelled as a form printed
    /// `"access_token": "…"`; a form labelled as JSON, likewise. The label does not matter.
    #[test]
    fn redaction_follows_the_shape_not_the_content_type() {
        let json = r#"{"access_token":"AT-SECRET","refresh_token":"RT-SECRET","id_token":"ID-SECRET","expires_in":3600,"token_type":"bearer"}"#;
        let form = "grant_type=authorization_code&code=CODE-SECRET&refresh_token=RT-SECRET&password=PW-SECRET&client_id=abc";
        // `redacted_body` is not given the Content-Type at all, so no label can change what
        // it does (tests/logging_redaction.rs sends mislabelled answers over HTTP).
        for pretty in [false, true] {
            let out = redacted_body(json.as_bytes(), pretty);
            assert_clean(&out);
            assert!(out.contains("3600") && out.contains("bearer"), "{out}");
            let out = redacted_body(form.as_bytes(), pretty);
            assert_eq!(out, "grant_type=authorization_code&code=[REDACTED]&refresh_token=[REDACTED]&password=[REDACTED]&client_id=abc");
        }
        // Text that is not JSON: cut or broken JSON, YAML-ish and header lines, a query in
        // a page, percent-encoded keys, a JSON string holding a form.
        for (text, kept) in [
            (
                r#"{"access_token":"AT-SECRET","expires_in":36"#,
                "expires_in",
            ),
            (r#"{"access_token": "AT-SECRET"} trailing"#, "trailing"),
            (r#"{"access_token":"AT-\"SECRET\"","x":1"#, "\"x\":1"),
            (r#"{'refresh_token': 'RT-SECRET', 'n': 2"#, "'n': 2"),
            ("access_token: AT-SECRET\nname: ada", "name: ada"),
            (
                "Authorization: Bearer AT-SECRET\r\nAccept: */*",
                "Accept: */*",
            ),
            (
                "<a href=\"/cb?code=CODE-SECRET&state=s\">back</a>",
                "state=s",
            ),
            ("refresh%5Ftoken=RT-SECRET&x=1", "x=1"),
            ("password = PW-SECRET; user = ada", "user = ada"),
            ("{\"access_token\" :  \"AT-SECRET", "access_token"),
        ] {
            let out = redacted_body(text.as_bytes(), false);
            assert_clean(&out);
            assert!(
                out.contains(kept) && out.contains(REDACTED),
                "{text} -> {out}"
            );
        }
        let nested = r#"{"message":"refused: refresh_token=RT-SECRET&client_id=abc","headers":{"Authorization":"Bearer AT-SECRET"},"authorization":{"roles":["admin"]}}"#;
        let out = redacted_body(nested.as_bytes(), false);
        assert_clean(&out);
        assert!(
            out.contains("client_id=abc") && out.contains("admin"),
            "{out}"
        );
    }

    #[test]
    fn ordinary_bodies_are_kept() {
        let api = r#"{"entities":[{"id":"1","name":"a b","code":"not.found","token_type":"x","note":"a=b: c"}],"total":3,"tokenCount":2}"#;
        let out = redacted_body_for(
            "https://api.mypurecloud.ie/api/v2/users",
            api.as_bytes(),
            false,
        );
        assert_eq!(out, api);
        let text = "Hello: world\nkey=value&a=b <b>c</b>";
        assert_eq!(
            redacted_body_for("http://h/api/v2/x", text.as_bytes(), false),
            text
        );
        assert_eq!(redacted_body_for("http://h/api/v2/x", b"", false), "");
    }

    #[test]
    fn oauth_endpoints_are_found_in_any_url() {
        for url in [
            "https://login.mypurecloud.ie/oauth/token",
            "http://127.0.0.1:8080/oauth/token?x=1",
            "https://gw.example/login/prefix/oauth/token",
            "https://h/OAuth/authorize",
            "https://h/%6Fauth/token",
            "https://api.mypurecloud.ie/api/v2/oauth/clients/abc",
            "/oauth/token",
        ] {
            assert!(oauth_endpoint(url), "{url}");
        }
        for url in [
            "https://api.mypurecloud.ie/api/v2/users",
            "https://oauth.example/api/v2/users",
            "https://h/api/v2/oauthy/x",
            "https://h/api/v2/users?next=/oauth/token",
            "https://h/x#/oauth/",
        ] {
            assert!(!oauth_endpoint(url), "{url}");
        }
    }

    /// Bodies to and from `/oauth/...` are credentials whatever they look like: keys only.
    #[test]
    fn oauth_bodies_show_only_keys() {
        let url = "https://login.mypurecloud.ie/oauth/token";
        let json = r#"{"access_token":"AT-SECRET","weird":"CODE-SECRET","n":{"deep":["PW-SECRET",12345]},"expires_in":3600,"token_type":"bearer","ok":true,"none":null}"#;
        let out = redacted_body_for(url, json.as_bytes(), false);
        assert_eq!(
            out,
            r#"{"access_token":"[REDACTED]","weird":"[REDACTED]","n":{"deep":["[REDACTED]","[REDACTED]"]},"expires_in":3600,"token_type":"bearer","ok":true,"none":null}"#
        );
        let form = "grant_type=password&username=ada&password=PW-SECRET&client_id=abc&redirect_uri=https%3A%2F%2Fapp%2Fcb&org_name=CODE-SECRET&orgName=CODE-SECRET";
        assert_eq!(
            redacted_body_for(url, form.as_bytes(), false),
            "grant_type=password&username=[REDACTED]&password=[REDACTED]&client_id=abc&redirect_uri=https%3A%2F%2Fapp%2Fcb&[REDACTED]&orgName=[REDACTED]"
        );
        for other in [
            "<html><body>AT-SECRET</body></html>",
            "AT-SECRET",
            "token AT-SECRET expired",
            "grant_type=AT-SECRET SECRET&x",
            "AT-SECRET=1",
            "AT-SECRET==",
            "code=AT-SECRET",
        ] {
            let out = redacted_body_for(url, other.as_bytes(), true);
            assert!(!out.contains("SECRET"), "{other} -> {out}");
            assert!(out.contains(REDACTED), "{other} -> {out}");
        }
        assert_eq!(
            redacted_body_for(url, &[0xff, 0x00], false),
            "<2 bytes of binary data>"
        );
    }

    #[test]
    fn lines_are_cut() {
        assert_eq!(cut_lines("a\nb\nc", Some(2)), "a\nb\n... (1 more lines)");
        assert_eq!(cut_lines("a\nb", Some(2)), "a\nb");
        assert_eq!(cut_lines("a\nb", None), "a\nb");
        assert_eq!(cut_lines("a\nb", Some(0)), "... (2 more lines)");
    }

    #[test]
    fn levels_and_formats_parse() {
        assert_eq!("TRACE".parse::<LogLevel>().unwrap(), LogLevel::Trace);
        assert_eq!("warning".parse::<LogLevel>().unwrap(), LogLevel::Error);
        assert!("loud"
            .parse::<LogLevel>()
            .unwrap_err()
            .message()
            .contains("loud"));
        assert_eq!("json".parse::<LogFormat>().unwrap(), LogFormat::Json);
        assert!("xml".parse::<LogFormat>().is_err());
    }
}
