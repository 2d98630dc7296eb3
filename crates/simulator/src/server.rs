//! The HTTP server: connection handling, common headers, CORS, rate limiting, faults, admin
//! endpoints and dispatch to the login service and the API.

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::body::{Body, Frame, Incoming, SizeHint};
use hyper::header::{HeaderName, HeaderValue};
use hyper::{HeaderMap, Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use serde_json::{json, Value};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::auth::{self, AuthStore, Grant};
use crate::config::SimulatorConfig;
use crate::error::{code_for_status, message_for_status, ApiError};
use crate::faults::{Fault, FaultAction, FaultHandle};
use crate::reply::Reply;
use crate::spec::Spec;
use crate::state::Store;
use crate::util::random_uuid;

/// Reported as `inin-ratelimit-allowed` when no rate limit is configured.
pub const UNLIMITED_RATE: u32 = 1_000_000;

/// Shared state of a running simulator.
pub struct Inner {
    pub spec: Arc<Spec>,
    pub config: SimulatorConfig,
    pub auth: Mutex<AuthStore>,
    pub store: Mutex<Store>,
    pub faults: FaultHandle,
    rate: Mutex<HashMap<String, (Instant, u32)>>,
}

/// Rate-limit accounting of one request.
#[derive(Clone, Debug)]
pub struct RateInfo {
    pub allowed: u32,
    pub count: u32,
    pub reset_secs: u64,
    pub limited: bool,
}

/// Per-request context.
pub struct Ctx {
    pub correlation_id: String,
    pub rate: Option<RateInfo>,
}

impl Inner {
    pub fn new(spec: Arc<Spec>, config: SimulatorConfig) -> Inner {
        let store = Store::seeded(&spec, &config);
        Inner {
            spec,
            config,
            auth: Mutex::new(AuthStore::default()),
            store: Mutex::new(store),
            faults: FaultHandle::default(),
            rate: Mutex::new(HashMap::new()),
        }
    }

    /// Counts a request against `key`'s one-minute window.
    pub fn rate_check(&self, key: &str) -> RateInfo {
        const WINDOW: Duration = Duration::from_secs(60);
        let now = Instant::now();
        let mut map = self.rate.lock().unwrap_or_else(PoisonError::into_inner);
        if map.len() > 10_000 {
            map.retain(|_, (start, _)| now.duration_since(*start) < WINDOW);
        }
        let entry = map.entry(key.to_string()).or_insert((now, 0));
        if now.duration_since(entry.0) >= WINDOW {
            *entry = (now, 0);
        }
        entry.1 = entry.1.saturating_add(1);
        let elapsed = now.duration_since(entry.0);
        let reset_secs = (WINDOW - elapsed).as_secs_f64().ceil() as u64;
        let allowed = self.config.rate_limit.unwrap_or(UNLIMITED_RATE);
        RateInfo {
            allowed,
            count: entry.1,
            reset_secs: reset_secs.max(1),
            limited: self.config.rate_limit.is_some_and(|l| entry.1 > l),
        }
    }

    pub fn issue_token(&self, user: Option<&str>) -> String {
        let user_id = user.map(|u| {
            auth::find_user(&self.config.users, u)
                .map(|u| u.id.clone())
                .or_else(|| {
                    let store = self.store.lock().unwrap_or_else(PoisonError::into_inner);
                    store
                        .users
                        .iter()
                        .find(|x| {
                            x["id"].as_str() == Some(u)
                                || x["email"]
                                    .as_str()
                                    .is_some_and(|e| e.eq_ignore_ascii_case(u))
                                || x["username"]
                                    .as_str()
                                    .is_some_and(|e| e.eq_ignore_ascii_case(u))
                        })
                        .and_then(|x| x["id"].as_str().map(str::to_string))
                })
                .unwrap_or_else(|| u.to_string())
        });
        let client = self
            .config
            .clients
            .first()
            .map(|c| c.client_id.clone())
            .unwrap_or_default();
        self.auth
            .lock()
            .unwrap()
            .issue(
                &client,
                user_id.as_deref(),
                Grant::Test,
                self.config.token_lifetime,
            )
            .0
    }
}

/// The response body: complete, or cut short to simulate a truncated transfer.
pub enum SimBody {
    Full(Option<Bytes>),
    /// The bytes to send, then a pause (so that they are flushed), then an error that makes
    /// hyper close the connection short of the declared `Content-Length`.
    Truncated(Option<Bytes>, Option<Pin<Box<tokio::time::Sleep>>>),
}

impl Body for SimBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        match self.get_mut() {
            SimBody::Full(b) => Poll::Ready(b.take().map(|b| Ok(Frame::data(b)))),
            SimBody::Truncated(b, pause) => {
                if let Some(b) = b.take() {
                    return Poll::Ready(Some(Ok(Frame::data(b))));
                }
                let sleep = pause
                    .get_or_insert_with(|| Box::pin(tokio::time::sleep(Duration::from_millis(50))));
                match sleep.as_mut().poll(cx) {
                    Poll::Pending => Poll::Pending,
                    Poll::Ready(()) => {
                        Poll::Ready(Some(Err(io::Error::other("simulated truncated body"))))
                    }
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self, SimBody::Full(None))
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            SimBody::Full(Some(b)) => SizeHint::with_exact(b.len() as u64),
            SimBody::Full(None) => SizeHint::with_exact(0),
            SimBody::Truncated(..) => SizeHint::default(),
        }
    }
}

