//! The simulator in your own tests: start the local Platform API simulator from an integration
//! test, point a `Client` at it, and test your code against real HTTP, with faults on demand.
//!
//! ```sh
//! cargo run -p purecloud-platform-client-v2 --example simulator_in_tests    # the walk-through
//! cargo test -p purecloud-platform-client-v2 --example simulator_in_tests   # the same as tests
//! ```
//!
//! The tests at the bottom of this file are what goes in your crate's `tests/`. Your
//! `Cargo.toml` needs:
//!
//! ```toml
//! [dev-dependencies]
//! purecloud-simulator = { path = "…/crates/simulator" }   # or a git dependency on this repository
//! tokio = { version = "1", features = ["macros", "rt-multi-thread"] }
//! ```
//!
//! - `Simulator::start(SimulatorConfig::default()).await` serves on a free loopback port on the
//!   test's runtime and stops with it: one simulator per test keeps tests independent (state,
//!   fault rules). After the first one in a process (about 0.6 s to parse the spec in a debug
//!   build) a simulator starts in milliseconds.
//! - `Simulator::start_blocking(config)` runs one on a runtime of its own, to share between tests
//!   in a `static OnceLock<Simulator>` (the state and the fault rules are then shared too).
//! - A client for it: `base_url` and `login_base_url` to `sim.base_url()`, and
//!   `no_config_file()` so that a developer's `~/.genesyscloudrust/config` and `GENESYSCLOUD_*`
//!   variables do not change what the tests do. Then a token from `sim.issue_token(..)` (a user's
//!   with `Some(email)`, a client-credentials one with `None`), or a real login with
//!   `DEFAULT_CLIENT_ID`/`DEFAULT_CLIENT_SECRET`.
//! - Faults: `sim.faults().add(FaultRule::operation("getUser", Fault::status(503)).times(2))`,
//!   latency, 429 with `Retry-After`, resets, malformed bodies (crates/simulator/README.md).
//!
//! This example always uses the simulator (credentials in the environment are not read).

use purecloud_platform_client_v2::api::UsersApi;
use purecloud_platform_client_v2::{Client, Error, ErrorKind, RetryConfig};
use purecloud_simulator::{
    Fault, FaultRule, SimUser, Simulator, SimulatorConfig, DEFAULT_USERNAME, DEFAULT_USER_ID,
};
use std::time::Duration;

// ---- The code under test: your application's, not the SDK's. ----

/// A user's display name; `None` when there is no such user.
pub async fn display_name(client: &Client, user_id: &str) -> Result<Option<String>, Error> {
    match UsersApi::new(client).get_user(user_id).send().await {
        Ok(user) => Ok(user.name),
        Err(e) if e.is_status(404) => Ok(None),
        Err(e) => Err(e),
    }
}

// ---- Test helpers. ----

/// A client for `sim`, logged in as `user` (an id, username or email).
pub fn client_for(sim: &Simulator, user: &str) -> Result<Client, Error> {
    Client::builder()
        .base_url(sim.base_url())
        .login_base_url(sim.base_url())
        .no_config_file()
        .access_token(sim.issue_token(Some(user)))
        // Short waits between retries keep tests fast.
        .retry(
            RetryConfig::new()
                .with_max_retries(2)
                .with_backoff(Duration::from_millis(10), Duration::from_millis(50)),
        )
        .build()
}

/// A simulator with one more user than the defaults.
async fn with_ada() -> std::io::Result<Simulator> {
    let mut config = SimulatorConfig::default();
    config.users.push(SimUser::new(
        "0a0a0a0a-0000-4000-8000-00000000ada0",
        "Ada Lovelace",
        "ada@example.com",
    ));
    Simulator::start(config).await
}

fn start_error(e: std::io::Error) -> Error {
    Error::new(
        ErrorKind::Transport,
        format!("cannot start the simulator: {e}"),
    )
}

// ---- The walk-through (`cargo run`). ----

#[tokio::main]
async fn main() {
    if let Err(e) = run().await {
        eprintln!("\nsimulator_in_tests failed: {e}");
        std::process::exit(1);
    }
}

