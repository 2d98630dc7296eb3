//! Mock rules for unit tests: a [`HttpTransport`] that answers each request from rules the test
//! sets (this operation gets this model, this error, this sequence of answers, this transport
//! failure) and keeps every request it was sent, so the test can assert on them.
//!
//! ```
//! # #[cfg(feature = "users")]
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), purecloud_platform_client_v2::Error> {
//! use purecloud_platform_client_v2::{api::UsersApi, models::UserMe, MockTransport};
//!
//! let mock = MockTransport::new();
//! mock.on("getUsersMe")
//!     .reply_error(429, "too.many.requests", "Rate limit exceeded")
//!     .with_header("Retry-After", "0")
//!     .reply_json(200, &UserMe::default().set_name("Ada"));
//! mock.on("deleteUser").reply_error(404, "not.found", "The user was not found");
//!
//! let client = mock.client_builder().access_token("t").build()?;
//! // The code under test:
//! let me = UsersApi::new(&client).get_users_me().send().await?;
//!
//! assert_eq!(me.name.as_deref(), Some("Ada"));
//! assert_eq!(mock.calls("getUsersMe").len(), 2); // the 429, then the SDK's retry
//! assert!(mock.unmatched_calls().is_empty());
//! # Ok(()) }
//! # #[cfg(not(feature = "users"))]
//! # fn main() {}
//! ```
//!
//! # Design
//!
//! - **The whole client runs.** The mock sits where the network would be, behind the same
//!   [`HttpTransport`] trait as the built-in transport: the request builders, the required
//!   parameter checks, the token handling, retries (a `429` with `Retry-After: 0` is resent at
//!   once), re-authentication on `401`, error decoding, hooks and logging all run as in
//!   production. A mock at the level of the generated methods would skip them and would need
//!   a trait per API group in the generated code.
//! - **Rules match by operation id**, which every request carries in
//!   [`HttpRequest::operation`] (`getUsersMe`, as in the official SDKs and the docs of every
//!   method). [`on_request`](MockTransport::on_request) takes an [`ApiRequest`] from a
//!   builder's `into_request()`, so the operation id is checked by the compiler and path
//!   parameters and the query narrow the rule; [`on_path`](MockTransport::on_path) matches
//!   a method and a path template for requests made without an operation.
//! - **Answers are typed on the way in and bytes on the wire**: [`reply_json`](MockRule::reply_json)
//!   takes any model (`UserMe::default().set_name("Ada")`) or a `serde_json::Value` and
//!   encodes it with the models' own codec, so the code under test decodes exactly what it
//!   would from the service; [`reply`](MockRule::reply) gives full control of status,
//!   headers and bytes.
//! - **A rule's answers form a sequence**: the first call gets the first answer, and so on;
//!   the last answer repeats. The rule added last wins when several match, so a test can
//!   override a rule set up by a shared helper.
//! - **Logging in works out of the box**: a `POST …/oauth/token` no rule answers gets
//!   [`MockTransport::ACCESS_TOKEN`], valid for a day, whatever the grant; token requests are
//!   recorded under their grant (`loginClientCredentialsGrant`, ...) and
//!   [`on_token`](MockTransport::on_token) overrides the answer (an OAuth error, a short-lived
//!   token).
//! - **A request no rule answers gets `501`** with a Genesys error body (code
//!   `mock.unmatched`) whose message names the operation, method and path; it is not retried
//!   and never panics inside the client. `501` rather than `404`: code under test that treats
//!   a `404` as "absent" would pass for the wrong reason. [`otherwise`](MockTransport::otherwise)
//!   sets another answer, and [`unmatched_calls`](MockTransport::unmatched_calls) lists them.
//! - **Calls are kept in order** with the whole [`HttpRequest`] (headers, body, timeout);
//!   [`MockCall`] reads its path, query pairs, headers and decodes its body. `Debug` output
//!   of a call shows neither the body nor the `Authorization` header (the body of a token
//!   request holds secrets).
//! - The mock is compiled on every target with no extra dependency, and clones share their
//!   rules and calls (keep one in the test, give one to the client).

use super::client::ClientBuilder;
use super::error::{Error, ErrorKind};
use super::request::{decode as percent_decode, ApiRequest, Method};
use super::store::MemoryTokenStore;
use super::transport::{BoxFuture, HttpRequest, HttpResponse, HttpTransport, TransportError};
use crate::models::json::{self, FromJson, ToJson};
use crate::models::ErrorBody;
use http::header::CONTENT_TYPE;
use http::{HeaderMap, HeaderName, HeaderValue};
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};

