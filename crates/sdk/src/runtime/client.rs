//! The client: configuration, the access token and the one request pipeline every operation
//! goes through (auth → retries → transport; see `docs/auth-notes.md`).

use super::auth::{self, AuthCore, AuthData, Grant, TokenRequest};
use super::clock::{race, sleep, Either, Stopwatch};
use super::config::ConfigFile;
use super::error::{Error, ErrorKind};
use super::hooks::{PostRequestHook, PreRequestHook};
use super::logging::{self, DebugLog, Exchange, LogConfig, Logger};
use super::region::{check_base_url, normalize_environment, Endpoints, Gateway, Region};
use super::request::ApiRequest;
use super::response::{ExtendedFuture, RawResponse, ResponseFuture};
use super::retry::{self, Attempt, RetryConfig, Verdict};
use super::store::{check_prefix, MemoryTokenStore, TokenStore, DEFAULT_PERSIST_PREFIX};
use super::transport::{BoxFuture, HttpRequest, HttpResponse, HttpTransport, TransportError};
use http::header::{HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use http::{HeaderMap, Method};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::Duration;

#[cfg(all(feature = "reqwest", not(target_arch = "wasm32")))]
use super::transport::{ProxyConfig, TransportOptions};

/// The SDK version sent in the `purecloud-sdk` header.
pub const SDK_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The `User-Agent` of every request.
pub const USER_AGENT_VALUE: &str = concat!("PureCloud SDK/rust ", env!("CARGO_PKG_VERSION"));

/// The API base URL of the default environment (`mypurecloud.com`, us-east-1).
pub const DEFAULT_BASE_URL: &str = "https://api.mypurecloud.com";

/// The default environment.
pub const DEFAULT_ENVIRONMENT: &str = "mypurecloud.com";

/// The timeout of each attempt of a request when none is set: from connecting to the last byte
/// of the body. Long enough for the slowest synchronous queries (analytics, large exports
/// answer well within it); short enough that a stalled server cannot hold a call for ever.
/// Change it with [`ClientBuilder::timeout`] / [`Client::set_timeout`] (`None` removes it)
/// or per request with [`RequestBuilder::with_timeout`](crate::RequestBuilder::with_timeout).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// The most bytes a response body may have when no limit is set: 128 MiB, six times the largest
/// body the benchmarks decode (a 20 MB analytics answer). A larger 2xx body is a
/// [`ErrorKind::Transport`] error (checked on `Content-Length` first, then while reading); error
/// bodies are cut at [`ERROR_BODY_MAX_BYTES`](crate::runtime::ERROR_BODY_MAX_BYTES). Change it with
/// [`ClientBuilder::max_response_bytes`] or per request with
/// [`RequestBuilder::with_max_response_bytes`](crate::RequestBuilder::with_max_response_bytes).
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 128 * 1024 * 1024;

/// The most bytes an answer of `/oauth/token` may have (a real one is under 4 KiB; a login
/// service that sends more is not one).
pub const TOKEN_MAX_RESPONSE_BYTES: u64 = 64 * 1024;

/// How long past its timeout a transport may take before the client gives up on it (a custom
/// transport that ignores [`HttpRequest::timeout`] still cannot hold a call for ever).
const TIMEOUT_GRACE: Duration = Duration::from_secs(1);

/// A handle to the Platform API: cheap to clone (one `Arc`), shared by every `XxxApi`. Every
/// setting can be changed at any time through `&self` (the official SDKs' `setXxx` methods);
/// requests in flight keep the settings they started with.
///
/// ```no_run
/// # async fn demo() -> Result<(), purecloud_platform_client_v2::Error> {
/// use purecloud_platform_client_v2::{api::UsersApi, Client, Region};
/// let client = Client::builder().region(Region::EuWest1).build()?;
/// client.login_client_credentials_grant("client-id", "client-secret").await?;
/// let users = UsersApi::new(&client).get_users().set_page_size(10).send().await?;
/// println!("{} users", users.total.unwrap_or(0));
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    settings: RwLock<Arc<Settings>>,
    auth: AuthCore,
    transport: RwLock<TransportSlot>,
}

#[derive(Clone)]
struct TransportSlot {
    transport: Arc<dyn HttpTransport>,
    /// The built-in transport, which applies `HttpRequest::timeout` and the body limit itself:
    /// the client's own bounds (`bounded`) are then not needed (no second timer per request).
    built_in: bool,
    /// The options of the built-in transport; `None` for a user's transport.
    #[cfg(all(feature = "reqwest", not(target_arch = "wasm32")))]
    options: Option<TransportOptions>,
}

/// Everything a request reads; replaced as a whole (copy on write) by the setters.
#[derive(Clone)]
struct Settings {
    environment: String,
    base_override: Option<(String, String)>,
    gateway: Option<Gateway>,
    endpoints: Endpoints,
    default_headers: HeaderMap,
    /// `default_headers` plus the SDK's identification: what every request starts from, made
    /// when the settings change rather than per request.
    base_headers: HeaderMap,
    timeout: Option<Duration>,
    max_response_bytes: u64,
    retry: RetryConfig,
    refresh_access_token: bool,
    refresh_token_wait_max: Duration,
    debug_log: Option<DebugLog>,
    log_config: LogConfig,
    logger: Option<Arc<Logger>>,
    pre_hooks: Vec<PreRequestHook>,
    post_hooks: Vec<PostRequestHook>,
    persist_prefix: Option<String>,
    store: Arc<dyn TokenStore>,
    /// The client id of the last browser login (what `logout` sends).
    oauth_client_id: Option<String>,
}

impl Settings {
    fn recompute_endpoints(&mut self) -> Result<(), Error> {
        self.endpoints = match (&self.gateway, &self.base_override) {
            (Some(g), _) => Endpoints::for_gateway(g)?,
            (None, Some((api, login))) => Endpoints {
                api_base: api.clone(),
                login_base: login.clone(),
            },
            (None, None) => Endpoints::for_environment(&self.environment)?,
        };
        Ok(())
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.inner.settings();
        f.debug_struct("Client")
            .field("base_url", &s.endpoints.api_base)
            .field("login_base_url", &s.endpoints.login_base)
            .field(
                "access_token",
                &if self.inner.auth.has_token() {
                    "<redacted>"
                } else {
                    "<none>"
                },
            )
            .field("timeout", &s.timeout)
            .field("retry", &s.retry)
            .finish_non_exhaustive()
    }
}

fn default_store() -> Arc<dyn TokenStore> {
    #[cfg(not(target_arch = "wasm32"))]
    if let Some(s) = super::store::FileTokenStore::in_home() {
        return Arc::new(s);
    }
    #[cfg(target_arch = "wasm32")]
    if super::browser::LocalStorageTokenStore::available() {
        return Arc::new(super::browser::LocalStorageTokenStore::new());
    }
    Arc::new(MemoryTokenStore::new())
}

