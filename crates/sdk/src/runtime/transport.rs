//! The HTTP layer behind a small trait, so users can bring their own client (or a test double).

use http::{HeaderMap, Method};
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

/// A boxed future; `Send` on native targets, not on wasm32 (where the browser's fetch is not).
#[cfg(not(target_arch = "wasm32"))]
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;
/// A boxed future; `Send` on native targets, not on wasm32 (where the browser's fetch is not).
#[cfg(target_arch = "wasm32")]
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + 'a>>;

/// One HTTP request as the transport sends it. `Debug` shows the body's length only (a token
/// request's body holds secrets) and `HeaderMap` hides sensitive values (`Authorization`).
#[derive(Clone)]
#[non_exhaustive]
pub struct HttpRequest {
    /// The method.
    pub method: Method,
    /// Absolute URL.
    pub url: String,
    /// The headers, `Authorization` included (marked sensitive).
    pub headers: HeaderMap,
    /// The body, when there is one.
    pub body: Option<Vec<u8>>,
    /// Total time allowed for this request, when set. Transports must apply it.
    pub timeout: Option<Duration>,
    /// The most body bytes this request takes in a response, when set. Transports must apply
    /// it: a 2xx body longer than this (by its `Content-Length` or while it is read) is
    /// [`TransportError::TooLarge`]; a non-2xx body is cut at
    /// `min(this, ERROR_BODY_MAX_BYTES)` and the response marked
    /// [`truncated`](HttpResponse::truncated) (an error keeps its status). The client checks
    /// the result again, so a transport that ignores it cannot break the bound of a call.
    pub max_response_bytes: Option<u64>,
    /// The operation this request belongs to, as logs, traces and errors name it: the
    /// operation id of an API call (`getUsersMe`), the grant of a token request
    /// (`loginClientCredentialsGrant`, `refreshCodeAuthorizationToken`, ...). `None` for a
    /// request made with [`HttpRequest::new`] and not given one. Transports may ignore it; a
    /// test double ([`MockTransport`](super::MockTransport)) answers by it.
    pub operation: Option<&'static str>,
}

impl std::fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &self.headers)
            .field(
                "body",
                &self.body.as_ref().map(|b| format!("<{} bytes>", b.len())),
            )
            .field("timeout", &self.timeout)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("operation", &self.operation)
            .finish()
    }
}

impl HttpRequest {
    /// A request without body, timeout or operation.
    pub fn new(method: Method, url: impl Into<String>, headers: HeaderMap) -> Self {
        HttpRequest {
            method,
            url: url.into(),
            headers,
            body: None,
            timeout: None,
            max_response_bytes: None,
            operation: None,
        }
    }
}

/// The most bytes of a non-2xx body that are kept (a Genesys error body is a few hundred
/// bytes, a proxy's error page a few kilobytes); the rest is not read.
pub const ERROR_BODY_MAX_BYTES: u64 = 256 * 1024;

/// The limit of a body of `status` under the request's limit: the request's for 2xx, at most
/// [`ERROR_BODY_MAX_BYTES`] otherwise.
pub(crate) fn body_limit(status: u16, max: Option<u64>) -> (u64, bool) {
    let max = max.unwrap_or(u64::MAX);
    if (200..300).contains(&status) {
        (max, false)
    } else {
        (max.min(ERROR_BODY_MAX_BYTES), true)
    }
}

/// The error of a body over its limit.
pub(crate) fn too_large(limit: u64, what: &str) -> TransportError {
    TransportError::TooLarge(format!(
        "the response body {what} exceeds the limit of {limit} bytes (ClientBuilder::max_response_bytes)"
    ))
}

/// One HTTP response with its whole body. `Debug` shows the body's length only (a token
/// response's body holds tokens).
#[derive(Clone)]
#[non_exhaustive]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// The headers.
    pub headers: HeaderMap,
    /// The whole body (for a non-2xx response, at most its limit: see
    /// [`HttpRequest::max_response_bytes`]).
    pub body: bytes::Bytes,
    /// The body was cut at its limit (non-2xx responses only).
    pub truncated: bool,
}

impl std::fmt::Debug for HttpResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpResponse")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &format!("<{} bytes>", self.body.len()))
            .field("truncated", &self.truncated)
            .finish()
    }
}

impl HttpResponse {
    /// A response.
    pub fn new(status: u16, headers: HeaderMap, body: impl Into<bytes::Bytes>) -> Self {
        HttpResponse {
            status,
            headers,
            body: body.into(),
            truncated: false,
        }
    }
}