async fn run() -> Result<(), Error> {
    println!("1. A simulator per test, a client pointed at it with a user's token");
    let sim = Simulator::start(SimulatorConfig::default())
        .await
        .map_err(start_error)?;
    println!("   simulator on {}", sim.base_url());
    let client = client_for(&sim, DEFAULT_USERNAME)?;
    println!(
        "   display_name(default user) = {:?}",
        display_name(&client, DEFAULT_USER_ID).await?
    );
    println!(
        "   display_name(unknown id)   = {:?}",
        display_name(&client, "no-such-user").await?
    );

    println!("\n2. Faults: two 503s are retried through; five are an error for the caller");
    sim.faults()
        .add(FaultRule::operation("getUser", Fault::status(503)).times(2));
    println!(
        "   after two 503s: {:?}",
        display_name(&client, DEFAULT_USER_ID).await?
    );
    sim.faults()
        .add(FaultRule::operation("getUser", Fault::status(503)).times(5));
    match display_name(&client, DEFAULT_USER_ID).await {
        Err(e) if e.is_status(503) => println!(
            "   after five 503s: Err({} {})",
            503,
            e.code().unwrap_or("?")
        ),
        other => return Err(unexpected(other)),
    }
    sim.reset_state(); // restores the seeded data and clears the fault rules
    sim.shutdown().await;

    println!("\n3. Your own users (SimulatorConfig), and a real client-credentials login");
    let sim = with_ada().await.map_err(start_error)?;
    let client = Client::builder()
        .base_url(sim.base_url())
        .login_base_url(sim.base_url())
        .no_config_file()
        .build()?;
    client
        .login_client_credentials_grant(
            purecloud_simulator::DEFAULT_CLIENT_ID,
            purecloud_simulator::DEFAULT_CLIENT_SECRET,
        )
        .await?;
    println!(
        "   display_name(Ada) = {:?}",
        display_name(&client, "0a0a0a0a-0000-4000-8000-00000000ada0").await?
    );
    println!("\nDone.");
    Ok(())
}

fn unexpected<T: std::fmt::Debug>(r: Result<T, Error>) -> Error {
    Error::new(ErrorKind::InvalidInput, format!("unexpected: {r:?}"))
}

// ---- The same as tests (`cargo test --example simulator_in_tests`): put these in `tests/`. ----

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::OnceLock;

    #[tokio::test]
    async fn finds_a_user_and_says_none_for_an_unknown_one() {
        let sim = Simulator::start(SimulatorConfig::default()).await.unwrap();
        let client = client_for(&sim, DEFAULT_USERNAME).unwrap();
        assert_eq!(
            display_name(&client, DEFAULT_USER_ID).await.unwrap(),
            Some("Sim User".to_owned())
        );
        assert_eq!(display_name(&client, "no-such-user").await.unwrap(), None);
    }

    #[tokio::test]
    async fn survives_two_503s_and_reports_more() {
        let sim = Simulator::start(SimulatorConfig::default()).await.unwrap();
        let client = client_for(&sim, DEFAULT_USERNAME).unwrap();
        sim.faults()
            .add(FaultRule::operation("getUser", Fault::status(503)).times(2));
        assert!(display_name(&client, DEFAULT_USER_ID).await.is_ok());

        sim.faults()
            .add(FaultRule::operation("getUser", Fault::status(503)).times(5));
        let e = display_name(&client, DEFAULT_USER_ID).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Api);
        assert_eq!(e.code(), Some("service.unavailable"));
    }

    #[tokio::test]
    async fn knows_the_configured_users() {
        let sim = with_ada().await.unwrap();
        let client = client_for(&sim, "ada@example.com").unwrap();
        assert_eq!(
            display_name(&client, "0a0a0a0a-0000-4000-8000-00000000ada0")
                .await
                .unwrap()
                .as_deref(),
            Some("Ada Lovelace")
        );
    }

    /// One simulator for every test of the binary (each `#[tokio::test]` has its own runtime,
    /// so it runs on a runtime of its own). Tests sharing it must not change what the others
    /// read, nor add fault rules.
    fn shared() -> &'static Simulator {
        static SIM: OnceLock<Simulator> = OnceLock::new();
        SIM.get_or_init(|| Simulator::start_blocking(SimulatorConfig::default()).unwrap())
    }

    #[tokio::test]
    async fn a_shared_simulator() {
        let client = client_for(shared(), DEFAULT_USERNAME).unwrap();
        assert!(display_name(&client, DEFAULT_USER_ID)
            .await
            .unwrap()
            .is_some());
    }
}