/// Builds a [`Client`]. Settings not given here come from the configuration file and its
/// environment variables (see [`ConfigFile`]), then from the defaults.
#[derive(Default)]
pub struct ClientBuilder {
    base_url: Option<String>,
    login_base_url: Option<String>,
    environment: Option<String>,
    gateway: Option<Gateway>,
    token: Option<String>,
    transport: Option<Arc<dyn HttpTransport>>,
    default_headers: Vec<(String, String)>,
    timeout: Option<Duration>,
    max_response_bytes: Option<u64>,
    retry: Option<RetryConfig>,
    refresh_access_token: Option<bool>,
    refresh_token_wait_max: Option<Duration>,
    debug_log: Option<DebugLog>,
    logging: Option<LogConfig>,
    pre_hooks: Vec<PreRequestHook>,
    post_hooks: Vec<PostRequestHook>,
    store: Option<Arc<dyn TokenStore>>,
    persist_prefix: Option<String>,
    config_path: Option<PathBuf>,
    no_config: bool,
    #[cfg(all(feature = "reqwest", not(target_arch = "wasm32")))]
    transport_options: TransportOptions,
    #[cfg(all(feature = "reqwest", not(target_arch = "wasm32")))]
    mtls_files: Option<(PathBuf, PathBuf, Option<PathBuf>)>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("environment", &self.environment)
            .field("gateway", &self.gateway)
            .field("access_token", &self.token.as_ref().map(|_| "<redacted>"))
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// The environment (`mypurecloud.ie`, `usw2.pure.cloud`, `https://api.mypurecloud.de/`):
    /// the API is at `https://api.<env>`, the login service at `https://login.<env>`.
    pub fn environment(mut self, env: &str) -> Result<Self, Error> {
        self.environment = Some(normalize_environment(env)?);
        self.base_url = None;
        Ok(self)
    }

    /// The region (sets the environment).
    pub fn region(mut self, region: Region) -> Self {
        self.environment = Some(region.environment().to_owned());
        self.base_url = None;
        self
    }

    /// One base URL for both the API and the login service, e.g. the local simulator
    /// (`http://127.0.0.1:8080`). Checked by [`build`](Self::build).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// A different base URL for the login service than [`base_url`](Self::base_url)'s.
    pub fn login_base_url(mut self, url: impl Into<String>) -> Self {
        self.login_base_url = Some(url.into());
        self
    }

    /// An API gateway (takes precedence over the environment and the base URL).
    pub fn gateway(mut self, gateway: Gateway) -> Self {
        self.gateway = Some(gateway);
        self
    }

    /// An existing access token (the official SDKs' `setAccessToken`).
    pub fn access_token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// A custom HTTP transport (proxy, mTLS and connect-timeout options then do not apply).
    pub fn transport(mut self, transport: Arc<dyn HttpTransport>) -> Self {
        self.transport = Some(transport);
        self
    }

    /// A header sent with every request. Checked by [`build`](Self::build).
    pub fn default_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.default_headers.push((name.into(), value.into()));
        self
    }

    /// The timeout of each request attempt, from connecting to the last byte of the body
    /// (default [`DEFAULT_TIMEOUT`]; per-request settings win).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The most bytes a response body may have (default [`DEFAULT_MAX_RESPONSE_BYTES`];
    /// per-request settings win). Token answers have their own, smaller limit
    /// ([`TOKEN_MAX_RESPONSE_BYTES`]).
    pub fn max_response_bytes(mut self, max: u64) -> Self {
        self.max_response_bytes = Some(max);
        self
    }

    /// The retry policy (default: [`RetryConfig::default`]).
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.retry = Some(retry);
        self
    }

    /// Whether an expired or refused (401) token is renewed automatically (default: yes).
    pub fn should_refresh_access_token(mut self, yes: bool) -> Self {
        self.refresh_access_token = Some(yes);
        self
    }

    /// How long a request waits for another request's re-authentication (default 10 s).
    pub fn refresh_token_wait_max(mut self, d: Duration) -> Self {
        self.refresh_token_wait_max = Some(d);
        self
    }

    /// The debug-log hook (see [`Client::set_debug_log`]).
    pub fn debug_log(
        mut self,
        hook: impl Fn(&str) + Send + Sync + 'static,
        max_lines: Option<usize>,
    ) -> Self {
        self.debug_log = Some(DebugLog {
            hook: Arc::new(hook),
            max_lines,
        });
        self
    }

    /// The SDK's logger (see [`Client::set_logging`]).
    pub fn logging(mut self, config: LogConfig) -> Self {
        self.logging = Some(config);
        self
    }

    /// Adds a pre-request hook (see [`PreRequestHook`]).
    pub fn pre_request_hook(
        mut self,
        hook: impl Fn(&mut HttpRequest) -> Result<(), Error> + Send + Sync + 'static,
    ) -> Self {
        self.pre_hooks.push(Arc::new(hook));
        self
    }

    /// Adds a post-request hook (see [`PostRequestHook`]).
    pub fn post_request_hook(
        mut self,
        hook: impl Fn(&HttpRequest, Result<&HttpResponse, &TransportError>) + Send + Sync + 'static,
    ) -> Self {
        self.post_hooks.push(Arc::new(hook));
        self
    }

    /// Where persisted tokens go (default: `~/.genesyscloudrust/` on native targets, the
    /// browser's localStorage on wasm32).
    pub fn token_store(mut self, store: Arc<dyn TokenStore>) -> Self {
        self.store = Some(store);
        self
    }

    /// Turns token persistence on with `prefix` (default `purecloud`); see
    /// [`Client::set_persist_settings`].
    pub fn persist_settings(mut self, prefix: Option<&str>) -> Self {
        self.persist_prefix = Some(prefix.unwrap_or(DEFAULT_PERSIST_PREFIX).to_owned());
        self
    }

    /// Reads this configuration file instead of `$GENESYSCLOUD_CONFIG_FILE` or
    /// `~/.genesyscloudrust/config`; it must exist.
    pub fn config_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.config_path = Some(path.into());
        self.no_config = false;
        self
    }

    /// Reads no configuration file and no `GENESYSCLOUD_*` variables.
    pub fn no_config_file(mut self) -> Self {
        self.no_config = true;
        self
    }

    /// How long connecting may take (built-in transport).
    #[cfg(all(feature = "reqwest", not(target_arch = "wasm32")))]
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.transport_options.connect_timeout = Some(timeout);
        self
    }

    /// A proxy for every request (built-in transport).
    #[cfg(all(feature = "reqwest", not(target_arch = "wasm32")))]
    pub fn proxy(mut self, proxy: ProxyConfig) -> Self {
        self.transport_options.proxy = Some(proxy);
        self
    }

    /// mTLS from PEM contents: the client certificate (chain), its private key, and optionally
    /// a CA certificate to trust (built-in transport; verification stays on).
    #[cfg(all(feature = "reqwest", not(target_arch = "wasm32")))]
    pub fn mtls_contents(mut self, cert_pem: &[u8], key_pem: &[u8], ca_pem: Option<&[u8]>) -> Self {
        self.transport_options.identity_pem = Some(identity_pem(cert_pem, key_pem));
        self.transport_options.ca_pem = ca_pem.map(|c| vec![c.to_vec()]).unwrap_or_default();
        self
    }

    /// mTLS from PEM files (read by [`build`](Self::build)).
    #[cfg(all(feature = "reqwest", not(target_arch = "wasm32")))]
    pub fn mtls_certificates(
        mut self,
        cert_path: impl Into<PathBuf>,
        key_path: impl Into<PathBuf>,
        ca_path: Option<PathBuf>,
    ) -> Self {
        self.mtls_files = Some((cert_path.into(), key_path.into(), ca_path));
        self
    }

    /// A CA certificate (PEM) to trust in addition to the built-in roots.
    #[cfg(all(feature = "reqwest", not(target_arch = "wasm32")))]
    pub fn add_ca_certificate(mut self, ca_pem: &[u8]) -> Self {
        self.transport_options.ca_pem.push(ca_pem.to_vec());
        self
    }

    /// Checks the configuration and builds the client. Reads the configuration file (unless
    /// [`no_config_file`](Self::no_config_file)); what is set on the builder wins over it.
    pub fn build(self) -> Result<Client, Error> {
        let config = if self.no_config {
            None
        } else {
            ConfigFile::discover(self.config_path.as_deref(), |k| std::env::var(k).ok())?
        };
        let mut s = Settings {
            environment: DEFAULT_ENVIRONMENT.to_owned(),
            base_override: None,
            gateway: None,
            endpoints: Endpoints::for_environment(DEFAULT_ENVIRONMENT)?,
            default_headers: HeaderMap::new(),
            base_headers: HeaderMap::new(),
            timeout: Some(DEFAULT_TIMEOUT),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            retry: RetryConfig::default(),
            refresh_access_token: true,
            refresh_token_wait_max: Duration::from_secs(10),
            debug_log: None,
            log_config: LogConfig::default(),
            logger: None,
            pre_hooks: self.pre_hooks,
            post_hooks: self.post_hooks,
            persist_prefix: None,
            store: self.store.unwrap_or_else(default_store),
            oauth_client_id: None,
        };
        if let Some(c) = &config {
            apply_config(&mut s, c)?;
        }
        if let Some(env) = &self.environment {
            s.environment = env.clone();
            s.base_override = None;
        }
        if let Some(url) = &self.base_url {
            let api = check_base_url(url, "base URL")?;
            let login = match &self.login_base_url {
                Some(l) => check_base_url(l, "login base URL")?,
                None => api.clone(),
            };
            s.base_override = Some((api, login));
        } else if let Some(l) = &self.login_base_url {
            let env = Endpoints::for_environment(&s.environment)?;
            s.base_override = Some((env.api_base, check_base_url(l, "login base URL")?));
        }
        if let Some(g) = self.gateway {
            s.gateway = Some(g);
        }
        s.recompute_endpoints()?;
        for (k, v) in &self.default_headers {
            let (k, v) = header_pair(k, v)?;
            s.default_headers.append(k, v);
        }
        if let Some(t) = self.timeout {
            s.timeout = Some(t);
        }
        if let Some(m) = self.max_response_bytes {
            s.max_response_bytes = m;
        }
        if let Some(r) = self.retry {
            s.retry = r;
        }
        if let Some(b) = self.refresh_access_token {
            s.refresh_access_token = b;
        }
        if let Some(d) = self.refresh_token_wait_max {
            s.refresh_token_wait_max = d;
        }
        if let Some(d) = self.debug_log {
            s.debug_log = Some(d);
        }
        if let Some(l) = self.logging {
            s.log_config = l;
        }
        s.logger = Logger::open(&s.log_config)?;

        #[cfg(all(feature = "reqwest", not(target_arch = "wasm32")))]
        let mut transport_options = self.transport_options;
        #[cfg(all(feature = "reqwest", not(target_arch = "wasm32")))]
        if let Some((cert, key, ca)) = &self.mtls_files {
            let (id, ca) = read_mtls_files(cert, key, ca.as_deref())?;
            transport_options.identity_pem = Some(id);
            transport_options.ca_pem = ca.into_iter().collect();
        }
        let slot = match self.transport {
            Some(t) => {
                #[cfg(all(feature = "reqwest", not(target_arch = "wasm32")))]
                if transport_options != TransportOptions::default() {
                    return Err(Error::new(
                        ErrorKind::InvalidInput,
                        "proxy, mTLS, CA and connect-timeout options apply to the built-in transport, not to a custom one: configure your transport instead",
                    ));
                }
                TransportSlot {
                    transport: t,
                    built_in: false,
                    #[cfg(all(feature = "reqwest", not(target_arch = "wasm32")))]
                    options: None,
                }
            }
            None => {
                #[cfg(all(feature = "reqwest", not(target_arch = "wasm32")))]
                {
                    TransportSlot {
                        transport: Arc::new(super::transport::ReqwestTransport::with_options(
                            &transport_options,
                        )?),
                        built_in: true,
                        options: Some(transport_options),
                    }
                }
                #[cfg(not(all(feature = "reqwest", not(target_arch = "wasm32"))))]
                {
                    TransportSlot {
                        transport: default_transport()?,
                        built_in: true,
                    }
                }
            }
        };
        let client = Client {
            inner: Arc::new(Inner {
                settings: RwLock::new(Arc::new({
                    s.base_headers = Inner::base_headers(&s);
                    s
                })),
                auth: AuthCore::default(),
                transport: RwLock::new(slot),
            }),
        };
        if let Some(prefix) = self.persist_prefix {
            client.set_persist_settings(true, Some(&prefix))?;
        }
        if let Some(t) = self.token {
            client.set_access_token(t);
        }
        Ok(client)
    }
}

