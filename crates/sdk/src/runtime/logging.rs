//! Debug logging: the official SDKs' `setDebugLog(log, maxLines)` hook, the configurable logger
//! of the config file's `[logging]` section, `tracing` events, and the redaction they all share.
//!
//! Whatever the sink, the `Authorization` (and `Proxy-Authorization`, cookie) headers, client
//! secrets, access, refresh and id tokens, PKCE verifiers, authorization codes, passwords and
//! SAML assertions are replaced by `[REDACTED]` before anything is formatted.

use super::error::{Error, ErrorKind};
use super::transport::{HttpRequest, HttpResponse, TransportError};
use http::header::CONTENT_TYPE;
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

fn redact_json(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(o) => {
            for (k, v) in o.iter_mut() {
                if sensitive_key(k) && !v.is_null() {
                    *v = serde_json::Value::String(REDACTED.to_owned());
                } else {
                    redact_json(v);
                }
            }
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(redact_json),
        _ => {}
    }
}

fn redact_form(body: &str) -> String {
    body.split('&')
        .map(|pair| match pair.split_once('=') {
            // `code` is the authorization code of the code and PKCE grants.
            Some((k, _)) if sensitive_key(k) || k == "code" => format!("{k}={REDACTED}"),
            _ => pair.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// A body as text for a log, secrets redacted: JSON (pretty-printed when `pretty`), forms,
/// text; binary bodies are summarised.
pub(crate) fn redacted_body(headers: &HeaderMap, body: &[u8], pretty: bool) -> String {
    if body.is_empty() {
        return String::new();
    }
    let ct = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let Ok(text) = std::str::from_utf8(body) else {
        return format!("<{} bytes of binary data>", body.len());
    };
    if ct.contains("x-www-form-urlencoded") {
        return redact_form(text);
    }
    let first = text.trim_start().chars().next();
    if ct.contains("json") || matches!(first, Some('{') | Some('[')) {
        if let Ok(mut v) = serde_json::from_str::<serde_json::Value>(text) {
            redact_json(&mut v);
            let out = if pretty {
                serde_json::to_string_pretty(&v)
            } else {
                serde_json::to_string(&v)
            };
            return out.unwrap_or_default();
        }
    }
    text.to_owned()
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
        out.push_str(&redacted_body(&req.headers, b, true));
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
            let body = redacted_body(&resp.headers, &resp.body, true);
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
                    redacted_body(&x.request.headers, b, false)
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
                    redacted_body(&r.headers, &r.body, false)
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
                    redacted_body(&x.request.headers, b, false).into(),
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
                        redacted_body(&r.headers, &r.body, false).into(),
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
        let mut h = HeaderMap::new();
        h.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("application/x-www-form-urlencoded"),
        );
        let form = "grant_type=refresh_token&refresh_token=RT-SECRET&client_id=abc&code=CODE1&assertion=AS&code_verifier=V";
        let out = redacted_body(&h, form.as_bytes(), true);
        assert_eq!(out, "grant_type=refresh_token&refresh_token=[REDACTED]&client_id=abc&code=[REDACTED]&assertion=[REDACTED]&code_verifier=[REDACTED]");
        h.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        let json = r#"{"access_token":"AT-SECRET","expires_in":3600,"nested":[{"refreshToken":"RT"}],"code":"not.found","secret":null}"#;
        let out = redacted_body(&h, json.as_bytes(), false);
        assert!(
            !out.contains("AT-SECRET") && !out.contains("\"RT\""),
            "{out}"
        );
        assert!(out.contains("not.found") && out.contains("3600"), "{out}");
        // Not JSON after all: left as text.
        assert_eq!(redacted_body(&h, b"{oops", false), "{oops");
        assert_eq!(
            redacted_body(&h, &[0xff, 0xfe], false),
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
