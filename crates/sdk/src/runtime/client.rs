//! The client: configuration, the access token and the one request pipeline every operation
//! goes through.

use super::error::{Error, ErrorKind};
use super::request::ApiRequest;
use super::response::{ExtendedFuture, RawResponse, ResponseFuture};
use super::transport::{BoxFuture, HttpRequest, HttpTransport, TransportError};
use http::header::{HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
use http::HeaderMap;
use std::fmt;
use std::sync::{Arc, RwLock};
use std::time::Duration;

/// The SDK version sent in the `purecloud-sdk` header.
pub const SDK_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The API base URL of the default environment (`mypurecloud.com`, us-east-1).
pub const DEFAULT_BASE_URL: &str = "https://api.mypurecloud.com";

/// A handle to the Platform API: cheap to clone (one `Arc`), shared by every `XxxApi`.
///
/// ```no_run
/// # async fn demo() -> Result<(), purecloud_platform_client_v2::Error> {
/// use purecloud_platform_client_v2::{api::UsersApi, Client};
/// let client = Client::builder().access_token("my-token").build()?;
/// let me = UsersApi::new(&client).get_users_me().set_expand(["presence"]).send().await?;
/// println!("Hello, {}!", me.name.as_deref().unwrap_or("?"));
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    base_url: String,
    token: RwLock<Option<Arc<str>>>,
    transport: Arc<dyn HttpTransport>,
    default_headers: HeaderMap,
    timeout: Option<Duration>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let has_token = self.inner.token.read().map(|t| t.is_some()).unwrap_or(false);
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("access_token", &if has_token { "<redacted>" } else { "<none>" })
            .field("timeout", &self.inner.timeout)
            .finish_non_exhaustive()
    }
}

/// Builds a [`Client`].
#[derive(Default)]
pub struct ClientBuilder {
    base_url: Option<String>,
    token: Option<String>,
    transport: Option<Arc<dyn HttpTransport>>,
    default_headers: Vec<(String, String)>,
    timeout: Option<Duration>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("access_token", &self.token.as_ref().map(|_| "<redacted>"))
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// Normalises an environment the way the official SDKs do: `https://api.mypurecloud.ie/` and
/// `mypurecloud.ie` are both `mypurecloud.ie`.
pub fn normalize_environment(env: &str) -> Result<String, Error> {
    let mut e = env.trim();
    for scheme in ["https://", "http://"] {
        if let Some(rest) = e.strip_prefix(scheme) {
            e = rest;
        }
    }
    let e = e.trim_end_matches('/');
    let e = e.strip_prefix("api.").unwrap_or(e);
    let valid = !e.is_empty()
        && e.contains('.')
        && e
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == ':');
    if !valid {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            format!("invalid environment {env:?}: expected a host such as \"mypurecloud.ie\""),
        ));
    }
    Ok(e.to_ascii_lowercase())
}

impl ClientBuilder {
    /// The environment (`mypurecloud.ie`, `usw2.pure.cloud`, ...); the API is at `https://api.<env>`.
    pub fn environment(mut self, env: &str) -> Result<Self, Error> {
        self.base_url = Some(format!("https://api.{}", normalize_environment(env)?));
        Ok(self)
    }

    /// The API base URL, e.g. a gateway or the local simulator (`http://127.0.0.1:8080`).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// An existing access token (the official SDKs' `setAccessToken`).
    pub fn access_token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// A custom HTTP transport.
    pub fn transport(mut self, transport: Arc<dyn HttpTransport>) -> Self {
        self.transport = Some(transport);
        self
    }

    /// A header sent with every request.
    pub fn default_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.default_headers.push((name.into(), value.into()));
        self
    }

    /// The timeout of each request (default: none; per-request settings win).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<Client, Error> {
        let base_url = self
            .base_url
            .unwrap_or_else(|| DEFAULT_BASE_URL.to_owned())
            .trim_end_matches('/')
            .to_owned();
        if !(base_url.starts_with("http://") || base_url.starts_with("https://"))
            || base_url.len() <= "https://".len()
        {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                format!("invalid base URL {base_url:?}: expected http(s)://host[:port][/prefix]"),
            ));
        }
        let mut default_headers = HeaderMap::new();
        for (k, v) in &self.default_headers {
            let (k, v) = header_pair(k, v)?;
            default_headers.append(k, v);
        }
        let transport = match self.transport {
            Some(t) => t,
            None => default_transport()?,
        };
        Ok(Client {
            inner: Arc::new(Inner {
                base_url,
                token: RwLock::new(self.token.map(Arc::from)),
                transport,
                default_headers,
                timeout: self.timeout,
            }),
        })
    }
}

#[cfg(feature = "reqwest")]
fn default_transport() -> Result<Arc<dyn HttpTransport>, Error> {
    Ok(Arc::new(super::transport::ReqwestTransport::default()))
}

#[cfg(not(feature = "reqwest"))]
fn default_transport() -> Result<Arc<dyn HttpTransport>, Error> {
    Err(Error::new(
        ErrorKind::InvalidInput,
        "no HTTP transport: enable the `reqwest` feature or pass one with ClientBuilder::transport",
    ))
}