fn apply_config(s: &mut Settings, c: &ConfigFile) -> Result<(), Error> {
    if let Some(h) = &c.host {
        s.environment = normalize_environment(h)?;
        s.base_override = None;
    }
    if let Some(g) = c.checked_gateway()? {
        s.gateway = Some(g);
    }
    s.recompute_endpoints()?;
    let r = &mut s.retry;
    if let Some(v) = c.retry_max {
        r.max_retries = v;
    }
    if let Some(v) = c.retry_wait_min {
        r.backoff_min = v;
        r.backoff_max = r.backoff_max.max(v);
    }
    if let Some(v) = c.retry_wait_max {
        r.backoff_max = v.max(r.backoff_min);
    }
    if let Some(v) = c.retry_max_time {
        r.max_retry_time = v;
    }
    if let Some(v) = c.retry_non_idempotent {
        r.retry_non_idempotent = v;
    }
    if let Some(v) = c.refresh_access_token {
        s.refresh_access_token = v;
    }
    if let Some(v) = c.refresh_token_wait_max {
        s.refresh_token_wait_max = v;
    }
    let l = &mut s.log_config;
    if let Some(v) = c.log_level {
        l.level = v;
    }
    if let Some(v) = c.log_format {
        l.format = v;
    }
    if let Some(v) = c.log_to_console {
        l.to_console = v;
    }
    if let Some(v) = &c.log_file_path {
        l.file_path = Some(v.clone());
    }
    if let Some(v) = c.log_request_body {
        l.log_request_body = v;
    }
    if let Some(v) = c.log_response_body {
        l.log_response_body = v;
    }
    if c.live_reload_config == Some(true) {
        tracing::debug!(
            "live_reload_config is not supported: call Client::load_config_file to reload"
        );
    }
    Ok(())
}

#[cfg(all(feature = "reqwest", not(target_arch = "wasm32")))]
fn identity_pem(cert: &[u8], key: &[u8]) -> Vec<u8> {
    let mut id = cert.to_vec();
    if !id.ends_with(b"\n") {
        id.push(b'\n');
    }
    id.extend_from_slice(key);
    id
}

#[cfg(all(feature = "reqwest", not(target_arch = "wasm32")))]
fn read_mtls_files(
    cert: &Path,
    key: &Path,
    ca: Option<&Path>,
) -> Result<(Vec<u8>, Option<Vec<u8>>), Error> {
    let read = |p: &Path, what: &str| {
        std::fs::read(p).map_err(|e| {
            Error::new(
                ErrorKind::InvalidInput,
                format!("cannot read the mTLS {what} {}: {e}", p.display()),
            )
        })
    };
    let id = identity_pem(&read(cert, "certificate")?, &read(key, "private key")?);
    let ca = match ca {
        Some(p) => Some(read(p, "CA certificate")?),
        None => None,
    };
    Ok((id, ca))
}

#[cfg(not(all(feature = "reqwest", not(target_arch = "wasm32"))))]
fn default_transport() -> Result<Arc<dyn HttpTransport>, Error> {
    #[cfg(feature = "reqwest")]
    {
        Ok(Arc::new(super::transport::ReqwestTransport::default()))
    }
    #[cfg(not(feature = "reqwest"))]
    {
        Err(Error::new(
            ErrorKind::InvalidInput,
            "no HTTP transport: enable the `reqwest` feature or pass one with ClientBuilder::transport",
        ))
    }
}

