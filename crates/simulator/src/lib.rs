//! A local simulator of the Genesys Cloud (PureCloud) Platform API v2 and its login service,
//! driven by the Swagger 2.0 spec in `spec/platform-api-v2.json`.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use purecloud_simulator::{Simulator, SimulatorConfig};
//! let sim = Simulator::start(SimulatorConfig::default()).await?;
//! println!("{}", sim.base_url()); // http://127.0.0.1:PORT
//! let token = sim.issue_token(Some("sim.user@example.com"));
//! // GET {base_url}/api/v2/users/me with "Authorization: Bearer {token}"
//! # let _ = token;
//! sim.shutdown().await;
//! # Ok(())
//! # }
//! ```
//!
//! * Login: `POST /oauth/token` (client credentials, authorization code, PKCE, refresh token,
//!   SAML2 bearer, password), `GET /oauth/authorize` (implicit and code), `GET /logout`.
//! * Every operation of the spec under `/api/v2`, with bearer authentication, typed parameters,
//!   body validation and full, deterministic generated answers; users, presence, permissions,
//!   roles, divisions, groups and routing queues are stateful.
//! * `inin-correlation-id` and `inin-ratelimit-*` headers, an optional rate limit, CORS.
//! * Faults on demand: [`FaultHandle`], `POST /__sim/faults`, or the `x-sim-fault` header.

pub mod config;
pub mod error;
pub mod faults;
pub mod generate;
pub mod pattern;
pub mod spec;
pub mod validate;

mod api;
mod auth;
mod protocol;
mod reply;
mod router;
mod server;
mod state;
mod user_resources;
mod util;

use std::net::SocketAddr;
use std::sync::{Arc, PoisonError};

use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use config::{
    OAuthClient, SimUser, SimulatorConfig, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET,
    DEFAULT_PASSWORD, DEFAULT_REDIRECT_URI, DEFAULT_USERNAME, DEFAULT_USER_ID,
};
pub use error::ApiError;
pub use faults::{Fault, FaultAction, FaultHandle, FaultRule, FaultTarget};
pub use generate::{generate, GenOptions};
pub use router::RouteMatch;
pub use spec::{
    Constraints, Operation, Param, ParamIn, ParamType, Property, Schema, Spec, StrFormat,
};
pub use validate::{validate, ValidateOptions, ValidationError};

/// PKCE S256 code challenge of a verifier: BASE64URL-NOPAD(SHA256(verifier)).
pub fn pkce_challenge(verifier: &str) -> String {
    auth::pkce_challenge(verifier)
}

/// A running simulator. Dropping it stops the server (as [`Simulator::shutdown`] does, without
/// waiting).
pub struct Simulator {
    inner: Arc<server::Inner>,
    addr: SocketAddr,
    shutdown: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
    /// The runtime of a simulator started with [`Simulator::start_blocking`].
    runtime: Option<tokio::runtime::Runtime>,
}

impl Simulator {
    /// Loads the spec (the embedded one, parsed once per process, unless `config.spec_path`),
    /// seeds the stores, binds `config.host:config.port` (an ephemeral port by default) and
    /// starts serving on the current Tokio runtime.
    pub async fn start(mut config: SimulatorConfig) -> std::io::Result<Simulator> {
        if config.users.is_empty() {
            config.users = SimulatorConfig::default().users;
        }
        let spec = match config.spec_path.clone() {
            Some(path) => {
                let spec = tokio::task::spawn_blocking(move || Spec::from_file(&path))
                    .await
                    .map_err(std::io::Error::other)?
                    .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
                Arc::new(spec)
            }
            None => tokio::task::spawn_blocking(Spec::embedded)
                .await
                .map_err(std::io::Error::other)?,
        };
        let inner = Arc::new(server::Inner::new(spec, config));
        let (tx, rx) = watch::channel(false);
        let (addr, task) = server::start(inner.clone(), rx).await?;
        Ok(Simulator {
            inner,
            addr,
            shutdown: tx,
            task: Some(task),
            runtime: None,
        })
    }

    /// Starts the simulator on a runtime of its own (one worker thread). Usable from synchronous
    /// code, and shareable by tests that each have their own Tokio runtime (e.g. kept in a
    /// `static OnceLock<Simulator>`); [`Simulator::start`] serves on the caller's runtime and
    /// stops with it.
    pub fn start_blocking(config: SimulatorConfig) -> std::io::Result<Simulator> {
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .thread_name("purecloud-simulator")
                .enable_all()
                .build()?;
            let mut sim = rt.block_on(Simulator::start(config))?;
            sim.runtime = Some(rt);
            Ok(sim)
        })
        .join()
        .map_err(|_| std::io::Error::other("the simulator's start-up thread panicked"))?
    }

    /// `http://HOST:PORT`; serves the login service (`/oauth/...`) and the API (`/api/v2/...`).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Programs faults at runtime.
    pub fn faults(&self) -> FaultHandle {
        self.inner.faults.clone()
    }

    /// Mints a valid access token. `None`: a client-credentials token (no user context).
    /// `Some(u)`: a user token, `u` being a user id, username or email; an unknown value is
    /// taken as a user id.
    pub fn issue_token(&self, user: Option<&str>) -> String {
        self.inner.issue_token(user)
    }

    /// The spec being served.
    pub fn spec(&self) -> &Arc<Spec> {
        &self.inner.spec
    }

    /// The configuration it runs with.
    pub fn config(&self) -> &SimulatorConfig {
        &self.inner.config
    }

    /// Restores the seeded stores (users, roles, …) and clears the fault rules.
    pub fn reset_state(&self) {
        *self
            .inner
            .store
            .lock()
            .unwrap_or_else(PoisonError::into_inner) =
            state::Store::seeded(&self.inner.spec, &self.inner.config);
        self.inner.faults.clear();
    }

    /// Stops accepting connections, closes the open ones and waits for the server task.
    pub async fn shutdown(mut self) {
        let _ = self.shutdown.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}
