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
            .finish()
    }
}

impl HttpRequest {
    /// A request without body or timeout.
    pub fn new(method: Method, url: impl Into<String>, headers: HeaderMap) -> Self {
        HttpRequest {
            method,
            url: url.into(),
            headers,
            body: None,
            timeout: None,
        }
    }
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
    /// The whole body.
    pub body: bytes::Bytes,
}

impl std::fmt::Debug for HttpResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpResponse")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &format!("<{} bytes>", self.body.len()))
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
        }
    }
}

/// Why a request got no response.
#[derive(Debug)]
#[non_exhaustive]
pub enum TransportError {
    /// The timeout elapsed.
    Timeout(String),
    /// Could not connect (refused, DNS, TLS handshake).
    Connect(String),
    /// Anything else (reset, body cut short, protocol error).
    Other(String),
}

impl std::fmt::Display for TransportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TransportError::Timeout(m) => write!(f, "timed out: {m}"),
            TransportError::Connect(m) => write!(f, "could not connect: {m}"),
            TransportError::Other(m) => f.write_str(m),
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
#[cfg(feature = "reqwest")]
#[derive(Clone, Debug, Default)]
pub struct ReqwestTransport {
    client: reqwest::Client,
}

#[cfg(feature = "reqwest")]
impl ReqwestTransport {
    /// Wraps a configured `reqwest::Client`.
    pub fn new(client: reqwest::Client) -> Self {
        ReqwestTransport { client }
    }

    /// A transport with a connect timeout, a proxy, a client certificate (mTLS) and extra
    /// trusted CA certificates. Certificate verification always stays on.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn with_options(o: &TransportOptions) -> Result<Self, crate::Error> {
        use crate::{Error, ErrorKind};
        let bad = |what: String| Error::new(ErrorKind::InvalidInput, what);
        let mut b = reqwest::Client::builder();
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
    /// How long connecting (TCP and TLS) may take.
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
        Box::pin(async move {
            let mut resp = b.send().await.map_err(map_reqwest)?;
            let status = resp.status().as_u16();
            let headers = std::mem::take(resp.headers_mut());
            let body = read_body(resp).await?;
            Ok(HttpResponse {
                status,
                headers,
                body,
            })
        })
    }
}

/// Bodies up to this size are collected by reqwest (usually one chunk, taken without a copy);
/// larger ones with a `Content-Length` are read into one buffer of that size.
#[cfg(all(feature = "reqwest", not(target_arch = "wasm32")))]
const PREALLOCATE_ABOVE: u64 = 64 * 1024;

/// At most this much is reserved up front from a `Content-Length` (a lying server cannot make
/// the client reserve gigabytes before sending them); the buffer grows past it as data arrives.
#[cfg(all(feature = "reqwest", not(target_arch = "wasm32")))]
const PREALLOCATE_MAX: u64 = 256 * 1024 * 1024;

/// Reads the whole body. A large body with a known length goes into one buffer of that size:
/// collecting chunks and then joining them needs twice the memory and a copy of every byte
/// (measured on the 20 MB analytics response: about 25% of the receive time, and peak memory).
#[cfg(all(feature = "reqwest", not(target_arch = "wasm32")))]
async fn read_body(mut resp: reqwest::Response) -> Result<bytes::Bytes, TransportError> {
    let len = match resp.content_length() {
        Some(len) if len > PREALLOCATE_ABOVE => len.min(PREALLOCATE_MAX),
        _ => return resp.bytes().await.map_err(map_reqwest),
    };
    let mut buf = Vec::with_capacity(len as usize);
    while let Some(chunk) = resp.chunk().await.map_err(map_reqwest)? {
        buf.extend_from_slice(&chunk);
    }
    Ok(bytes::Bytes::from(buf))
}

#[cfg(all(feature = "reqwest", target_arch = "wasm32"))]
async fn read_body(resp: reqwest::Response) -> Result<bytes::Bytes, TransportError> {
    resp.bytes().await.map_err(map_reqwest)
}
