//! Errors and retries: matching on `ErrorKind`, reading the Genesys error body, what is refused
//! before a request is sent, and how 429s, 5xx and timeouts are retried (or not).
//!
//! ```sh
//! cargo run -p purecloud-platform-client-v2 --example errors_and_retries
//! ```
//!
//! With no credentials in the environment it runs against the local simulator started in this
//! process, and asks it for rate limits and faults on demand (`sim.faults()`, or the
//! `x-sim-fault` request header: see crates/simulator/README.md). With
//! `GENESYS_CLOUD_CLIENT_ID`/`GENESYS_CLOUD_CLIENT_SECRET` (and `GENESYS_CLOUD_ENVIRONMENT`) set
//! it runs the first part against that org and skips the faults.

use purecloud_platform_client_v2::api::{AuthorizationApi, UsersApi};
use purecloud_platform_client_v2::{Error, ErrorKind, RequestBuilder, RetryConfig};
use purecloud_simulator::{Fault, FaultRule, Simulator};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

mod support;

#[tokio::main]
async fn main() {
    support::exit_on_error("errors_and_retries", run().await);
}

/// What an application typically does with each kind of error.
fn describe(e: &Error) {
    match e.kind() {
        // The API answered with a non-2xx status: the whole response is in the error.
        ErrorKind::Api => {
            println!(
                "   Api error: {} {} from {}",
                e.status().unwrap_or_default(),
                e.response().map(|r| r.status_text.as_str()).unwrap_or(""),
                e.operation().unwrap_or("?")
            );
            println!("   code:           {}", e.code().unwrap_or("?"));
            println!("   message:        {}", e.message());
            // `inin-correlation-id`: what Genesys support asks for.
            println!("   correlation id: {}", e.correlation_id().unwrap_or("?"));
            if let Some(body) = e.error_body() {
                println!(
                    "   body: messageWithParams {:?}, contextId {:?}",
                    body.message_with_params.as_deref().unwrap_or(""),
                    body.context_id.as_deref().unwrap_or("")
                );
            }
        }
        // Refused before anything was sent: a bug in the caller, not worth retrying.
        ErrorKind::InvalidInput => println!("   InvalidInput (nothing sent): {}", e.message()),
        // The request's (or the client's) deadline passed; never retried by the SDK.
        ErrorKind::Timeout => println!("   Timeout: {}", e.message()),
        // The connection failed or broke (already retried as the RetryConfig allows).
        ErrorKind::Transport => println!("   Transport: {}", e.message()),
        // A 2xx whose body is not the operation's type: the raw body is kept.
        ErrorKind::Decode => println!(
            "   Decode: {} (raw body: {:?})",
            e.message(),
            e.response()
                .map(|r| r.text().into_owned())
                .unwrap_or_default()
        ),
        // Logging in or renewing the token failed: check the credentials.
        ErrorKind::Auth => println!("   Auth: {}", e.message()),
        // `ErrorKind` is non-exhaustive: new kinds may come.
        _ => println!("   other error: {e}"),
    }
}

/// The result of a call that is expected to fail.
fn expect_error<T>(result: Result<T, Error>, kind: ErrorKind) -> Result<Error, Error> {
    match result {
        Ok(_) => Err(Error::new(
            ErrorKind::InvalidInput,
            format!("expected an error of kind {kind:?}, the call succeeded"),
        )),
        Err(e) if e.kind() == kind => {
            describe(&e);
            Ok(e)
        }
        Err(e) => Err(e),
    }
}

async fn run() -> Result<(), Error> {
    let t = support::target().await?;
    t.login().await?;
    let client = &t.client;

    // Counts the HTTP exchanges of `client` (a post-request hook sees every attempt).
    let sent = Arc::new(AtomicUsize::new(0));
    let counter = sent.clone();
    client.add_post_request_hook(move |_, _| {
        counter.fetch_add(1, Ordering::SeqCst);
    });

    println!("\n1. A 404: GET /api/v2/users/no-such-user");
    let e = expect_error(
        UsersApi::new(client).get_user("no-such-user").send().await,
        ErrorKind::Api,
    )?;
    if e.is_status(404) {
        println!("   (e.is_status(404): treat as \"no such user\")");
    }

    println!("\n2. InvalidInput: refused before any round trip");
    let before = sent.load(Ordering::SeqCst);
    // A path parameter of `..` would reach another resource: refused.
    expect_error(
        UsersApi::new(client).get_user("..").send().await,
        ErrorKind::InvalidInput,
    )?;
    // POST /api/v2/users needs a body.
    expect_error(
        UsersApi::new(client).post_users().send().await,
        ErrorKind::InvalidInput,
    )?;
    // A header value with a line break.
    expect_error(
        UsersApi::new(client)
            .get_users_me()
            .with_header("x-note", "a\r\nb")
            .send()
            .await,
        ErrorKind::InvalidInput,
    )?;
    println!(
        "   HTTP exchanges for these three calls: {}",
        sent.load(Ordering::SeqCst) - before
    );

    println!("\n3. Auth: logging in with a wrong client secret");
    let other = t.builder()?.build()?;
    expect_error(
        other
            .login_client_credentials_grant(&t.client_id, "not-the-secret")
            .await,
        ErrorKind::Auth,
    )?;

    let Some(sim) = &t.sim else {
        println!("\n4-7 need the simulator's faults on demand: skipped against a real org.");
        println!("\nDone.");
        return Ok(());
    };
    faults(client, sim, &sent).await?;
    println!("\nDone.");
    Ok(())
}