/// A transport that answers from rules and records every request: see the [module
/// docs](self). Clones share rules and calls.
#[derive(Clone, Default)]
pub struct MockTransport {
    shared: Arc<Mutex<State>>,
}

#[derive(Default)]
struct State {
    /// In the order they were added; matched from the last.
    rules: Vec<Arc<Mutex<RuleState>>>,
    fallback: Option<Arc<Mutex<RuleState>>>,
    calls: Vec<MockCall>,
}

/// A lock that a panicking test thread left behind is still usable: the state is plain data.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl fmt::Debug for MockTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = lock(&self.shared);
        f.debug_struct("MockTransport")
            .field("rules", &s.rules.len())
            .field("fallback", &s.fallback.is_some())
            .field("calls", &s.calls.len())
            .finish()
    }
}

impl From<MockTransport> for Arc<dyn HttpTransport> {
    fn from(m: MockTransport) -> Self {
        Arc::new(m)
    }
}

impl MockTransport {
    /// The access token the built-in token endpoint hands out.
    pub const ACCESS_TOKEN: &'static str = "mock-access-token";

    /// The `code` of the error body a request no rule matches gets.
    pub const UNMATCHED_CODE: &'static str = "mock.unmatched";

    /// A mock without rules: every request gets the `501` "unmatched" error, except token
    /// requests, which get [`ACCESS_TOKEN`](Self::ACCESS_TOKEN).
    pub fn new() -> Self {
        Self::default()
    }

    /// A client builder sending through this mock, hermetic: no configuration file, no
    /// `GENESYSCLOUD_*` variables, tokens persisted (if turned on) in memory only. Add
    /// `.access_token("t")` or log in with any credentials.
    pub fn client_builder(&self) -> ClientBuilder {
        super::client::Client::builder()
            .no_config_file()
            .token_store(Arc::new(MemoryTokenStore::new()))
            .transport(self.clone().into())
    }

    fn add(&self, matcher: Matcher) -> MockRule {
        let rule = Arc::new(Mutex::new(RuleState {
            matcher,
            replies: Vec::new(),
            next: 0,
        }));
        lock(&self.shared).rules.push(rule.clone());
        MockRule { rule }
    }

    /// A rule for the operation with this id (`"getUsersMe"`, as in each method's docs), or
    /// a token request of this grant (`"loginClientCredentialsGrant"`).
    #[must_use = "a rule answers nothing until it is given a reply"]
    pub fn on(&self, operation_id: &str) -> MockRule {
        self.add(Matcher::Operation(operation_id.to_owned()))
    }

    /// A rule for requests like `request` (from a builder's `into_request()`): the same
    /// operation, method and path (path parameters filled in) and the same query string.
    /// Headers and body are not compared.
    ///
    /// ```
    /// # #[cfg(feature = "users")]
    /// # fn demo(client: &purecloud_platform_client_v2::Client, mock: &purecloud_platform_client_v2::runtime::MockTransport) {
    /// use purecloud_platform_client_v2::{api::UsersApi, models::User};
    /// let users = UsersApi::new(client);
    /// mock.on_request(&users.get_user("u1").into_request())
    ///     .reply_json(200, &User::default().set_name("Ada"));
    /// # }
    /// ```
    #[must_use = "a rule answers nothing until it is given a reply"]
    pub fn on_request(&self, request: &ApiRequest) -> MockRule {
        self.add(Matcher::Request {
            operation: request.operation_id(),
            method: request.method().clone(),
            path: request.path().to_owned(),
            query: request.query_string().to_owned(),
        })
    }

    /// A rule for `method` on `path`, the URL's path from its root without the query
    /// (`/api/v2/users/me`); a segment written `{name}` matches any one segment
    /// (`/api/v2/users/{userId}`). For requests that carry no operation, or to match every
    /// operation of a path.
    #[must_use = "a rule answers nothing until it is given a reply"]
    pub fn on_path(&self, method: Method, path: &str) -> MockRule {
        self.add(Matcher::Path {
            method,
            template: path.to_owned(),
        })
    }

