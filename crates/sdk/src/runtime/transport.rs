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

/// One HTTP request as the transport sends it.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct HttpRequest {
    pub method: Method,
    /// Absolute URL.
    pub url: String,
    pub headers: HeaderMap,
    pub body: Option<Vec<u8>>,
    /// Total time allowed for this request, when set.
    pub timeout: Option<Duration>,
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

/// One HTTP response with its whole body.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct HttpResponse {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: bytes::Bytes,
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
pub trait HttpTransport: Send + Sync + 'static {
    /// Sends `request` and reads the whole response.
    fn send(&self, request: HttpRequest) -> BoxFuture<'static, Result<HttpResponse, TransportError>>;
}

/// The default transport: a shared `reqwest::Client` (connection pooling, rustls).
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
}

#[cfg(feature = "reqwest")]
fn map_reqwest(e: reqwest::Error) -> TransportError {
    // Display of a reqwest error names the URL but never headers or bodies: no secrets.
    let msg = match std::error::Error::source(&e) {
        Some(s) => format!("{e}: {s}"),
        None => e.to_string(),
    };
    if e.is_timeout() {
        TransportError::Timeout(msg)
    } else if e.is_connect() {
        TransportError::Connect(msg)
    } else {
        TransportError::Other(msg)
    }
}

#[cfg(feature = "reqwest")]
impl HttpTransport for ReqwestTransport {
    fn send(&self, request: HttpRequest) -> BoxFuture<'static, Result<HttpResponse, TransportError>> {
        let mut b = self
            .client
            .request(request.method, &request.url)
            .headers(request.headers);
        if let Some(body) = request.body {
            b = b.body(body);
        }
        #[cfg(not(target_arch = "wasm32"))]
        if let Some(t) = request.timeout {
            b = b.timeout(t);
        }
        Box::pin(async move {
            let resp = b.send().await.map_err(map_reqwest)?;
            let status = resp.status().as_u16();
            let headers = resp.headers().clone();
            let body = resp.bytes().await.map_err(map_reqwest)?;
            Ok(HttpResponse {
                status,
                headers,
                body,
            })
        })
    }
}