fn header_pair(name: &str, value: &str) -> Result<(HeaderName, HeaderValue), Error> {
    let n = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
        Error::new(ErrorKind::InvalidInput, format!("invalid header name {name:?}"))
    })?;
    let v = HeaderValue::from_str(value).map_err(|_| {
        Error::new(
            ErrorKind::InvalidInput,
            format!("invalid value for header {name:?} (control characters or non-ASCII)"),
        )
    })?;
    Ok((n, v))
}

impl Client {
    /// A builder.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The API base URL.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// Replaces the access token used by every handle of this client.
    pub fn set_access_token(&self, token: impl Into<String>) {
        let t: Arc<str> = Arc::from(token.into());
        if let Ok(mut g) = self.inner.token.write() {
            *g = Some(t);
        }
    }

    /// Whether an access token is set.
    pub fn has_access_token(&self) -> bool {
        self.inner.token.read().map(|t| t.is_some()).unwrap_or(false)
    }

    /// Sends a request and decodes the body as `T` (what generated `.send()` calls).
    pub fn execute<T>(self, request: ApiRequest) -> ResponseFuture<T> {
        ResponseFuture::new(self.send_raw(request))
    }

    /// Sends a request; resolves to the extended response (what `.send_extended()` calls).
    pub fn execute_extended<T>(self, request: ApiRequest) -> ExtendedFuture<T> {
        ExtendedFuture::new(self.send_raw(request))
    }

    /// The one request pipeline: build the HTTP request, send it, turn non-2xx into an error.
    /// Not generic: every operation shares this code.
    pub fn send_raw(self, request: ApiRequest) -> BoxFuture<'static, Result<RawResponse, Error>> {
        Box::pin(async move { self.inner.run(request).await })
    }
}

impl Inner {
    fn http_request(&self, mut req: ApiRequest) -> Result<HttpRequest, Error> {
        let op = req.operation_id();
        let mut url = String::with_capacity(self.base_url.len() + req.path().len() + req.query_string().len() + 1);
        url.push_str(&self.base_url);
        url.push_str(req.path());
        if !req.query_string().is_empty() {
            url.push('?');
            url.push_str(req.query_string());
        }
        let mut headers = self.default_headers.clone();
        headers.insert(ACCEPT, HeaderValue::from_static(req.accept()));
        headers.insert(USER_AGENT, HeaderValue::from_static(concat!("PureCloud SDK/rust ", env!("CARGO_PKG_VERSION"))));
        headers.insert(HeaderName::from_static("purecloud-sdk"), HeaderValue::from_static(SDK_VERSION));
        if req.requires_auth() {
            let token = self.token.read().ok().and_then(|t| t.clone());
            if let Some(t) = token {
                let mut v = HeaderValue::from_str(&format!("Bearer {t}")).map_err(|_| {
                    Error::new(ErrorKind::InvalidInput, "the access token contains characters not allowed in a header")
                        .with_operation(op)
                })?;
                v.set_sensitive(true);
                headers.insert(AUTHORIZATION, v);
            }
        }
        for (k, v) in req.headers() {
            let (k, v) = header_pair(k, v).map_err(|e| e.with_operation(op))?;
            headers.insert(k, v);
        }
        let body = req.take_body();
        if body.is_some() {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        }
        let mut h = HttpRequest::new(req.method().clone(), url, headers);
        h.body = body;
        h.timeout = req.options().timeout.or(self.timeout);
        Ok(h)
    }

    async fn run(&self, req: ApiRequest) -> Result<RawResponse, Error> {
        let op = req.operation_id();
        let http = self.http_request(req)?;
        let resp = self.transport.send(http).await.map_err(|e| {
            let kind = match e {
                TransportError::Timeout(_) => ErrorKind::Timeout,
                _ => ErrorKind::Transport,
            };
            Error::new(kind, e.to_string()).with_source(e).with_operation(op)
        })?;
        if !(200..300).contains(&resp.status) {
            return Err(Error::from_response(resp.status, resp.headers, resp.body, Some(op)));
        }
        Ok(RawResponse {
            status: resp.status,
            headers: resp.headers,
            body: resp.body,
            operation: op,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environments_are_normalised_like_the_official_sdk() {
        for e in ["mypurecloud.ie", "https://api.mypurecloud.ie/", "api.mypurecloud.ie", " MyPureCloud.ie "] {
            assert_eq!(normalize_environment(e).unwrap(), "mypurecloud.ie", "{e}");
        }
        for bad in ["", "   ", "https://", "not a host", "localhost"] {
            let err = normalize_environment(bad).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidInput, "{bad}");
        }
    }

    #[test]
    fn builder_rejects_bad_input_and_redacts_the_token() {
        assert!(Client::builder().base_url("ftp://x").build().is_err());
        let e = Client::builder().default_header("bad name", "v").build().unwrap_err();
        assert!(e.message().contains("bad name"));
        let e = Client::builder().default_header("x-ok", "line\nbreak").build().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        let c = Client::builder().access_token("SECRET-TOKEN").build().unwrap();
        assert!(!format!("{c:?}").contains("SECRET-TOKEN"));
        assert!(c.has_access_token());
    }
}