    /// A rule for every token request (`POST …/oauth/token`, any grant), replacing the
    /// built-in answer: `.reply_token("t2", 60)`, or an OAuth error with
    /// `.reply_json(400, &json!({"error": "invalid_client"}))`.
    #[must_use = "a rule answers nothing until it is given a reply"]
    pub fn on_token(&self) -> MockRule {
        self.add(Matcher::Token)
    }

    /// The answer to requests no rule matches (and that are not token requests), instead of
    /// the `501` "unmatched" error. Such calls still count as unmatched. Replaces an earlier
    /// `otherwise`.
    #[must_use = "a rule answers nothing until it is given a reply"]
    pub fn otherwise(&self) -> MockRule {
        let rule = Arc::new(Mutex::new(RuleState {
            matcher: Matcher::Any,
            replies: Vec::new(),
            next: 0,
        }));
        lock(&self.shared).fallback = Some(rule.clone());
        MockRule { rule }
    }

    /// The requests of the operation (or token grant) with this id, in order, retries and
    /// resends included.
    pub fn calls(&self, operation_id: &str) -> Vec<MockCall> {
        self.calls_where(|c| c.operation == Some(operation_id))
    }

    /// The requests of `method` on `path` (a template as [`on_path`](Self::on_path) takes).
    pub fn calls_to(&self, method: Method, path: &str) -> Vec<MockCall> {
        self.calls_where(|c| c.request.method == method && path_matches(path, c.path()))
    }

    /// Every request, in order.
    pub fn all_calls(&self) -> Vec<MockCall> {
        self.calls_where(|_| true)
    }

    /// The requests no rule matched (answered with the `501` error or by
    /// [`otherwise`](Self::otherwise)). Token requests the built-in endpoint answered are
    /// matched.
    pub fn unmatched_calls(&self) -> Vec<MockCall> {
        self.calls_where(|c| !c.matched)
    }

    fn calls_where(&self, keep: impl Fn(&MockCall) -> bool) -> Vec<MockCall> {
        lock(&self.shared)
            .calls
            .iter()
            .filter(|c| keep(c))
            .cloned()
            .collect()
    }

    /// Forgets the recorded calls; the rules stay.
    pub fn clear_calls(&self) {
        lock(&self.shared).calls.clear();
    }

    /// Forgets the rules, the fallback and the calls.
    pub fn reset(&self) {
        let mut s = lock(&self.shared);
        s.rules.clear();
        s.fallback = None;
        s.calls.clear();
    }

    /// The answer to `req` and whether a rule (or the token endpoint) matched it.
    fn answer(&self, req: &HttpRequest) -> (Reply, bool) {
        let s = lock(&self.shared);
        for rule in s.rules.iter().rev() {
            let mut r = lock(rule);
            if r.replies.is_empty() || !r.matcher.matches(req) {
                continue;
            }
            let i = r.next.min(r.replies.len() - 1);
            r.next += 1;
            return (r.replies[i].clone(), true);
        }
        if Matcher::Token.matches(req) {
            return (
                Reply::Response(token_response(Self::ACCESS_TOKEN, 86_400)),
                true,
            );
        }
        if let Some(rule) = &s.fallback {
            let mut r = lock(rule);
            if !r.replies.is_empty() {
                let i = r.next.min(r.replies.len() - 1);
                r.next += 1;
                return (r.replies[i].clone(), false);
            }
        }
        (Reply::Response(unmatched_response(req)), false)
    }
}

impl HttpTransport for MockTransport {
    fn send(
        &self,
        request: HttpRequest,
    ) -> BoxFuture<'static, Result<HttpResponse, TransportError>> {
        // The reply is chosen under the lock and run outside it: a `reply_with` closure may
        // look at the mock (its calls, say).
        let (reply, matched) = self.answer(&request);
        let result = match reply {
            Reply::Response(r) => Ok(r),
            Reply::Fail(e) => Err(e),
            Reply::With(f) => f(&request),
        };
        lock(&self.shared).calls.push(MockCall {
            operation: request.operation,
            request,
            matched,
        });
        Box::pin(std::future::ready(result))
    }
}

/// What a rule matches.
#[derive(Debug)]
enum Matcher {
    Operation(String),
    Request {
        operation: &'static str,
        method: Method,
        path: String,
        query: String,
    },
    Path {
        method: Method,
        template: String,
    },
    Token,
    Any,
}