async fn faults(
    client: &purecloud_platform_client_v2::Client,
    sim: &Simulator,
    sent: &AtomicUsize,
) -> Result<(), Error> {
    // Prints each attempt's status and Retry-After.
    client.add_post_request_hook(|req, result| {
        if let Ok(resp) = result {
            let retry_after = resp
                .headers
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .map(|v| format!(" (Retry-After: {v})"))
                .unwrap_or_default();
            let path = req.url.split("/api/v2").nth(1).unwrap_or(&req.url);
            println!(
                "   attempt: {} /api/v2{path} -> {}{retry_after}",
                req.method, resp.status
            );
        }
    });

    println!("\n4. Rate limited: two 429s with Retry-After: 1, then the answer");
    sim.faults().add(
        FaultRule::operation("getAuthorizationPermissions", Fault::too_many_requests(1)).times(2),
    );
    let start = Instant::now();
    let page = AuthorizationApi::new(client)
        .get_authorization_permissions()
        .set_page_size(1)
        .send()
        .await?;
    println!(
        "   succeeded after {:.1} s (the SDK waited as Retry-After said): {} permission domains",
        start.elapsed().as_secs_f64(),
        page.total.unwrap_or_default()
    );

    println!("   ... and when Retry-After is longer than the retry time budget:");
    sim.faults().add(
        FaultRule::operation("getAuthorizationPermissions", Fault::too_many_requests(30)).times(1),
    );
    let start = Instant::now();
    let e = expect_error(
        AuthorizationApi::new(client)
            .get_authorization_permissions()
            .with_retry(RetryConfig::new().with_max_retry_time(Duration::from_secs(5)))
            .send()
            .await,
        ErrorKind::Api,
    )?;
    println!(
        "   the 429 came back at once ({} ms), Retry-After {:?} for the caller to honour",
        start.elapsed().as_millis(),
        e.response()
            .and_then(|r| r.headers.get("retry-after"))
            .and_then(|v| v.to_str().ok())
            .unwrap_or("?")
    );
    sim.faults().clear();

    println!("\n5. 503s and the client's RetryConfig (3 retries, backoff 100 ms doubling to 1 s)");
    client.set_retry_config(
        RetryConfig::new()
            .with_max_retries(3)
            .with_backoff(Duration::from_millis(100), Duration::from_secs(1)),
    );
    sim.faults()
        .add(FaultRule::route("GET", "/api/v2/users/{userId}", Fault::status(503)).times(2));
    let user = UsersApi::new(client)
        .get_user(purecloud_simulator::DEFAULT_USER_ID)
        .send()
        .await?;
    println!(
        "   got {} after two 503s",
        user.name.as_deref().unwrap_or("?")
    );
    println!("   ... and the same fault on a request that does not retry (.without_retry()):");
    sim.faults()
        .add(FaultRule::route("GET", "/api/v2/users/{userId}", Fault::status(503)).times(1));
    expect_error(
        UsersApi::new(client)
            .get_user(purecloud_simulator::DEFAULT_USER_ID)
            .without_retry()
            .send()
            .await,
        ErrorKind::Api,
    )?;

    println!("\n6. A per-request timeout: 300 ms against a 2 s answer (x-sim-fault: latency=2000)");
    let before = sent.load(Ordering::SeqCst);
    let start = Instant::now();
    expect_error(
        UsersApi::new(client)
            .get_user(purecloud_simulator::DEFAULT_USER_ID)
            .with_header("x-sim-fault", "latency=2000")
            .with_timeout(Duration::from_millis(300))
            .send()
            .await,
        ErrorKind::Timeout,
    )?;
    println!(
        "   gave up after {} ms, {} attempt (timeouts are not retried)",
        start.elapsed().as_millis(),
        sent.load(Ordering::SeqCst) - before
    );

    println!("\n7. Transport and Decode: a connection reset, a 200 that is not JSON");
    expect_error(
        UsersApi::new(client)
            .get_user(purecloud_simulator::DEFAULT_USER_ID)
            .with_header("x-sim-fault", "reset")
            .without_retry()
            .send()
            .await,
        ErrorKind::Transport,
    )?;
    expect_error(
        UsersApi::new(client)
            .get_user(purecloud_simulator::DEFAULT_USER_ID)
            .with_header("x-sim-fault", "malformed")
            .send()
            .await,
        ErrorKind::Decode,
    )?;
    client.clear_hooks();
    Ok(())
}