fn header_pair(name: &str, value: &str) -> Result<(HeaderName, HeaderValue), Error> {
    let n = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
        Error::new(
            ErrorKind::InvalidInput,
            format!("invalid header name {name:?}"),
        )
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

    /// The API base URL (`https://api.mypurecloud.com`, a gateway's, the simulator's).
    pub fn base_url(&self) -> String {
        self.inner.settings().endpoints.api_base.clone()
    }

    /// The login base URL (`https://login.mypurecloud.com`, ...).
    pub fn login_base_url(&self) -> String {
        self.inner.settings().endpoints.login_base.clone()
    }

    /// The environment (`mypurecloud.com`).
    pub fn environment(&self) -> String {
        self.inner.settings().environment.clone()
    }

    fn update(&self, f: impl FnOnce(&mut Settings) -> Result<(), Error>) -> Result<(), Error> {
        let mut guard = self
            .inner
            .settings
            .write()
            .unwrap_or_else(|e| e.into_inner());
        let mut s: Settings = (**guard).clone();
        f(&mut s)?;
        s.base_headers = Inner::base_headers(&s);
        *guard = Arc::new(s);
        Ok(())
    }

    /// Sets the environment, normalised like the official SDKs (`mypurecloud.ie`,
    /// `https://api.mypurecloud.ie/`, `api.mypurecloud.ie` are the same). Replaces a base URL
    /// given to the builder; a gateway still takes precedence.
    pub fn set_environment(&self, env: &str) -> Result<(), Error> {
        let env = normalize_environment(env)?;
        self.update(|s| {
            s.environment = env;
            s.base_override = None;
            s.recompute_endpoints()
        })
    }

    /// Sets the region (its environment).
    pub fn set_region(&self, region: Region) {
        let _ = self.set_environment(region.environment());
    }

    /// Sends login and API requests through a gateway (the official SDKs' `setGateway`).
    pub fn set_gateway(&self, gateway: Gateway) -> Result<(), Error> {
        gateway.api_base_url()?;
        gateway.login_base_url()?;
        self.update(|s| {
            s.gateway = Some(gateway);
            s.recompute_endpoints()
        })
    }

    /// Stops using a gateway.
    pub fn clear_gateway(&self) {
        let _ = self.update(|s| {
            s.gateway = None;
            s.recompute_endpoints()
        });
    }

    /// Replaces the access token used by every handle of this client (the official SDKs'
    /// `setAccessToken`). The token is not renewed automatically (there is no grant to repeat).
    pub fn set_access_token(&self, token: impl Into<String>) {
        let t: String = token.into();
        self.inner.auth.set_token(Some(&t), None, None);
        self.inner.persist(&self.inner.settings());
    }

    /// Forgets the access token (and the persisted one, when persistence is on).
    pub fn clear_access_token(&self) -> Result<(), Error> {
        self.inner.auth.set_token(None, None, None);
        let s = self.inner.settings();
        if let Some(p) = &s.persist_prefix {
            s.store.remove(p)?;
        }
        Ok(())
    }

    /// Whether an access token is set.
    pub fn has_access_token(&self) -> bool {
        self.inner.auth.has_token()
    }

    /// Time until the token is renewed (a little before it expires), when its lifetime is known.
    pub fn access_token_expires_in(&self) -> Option<Duration> {
        self.inner.auth.expires_in()
    }

    /// Logs in with the client credentials grant: `POST {login}/oauth/token` with HTTP Basic
    /// `client_id:client_secret` and `grant_type=client_credentials`. The client renews the
    /// token the same way when it expires or is refused. Not available on wasm32 (a browser
    /// cannot keep a secret).
    #[cfg(not(target_arch = "wasm32"))]
    pub async fn login_client_credentials_grant(
        &self,
        client_id: &str,
        client_secret: &str,
    ) -> Result<AuthData, Error> {
        let req = TokenRequest::client_credentials(client_id, client_secret)?;
        let grant = Grant::ClientCredentials {
            client_id: client_id.to_owned(),
            secret: auth::Secret::new(client_secret),
        };
        self.inner.login(req, Some(Arc::new(grant))).await
    }

    /// Exchanges an authorization code (code grant, confidential client): Basic
    /// `client_id:client_secret`, `grant_type=authorization_code`, `code`, `redirect_uri`. The
    /// refresh token it gives renews the access token automatically.
    #[cfg(not(target_arch = "wasm32"))]
    pub async fn login_code_authorization_grant(
        &self,
        client_id: &str,
        client_secret: &str,
        auth_code: &str,
        redirect_uri: &str,
    ) -> Result<AuthData, Error> {
        let req = TokenRequest::code(client_id, client_secret, auth_code, redirect_uri)?;
        let grant = Grant::Code {
            client_id: client_id.to_owned(),
            secret: auth::Secret::new(client_secret),
        };
        self.inner.login(req, Some(Arc::new(grant))).await
    }

    /// Renews a token with a refresh token of the code grant (`grant_type=refresh_token`,
    /// Basic `client_id:client_secret`); later renewals are automatic.
    #[cfg(not(target_arch = "wasm32"))]
    pub async fn refresh_code_authorization_token(
        &self,
        client_id: &str,
        client_secret: &str,
        refresh_token: &str,
    ) -> Result<AuthData, Error> {
        let req = TokenRequest::refresh_code(client_id, client_secret, refresh_token)?;
        let grant = Grant::Code {
            client_id: client_id.to_owned(),
            secret: auth::Secret::new(client_secret),
        };
        self.inner.login(req, Some(Arc::new(grant))).await
    }

    /// Logs in with a SAML2 bearer assertion (`grant_type=urn:ietf:params:oauth:grant-type:saml2-bearer`,
    /// `orgName`, `assertion`, Basic `client_id:client_secret`). The token is not renewed
    /// automatically (an assertion is single use): log in again when it expires.
    #[cfg(not(target_arch = "wasm32"))]
    pub async fn login_saml2_bearer_grant(
        &self,
        client_id: &str,
        client_secret: &str,
        org_name: &str,
        assertion: &str,
    ) -> Result<AuthData, Error> {
        let req = TokenRequest::saml2(client_id, client_secret, org_name, assertion)?;
        self.inner.login(req, None).await
    }

    /// Exchanges an authorization code obtained with PKCE (public client, no secret):
    /// `grant_type=authorization_code`, `code`, `redirect_uri`, `client_id`, `code_verifier`.
    /// The refresh token it gives renews the access token automatically.
    pub async fn login_pkce_grant(
        &self,
        client_id: &str,
        code_verifier: &str,
        auth_code: &str,
        redirect_uri: &str,
    ) -> Result<AuthData, Error> {
        let req = TokenRequest::pkce(client_id, code_verifier, auth_code, redirect_uri)?;
        let grant = Grant::Pkce {
            client_id: client_id.to_owned(),
        };
        self.inner.login(req, Some(Arc::new(grant))).await
    }

    /// Renews a PKCE token with its refresh token (`grant_type=refresh_token`, `client_id`).
    pub async fn refresh_pkce_token(
        &self,
        client_id: &str,
        refresh_token: &str,
    ) -> Result<AuthData, Error> {
        let req = TokenRequest::refresh_pkce(client_id, refresh_token)?;
        let grant = Grant::Pkce {
            client_id: client_id.to_owned(),
        };
        self.inner.login(req, Some(Arc::new(grant))).await
    }

    /// The URL to send a user's browser to for the PKCE flow:
    /// `{login}/oauth/authorize?response_type=code&client_id&redirect_uri&code_challenge&code_challenge_method=S256[&state]`.
    /// Make the verifier with [`generate_pkce_code_verifier`](crate::generate_pkce_code_verifier)
    /// and the challenge with [`compute_pkce_code_challenge`](crate::compute_pkce_code_challenge).
    pub fn pkce_authorize_url(
        &self,
        client_id: &str,
        redirect_uri: &str,
        code_challenge: &str,
        state: Option<&str>,
    ) -> String {
        let mut q = super::request::ApiRequest::new(
            Method::GET,
            "/oauth/authorize",
            "authorize",
            Default::default(),
        );
        q.query("response_type", &Some("code".to_owned()));
        q.query("client_id", &Some(client_id.to_owned()));
        q.query("redirect_uri", &Some(redirect_uri.to_owned()));
        q.query("code_challenge", &Some(code_challenge.to_owned()));
        q.query("code_challenge_method", &Some("S256".to_owned()));
        q.query("state", &state.map(str::to_owned));
        format!(
            "{}/oauth/authorize?{}",
            self.login_base_url(),
            q.query_string()
        )
    }

    /// Turns token persistence on or off (the official SDKs' `setPersistSettings`). On: the
    /// token saved under `prefix` (default `purecloud`) in the token store is loaded now if it
    /// has not expired (an expired one is removed from the store), and every new token is
    /// saved there. The store is `~/.genesyscloudrust/<prefix>_auth_data.json` (mode 0600) on
    /// native targets and localStorage key `<prefix>_auth_data` in a browser, unless
    /// [`set_token_store`](Self::set_token_store) says otherwise.
    pub fn set_persist_settings(&self, enabled: bool, prefix: Option<&str>) -> Result<(), Error> {
        let prefix = prefix.unwrap_or(DEFAULT_PERSIST_PREFIX).to_owned();
        check_prefix(&prefix)?;
        self.update(|s| {
            s.persist_prefix = enabled.then(|| prefix.clone());
            Ok(())
        })?;
        if enabled {
            let s = self.inner.settings();
            if let Some(t) = s.store.load(&prefix)? {
                let now = super::clock::unix_millis().unwrap_or(0);
                if t.expires_at_ms.is_none_or(|at| at > now) {
                    self.inner.auth.set_token(
                        Some(&t.access_token),
                        t.refresh_token.as_deref(),
                        t.expires_at_ms,
                    );
                    tracing::debug!(prefix, "loaded a persisted access token");
                } else {
                    tracing::debug!(prefix, "the persisted access token expired: removing it");
                    s.store.remove(&prefix)?;
                }
            }
        }
        Ok(())
    }

    /// Installs a token from a browser flow (a redirect or a store) with its wall-clock expiry,
    /// says how to renew it, and persists it when persistence is on.
    pub(super) fn install_token(
        &self,
        access_token: &str,
        refresh_token: Option<&str>,
        expires_at_ms: Option<u64>,
        grant: Option<Grant>,
    ) {
        self.inner
            .auth
            .set_token(Some(access_token), refresh_token, expires_at_ms);
        if let Some(g) = grant {
            self.inner.auth.set_grant(Some(Arc::new(g)));
        }
        self.inner.persist(&self.inner.settings());
    }

    /// The current token as the store keeps it (token, refresh token, expiry).
    pub(super) fn current_token(&self) -> Option<super::store::StoredToken> {
        self.inner.auth.stored()
    }

    /// Makes a token obtained by `login_pkce_grant` renewable after a reload: the refresh
    /// token was persisted, the grant (the client id) was not.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(super) fn set_pkce_grant(&self, client_id: &str) {
        self.inner.auth.set_grant(Some(Arc::new(Grant::Pkce {
            client_id: client_id.to_owned(),
        })));
    }

    /// The persistence prefix, when persistence is on.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(super) fn persist_prefix(&self) -> Option<String> {
        self.inner.settings().persist_prefix.clone()
    }

    /// Remembers the client id of a browser login (for `logout`).
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(super) fn set_oauth_client_id(&self, client_id: &str) {
        let _ = self.update(|s| {
            s.oauth_client_id = Some(client_id.to_owned());
            Ok(())
        });
    }

    /// The client id of the last browser login.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(super) fn oauth_client_id(&self) -> Option<String> {
        self.inner.settings().oauth_client_id.clone()
    }

    /// Where persisted tokens go.
    pub fn set_token_store(&self, store: Arc<dyn TokenStore>) {
        let _ = self.update(|s| {
            s.store = store;
            Ok(())
        });
    }

    /// The retry policy of every request (per-request settings win).
    pub fn set_retry_config(&self, retry: RetryConfig) {
        let _ = self.update(|s| {
            s.retry = retry;
            Ok(())
        });
    }

    /// The client's retry policy.
    pub fn retry_config(&self) -> RetryConfig {
        self.inner.settings().retry.clone()
    }

    /// The most bytes a response body may have (see [`DEFAULT_MAX_RESPONSE_BYTES`]; per-request
    /// settings win).
    pub fn set_max_response_bytes(&self, max: u64) {
        let _ = self.update(|s| {
            s.max_response_bytes = max;
            Ok(())
        });
    }

    /// The timeout of each request attempt (default [`DEFAULT_TIMEOUT`]; `None`: no timeout,
    /// a call then waits as long as the server does; per-request settings win).
    pub fn set_timeout(&self, timeout: Option<Duration>) {
        let _ = self.update(|s| {
            s.timeout = timeout;
            Ok(())
        });
    }

    /// Whether expired or refused (401) tokens are renewed automatically (default: yes).
    pub fn set_should_refresh_access_token(&self, yes: bool) {
        let _ = self.update(|s| {
            s.refresh_access_token = yes;
            Ok(())
        });
    }

    /// How long a request waits for another request's re-authentication before failing
    /// (default 10 s).
    pub fn set_refresh_token_wait_max(&self, d: Duration) {
        let _ = self.update(|s| {
            s.refresh_token_wait_max = d;
            Ok(())
        });
    }

    /// Adds (or replaces) a header sent with every request; an invalid name or value is an
    /// [`ErrorKind::InvalidInput`] error.
    pub fn set_default_header(&self, name: &str, value: &str) -> Result<(), Error> {
        let (n, v) = header_pair(name, value)?;
        self.update(|s| {
            s.default_headers.insert(n, v);
            Ok(())
        })
    }

    /// Stops sending a default header.
    pub fn remove_default_header(&self, name: &str) {
        let _ = self.update(|s| {
            s.default_headers.remove(name);
            Ok(())
        });
    }

    /// The official SDKs' `setDebugLog(log, maxLines)`: `hook` receives the trace of each
    /// request (method, URL, headers, body) and of each response (status, headers, body
    /// pretty-printed and cut to `max_lines` lines when given). The `Authorization` header,
    /// secrets, tokens and assertions are always redacted.
    pub fn set_debug_log(
        &self,
        hook: impl Fn(&str) + Send + Sync + 'static,
        max_lines: Option<usize>,
    ) {
        let _ = self.update(|s| {
            s.debug_log = Some(DebugLog {
                hook: Arc::new(hook),
                max_lines,
            });
            Ok(())
        });
    }

    /// Stops the debug log.
    pub fn clear_debug_log(&self) {
        let _ = self.update(|s| {
            s.debug_log = None;
            Ok(())
        });
    }

    /// Configures the SDK's logger (the config file's `[logging]`); opens the log file.
    pub fn set_logging(&self, config: LogConfig) -> Result<(), Error> {
        let logger = Logger::open(&config)?;
        self.update(|s| {
            s.log_config = config;
            s.logger = logger;
            Ok(())
        })
    }

    /// Adds a pre-request hook (see [`PreRequestHook`]).
    pub fn add_pre_request_hook(
        &self,
        hook: impl Fn(&mut HttpRequest) -> Result<(), Error> + Send + Sync + 'static,
    ) {
        let _ = self.update(|s| {
            s.pre_hooks.push(Arc::new(hook));
            Ok(())
        });
    }

    /// Adds a post-request hook (see [`PostRequestHook`]).
    pub fn add_post_request_hook(
        &self,
        hook: impl Fn(&HttpRequest, Result<&HttpResponse, &TransportError>) + Send + Sync + 'static,
    ) {
        let _ = self.update(|s| {
            s.post_hooks.push(Arc::new(hook));
            Ok(())
        });
    }

    /// Removes every pre- and post-request hook.
    pub fn clear_hooks(&self) {
        let _ = self.update(|s| {
            s.pre_hooks.clear();
            s.post_hooks.clear();
            Ok(())
        });
    }

    /// Applies a configuration file's settings (environment, gateway, retry, re-authentication,
    /// logging).
    pub fn apply_config(&self, config: &ConfigFile) -> Result<(), Error> {
        self.update(|s| {
            apply_config(s, config)?;
            s.logger = Logger::open(&s.log_config)?;
            Ok(())
        })
    }

    /// Reads a configuration file (and the `GENESYSCLOUD_*` variables) and applies it: how to
    /// reload the configuration.
    pub fn load_config_file(&self, path: impl AsRef<Path>) -> Result<(), Error> {
        let mut c = ConfigFile::load(path)?;
        c.apply_env(|k| std::env::var(k).ok())?;
        self.apply_config(&c)
    }

    #[cfg(all(feature = "reqwest", not(target_arch = "wasm32")))]
    fn rebuild_transport(&self, f: impl FnOnce(&mut TransportOptions)) -> Result<(), Error> {
        let mut slot = self
            .inner
            .transport
            .write()
            .unwrap_or_else(|e| e.into_inner());
        let Some(mut o) = slot.options.clone() else {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                "proxy, mTLS, CA and connect-timeout options apply to the built-in transport, not to a custom one: configure your transport instead",
            ));
        };
        f(&mut o);
        slot.transport = Arc::new(super::transport::ReqwestTransport::with_options(&o)?);
        slot.options = Some(o);
        Ok(())
    }

    /// Sets (or with `None` removes) the proxy of the built-in transport.
    #[cfg(all(feature = "reqwest", not(target_arch = "wasm32")))]
    pub fn set_proxy(&self, proxy: Option<ProxyConfig>) -> Result<(), Error> {
        self.rebuild_transport(|o| o.proxy = proxy)
    }

    /// Sets the connect timeout of the built-in transport.
    #[cfg(all(feature = "reqwest", not(target_arch = "wasm32")))]
    pub fn set_connect_timeout(&self, timeout: Option<Duration>) -> Result<(), Error> {
        self.rebuild_transport(|o| o.connect_timeout = timeout)
    }

    /// mTLS from PEM files (the official SDKs' `setMTLSCertificates`): the client certificate,
    /// its private key, and optionally a CA certificate to trust. Verification stays on.
    #[cfg(all(feature = "reqwest", not(target_arch = "wasm32")))]
    pub fn set_mtls_certificates(
        &self,
        cert_path: impl AsRef<Path>,
        key_path: impl AsRef<Path>,
        ca_path: Option<&Path>,
    ) -> Result<(), Error> {
        let (id, ca) = read_mtls_files(cert_path.as_ref(), key_path.as_ref(), ca_path)?;
        self.rebuild_transport(|o| {
            o.identity_pem = Some(id);
            o.ca_pem = ca.into_iter().collect();
        })
    }

    /// mTLS from PEM contents (the official SDKs' `setMTLSContents`).
    #[cfg(all(feature = "reqwest", not(target_arch = "wasm32")))]
    pub fn set_mtls_contents(
        &self,
        cert_pem: &[u8],
        key_pem: &[u8],
        ca_pem: Option<&[u8]>,
    ) -> Result<(), Error> {
        let id = identity_pem(cert_pem, key_pem);
        self.rebuild_transport(|o| {
            o.identity_pem = Some(id);
            o.ca_pem = ca_pem.map(|c| vec![c.to_vec()]).unwrap_or_default();
        })
    }

    /// Sends a request and decodes the body as `T` (what generated `.send()` calls).
    pub fn execute<T>(self, request: ApiRequest) -> ResponseFuture<T> {
        ResponseFuture::new(self.send_raw(request))
    }

    /// Sends a request; resolves to the extended response (what `.send_extended()` calls).
    pub fn execute_extended<T>(self, request: ApiRequest) -> ExtendedFuture<T> {
        ExtendedFuture::new(self.send_raw(request))
    }

    /// The one request pipeline: token (renewed when expired), retries, transport; a 401
    /// renews the token and resends once; a non-2xx answer becomes an error. Not generic:
    /// every operation shares this code.
    ///
    /// Each call runs in a `tracing` span `genesys_cloud.call` (INFO) with the operation id,
    /// method and path template, and once it ends its status, `inin-correlation-id`, error kind
    /// and duration: the per-attempt events (`sending request`, `response`, `retrying`, token
    /// renewals) are inside it.
    pub fn send_raw(self, request: ApiRequest) -> BoxFuture<'static, Result<RawResponse, Error>> {
        use tracing::field::Empty;
        use tracing::Instrument;
        let span = tracing::info_span!(
            "genesys_cloud.call",
            operation = request.operation_id(),
            method = %request.method(),
            path = request.path_template(),
            status = Empty,
            correlation_id = Empty,
            error = Empty,
            duration_ms = Empty,
        );
        let record = span.clone();
        Box::pin(
            async move {
                let watch = (!record.is_disabled()).then(Stopwatch::start);
                let result = self.inner.run(request).await;
                if let Some(watch) = watch {
                    let (status, id) = match &result {
                        Ok(r) => (Some(r.status), super::response::correlation_id(&r.headers)),
                        Err(e) => {
                            record.record("error", tracing::field::debug(e.kind()));
                            (e.status(), e.correlation_id())
                        }
                    };
                    if let Some(st) = status {
                        record.record("status", st);
                    }
                    if let Some(id) = id {
                        record.record("correlation_id", id);
                    }
                    if let Some(d) = watch.elapsed() {
                        record.record("duration_ms", d.as_millis() as u64);
                    }
                }
                result
            }
            .instrument(span),
        )
    }
}