impl Matcher {
    fn matches(&self, req: &HttpRequest) -> bool {
        match self {
            Matcher::Operation(op) => req.operation == Some(op.as_str()),
            Matcher::Request {
                operation,
                method,
                path,
                query,
            } => {
                let (p, q) = split_url(&req.url);
                req.operation == Some(*operation)
                    && req.method == *method
                    // The API base URL may have a path of its own (a gateway's prefix).
                    && p.ends_with(path.as_str())
                    && q == query
            }
            Matcher::Path { method, template } => {
                req.method == *method && path_matches(template, split_url(&req.url).0)
            }
            Matcher::Token => {
                req.method == Method::POST && split_url(&req.url).0.ends_with("/oauth/token")
            }
            Matcher::Any => true,
        }
    }
}

/// The path (from its root, `/` when empty) and the query (without `?`) of an absolute URL.
fn split_url(url: &str) -> (&str, &str) {
    let rest = match url.find("://") {
        Some(i) => &url[i + 3..],
        None => url,
    };
    let rest = match rest.find('/') {
        Some(i) => &rest[i..],
        None => {
            // No path: what follows the authority, if anything, is the query.
            return ("/", rest.split_once('?').map_or("", |(_, q)| q));
        }
    };
    let rest = rest.split('#').next().unwrap_or("");
    match rest.split_once('?') {
        Some((p, q)) => (p, q),
        None => (rest, ""),
    }
}

/// Whether `path` fits `template`, where a `{name}` segment stands for any one non-empty
/// segment.
fn path_matches(template: &str, path: &str) -> bool {
    let mut t = template.split('/');
    let mut p = path.split('/');
    loop {
        match (t.next(), p.next()) {
            (None, None) => return true,
            (Some(ts), Some(ps)) => {
                let wild = ts.len() > 2 && ts.starts_with('{') && ts.ends_with('}');
                if !(if wild { !ps.is_empty() } else { ts == ps }) {
                    return false;
                }
            }
            _ => return false,
        }
    }
}

/// One answer of a rule.
#[derive(Clone)]
enum Reply {
    Response(HttpResponse),
    Fail(TransportError),
    With(Responder),
}

type Responder = Arc<dyn Fn(&HttpRequest) -> Result<HttpResponse, TransportError> + Send + Sync>;

impl fmt::Debug for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reply::Response(r) => write!(f, "{} (<{} bytes>)", r.status, r.body.len()),
            Reply::Fail(e) => write!(f, "fail({e})"),
            Reply::With(_) => f.write_str("reply_with(..)"),
        }
    }
}

fn json_headers() -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    h
}

fn token_response(access_token: &str, expires_in: i64) -> HttpResponse {
    let body = serde_json::json!({
        "access_token": access_token,
        "token_type": "bearer",
        "expires_in": expires_in,
    });
    HttpResponse::new(200, json_headers(), body.to_string())
}

fn unmatched_response(req: &HttpRequest) -> HttpResponse {
    let (path, _) = split_url(&req.url);
    let what = match req.operation {
        Some(op) => format!("{op} ({} {path}); add one with mock.on({op:?})", req.method),
        None => format!(
            "{} {path}; add one with mock.on_path(Method::{}, {path:?})",
            req.method, req.method
        ),
    };
    let body = ErrorBody::default()
        .set_status(501)
        .set_code(MockTransport::UNMATCHED_CODE)
        .set_message(format!("MockTransport has no rule for {what}"));
    HttpResponse::new(501, json_headers(), json::to_vec(&body))
}

struct RuleState {
    matcher: Matcher,
    replies: Vec<Reply>,
    /// How many calls the rule answered (the index of the next answer, the last repeating).
    next: usize,
}

/// A rule of a [`MockTransport`]: give it one answer or a sequence of answers (the first call
/// gets the first, the last repeats). Each method returns the rule for chaining:
/// `mock.on("getUsersMe").reply_status(503).reply_json(200, &me)`.
#[derive(Clone)]
pub struct MockRule {
    rule: Arc<Mutex<RuleState>>,
}

impl fmt::Debug for MockRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = lock(&self.rule);
        f.debug_struct("MockRule")
            .field("matcher", &r.matcher)
            .field("replies", &r.replies)
            .field("answered", &r.next)
            .finish()
    }
}