/// Why a request got no response.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum TransportError {
    /// The timeout elapsed.
    Timeout(String),
    /// Could not connect (refused, DNS, TLS handshake).
    Connect(String),
    /// Anything else (reset, body cut short, protocol error).
    Other(String),
    /// A 2xx body longer than [`HttpRequest::max_response_bytes`] (not read further, not
    /// retried).
    TooLarge(String),
}

impl std::fmt::Display for TransportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TransportError::Timeout(m) => write!(f, "timed out: {m}"),
            TransportError::Connect(m) => write!(f, "could not connect: {m}"),
            TransportError::Other(m) | TransportError::TooLarge(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for TransportError {}

/// Sends HTTP requests. The SDK ships one over reqwest (feature `reqwest`); implement this to use
/// another client or to answer requests in tests without a network.
///
/// A transport sends exactly one request per call (retries, re-authentication and logging are
/// the client's), applies [`HttpRequest::timeout`], and reports a connection that could not be
/// made as [`TransportError::Connect`] (the client then knows nothing was sent and may resend
/// even a `POST`).
pub trait HttpTransport: Send + Sync + 'static {
    /// Sends `request` and reads the whole response.
    fn send(
        &self,
        request: HttpRequest,
    ) -> BoxFuture<'static, Result<HttpResponse, TransportError>>;
}

/// The default transport: a shared `reqwest::Client` (connection pooling, rustls); on wasm32
/// the browser's `fetch` (reqwest's wasm backend: the browser does TLS, proxies and CORS).
///
/// Secure by default: redirects are never followed (a `3xx` is handed to the client, which
/// reports it as an error: a redirect could carry the token, a re-posted login form or a
/// default header to another origin, or downgrade to `http`), connecting is bounded by
/// [`DEFAULT_CONNECT_TIMEOUT`], and bodies are read within [`HttpRequest::max_response_bytes`]
/// without trusting `Content-Length` for memory. In a browser, `fetch` follows redirects itself
/// (it drops `Authorization` across origins and refuses `https`→`http` from an `https` page);
/// an answer that came from another URL is refused.
#[cfg(feature = "reqwest")]
#[derive(Clone, Debug)]
pub struct ReqwestTransport {
    client: reqwest::Client,
}

/// How long connecting (TCP and TLS) may take when no connect timeout is set.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

#[cfg(feature = "reqwest")]
fn secure_builder() -> reqwest::ClientBuilder {
    let b = reqwest::Client::builder();
    #[cfg(not(target_arch = "wasm32"))]
    let b = b
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(DEFAULT_CONNECT_TIMEOUT);
    b
}

#[cfg(feature = "reqwest")]
impl Default for ReqwestTransport {
    /// The secure defaults (see the type's docs).
    fn default() -> Self {
        // Building a client fails only when the TLS backend cannot load, which the plain
        // `reqwest::Client::new()` treats the same way (a panic); keep its behaviour.
        ReqwestTransport {
            client: secure_builder()
                .build()
                .unwrap_or_else(|_| reqwest::Client::new()),
        }
    }
}

#[cfg(feature = "reqwest")]
impl ReqwestTransport {
    /// Wraps a configured `reqwest::Client` as it is: its redirect policy and timeouts are
    /// yours (reqwest's own default follows up to 10 redirects; pass
    /// `reqwest::redirect::Policy::none()` to keep the SDK's guarantee).
    pub fn new(client: reqwest::Client) -> Self {
        ReqwestTransport { client }
    }

    /// A transport with a connect timeout, a proxy, a client certificate (mTLS) and extra
    /// trusted CA certificates. Certificate verification always stays on.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn with_options(o: &TransportOptions) -> Result<Self, crate::Error> {
        use crate::{Error, ErrorKind};
        let bad = |what: String| Error::new(ErrorKind::InvalidInput, what);
        let mut b = secure_builder();
        if let Some(t) = o.connect_timeout {
            b = b.connect_timeout(t);
        }
        if let Some(p) = &o.proxy {
            let mut proxy = reqwest::Proxy::all(p.url.as_str())
                .map_err(|e| bad(format!("invalid proxy URL {:?}: {e}", p.url)))?;
            if let Some(user) = &p.username {
                proxy = proxy.basic_auth(user, p.password.as_deref().unwrap_or(""));
            }
            b = b.proxy(proxy);
        }
        if o.identity_pem.is_some() || !o.ca_pem.is_empty() {
            #[cfg(feature = "rustls")]
            {
                if let Some(pem) = &o.identity_pem {
                    let id = reqwest::Identity::from_pem(pem).map_err(|e| {
                        bad(format!("invalid mTLS client certificate or key (expected PEM with the certificate chain and a PKCS#8, PKCS#1 or SEC1 private key): {e}"))
                    })?;
                    b = b.identity(id);
                }
                for ca in &o.ca_pem {
                    let certs = reqwest::Certificate::from_pem_bundle(ca)
                        .map_err(|e| bad(format!("invalid CA certificate (expected PEM): {e}")))?;
                    if certs.is_empty() {
                        return Err(bad(
                            "invalid CA certificate: no PEM certificate found".into()
                        ));
                    }
                    for c in certs {
                        b = b.add_root_certificate(c);
                    }
                }
            }
            #[cfg(not(feature = "rustls"))]
            return Err(bad(
                "mTLS and CA certificates need the `rustls` feature".into()
            ));
        }
        let client = b
            .build()
            .map_err(|e| bad(format!("cannot build the HTTP client: {e}")))?;
        Ok(ReqwestTransport { client })
    }
}