/// Returned by the service to make hyper drop the connection without answering.
#[derive(Debug)]
pub struct Abort;

impl std::fmt::Display for Abort {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("simulated connection reset")
    }
}

impl std::error::Error for Abort {}

/// A TCP stream that is closed with a reset (SO_LINGER 0) when `reset` is set, and whose
/// requests hyper cannot parse get a Genesys error instead of hyper's empty one (see
/// [`crate::protocol`]).
struct Conn {
    stream: TcpStream,
    reset: Arc<AtomicBool>,
    /// The first bytes of the request being read (and of those pipelined after it).
    head: Vec<u8>,
    /// The answer standing for hyper's error answer: its bytes, how many are written, and how
    /// many of hyper's bytes it stands for.
    pending: Option<(Vec<u8>, usize, usize)>,
}

impl Conn {
    fn new(stream: TcpStream, reset: Arc<AtomicBool>) -> Conn {
        Conn {
            stream,
            reset,
            head: Vec::new(),
            pending: None,
        }
    }

    /// Writes the replacement of hyper's error answer if `buf` is one (or one is under way):
    /// `None` when `buf` is to be written as it is.
    fn poll_replacement(
        &mut self,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Option<Poll<io::Result<usize>>> {
        if self.pending.is_none() {
            let status = crate::protocol::hyper_error_status(buf)?;
            let date = crate::protocol::date_of(buf);
            let answer = crate::protocol::genesys_answer(status, &self.head, date.as_deref());
            self.pending = Some((answer, 0, buf.len()));
        }
        let (bytes, written, stands_for) = self.pending.as_mut()?;
        while *written < bytes.len() {
            match Pin::new(&mut self.stream).poll_write(cx, &bytes[*written..]) {
                Poll::Ready(Ok(0)) => {
                    return Some(Poll::Ready(Err(io::ErrorKind::WriteZero.into())))
                }
                Poll::Ready(Ok(n)) => *written += n,
                Poll::Ready(Err(e)) => return Some(Poll::Ready(Err(e))),
                Poll::Pending => return Some(Poll::Pending),
            }
        }
        let n = (*stands_for).min(buf.len());
        self.pending = None;
        Some(Poll::Ready(Ok(n)))
    }
}

impl Drop for Conn {
    fn drop(&mut self) {
        if self.reset.load(Ordering::SeqCst) {
            let _ = socket2::SockRef::from(&self.stream).set_linger(Some(Duration::ZERO));
        }
    }
}

impl AsyncRead for Conn {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let r = Pin::new(&mut this.stream).poll_read(cx, buf);
        let room = crate::protocol::HEAD_CAPTURE.saturating_sub(this.head.len());
        let new = &buf.filled()[before..];
        this.head.extend_from_slice(&new[..new.len().min(room)]);
        r
    }
}

