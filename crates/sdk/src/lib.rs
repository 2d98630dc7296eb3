//! # purecloud-platform-client-v2
//!
//! The Rust client SDK for the Genesys Cloud (formerly PureCloud) Platform API v2: every
//! operation of the API as a typed request builder, named as in the official SDKs
//! (`UsersApi::get_users_me` is `UsersApi.getUsersMe`).
//!
//! - [`api`]: one `XxxApi` type per API group, each behind a cargo feature of the same name
//!   (`users`, `routing`, `telephony-providers-edge`, ...; `full` for all).
//! - [`models`]: every definition of the API as a struct (all fields optional, unknown fields and
//!   enum values kept), with a fast JSON codec.
//! - [`Client`]: configuration, the access token and the request pipeline.
//! - [`Error`]: the one error type; API errors carry the whole response.
//!
//! ```no_run
//! # async fn demo() -> Result<(), purecloud_platform_client_v2::Error> {
//! use purecloud_platform_client_v2::{api::AuthorizationApi, Client};
//! let client = Client::builder().environment("mypurecloud.ie")?.access_token("token").build()?;
//! let permissions = AuthorizationApi::new(&client).get_authorization_permissions().send().await?;
//! println!("{} permissions", permissions.total.unwrap_or(0));
//! # Ok(()) }
//! ```

#![warn(missing_debug_implementations)]
// docs.rs builds every feature with `--cfg docsrs`: each item then says which feature enables it.
#![cfg_attr(docsrs, feature(doc_cfg))]

/// Every definition of the Platform API (the ones the enabled features need), and the JSON
/// codec ([`models::json`]). The models live in four crates (a shared one, then three parts
/// that compile in parallel); this module re-exports them flat.
pub mod models {
    // A part crate may have no model for the enabled features (e.g. `users` alone).
    #![allow(unused_imports)]
    pub use ::models::*;
    pub use ::models_part1::*;
    pub use ::models_part2::*;
    pub use ::models_part3::*;
}

pub mod runtime;
/// Entry points for the fuzz targets (`fuzz/`, `docs/fuzzing.md`); only with `--cfg fuzzing`.
#[cfg(fuzzing)]
#[doc(hidden)]
pub use runtime::fuzz_entry as __fuzz;
#[cfg(not(target_arch = "wasm32"))]
pub use runtime::FileTokenStore;
#[cfg(target_arch = "wasm32")]
pub use runtime::LocalStorageTokenStore;
#[cfg(all(feature = "reqwest", not(target_arch = "wasm32")))]
pub use runtime::ProxyConfig;
pub use runtime::{
    compute_pkce_code_challenge, generate_pkce_code_verifier, ApiRequest, ApiResponse, AuthData,
    Client, ClientBuilder, ConfigFile, Error, ErrorKind, ErrorResponse, Gateway, LogConfig,
    LogFormat, LogLevel, LoginOptions, MemoryTokenStore, MockTransport, OAuthRedirect, Region,
    RequestBuilder, RetryConfig, StoredToken, TokenStore,
};

#[allow(
    clippy::all,
    rustdoc::broken_intra_doc_links,
    rustdoc::invalid_html_tags,
    rustdoc::bare_urls
)]
#[rustfmt::skip]
mod generated;

/// The API groups: one `XxxApi` type per group, each compiled with its cargo feature.
pub mod api {
    pub use crate::generated::api::*;
}
