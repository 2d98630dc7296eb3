//! The hand-written runtime the generated operations call: one non-generic request pipeline
//! (auth → retries → transport), plus environments, grants, token persistence, logging and
//! configuration.

mod auth;
mod browser;
mod client;
mod clock;
mod config;
mod error;
#[cfg(fuzzing)]
#[doc(hidden)]
pub mod fuzz_entry;
mod hooks;
mod logging;
pub mod mock;
mod region;
mod request;
mod response;
mod retry;
mod store;
mod transport;

pub use auth::{compute_pkce_code_challenge, generate_pkce_code_verifier, AuthData};
#[cfg(target_arch = "wasm32")]
pub use browser::LocalStorageTokenStore;
pub use browser::{LoginOptions, OAuthRedirect};
pub use client::{
    Client, ClientBuilder, DEFAULT_BASE_URL, DEFAULT_ENVIRONMENT, DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_TIMEOUT, SDK_VERSION, TOKEN_MAX_RESPONSE_BYTES, USER_AGENT_VALUE,
};
pub use config::{ConfigFile, CONFIG_FILE_ENV};
pub use error::{Error, ErrorKind, ErrorResponse};
pub use hooks::{PostRequestHook, PreRequestHook};
pub use logging::{DebugLogHook, LogConfig, LogFormat, LogLevel, REDACTED};
pub use mock::{MockCall, MockRule, MockTransport};
pub use region::{normalize_environment, Gateway, Region};
pub use request::{ApiRequest, Method, ParamValue, QueryParam, RequestBuilder, RequestOptions};
pub use response::{decode, ApiResponse, ExtendedFuture, RawResponse, ResponseFuture};
pub use retry::RetryConfig;
#[cfg(not(target_arch = "wasm32"))]
pub use store::FileTokenStore;
pub use store::{MemoryTokenStore, StoredToken, TokenStore, DEFAULT_PERSIST_PREFIX};
#[cfg(feature = "reqwest")]
pub use transport::ReqwestTransport;
pub use transport::{
    BoxFuture, HttpRequest, HttpResponse, HttpTransport, TransportError, DEFAULT_CONNECT_TIMEOUT,
    ERROR_BODY_MAX_BYTES,
};
#[cfg(all(feature = "reqwest", not(target_arch = "wasm32")))]
pub use transport::{ProxyConfig, TransportOptions};