impl AsyncWrite for Conn {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if let Some(r) = this.poll_replacement(cx, buf) {
            return r;
        }
        // An answer: what is kept of the request starts with the next one.
        crate::protocol::consume_request(&mut this.head);
        Pin::new(&mut this.stream).poll_write(cx, buf)
    }
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }
    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let first = bufs.iter().find(|b| !b.is_empty()).map(|b| &b[..]);
        if this.pending.is_some()
            || first.is_some_and(|b| crate::protocol::hyper_error_status(b).is_some())
        {
            let flat: Vec<u8> = bufs.iter().flat_map(|b| b.iter().copied()).collect();
            if let Some(r) = this.poll_replacement(cx, &flat) {
                return r;
            }
        }
        crate::protocol::consume_request(&mut this.head);
        Pin::new(&mut this.stream).poll_write_vectored(cx, bufs)
    }
    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}

/// Accepts connections until `shutdown` changes.
pub async fn serve(listener: TcpListener, inner: Arc<Inner>, mut shutdown: watch::Receiver<bool>) {
    let mut conns = JoinSet::new();
    loop {
        tokio::select! {
            res = listener.accept() => match res {
                Ok((stream, _)) => {
                    let _ = stream.set_nodelay(true);
                    conns.spawn(serve_connection(stream, inner.clone()));
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            },
            _ = shutdown.changed() => break,
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
        }
    }
    conns.abort_all();
    while conns.join_next().await.is_some() {}
}

async fn serve_connection(stream: TcpStream, inner: Arc<Inner>) {
    let reset = Arc::new(AtomicBool::new(false));
    let io = TokioIo::new(Conn::new(stream, reset.clone()));
    let svc = hyper::service::service_fn(move |req| {
        let inner = inner.clone();
        let reset = reset.clone();
        async move { handle(req, inner, reset).await }
    });
    let _ = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(Duration::from_secs(30))
        .serve_connection(io, svc)
        .await;
}

fn cors_headers(h: &mut HeaderMap, origin: Option<&HeaderValue>) {
    match origin {
        Some(o) => {
            h.insert("access-control-allow-origin", o.clone());
            h.insert(
                "access-control-allow-credentials",
                HeaderValue::from_static("true"),
            );
            h.append("vary", HeaderValue::from_static("Origin"));
        }
        None => {
            h.insert("access-control-allow-origin", HeaderValue::from_static("*"));
        }
    }
    h.insert(
        "access-control-expose-headers",
        HeaderValue::from_static(
            "inin-correlation-id, inin-ratelimit-allowed, inin-ratelimit-count, inin-ratelimit-reset, retry-after, location, content-length",
        ),
    );
}

fn preflight(req: &Request<Incoming>) -> Reply {
    let mut r = Reply::empty(204);
    let methods = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";
    r.headers
        .push(("access-control-allow-methods", methods.into()));
    r.headers.push(("allow", methods.into()));
    let allow_headers = req
        .headers()
        .get("access-control-request-headers")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.trim().is_empty())
        .unwrap_or("Authorization, Content-Type, Accept, inin-client-id, x-sim-fault")
        .to_string();
    r.headers
        .push(("access-control-allow-headers", allow_headers));
    r.headers.push(("access-control-max-age", "86400".into()));
    r
}

const HTML_502: &str = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

async fn handle(
    req: Request<Incoming>,
    inner: Arc<Inner>,
    reset: Arc<AtomicBool>,
) -> Result<Response<SimBody>, Abort> {
    let mut ctx = Ctx {
        correlation_id: random_uuid(),
        rate: None,
    };
    let origin = req.headers().get("origin").cloned();
    let is_head = req.method() == Method::HEAD;
    let is_api = req.uri().path().starts_with("/api/");
    let (reply, truncate) = match process(req, &inner, &mut ctx).await {
        Ok(r) => r,
        Err(Abort) => {
            reset.store(true, Ordering::SeqCst);
            return Err(Abort);
        }
    };
    Ok(finish(
        reply,
        &ctx,
        origin.as_ref(),
        truncate,
        is_head,
        is_api,
    ))
}