/// The effective retry policy of one request.
fn request_retry(s: &Settings, req: &ApiRequest) -> RetryConfig {
    let o = req.options();
    let mut r = o.retry.clone().unwrap_or_else(|| s.retry.clone());
    if let Some(n) = o.max_retries {
        r.max_retries = n;
    }
    if let Some(b) = o.retry_non_idempotent {
        r.retry_non_idempotent = b;
    }
    r
}

/// One exchange with a user's transport within the request's bounds, whatever it does: at most
/// its timeout (plus a grace for the transport to report it itself) and a body within its
/// limit (a non-2xx body is cut there, as the built-in transport does).
async fn bounded(
    exchange: BoxFuture<'static, Result<HttpResponse, TransportError>>,
    timeout: Option<Duration>,
    max: Option<u64>,
) -> Result<HttpResponse, TransportError> {
    let result = match timeout {
        Some(t) => match race(exchange, sleep(t.saturating_add(TIMEOUT_GRACE))).await {
            Either::Left(r) => r,
            Either::Right(()) => {
                return Err(TransportError::Timeout(format!(
                    "no response within the timeout of {} ms",
                    t.as_millis()
                )))
            }
        },
        None => exchange.await,
    };
    let mut resp = result?;
    let (limit, cut) = super::transport::body_limit(resp.status, max);
    if resp.body.len() as u64 > limit {
        if !cut {
            return Err(super::transport::too_large(limit, "received"));
        }
        resp.body.truncate(limit as usize);
        resp.truncated = true;
    }
    Ok(resp)
}

