//! A request as the generated builders describe it, before it is sent.

use super::retry::RetryConfig;
use crate::models::json::{self, ToJson};
pub use http::Method;
use std::time::Duration;
use time::{Date, OffsetDateTime};

/// Per-request settings every builder carries (see [`RequestBuilder`]).
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct RequestOptions {
    /// Extra headers for this request (checked when it is sent).
    pub headers: Vec<(String, String)>,
    /// A timeout for each attempt of this request, overriding the client's.
    pub timeout: Option<Duration>,
    /// A retry policy for this request, replacing the client's.
    pub retry: Option<RetryConfig>,
    /// Overrides the retry policy's `max_retries` (0: no retry).
    pub max_retries: Option<u32>,
    /// Overrides the retry policy's `retry_non_idempotent`.
    pub retry_non_idempotent: Option<bool>,
    /// The most bytes the response body may have, overriding the client's.
    pub max_response_bytes: Option<u64>,
    /// A body sent exactly as given (JSON text), instead of the one the setters describe.
    pub raw_body: Option<Vec<u8>>,
}

/// Settings shared by every request builder: `use purecloud_platform_client_v2::RequestBuilder`
/// and call them before `.send()`.
pub trait RequestBuilder: Sized {
    /// The builder's options.
    fn options_mut(&mut self) -> &mut RequestOptions;

    /// Adds a header to this request. An invalid name or value makes `.send()` fail with
    /// [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput).
    fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.options_mut().headers.push((name.into(), value.into()));
        self
    }

    /// Sets a timeout for each attempt of this request.
    fn with_timeout(mut self, timeout: Duration) -> Self {
        self.options_mut().timeout = Some(timeout);
        self
    }

    /// Sets the most bytes the response body may have (for one large download, say).
    fn with_max_response_bytes(mut self, max: u64) -> Self {
        self.options_mut().max_response_bytes = Some(max);
        self
    }

    /// Uses this retry policy instead of the client's.
    fn with_retry(mut self, retry: RetryConfig) -> Self {
        self.options_mut().retry = Some(retry);
        self
    }

    /// Resends this request at most `n` times (the client's policy otherwise).
    fn with_max_retries(mut self, n: u32) -> Self {
        self.options_mut().max_retries = Some(n);
        self
    }

    /// Sends `json` as the body exactly as given (JSON text: a document the operation's model
    /// cannot express, a field set to `null` to clear it, a property the spec does not list
    /// yet), replacing whatever the body setter was given. Sent with
    /// `Content-Type: application/json`; not checked.
    fn with_raw_body(mut self, json: impl Into<Vec<u8>>) -> Self {
        self.options_mut().raw_body = Some(json.into());
        self
    }

    /// Sends `value` as the body as it is (see [`with_raw_body`](Self::with_raw_body)):
    /// `serde_json::json!({"department": null, "version": 3})`.
    fn with_json_body(self, value: &serde_json::Value) -> Self {
        self.with_raw_body(value.to_string())
    }

    /// Never resends this request.
    fn without_retry(self) -> Self {
        self.with_max_retries(0)
    }

    /// Allows resending this request after a 5xx or a broken connection even if it is a
    /// `POST` or `PATCH` (for operations you know are idempotent).
    fn with_retry_non_idempotent(mut self, yes: bool) -> Self {
        self.options_mut().retry_non_idempotent = Some(yes);
        self
    }
}

/// A value that can stand in a path segment, a query string or a header.
pub trait ParamValue {
    /// Appends the value's text (not yet percent-encoded).
    fn write_param(&self, out: &mut String);
}

impl ParamValue for String {
    fn write_param(&self, out: &mut String) {
        out.push_str(self);
    }
}
impl ParamValue for str {
    fn write_param(&self, out: &mut String) {
        out.push_str(self);
    }
}
impl ParamValue for i64 {
    fn write_param(&self, out: &mut String) {
        out.push_str(&self.to_string());
    }
}
impl ParamValue for f64 {
    fn write_param(&self, out: &mut String) {
        out.push_str(&self.to_string());
    }
}
impl ParamValue for bool {
    fn write_param(&self, out: &mut String) {
        out.push_str(if *self { "true" } else { "false" });
    }
}
impl ParamValue for Date {
    fn write_param(&self, out: &mut String) {
        out.push_str(&json::format_date(self));
    }
}
/// Dates and date-times are written exactly as in JSON bodies (the codec's formatters).
impl ParamValue for OffsetDateTime {
    fn write_param(&self, out: &mut String) {
        out.push_str(&json::format_datetime(self));
    }
}