fn finish(
    reply: Reply,
    ctx: &Ctx,
    origin: Option<&HeaderValue>,
    truncate: bool,
    is_head: bool,
    is_api: bool,
) -> Response<SimBody> {
    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let len = reply.body.len();
    let body = if is_head {
        SimBody::Full(None)
    } else if truncate {
        let cut = (len / 2).max(1).min(len);
        SimBody::Truncated(Some(reply.body.slice(..cut)), None)
    } else if len == 0 {
        SimBody::Full(None)
    } else {
        SimBody::Full(Some(reply.body))
    };
    let mut resp = Response::new(body);
    *resp.status_mut() = status;
    let h = resp.headers_mut();
    if let Some(ct) = &reply.content_type {
        if let Ok(v) = HeaderValue::from_str(ct) {
            h.insert("content-type", v);
        }
    }
    if truncate {
        h.insert("content-length", HeaderValue::from(len as u64 + 100));
    }
    for (k, v) in reply.headers {
        if let Ok(v) = HeaderValue::from_str(&v) {
            h.append(HeaderName::from_static(k), v);
        }
    }
    if let Ok(v) = HeaderValue::from_str(&ctx.correlation_id) {
        h.insert("inin-correlation-id", v);
    }
    if let Some(r) = &ctx.rate {
        h.insert("inin-ratelimit-allowed", HeaderValue::from(r.allowed));
        h.insert("inin-ratelimit-count", HeaderValue::from(r.count));
        h.insert("inin-ratelimit-reset", HeaderValue::from(r.reset_secs));
    }
    if is_api && !h.contains_key("cache-control") {
        // As the Platform API answers (the official SDKs' documented response headers):
        // nothing of an API answer, error or not, may be cached.
        h.insert(
            "cache-control",
            HeaderValue::from_static("no-cache, no-store, must-revalidate"),
        );
        h.insert("pragma", HeaderValue::from_static("no-cache"));
        h.insert("expires", HeaderValue::from_static("0"));
    }
    cors_headers(h, origin);
    resp
}

/// Bodies declared larger than this are refused without reading them.
const DRAIN_LIMIT: u64 = 64 * 1024 * 1024;

/// Reads the body, up to `limit` bytes. A larger body is read to its end (up to
/// [`DRAIN_LIMIT`]) and discarded, so that the client reliably sees the 413.
async fn read_body(mut body: Incoming, limit: usize) -> Result<Bytes, ApiError> {
    let mut buf = bytes::BytesMut::new();
    let mut total: u64 = 0;
    let mut over = false;
    while let Some(frame) = body.frame().await {
        let frame = frame
            .map_err(|e| ApiError::bad_request(format!("Could not read the request body: {e}")))?;
        if let Ok(data) = frame.into_data() {
            total += data.len() as u64;
            if total > limit as u64 {
                over = true;
                buf.clear();
                if total > DRAIN_LIMIT {
                    break;
                }
            } else {
                buf.extend_from_slice(&data);
            }
        }
    }
    if over {
        Err(too_large(limit))
    } else {
        Ok(buf.freeze())
    }
}

fn too_large(limit: usize) -> ApiError {
    ApiError::new(
        413,
        "request.entity.too.large",
        format!("The request body exceeds the maximum size of {limit} bytes."),
    )
}