/// Proxy settings of the built-in transport.
#[cfg(all(feature = "reqwest", not(target_arch = "wasm32")))]
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ProxyConfig {
    /// `http://host:port` (or `https://`, `socks5://` where reqwest supports it).
    pub url: String,
    /// Proxy user name (Basic proxy authentication).
    pub username: Option<String>,
    /// Proxy password.
    pub password: Option<String>,
}

#[cfg(all(feature = "reqwest", not(target_arch = "wasm32")))]
impl ProxyConfig {
    /// A proxy without authentication.
    pub fn new(url: impl Into<String>) -> Self {
        ProxyConfig {
            url: url.into(),
            username: None,
            password: None,
        }
    }

    /// With Basic proxy authentication.
    pub fn with_auth(mut self, username: impl Into<String>, password: impl Into<String>) -> Self {
        self.username = Some(username.into());
        self.password = Some(password.into());
        self
    }
}

#[cfg(all(feature = "reqwest", not(target_arch = "wasm32")))]
impl std::fmt::Debug for ProxyConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProxyConfig")
            .field("url", &self.url)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// Options of the built-in reqwest transport (see [`ReqwestTransport::with_options`]).
#[cfg(all(feature = "reqwest", not(target_arch = "wasm32")))]
#[derive(Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct TransportOptions {
    /// How long connecting (TCP and TLS) may take ([`DEFAULT_CONNECT_TIMEOUT`] when unset).
    pub connect_timeout: Option<Duration>,
    /// A proxy for every request (otherwise the `HTTP(S)_PROXY` environment variables apply).
    pub proxy: Option<ProxyConfig>,
    /// mTLS: the client certificate chain and its private key, PEM, concatenated.
    pub identity_pem: Option<Vec<u8>>,
    /// Extra trusted CA certificates, PEM (added to the built-in roots).
    pub ca_pem: Vec<Vec<u8>>,
}

#[cfg(all(feature = "reqwest", not(target_arch = "wasm32")))]
impl std::fmt::Debug for TransportOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TransportOptions")
            .field("connect_timeout", &self.connect_timeout)
            .field("proxy", &self.proxy)
            .field(
                "identity_pem",
                &self.identity_pem.as_ref().map(|_| "<redacted>"),
            )
            .field("ca_pem", &self.ca_pem.len())
            .finish()
    }
}

#[cfg(feature = "reqwest")]
fn map_reqwest(e: reqwest::Error) -> TransportError {
    // Display of a reqwest error names the URL but never headers or bodies: no secrets.
    let msg = match std::error::Error::source(&e) {
        Some(s) => format!("{e}: {s}"),
        None => e.to_string(),
    };
    if e.is_timeout() {
        return TransportError::Timeout(msg);
    }
    // A failed fetch (wasm32) does not say whether anything was sent (network error, CORS
    // refusal, reset): it is `Other`, retried like a 5xx.
    #[cfg(not(target_arch = "wasm32"))]
    if e.is_connect() {
        return TransportError::Connect(msg);
    }
    TransportError::Other(msg)
}