/// A query parameter's value: absent, one value, or several (`collectionFormat: multi` repeats
/// the key, `csv` joins with commas).
pub trait QueryParam {
    /// Calls `f` with each value's text.
    fn each(&self, f: &mut dyn FnMut(&str));
}

impl<T: ParamValue> QueryParam for Option<T> {
    fn each(&self, f: &mut dyn FnMut(&str)) {
        if let Some(v) = self {
            let mut s = String::new();
            v.write_param(&mut s);
            f(&s);
        }
    }
}

impl<T: ParamValue> QueryParam for Option<Vec<T>> {
    fn each(&self, f: &mut dyn FnMut(&str)) {
        for v in self.iter().flatten() {
            let mut s = String::new();
            v.write_param(&mut s);
            f(&s);
        }
    }
}

/// One HTTP request of the Platform API, built by an operation's builder.
#[derive(Clone, Debug)]
pub struct ApiRequest {
    method: Method,
    path: String,
    template: &'static str,
    operation_id: &'static str,
    query: String,
    headers: Vec<(String, String)>,
    body: Option<Vec<u8>>,
    auth: bool,
    accept: &'static str,
    options: RequestOptions,
    /// Why the request must not be sent (a path parameter that would change the endpoint).
    invalid: Option<String>,
    /// Required parameters without a value (`body` for the body).
    missing: Vec<&'static str>,
}

impl ApiRequest {
    /// A request for `path` (a template such as `/api/v2/users/{userId}`).
    pub fn new(
        method: Method,
        path: &'static str,
        operation_id: &'static str,
        options: RequestOptions,
    ) -> Self {
        ApiRequest {
            method,
            path: path.to_owned(),
            template: path,
            operation_id,
            query: String::new(),
            headers: Vec::new(),
            body: None,
            auth: true,
            accept: "application/json",
            options,
            invalid: None,
            missing: Vec::new(),
        }
    }

    /// Records that the required parameter `name` has no value (`.send()` then fails with
    /// [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) without a round trip;
    /// for the body, unless a raw body is given).
    #[doc(hidden)]
    pub fn require(&mut self, name: &'static str, present: bool) {
        if !present {
            self.missing.push(name);
        }
    }

    /// Sets a body that is a string in the spec as it is (not JSON-quoted: the operations that
    /// take one expect a JSON document given as text).
    #[doc(hidden)]
    pub fn text_body(&mut self, body: &Option<String>) {
        if let Some(b) = body {
            self.body = Some(b.as_bytes().to_vec());
        }
    }

    /// Marks the request as sent without credentials.
    pub fn without_auth(&mut self) {
        self.auth = false;
    }

    /// The `Accept` header (for operations that do not produce JSON).
    pub fn set_accept(&mut self, accept: &'static str) {
        self.accept = accept;
    }

    /// Replaces `{name}` in the path with the percent-encoded value (one path segment:
    /// everything but `A–Z a–z 0–9 - _ . ! ~ * ' ( )` is encoded, as the official SDKs'
    /// `encodeURIComponent` does).
    ///
    /// A value that is empty, `.` or `..` (also once percent-decoded) would make the URL name
    /// another resource (`/users/u1/verifiers/..` is `/users/u1`, and URL parsers collapse
    /// `%2E%2E` too): the request is then refused with [`ErrorKind::InvalidInput`]
    /// before anything is sent.
    ///
    /// [`ErrorKind::InvalidInput`]: crate::ErrorKind::InvalidInput
    pub fn path_param(&mut self, name: &str, value: &dyn ParamValue) {
        let mut text = String::new();
        value.write_param(&mut text);
        if self.invalid.is_none() && is_dot_segment(&text) {
            let shown = if text.is_empty() {
                "empty"
            } else {
                text.as_str()
            };
            self.invalid = Some(format!(
                "path parameter `{name}` is {shown:?}: it would address another resource than {} {}",
                self.method, self.path
            ));
        }
        let mut enc = String::with_capacity(text.len());
        encode(&text, &mut enc, PATH_SAFE);
        let pat = format!("{{{name}}}");
        self.path = self.path.replace(&pat, &enc);
    }