async fn process(
    req: Request<Incoming>,
    inner: &Arc<Inner>,
    ctx: &mut Ctx,
) -> Result<(Reply, bool), Abort> {
    let cid = ctx.correlation_id.clone();
    let err = |e: ApiError| Ok((Reply::error(&e, &cid), false));
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let query = req.uri().query().unwrap_or("").to_string();

    let target = req.uri().path_and_query().map_or(0, |p| p.as_str().len());
    if target > inner.config.max_url_bytes {
        let e = ApiError::new(
            414,
            "request.uri.too.long",
            format!(
                "The request URI is {target} bytes long; at most {} are accepted.",
                inner.config.max_url_bytes
            ),
        );
        return Ok((Reply::error(&e, &cid).header("connection", "close"), false));
    }

    if method == Method::OPTIONS {
        return Ok((preflight(&req), false));
    }

    // Fault from the request header, or from a registered rule.
    let mut fault: Option<Fault> = None;
    let admin = path.starts_with("/__sim/") || path == "/__sim";
    if !admin {
        if let Some(spec) = req.headers().get("x-sim-fault") {
            let parsed = spec
                .to_str()
                .map_err(|_| "header is not ASCII".to_string())
                .and_then(Fault::parse);
            match parsed {
                Ok((f, _)) => fault = Some(f),
                Err(e) => {
                    return err(ApiError::bad_request(format!(
                        "Invalid x-sim-fault header: {e}"
                    )))
                }
            }
        } else {
            let op = if path.starts_with("/api/") {
                crate::api::route_for(inner, &method, &path).map(|i| &inner.spec.operations[i])
            } else {
                None
            };
            fault = inner
                .faults
                .take(&method, &path, op.map(|o| (o.id.as_str(), o.path.as_str())));
        }
    }
    let mut truncate = false;
    if let Some(f) = &fault {
        if let Some(d) = f.latency {
            tokio::time::sleep(d).await;
        }
        match &f.action {
            None => {}
            Some(FaultAction::Status(code)) => {
                let e = ApiError::new(*code, code_for_status(*code), message_for_status(*code));
                return err(e);
            }
            Some(FaultAction::TooManyRequests { retry_after_secs }) => {
                return err(crate::api::injected_429(*retry_after_secs));
            }
            Some(FaultAction::ConnectionReset) => return Err(Abort),
            Some(FaultAction::TruncatedBody) => truncate = true,
            Some(FaultAction::MalformedJson) => {
                return Ok((
                    Reply::text(
                        200,
                        "application/json",
                        "{\"entities\": [{\"id\": \"5f1c\", \"name\": \"Trunc",
                    ),
                    false,
                ));
            }
            Some(FaultAction::HtmlBadGateway) => {
                return Ok((Reply::html(502, HTML_502.to_string()), false));
            }
        }
    }

    // Body, bounded.
    let limit = inner.config.max_body_bytes;
    let declared = req
        .headers()
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|l| l > DRAIN_LIMIT) {
        return Ok((
            Reply::error(&too_large(limit), &cid).header("connection", "close"),
            false,
        ));
    }
    let headers = req.headers().clone();
    let body = match read_body(req.into_body(), limit).await {
        Ok(b) => b,
        Err(e) if e.status == 413 => {
            return Ok((Reply::error(&e, &cid).header("connection", "close"), false));
        }
        Err(e) => return err(e),
    };

    let reply = if admin {
        admin_endpoint(inner, &method, &path, &body, &cid)
    } else if path == "/oauth/token" {
        if method == Method::POST {
            let mut auth = inner.auth.lock().unwrap_or_else(PoisonError::into_inner);
            auth::token_endpoint(&inner.config, &mut auth, &headers, &body)
        } else {
            method_not_allowed(&cid, "POST")
        }
    } else if path == "/oauth/authorize" {
        if method == Method::GET || method == Method::HEAD {
            let mut auth = inner.auth.lock().unwrap_or_else(PoisonError::into_inner);
            auth::authorize_endpoint(&inner.config, &mut auth, &query)
        } else {
            method_not_allowed(&cid, "GET")
        }
    } else if path == "/logout" || path == "/oauth/logout" {
        auth::logout(&query)
    } else if path.starts_with("/api/") {
        match crate::api::handle(inner, ctx, &method, &path, &query, &headers, &body) {
            Ok(r) => r,
            Err(e) => Reply::error(&e, &cid),
        }
    } else if path == "/" && method == Method::GET {
        Reply::json(
            200,
            &json!({
                "name": "purecloud-simulator",
                "operations": inner.spec.operations.len(),
                "login": "/oauth/token, /oauth/authorize",
                "api": "/api/v2/...",
                "admin": "/__sim/faults, /__sim/tokens, /__sim/reset, /__sim/health",
            }),
        )
    } else {
        Reply::error(
            &ApiError::not_found(format!("Unable to find a resource at {path}")),
            &cid,
        )
    };
    Ok((reply, truncate))
}

fn method_not_allowed(cid: &str, allow: &str) -> Reply {
    Reply::error(
        &ApiError::new(405, "method.not.allowed", format!("Use {allow}."))
            .with_header("allow", allow.to_string()),
        cid,
    )
}