#[cfg(feature = "reqwest")]
impl HttpTransport for ReqwestTransport {
    fn send(
        &self,
        request: HttpRequest,
    ) -> BoxFuture<'static, Result<HttpResponse, TransportError>> {
        let mut b = self
            .client
            .request(request.method, &request.url)
            .headers(request.headers);
        if let Some(body) = request.body {
            b = b.body(body);
        }
        // On wasm32 reqwest aborts the fetch (AbortController) when the timeout elapses.
        if let Some(t) = request.timeout {
            b = b.timeout(t);
        }
        let max = request.max_response_bytes;
        #[cfg(target_arch = "wasm32")]
        let url = request.url;
        Box::pin(async move {
            let mut resp = b.send().await.map_err(map_reqwest)?;
            // fetch follows redirects by itself: refuse what another URL answered.
            #[cfg(target_arch = "wasm32")]
            if resp.url().as_str() != url
                && reqwest::Url::parse(&url).ok().as_ref() != Some(resp.url())
            {
                return Err(TransportError::Other(
                    "the server redirected the request to another URL; redirects are not followed"
                        .into(),
                ));
            }
            let status = resp.status().as_u16();
            let headers = std::mem::take(resp.headers_mut());
            let (limit, cut) = body_limit(status, max);
            let (body, truncated) = read_body(resp, limit, cut).await?;
            Ok(HttpResponse {
                status,
                headers,
                body,
                truncated,
            })
        })
    }
}

/// Bodies with a `Content-Length` up to this size are collected by reqwest in one go (usually
/// one chunk, taken without a copy); others are read chunk by chunk within their limit.
#[cfg(all(feature = "reqwest", not(target_arch = "wasm32")))]
const SMALL_BODY: u64 = 64 * 1024;

/// The most reserved up front for a body, whatever its `Content-Length` says: the buffer then
/// grows with the data that actually arrives (doubling, but never past the announced length,
/// so an honest large body ends in a buffer of exactly its size after a few cheap `realloc`s,
/// and a lying server costs at most twice what it sent).
#[cfg(all(feature = "reqwest", not(target_arch = "wasm32")))]
const INITIAL_RESERVE: u64 = 1024 * 1024;

/// Reads the body within `limit` bytes: over it, a 2xx body is an error and an error body
/// (`cut`) is cut there. Never reserves memory on the server's word alone.
#[cfg(all(feature = "reqwest", not(target_arch = "wasm32")))]
async fn read_body(
    mut resp: reqwest::Response,
    limit: u64,
    cut: bool,
) -> Result<(bytes::Bytes, bool), TransportError> {
    let declared = resp.content_length();
    match declared {
        Some(len) if len > limit && !cut => {
            return Err(too_large(limit, "announced by Content-Length"))
        }
        // hyper never delivers more than the announced length: bounded by it.
        Some(len) if len <= SMALL_BODY.min(limit) => {
            return resp.bytes().await.map(|b| (b, false)).map_err(map_reqwest)
        }
        _ => {}
    }
    let target = declared.unwrap_or(u64::MAX).min(limit);
    let mut first: Option<bytes::Bytes> = None;
    let mut buf: Vec<u8> = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(map_reqwest)? {
        let have = first.as_ref().map_or(buf.len(), |f| f.len()) as u64;
        if have + chunk.len() as u64 > limit {
            if !cut {
                return Err(too_large(limit, "read so far"));
            }
            let keep = (limit - have) as usize;
            let mut out = match first.take() {
                Some(f) => f.to_vec(),
                None => std::mem::take(&mut buf),
            };
            out.extend_from_slice(&chunk[..keep]);
            // The rest is not read: dropping the response closes the connection.
            return Ok((bytes::Bytes::from(out), true));
        }
        if buf.is_empty() && first.is_none() {
            first = Some(chunk);
            continue;
        }
        if let Some(f) = first.take() {
            buf = Vec::with_capacity(
                (target.min(INITIAL_RESERVE) as usize).max(f.len() + chunk.len()),
            );
            buf.extend_from_slice(&f);
        }
        let need = buf.len() + chunk.len();
        if need > buf.capacity() {
            let grown = (buf.capacity() * 2).max(need) as u64;
            let to = grown.min(target).max(need as u64) as usize;
            buf.reserve_exact(to - buf.len());
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(match first {
        Some(f) => (f, false),
        None => (bytes::Bytes::from(buf), false),
    })
}

/// In a browser the body is read by `fetch` as a whole; the limit is checked on the announced
/// length first and on the result.
#[cfg(all(feature = "reqwest", target_arch = "wasm32"))]
async fn read_body(
    resp: reqwest::Response,
    limit: u64,
    cut: bool,
) -> Result<(bytes::Bytes, bool), TransportError> {
    if !cut && resp.content_length().is_some_and(|len| len > limit) {
        return Err(too_large(limit, "announced by Content-Length"));
    }
    let body = resp.bytes().await.map_err(map_reqwest)?;
    if body.len() as u64 > limit {
        if !cut {
            return Err(too_large(limit, "read"));
        }
        return Ok((body.slice(..limit as usize), true));
    }
    Ok((body, false))
}