impl MockRule {
    fn push(self, reply: Reply) -> Self {
        lock(&self.rule).replies.push(reply);
        self
    }

    /// Answers `status` with `body` as JSON (`Content-Type: application/json`), encoded by
    /// the models' codec: a model (`UserMe::default().set_name("Ada")`), a list, a
    /// `serde_json::Value`.
    pub fn reply_json<T: ToJson + ?Sized>(self, status: u16, body: &T) -> Self {
        self.reply(HttpResponse::new(
            status,
            json_headers(),
            json::to_vec(body),
        ))
    }

    /// Answers `status` with a Genesys error body (`status`, `code`, `message`), which the
    /// client turns into an [`ErrorKind::Api`] error with that [`code`](Error::code) and
    /// [`message`](Error::message). For more fields, give an
    /// [`ErrorBody`] to [`reply_json`](Self::reply_json).
    pub fn reply_error(self, status: u16, code: &str, message: &str) -> Self {
        let body = ErrorBody::default()
            .set_status(i64::from(status))
            .set_code(code)
            .set_message(message);
        self.reply_json(status, &body)
    }

    /// Answers `status` with no body and no headers (`204`, `503`, ...).
    pub fn reply_status(self, status: u16) -> Self {
        self.reply(HttpResponse::new(status, HeaderMap::new(), Vec::new()))
    }

    /// Answers with this response as it is: status, headers and bytes.
    pub fn reply(self, response: HttpResponse) -> Self {
        self.push(Reply::Response(response))
    }

    /// Answers a token request with `access_token`, valid for `expires_in` seconds.
    pub fn reply_token(self, access_token: &str, expires_in: i64) -> Self {
        self.reply(token_response(access_token, expires_in))
    }

    /// Fails with this transport error instead of answering: `TransportError::Connect` (the
    /// client may resend even a `POST`), `Timeout`, `Other` (a reset).
    pub fn fail(self, error: TransportError) -> Self {
        self.push(Reply::Fail(error))
    }

    /// Answers with what `f` makes of the request (to echo an id from the path or body, or
    /// count calls yourself). `f` may look at the mock.
    pub fn reply_with(
        self,
        f: impl Fn(&HttpRequest) -> Result<HttpResponse, TransportError> + Send + Sync + 'static,
    ) -> Self {
        self.push(Reply::With(Arc::new(f)))
    }

    /// Adds a header to the answer given last (`Retry-After`, `inin-correlation-id`, ...).
    ///
    /// # Panics
    ///
    /// When the name or value is not a valid header, or the rule's last answer is not a
    /// response (none yet, [`fail`](Self::fail), [`reply_with`](Self::reply_with)): a mistake
    /// in the test's set-up.
    pub fn with_header(self, name: &str, value: &str) -> Self {
        let name = HeaderName::try_from(name)
            .unwrap_or_else(|e| panic!("MockRule::with_header: bad header name {name:?}: {e}"));
        let value = HeaderValue::try_from(value)
            .unwrap_or_else(|e| panic!("MockRule::with_header: bad value for {name}: {e}"));
        {
            let mut r = lock(&self.rule);
            match r.replies.last_mut() {
                Some(Reply::Response(resp)) => {
                    resp.headers.append(name, value);
                }
                other => panic!(
                    "MockRule::with_header follows a reply (reply_json, reply_error, reply_status, reply), not {other:?}"
                ),
            }
        }
        self
    }
}

/// One request a [`MockTransport`] received. `Debug` shows the body's length only and hides
/// the `Authorization` header.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct MockCall {
    /// The operation id (or token grant) of the request.
    pub operation: Option<&'static str>,
    /// The request as the client sent it (the token in `Authorization`, the body, the
    /// timeout...).
    pub request: HttpRequest,
    /// Whether a rule (or the built-in token endpoint) answered it.
    pub matched: bool,
}

impl MockCall {
    /// The method.
    pub fn method(&self) -> &Method {
        &self.request.method
    }

    /// The URL's path from its root, still percent-encoded (`/api/v2/users/a%20b`).
    pub fn path(&self) -> &str {
        split_url(&self.request.url).0
    }