fn admin_endpoint(inner: &Inner, method: &Method, path: &str, body: &[u8], cid: &str) -> Reply {
    let bad = |msg: String| Reply::error(&ApiError::bad_request(msg), cid);
    let parse_body = || -> Result<Value, String> {
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(json!({}));
        }
        serde_json::from_slice(body).map_err(|e| format!("invalid JSON: {e}"))
    };
    match (method.as_str(), path) {
        ("GET", "/__sim/health") => Reply::json(200, &json!({"status": "ok"})),
        ("GET", "/__sim/faults") => Reply::json(200, &inner.faults.describe()),
        ("DELETE", "/__sim/faults") => {
            inner.faults.clear();
            Reply::empty(204)
        }
        ("POST", "/__sim/faults") => {
            let v = match parse_body() {
                Ok(v) => v,
                Err(e) => return bad(e),
            };
            let rules: Vec<Value> = match &v {
                Value::Array(a) => a.clone(),
                Value::Object(_) => vec![v.clone()],
                _ => return bad("expected a JSON object or array".into()),
            };
            let mut ids = Vec::new();
            for r in rules {
                match admin_rule(&r) {
                    Ok((target, spec)) => match inner.faults.add_spec(&target, &spec) {
                        Ok(id) => ids.push(id),
                        Err(e) => return bad(e),
                    },
                    Err(e) => return bad(e),
                }
            }
            if ids.len() == 1 {
                Reply::json(201, &json!({"id": ids[0]}))
            } else {
                Reply::json(201, &json!({"ids": ids}))
            }
        }
        ("DELETE", p) if p.starts_with("/__sim/faults/") => {
            match p["/__sim/faults/".len()..].parse::<u64>() {
                Ok(id) if inner.faults.remove(id) => Reply::empty(204),
                _ => Reply::error(&ApiError::not_found(format!("No fault rule at {p}")), cid),
            }
        }
        ("POST", "/__sim/tokens") => {
            let v = match parse_body() {
                Ok(v) => v,
                Err(e) => return bad(e),
            };
            let user = v.get("user").and_then(Value::as_str);
            let token = inner.issue_token(user);
            Reply::json(
                200,
                &json!({"access_token": token, "token_type": "bearer", "expires_in": inner.config.token_lifetime.as_secs()}),
            )
        }
        ("POST", "/__sim/reset") => {
            *inner.store.lock().unwrap_or_else(PoisonError::into_inner) =
                Store::seeded(&inner.spec, &inner.config);
            inner.faults.clear();
            Reply::empty(204)
        }
        _ => Reply::error(
            &ApiError::not_found(format!("Unable to find a resource at {path}")),
            cid,
        ),
    }
}

/// `{"target": "GET /api/v2/users/me"}` or `{"method", "path"}` or `{"operationId"}`, plus
/// `"fault": "<spec>"` and optional `"count"`.
fn admin_rule(v: &Value) -> Result<(String, String), String> {
    let s = |k: &str| v.get(k).and_then(Value::as_str);
    let target = if let Some(t) = s("target") {
        t.to_string()
    } else if let Some(op) = s("operationId") {
        op.to_string()
    } else if let Some(p) = s("path") {
        format!("{} {p}", s("method").unwrap_or("*"))
    } else {
        "*".to_string()
    };
    let mut spec = s("fault")
        .map(str::to_string)
        .ok_or("a fault rule needs \"fault\" (e.g. \"status=503\")")?;
    if let Some(c) = v.get("count") {
        let c = c.as_u64().ok_or("count must be an integer")?;
        spec.push_str(&format!(";count={c}"));
    }
    Ok((target, spec))
}

/// Binds and starts serving; returns the bound address and the server task.
pub async fn start(
    inner: Arc<Inner>,
    shutdown: watch::Receiver<bool>,
) -> io::Result<(std::net::SocketAddr, tokio::task::JoinHandle<()>)> {
    let host = inner.config.host.clone();
    let port = inner.config.port.unwrap_or(0);
    let listener = TcpListener::bind((host.as_str(), port)).await?;
    let addr = listener.local_addr()?;
    let task = tokio::spawn(serve(listener, inner, shutdown));
    Ok((addr, task))
}
