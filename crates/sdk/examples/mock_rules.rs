//! Unit-testing your own code with mock rules: no network, no simulator.
//!
//! ```sh
//! cargo run -p purecloud-platform-client-v2 --example mock_rules
//! ```
//!
//! `greeting` below stands for your code: it takes a `Client` and calls the API. The example
//! answers its calls with `MockTransport` rules (a typed model, a rate limit the SDK retries,
//! a Genesys error) and then checks what your code sent. In your crate the same lines go in a
//! `#[tokio::test]`.

use purecloud_platform_client_v2::api::UsersApi;
use purecloud_platform_client_v2::models::UserMe;
use purecloud_platform_client_v2::{Client, Error, ErrorKind, MockTransport};

/// The code under test: greets the user behind the token, or says why it cannot.
async fn greeting(client: &Client) -> Result<String, Error> {
    match UsersApi::new(client)
        .get_users_me()
        .set_expand(["presence"])
        .send()
        .await
    {
        Ok(me) => Ok(format!(
            "Hello, {}!",
            me.name.as_deref().unwrap_or("stranger")
        )),
        Err(e) if e.code() == Some("bad.credentials") => Ok("Please log in again.".into()),
        Err(e) => Err(e),
    }
}

#[tokio::main]
async fn main() {
    if let Err(e) = run().await {
        eprintln!("mock_rules: {e}");
        std::process::exit(1);
    }
}

async fn run() -> Result<(), Error> {
    let mock = MockTransport::new();
    // Log in as usual: the mock answers `POST /oauth/token` with a token of its own.
    let client = mock.client_builder().build()?;
    client
        .login_client_credentials_grant("client-id", "client-secret")
        .await?;

    // 1. A typed answer, after a rate limit the SDK waits out and retries by itself.
    mock.on("getUsersMe")
        .reply_error(429, "too.many.requests", "Rate limit exceeded")
        .with_header("Retry-After", "0")
        .reply_json(200, &UserMe::default().set_name("Ada"));
    let text = greeting(&client).await?;
    println!("1. {text}");
    assert_eq!(text, "Hello, Ada!");
    let calls = mock.calls("getUsersMe");
    assert_eq!(calls.len(), 2, "the 429, then the retry");
    assert_eq!(calls[1].query("expand").as_deref(), Some("presence"));
    assert_eq!(
        calls[1].header("authorization"),
        Some(format!("Bearer {}", MockTransport::ACCESS_TOKEN).as_str())
    );
    println!(
        "   getUsersMe was called {} times, with ?{}",
        calls.len(),
        calls[1]
            .query_pairs()
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&")
    );

    // 2. A Genesys error the code handles (the rule added last wins). On a 401 the SDK logs
    //    in again and resends once before giving the error back: 3 more requests.
    mock.on("getUsersMe")
        .reply_error(401, "bad.credentials", "Invalid login credentials.");
    let text = greeting(&client).await?;
    println!("2. {text}");
    assert_eq!(text, "Please log in again.");

    // 3. An error the code passes on, kept whole for the caller.
    mock.on("getUsersMe")
        .reply_error(403, "missing.permissions", "Missing permission");
    let e = greeting(&client).await.expect_err("a 403 is passed on");
    println!("3. {} ({:?}, {:?})", e.message(), e.status(), e.code());
    assert_eq!(e.kind(), ErrorKind::Api);
    assert_eq!(e.code(), Some("missing.permissions"));

    // Nothing reached an operation the test forgot to mock.
    assert!(mock.unmatched_calls().is_empty());
    println!("{} requests in all, none unmatched", mock.all_calls().len());
    assert_eq!(mock.calls("loginClientCredentialsGrant").len(), 2);
    println!("Done.");
    Ok(())
}