    /// Adds a query parameter; arrays repeat the key (`collectionFormat: multi`).
    pub fn query(&mut self, name: &str, value: &dyn QueryParam) {
        let q = &mut self.query;
        value.each(&mut |v| {
            if !q.is_empty() {
                q.push('&');
            }
            encode(name, q, QUERY_SAFE);
            q.push('=');
            encode(v, q, QUERY_SAFE);
        });
    }

    /// Adds a query parameter; arrays are joined with commas (`collectionFormat: csv`).
    pub fn query_csv(&mut self, name: &str, value: &dyn QueryParam) {
        let mut joined: Option<String> = None;
        value.each(&mut |v| {
            let j = joined.get_or_insert_with(String::new);
            if !j.is_empty() {
                j.push(',');
            }
            j.push_str(v);
        });
        if let Some(j) = joined {
            self.query(name, &Some(j));
        }
    }

    /// Adds a header parameter when present.
    pub fn header(&mut self, name: &str, value: &dyn QueryParam) {
        let h = &mut self.headers;
        value.each(&mut |v| h.push((name.to_owned(), v.to_owned())));
    }

    /// Sets the JSON body when present.
    pub fn json_body<T: ToJson + ?Sized>(&mut self, body: &T) {
        if !body.is_absent() {
            self.body = Some(json::to_vec(body));
        }
    }

    /// The HTTP method.
    pub fn method(&self) -> &Method {
        &self.method
    }
    /// The path with parameters filled in and percent-encoded.
    pub fn path(&self) -> &str {
        &self.path
    }
    /// The encoded query string without `?` (empty when there is none).
    pub fn query_string(&self) -> &str {
        &self.query
    }
    /// The decoded query pairs, in order.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        self.query
            .split('&')
            .filter(|s| !s.is_empty())
            .map(|kv| {
                let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
                (decode(k), decode(v))
            })
            .collect()
    }
    /// Header parameters of the operation and per-request headers.
    pub fn headers(&self) -> impl Iterator<Item = (&str, &str)> {
        self.headers
            .iter()
            .chain(self.options.headers.iter())
            .map(|(k, v)| (k.as_str(), v.as_str()))
    }
    /// The JSON body.
    pub fn body(&self) -> Option<&[u8]> {
        self.options.raw_body.as_deref().or(self.body.as_deref())
    }
    /// The path template of the operation (`/api/v2/users/{userId}`).
    pub fn path_template(&self) -> &'static str {
        self.template
    }
    /// The operation id (`getUsersMe`).
    pub fn operation_id(&self) -> &'static str {
        self.operation_id
    }
    /// Whether the request carries the access token.
    pub fn requires_auth(&self) -> bool {
        self.auth
    }
    /// The `Accept` header value.
    pub fn accept(&self) -> &'static str {
        self.accept
    }
    /// Per-request options.
    pub fn options(&self) -> &RequestOptions {
        &self.options
    }

    pub(crate) fn take_body(&mut self) -> Option<Vec<u8>> {
        match self.options.raw_body.take() {
            Some(raw) => Some(raw),
            None => self.body.take(),
        }
    }

    /// Whether the request may be sent: `Err` names the parameter that is missing or must not
    /// be sent as it is.
    pub fn check(&self) -> Result<(), crate::Error> {
        if let Some(why) = &self.invalid {
            return Err(crate::Error::new(
                crate::ErrorKind::InvalidInput,
                why.clone(),
            ));
        }
        let has_raw = self.options.raw_body.is_some();
        let missing: Vec<String> = self
            .missing
            .iter()
            .filter(|m| !(has_raw && **m == "body"))
            .map(|m| format!("`{m}`"))
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        Err(crate::Error::new(
            crate::ErrorKind::InvalidInput,
            format!(
                "{} needs the required parameter{} {}: set {} before sending",
                self.operation_id,
                if missing.len() == 1 { "" } else { "s" },
                missing.join(", "),
                if missing.len() == 1 { "it" } else { "them" }
            ),
        ))
    }
}

/// A path segment that is empty, `.` or `..`, as sent or after any number of percent-decodings
/// (a server or proxy may decode more than once).
fn is_dot_segment(text: &str) -> bool {
    // Every request runs this on every path parameter: no allocation unless it has an escape.
    if !text.contains('%') {
        return text.is_empty() || text == "." || text == "..";
    }
    let mut t = text.to_owned();
    for _ in 0..4 {
        if t.is_empty() || t == "." || t == ".." {
            return true;
        }
        let d = decode(&t);
        if d == t {
            return false;
        }
        t = d;
    }
    // Still decoding after four rounds: nobody's identifier looks like that.
    true
}

