//! What every example shares: where it runs. With `GENESYS_CLOUD_CLIENT_ID` and
//! `GENESYS_CLOUD_CLIENT_SECRET` set (and `GENESYS_CLOUD_ENVIRONMENT`, default
//! `mypurecloud.com`), against that Genesys Cloud org; otherwise against the local Platform API
//! simulator, started in this process on a free port.
//!
//! Not an example itself: a directory without `main.rs` is not picked up by Cargo; each example
//! includes it with `mod support;`.

// Each example uses part of it.
#![allow(dead_code)]

use purecloud_platform_client_v2::{AuthData, Client, ClientBuilder, Error, ErrorKind};
use purecloud_simulator::{Simulator, SimulatorConfig};
use std::path::{Path, PathBuf};

/// Where an example runs: a client (not logged in yet) and the credentials to log it in.
pub struct Target {
    /// A client for the target, not logged in.
    pub client: Client,
    /// A client-credentials OAuth client.
    pub client_id: String,
    pub client_secret: String,
    /// The simulator, when running offline (kept alive for the whole run).
    pub sim: Option<Simulator>,
}

impl Target {
    /// Another client builder for the same target (a second client, other settings).
    pub fn builder(&self) -> Result<ClientBuilder, Error> {
        let b = Client::builder().no_config_file();
        Ok(match &self.sim {
            Some(sim) => b.base_url(sim.base_url()).login_base_url(sim.base_url()),
            None => b.environment(&self.client.environment())?,
        })
    }

    /// Logs the target's client in with its client credentials.
    pub async fn login(&self) -> Result<AuthData, Error> {
        self.client
            .login_client_credentials_grant(&self.client_id, &self.client_secret)
            .await
    }
}

/// A non-empty environment variable.
pub fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// The real org when its credentials are in the environment, else the embedded simulator.
pub async fn target() -> Result<Target, Error> {
    if let (Some(client_id), Some(client_secret)) = (
        env("GENESYS_CLOUD_CLIENT_ID"),
        env("GENESYS_CLOUD_CLIENT_SECRET"),
    ) {
        let environment =
            env("GENESYS_CLOUD_ENVIRONMENT").unwrap_or_else(|| "mypurecloud.com".into());
        println!("Using the real Genesys Cloud environment {environment}.");
        let client = Client::builder().environment(&environment)?.build()?;
        return Ok(Target {
            client,
            client_id,
            client_secret,
            sim: None,
        });
    }
    println!(
        "No GENESYS_CLOUD_CLIENT_ID/GENESYS_CLOUD_CLIENT_SECRET set: starting the local simulator."
    );
    let config = SimulatorConfig::default();
    let (client_id, client_secret) = (
        config.clients[0].client_id.clone(),
        config.clients[0].client_secret.clone(),
    );
    let sim = Simulator::start(config).await.map_err(|e| {
        Error::new(
            ErrorKind::Transport,
            format!("cannot start the simulator: {e}"),
        )
    })?;
    println!(
        "  simulator listening on {} (login and API on one port)",
        sim.base_url()
    );
    let client = Client::builder()
        .base_url(sim.base_url())
        .login_base_url(sim.base_url())
        .no_config_file()
        .build()?;
    Ok(Target {
        client,
        client_id,
        client_secret,
        sim: Some(sim),
    })
}

/// Runs an example's body and exits non-zero with the error when it fails.
pub fn exit_on_error(name: &str, result: Result<(), Error>) {
    if let Err(e) = result {
        eprintln!("\n{name} failed: {e}");
        std::process::exit(1);
    }
}

/// A fresh private directory under the system's temporary directory (mode 0700 on Unix, as the
/// token store wants), removed with everything in it when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(name: &str) -> Result<TempDir, Error> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or_default();
        let dir = std::env::temp_dir().join(format!("{name}-{}-{nanos}", std::process::id()));
        let mut builder = std::fs::DirBuilder::new();
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(&dir).map_err(|e| {
            Error::new(
                ErrorKind::InvalidInput,
                format!("cannot create {}: {e}", dir.display()),
            )
        })?;
        Ok(TempDir(dir))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