    /// The decoded query pairs, in order (`expand=a&expand=b` gives two).
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        split_url(&self.request.url)
            .1
            .split('&')
            .filter(|s| !s.is_empty())
            .map(|kv| {
                let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
                (percent_decode(k), percent_decode(v))
            })
            .collect()
    }

    /// The first value of the query parameter `name`.
    pub fn query(&self, name: &str) -> Option<String> {
        self.query_pairs()
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }

    /// The value of header `name` (any case), when it is text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.request.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body's bytes.
    pub fn body(&self) -> Option<&[u8]> {
        self.request.body.as_deref()
    }

    /// The body as text (invalid UTF-8 replaced); empty when there is none.
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(self.body().unwrap_or_default()).into_owned()
    }

    /// The JSON body decoded as `T` (a model, `serde_json::Value`, ...): an
    /// [`ErrorKind::Decode`] error when there is no body or it is not a `T`.
    pub fn body_json<T: FromJson>(&self) -> Result<T, Error> {
        let op = self.operation.unwrap_or("the request");
        let body = self.body().ok_or_else(|| {
            Error::new(ErrorKind::Decode, format!("{op} was sent without a body"))
        })?;
        json::from_slice(body).map_err(|e| {
            Error::new(
                ErrorKind::Decode,
                format!("the body {op} was sent with does not decode: {e}"),
            )
            .with_source(e)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(op: Option<&'static str>, method: Method, url: &str) -> HttpRequest {
        let mut r = HttpRequest::new(method, url, HeaderMap::new());
        r.operation = op;
        r
    }

    fn send(m: &MockTransport, r: HttpRequest) -> Result<HttpResponse, TransportError> {
        // The mock's futures are ready at once.
        let mut fut = m.send(r);
        let waker = std::task::Waker::noop();
        let mut cx = std::task::Context::from_waker(waker);
        match fut.as_mut().poll(&mut cx) {
            std::task::Poll::Ready(r) => r,
            std::task::Poll::Pending => panic!("a mock answer is never pending"),
        }
    }

    #[test]
    fn urls_split_into_path_and_query() {
        assert_eq!(split_url("https://h/a/b?x=1&y=2"), ("/a/b", "x=1&y=2"));
        assert_eq!(split_url("http://h:8080/a"), ("/a", ""));
        assert_eq!(split_url("https://h"), ("/", ""));
        assert_eq!(split_url("https://h?q=1"), ("/", "q=1"));
        assert_eq!(split_url("https://h/a#frag"), ("/a", ""));
    }

    #[test]
    fn path_templates_match_one_segment_per_placeholder() {
        let t = "/api/v2/users/{userId}";
        assert!(path_matches(t, "/api/v2/users/u1"));
        assert!(!path_matches(t, "/api/v2/users/"));
        assert!(!path_matches(t, "/api/v2/users/u1/x"));
        assert!(!path_matches(t, "/api/v2/users"));
        assert!(!path_matches(t, "/api/v2/groups/u1"));
        assert!(
            path_matches("/a/{}", "/a/{}"),
            "`{{}}` is a literal segment"
        );
        assert!(!path_matches("/a/{}", "/a/b"));
    }

    #[test]
    fn the_last_rule_wins_and_sequences_repeat_their_last_answer() {
        let m = MockTransport::new();
        m.on("getX").reply_status(200);
        m.on("getX").reply_status(503).reply_status(201);
        let url = "https://api.example.com/api/v2/x";
        let statuses: Vec<u16> = (0..3)
            .map(|_| {
                send(&m, req(Some("getX"), Method::GET, url))
                    .unwrap()
                    .status
            })
            .collect();
        assert_eq!(statuses, [503, 201, 201]);
        assert_eq!(m.calls("getX").len(), 3);
        assert!(m.unmatched_calls().is_empty());
    }

    #[test]
    fn unmatched_requests_get_a_genesys_501_naming_them() {
        let m = MockTransport::new();
        let _ = m.on("getX"); // no reply: matches nothing
        let r = send(&m, req(Some("getX"), Method::GET, "https://h/api/v2/x?y=1")).unwrap();
        assert_eq!(r.status, 501);
        let body: ErrorBody = json::from_slice(&r.body).unwrap();
        assert_eq!(body.code.as_deref(), Some(MockTransport::UNMATCHED_CODE));
        let msg = body.message.unwrap();
        assert!(msg.contains("getX (GET /api/v2/x)"), "{msg}");
        let r = send(&m, req(None, Method::DELETE, "https://h/raw")).unwrap();
        let body: ErrorBody = json::from_slice(&r.body).unwrap();
        assert!(body.message.unwrap().contains("DELETE /raw"));
        assert_eq!(m.unmatched_calls().len(), 2);

        m.otherwise().reply_status(418);
        let r = send(&m, req(None, Method::GET, "https://h/other")).unwrap();
        assert_eq!(r.status, 418);
        assert_eq!(
            m.unmatched_calls().len(),
            3,
            "a fallback answer is unmatched"
        );
    }

    #[test]
    fn token_requests_get_a_token_unless_a_rule_says_otherwise() {
        let m = MockTransport::new();
        m.otherwise().reply_status(500);
        let token = || {
            req(
                Some("loginClientCredentialsGrant"),
                Method::POST,
                "https://login.h/oauth/token",
            )
        };
        let r = send(&m, token()).unwrap();
        assert_eq!(r.status, 200);
        let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
        assert_eq!(v["access_token"], MockTransport::ACCESS_TOKEN);
        m.on_token()
            .reply_json(400, &serde_json::json!({"error": "invalid_client"}));
        assert_eq!(send(&m, token()).unwrap().status, 400);
        assert_eq!(m.calls("loginClientCredentialsGrant").len(), 2);
        assert!(m.unmatched_calls().is_empty());
        // A GET of the same path is no token request.
        let r = send(&m, req(None, Method::GET, "https://login.h/oauth/token")).unwrap();
        assert_eq!(r.status, 500);
    }

    #[test]
    fn failures_headers_and_responders() {
        let m = MockTransport::new();
        m.on_path(Method::GET, "/api/v2/users/{id}")
            .fail(TransportError::Connect("refused".into()))
            .reply_with(|r| {
                let id = split_url(&r.url)
                    .0
                    .rsplit('/')
                    .next()
                    .unwrap_or("")
                    .to_owned();
                Ok(HttpResponse::new(200, HeaderMap::new(), id))
            });
        m.on("getY")
            .reply_status(429)
            .with_header("Retry-After", "3");
        let url = "https://h/api/v2/users/u7";
        assert!(matches!(
            send(&m, req(None, Method::GET, url)),
            Err(TransportError::Connect(m)) if m == "refused"
        ));
        assert_eq!(
            &send(&m, req(None, Method::GET, url)).unwrap().body[..],
            b"u7"
        );
        assert_eq!(m.calls_to(Method::GET, "/api/v2/users/{id}").len(), 2);
        assert!(m.calls_to(Method::PUT, "/api/v2/users/{id}").is_empty());
        let r = send(&m, req(Some("getY"), Method::GET, "https://h/y")).unwrap();
        assert_eq!(r.headers["retry-after"], "3");
    }

    #[test]
    #[should_panic(expected = "follows a reply")]
    fn a_header_without_a_reply_is_a_setup_mistake() {
        let _ = MockTransport::new().on("x").with_header("a", "b");
    }

    #[test]
    fn calls_decode_their_query_and_body_and_hide_secrets_in_debug() {
        let m = MockTransport::new();
        let mut r = req(
            Some("postX"),
            Method::POST,
            "https://h/x?expand=a%20b&expand=c&n=1",
        );
        r.body = Some(br#"{"name":"SECRET-VALUE"}"#.to_vec());
        let mut auth = HeaderValue::from_static("Bearer SECRET-TOKEN");
        auth.set_sensitive(true);
        r.headers.insert(http::header::AUTHORIZATION, auth);
        let _ = send(&m, r);
        let c = &m.calls("postX")[0];
        assert_eq!(
            c.query_pairs(),
            [("expand", "a b"), ("expand", "c"), ("n", "1")]
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
        );
        assert_eq!(c.query("n").as_deref(), Some("1"));
        assert_eq!(c.header("Authorization"), Some("Bearer SECRET-TOKEN"));
        let v: serde_json::Value = c.body_json().unwrap();
        assert_eq!(v["name"], "SECRET-VALUE");
        assert_eq!(c.body_json::<i64>().unwrap_err().kind(), ErrorKind::Decode);
        let dbg = format!("{c:?} {m:?}");
        assert!(!dbg.contains("SECRET"), "{dbg}");
        assert!(!c.matched);
        m.clear_calls();
        assert!(m.all_calls().is_empty());
    }
}