/// Bytes left alone in a path segment: those `encodeURIComponent` leaves alone (RFC 3986
/// unreserved plus `!*'()`). `; = + $ , & : @` are encoded: a Java servlet stack reads `;…`
/// as a matrix parameter and some servers read `+` as a space.
const PATH_SAFE: &[u8] = b"-._~!*'()";
/// Bytes left alone in a query key or value.
const QUERY_SAFE: &[u8] = b"-._~!$'()*,;:@/?";

fn encode(s: &str, out: &mut String, safe: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || safe.contains(&b) {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 15) as usize] as char);
        }
    }
}

/// `application/x-www-form-urlencoded` decoding: `+` is a space, `%XX` a byte; a malformed
/// escape is kept as it is.
pub(crate) fn form_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => {
                let hex = |c: u8| (c as char).to_digit(16);
                match (hex(b[i + 1]), hex(b[i + 2])) {
                    (Some(h), Some(l)) => {
                        out.push((h * 16 + l) as u8);
                        i += 2;
                    }
                    _ => out.push(b'%'),
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Percent-decoding (for tests and logs; `+` is kept as is).
pub(crate) fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let h = std::str::from_utf8(&b[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            if let Some(v) = h {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_params_are_encoded_as_one_segment() {
        let mut r = ApiRequest::new(
            Method::GET,
            "/api/v2/users/{userId}/x/{n}",
            "op",
            RequestOptions::default(),
        );
        r.path_param("userId", &"a b/c?d#e%".to_owned());
        r.path_param("n", &42i64);
        assert_eq!(r.path(), "/api/v2/users/a%20b%2Fc%3Fd%23e%25/x/42");
        assert!(r.check().is_ok());
    }

    #[test]
    fn path_params_are_encoded_like_encode_uri_component() {
        let mut r = ApiRequest::new(Method::GET, "/t/{k}", "op", RequestOptions::default());
        r.path_param("k", &"a:b@c+d$e,f;g=h&i!j~k*l'm(n)o.p_q-r é".to_owned());
        assert_eq!(
            r.path(),
            "/t/a%3Ab%40c%2Bd%24e%2Cf%3Bg%3Dh%26i!j~k*l'm(n)o.p_q-r%20%C3%A9"
        );
    }

    #[test]
    fn dot_and_empty_path_params_are_refused_before_sending() {
        for bad in ["", ".", "..", "%2e", "%2E%2E", "%252e%252e", ".%2E"] {
            let mut r = ApiRequest::new(
                Method::DELETE,
                "/api/v2/users/{userId}/verifiers/{verifierId}",
                "deleteUserVerifier",
                RequestOptions::default(),
            );
            r.path_param("userId", &"u1".to_owned());
            r.path_param("verifierId", &bad.to_owned());
            let e = r.check().expect_err(bad);
            assert_eq!(e.kind(), crate::ErrorKind::InvalidInput, "{bad}");
            assert!(e.message().contains("verifierId"), "{}", e.message());
        }
        for ok in ["...", ".a", "a.", "%", "%zz", "u1"] {
            let mut r = ApiRequest::new(Method::GET, "/u/{id}", "op", RequestOptions::default());
            r.path_param("id", &ok.to_owned());
            assert!(r.check().is_ok(), "{ok}");
        }
    }

    #[test]
    fn query_multi_and_csv() {
        let mut r = ApiRequest::new(Method::GET, "/p", "op", RequestOptions::default());
        r.query(
            "expand",
            &Some(vec!["presence".to_owned(), "a&b=c".to_owned()]),
        );
        r.query("pageSize", &Some(25i64));
        r.query("absent", &None::<String>);
        r.query_csv("ids", &Some(vec!["1".to_owned(), "2".to_owned()]));
        assert_eq!(
            r.query_string(),
            "expand=presence&expand=a%26b%3Dc&pageSize=25&ids=1,2"
        );
        assert_eq!(
            r.query_pairs(),
            vec![
                ("expand".into(), "presence".into()),
                ("expand".into(), "a&b=c".into()),
                ("pageSize".into(), "25".into()),
                ("ids".into(), "1,2".into())
            ]
        );
    }

    #[test]
    fn decode_handles_bad_escapes() {
        assert_eq!(decode("a%2"), "a%2");
        assert_eq!(decode("%zz%41"), "%zzA");
        assert_eq!(decode("%"), "%");
    }
}