fn transport_error(e: TransportError, op: &'static str) -> Error {
    let kind = match e {
        TransportError::Timeout(_) => ErrorKind::Timeout,
        _ => ErrorKind::Transport,
    };
    Error::new(kind, e.to_string())
        .with_source(e)
        .with_operation(op)
}

impl Inner {
    fn settings(&self) -> Arc<Settings> {
        self.settings
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The transport, and whether it is the built-in one (see [`TransportSlot::built_in`]).
    fn transport(&self) -> (Arc<dyn HttpTransport>, bool) {
        let slot = self.transport.read().unwrap_or_else(|e| e.into_inner());
        (slot.transport.clone(), slot.built_in)
    }

    fn persist(&self, s: &Settings) {
        if let Some(prefix) = &s.persist_prefix {
            if let Some(t) = self.auth.stored() {
                if let Err(e) = s.store.save(prefix, &t) {
                    tracing::warn!(error = %e, "could not persist the access token");
                }
            }
        }
    }

    fn base_headers(s: &Settings) -> HeaderMap {
        let mut headers = s.default_headers.clone();
        // In a browser the user agent is the browser's: fetch cannot set it (and asking for it
        // would make every request a CORS preflight with one more header to allow).
        #[cfg(not(target_arch = "wasm32"))]
        headers.insert(
            http::header::USER_AGENT,
            HeaderValue::from_static(USER_AGENT_VALUE),
        );
        headers.insert(
            HeaderName::from_static("purecloud-sdk"),
            HeaderValue::from_static(SDK_VERSION),
        );
        headers
    }

    /// The request without `Authorization` (added per attempt, since the token may change).
    fn http_request(&self, s: &Settings, mut req: ApiRequest) -> Result<HttpRequest, Error> {
        let op = req.operation_id();
        req.check().map_err(|e| e.with_operation(op))?;
        let base = &s.endpoints.api_base;
        let mut url =
            String::with_capacity(base.len() + req.path().len() + req.query_string().len() + 1);
        url.push_str(base);
        url.push_str(req.path());
        if !req.query_string().is_empty() {
            url.push('?');
            url.push_str(req.query_string());
        }
        let mut headers = s.base_headers.clone();
        headers.insert(ACCEPT, HeaderValue::from_static(req.accept()));
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
        h.operation = Some(op);
        h.timeout = req.options().timeout.or(s.timeout);
        h.max_response_bytes = Some(
            req.options()
                .max_response_bytes
                .unwrap_or(s.max_response_bytes),
        );
        Ok(h)
    }

    async fn run(&self, req: ApiRequest) -> Result<RawResponse, Error> {
        let s = self.settings();
        let op = req.operation_id();
        let needs_auth = req.requires_auth();
        let retry = request_retry(&s, &req);
        let template = self.http_request(&s, req)?;
        let mut renewed = false;
        loop {
            let mut version = 0;
            let bearer;
            if needs_auth {
                let mut snap = self.auth.snapshot();
                if snap.expired && snap.can_reauth && s.refresh_access_token && !renewed {
                    renewed = true;
                    tracing::debug!(operation = op, "the access token expired: renewing it");
                    self.reauthenticate(&s, snap.version)
                        .await
                        .map_err(|e| e.with_operation(op))?;
                    snap = self.auth.snapshot();
                }
                version = snap.version;
                if snap.bad_token {
                    return Err(Error::new(
                        ErrorKind::InvalidInput,
                        "the access token contains characters not allowed in a header",
                    )
                    .with_operation(op));
                }
                bearer = snap.bearer;
            } else {
                // An operation the spec marks `security: []` still carries the token when the
                // client has one, as the official SDKs send it (`deleteWebdeploymentsTokenRevoke`
                // takes its JWT only there); it is never renewed or required for them.
                bearer = self.auth.snapshot().bearer;
            }
            let resp = self
                .send(&s, &retry, op, &template, bearer.as_ref())
                .await?;
            if resp.status == 401
                && needs_auth
                && !renewed
                && s.refresh_access_token
                && self.auth.snapshot().can_reauth
            {
                let snap = self.auth.snapshot();
                if snap.fresh && snap.version == version {
                    // The token this request used was obtained moments ago and is refused
                    // already: renewing again would only repeat that (one token request per
                    // call against a service that refuses every token).
                    tracing::warn!(
                        operation = op,
                        "401 Unauthorized with a token obtained less than {} s ago: not renewing it again",
                        auth::MIN_RENEWAL_INTERVAL.as_secs()
                    );
                    return Err(Error::from_response(
                        resp.status,
                        resp.headers,
                        resp.body,
                        Some(op),
                    ));
                }
                renewed = true;
                tracing::info!(
                    operation = op,
                    "401 Unauthorized: renewing the access token and resending once"
                );
                self.reauthenticate(&s, version)
                    .await
                    .map_err(|e| e.with_operation(op))?;
                continue;
            }
            if !(200..300).contains(&resp.status) {
                return Err(Error::from_response(
                    resp.status,
                    resp.headers,
                    resp.body,
                    Some(op),
                ));
            }
            return Ok(RawResponse {
                status: resp.status,
                headers: resp.headers,
                body: resp.body,
                operation: op,
            });
        }
    }

    /// Sends one request with retries; the final response whatever its status, or the
    /// transport error of the last attempt.
    async fn send(
        &self,
        s: &Settings,
        retry: &RetryConfig,
        op: &'static str,
        template: &HttpRequest,
        bearer: Option<&HeaderValue>,
    ) -> Result<HttpResponse, Error> {
        let mut retries = 0u32;
        let mut waited = Duration::ZERO;
        loop {
            let attempt = retries + 1;
            let mut req = template.clone();
            if let Some(v) = bearer {
                req.headers.insert(AUTHORIZATION, v.clone());
            }
            for hook in &s.pre_hooks {
                hook(&mut req).map_err(|e| e.with_operation(op))?;
            }
            if let Some(d) = &s.debug_log {
                (d.hook)(&logging::request_trace(op, attempt, &req));
            }
            tracing::debug!(operation = op, method = %req.method, url = %req.url, attempt, "sending request");
            // The transport takes the request; it is copied only when something looks at it
            // after the exchange (the debug log, the logger, post hooks).
            let keep = s.debug_log.is_some() || s.logger.is_some() || !s.post_hooks.is_empty();
            let method = req.method.clone();
            let (transport, built_in) = self.transport();
            let watch = Stopwatch::start();
            let (timeout, max) = (req.timeout, req.max_response_bytes);
            let (exchange, sent) = if keep {
                (transport.send(req.clone()), Some(req))
            } else {
                (transport.send(req), None)
            };
            let result = if built_in {
                exchange.await
            } else {
                bounded(exchange, timeout, max).await
            };
            let elapsed = watch.elapsed();
            if let Some(req) = &sent {
                let x = Exchange {
                    operation: op,
                    attempt,
                    request: req,
                    outcome: result.as_ref(),
                    elapsed,
                };
                if let Some(d) = &s.debug_log {
                    (d.hook)(&logging::response_trace(&x, d.max_lines));
                }
                if let Some(l) = &s.logger {
                    l.log(&x);
                }
                for hook in &s.post_hooks {
                    hook(req, result.as_ref());
                }
            }
            let ms = elapsed.map(|d| d.as_millis() as u64).unwrap_or(0);
            let outcome = match &result {
                Ok(r) => {
                    tracing::debug!(
                        operation = op,
                        status = r.status,
                        elapsed_ms = ms,
                        attempt,
                        "response"
                    );
                    Attempt::Status(r.status, &r.headers)
                }
                Err(e) => {
                    tracing::debug!(operation = op, error = %e, elapsed_ms = ms, attempt, "no response");
                    Attempt::Failed(e)
                }
            };
            match retry::decide(retry, &method, &outcome, retries, waited) {
                Verdict::Retry(wait) => {
                    let what = match &result {
                        Ok(r) => r.status.to_string(),
                        Err(e) => e.to_string(),
                    };
                    tracing::warn!(operation = op, outcome = %what, wait_ms = wait.as_millis() as u64, retry = retries + 1, "retrying");
                    if let Some(d) = &s.debug_log {
                        (d.hook)(&format!(
                            "=== RETRY ({op}) === {what}: waiting {} ms before attempt {}\n",
                            wait.as_millis(),
                            attempt + 1
                        ));
                    }
                    sleep(wait).await;
                    waited += wait;
                    retries += 1;
                }
                Verdict::Exhausted(why) => {
                    tracing::warn!(operation = op, retries, "not retrying: {why}");
                    return result.map_err(|e| transport_error(e, op));
                }
                Verdict::Final => return result.map_err(|e| transport_error(e, op)),
            }
        }
    }

    /// A token request through the same retries, logging and hooks as API requests.
    async fn token_request(&self, s: &Settings, tr: &TokenRequest) -> Result<AuthData, Error> {
        let mut headers = s.base_headers.clone();
        tr.headers(&mut headers);
        let url = format!("{}/oauth/token", s.endpoints.login_base);
        let mut req = HttpRequest::new(Method::POST, url, headers);
        req.body = Some(tr.body());
        req.timeout = s.timeout;
        req.max_response_bytes = Some(TOKEN_MAX_RESPONSE_BYTES.min(s.max_response_bytes));
        let what = tr.operation;
        req.operation = Some(what);
        let resp = self
            .send(s, &s.retry, what, &req, None)
            .await
            .map_err(|e| {
                let m = format!("{what} failed: {}", e.message());
                // An oversized answer is the login service's garbage, not the network's.
                let too_large = std::error::Error::source(&e)
                    .and_then(|s| s.downcast_ref::<TransportError>())
                    .is_some_and(|t| matches!(t, TransportError::TooLarge(_)));
                let kind = if too_large { ErrorKind::Auth } else { e.kind() };
                Error::new(kind, m).with_source(e)
            })?;
        auth::parse_token_response(what, resp.status, &resp.headers, &resp.body)
            .map_err(|e| e.scrub(&tr.secrets()))
    }

    async fn login(&self, tr: TokenRequest, grant: Option<Arc<Grant>>) -> Result<AuthData, Error> {
        let s = self.settings();
        let data = self.token_request(&s, &tr).await?;
        self.auth.set_from_grant(&data, Some(grant));
        self.persist(&s);
        tracing::info!(
            grant = tr.operation,
            expires_in_s = data.expires_in().map(|d| d.as_secs()),
            "logged in"
        );
        Ok(data)
    }

    /// Renews the token once for every request that saw version `seen` (single flight).
    async fn reauthenticate(&self, s: &Settings, seen: u64) -> Result<(), Error> {
        let result = self
            .auth
            .single_flight(
                seen,
                s.refresh_token_wait_max,
                |grant, refresh| async move {
                    let tr = grant.renewal(refresh.as_ref())?;
                    self.token_request(s, &tr).await
                },
            )
            .await;
        match result {
            // Saved by the request that renewed, not again by each one that waited for it.
            Ok(renewed) => {
                if renewed {
                    self.persist(s);
                }
                Ok(())
            }
            Err(e) => {
                tracing::warn!(error = %e, "re-authentication failed");
                let kind = if e.kind() == ErrorKind::InvalidInput {
                    ErrorKind::Auth
                } else {
                    e.kind()
                };
                let mut out =
                    Error::new(kind, format!("re-authentication failed: {}", e.message()));
                if let Some(r) = e.response().cloned() {
                    out = out.with_response(r);
                }
                Err(out.with_source(e))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builder() -> ClientBuilder {
        Client::builder()
            .no_config_file()
            .token_store(Arc::new(MemoryTokenStore::new()))
    }

    #[test]
    fn builder_rejects_bad_input_and_redacts_the_token() {
        assert!(builder().base_url("ftp://x").build().is_err());
        let e = builder()
            .default_header("bad name", "v")
            .build()
            .unwrap_err();
        assert!(e.message().contains("bad name"));
        let e = builder()
            .default_header("x-ok", "line\nbreak")
            .build()
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        let c = builder().access_token("SECRET-TOKEN").build().unwrap();
        assert!(!format!("{c:?}").contains("SECRET-TOKEN"));
        assert!(c.has_access_token());
        assert!(builder().environment("").is_err());
    }

    #[test]
    fn endpoints_follow_environment_base_url_and_gateway() {
        let c = builder().build().unwrap();
        assert_eq!(c.base_url(), "https://api.mypurecloud.com");
        assert_eq!(c.login_base_url(), "https://login.mypurecloud.com");
        c.set_environment("https://api.mypurecloud.ie/").unwrap();
        assert_eq!(c.base_url(), "https://api.mypurecloud.ie");
        assert_eq!(c.login_base_url(), "https://login.mypurecloud.ie");
        assert_eq!(c.environment(), "mypurecloud.ie");
        assert!(c.set_environment("not a host").is_err());
        assert_eq!(
            c.environment(),
            "mypurecloud.ie",
            "a bad value changes nothing"
        );
        c.set_region(Region::ApNortheast2);
        assert_eq!(c.login_base_url(), "https://login.apne2.pure.cloud");
        c.set_gateway(
            Gateway::new("gw.local")
                .protocol("http")
                .port(8080)
                .login_path("login")
                .api_path("/api/"),
        )
        .unwrap();
        assert_eq!(c.base_url(), "http://gw.local:8080/api");
        assert_eq!(c.login_base_url(), "http://gw.local:8080/login");
        assert!(c.set_gateway(Gateway::new("")).is_err());
        c.clear_gateway();
        assert_eq!(c.base_url(), "https://api.apne2.pure.cloud");

        let c = builder().base_url("http://127.0.0.1:9/").build().unwrap();
        assert_eq!(c.base_url(), "http://127.0.0.1:9");
        assert_eq!(c.login_base_url(), "http://127.0.0.1:9");
        let c = builder()
            .region(Region::EuCentral2)
            .login_base_url("http://127.0.0.1:1")
            .build()
            .unwrap();
        assert_eq!(c.base_url(), "https://api.euc2.pure.cloud");
        assert_eq!(c.login_base_url(), "http://127.0.0.1:1");
    }

    #[test]
    fn pkce_authorize_url() {
        let c = builder().base_url("http://h:1").build().unwrap();
        assert_eq!(
            c.pkce_authorize_url("cid", "http://localhost:8080/cb", "CH", Some("s 1")),
            "http://h:1/oauth/authorize?response_type=code&client_id=cid&redirect_uri=http://localhost:8080/cb&code_challenge=CH&code_challenge_method=S256&state=s%201"
        );
    }

    #[test]
    fn default_headers_are_checked() {
        let c = builder().build().unwrap();
        assert!(c.set_default_header("x-app", "me").is_ok());
        assert!(c
            .set_default_header("x app", "me")
            .unwrap_err()
            .message()
            .contains("x app"));
        assert!(c.set_default_header("x-app", "a\u{7}").is_err());
        c.remove_default_header("x-app");
    }
}
