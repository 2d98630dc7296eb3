//! What both logging test binaries exercise: a server that answers with secrets in the usual
//! places, a client, every grant, and the check that no secret shows.

use super::capture::{Capture, Reply};
use purecloud_platform_client_v2::api::AuthorizationApi;
use purecloud_platform_client_v2::{Client, MemoryTokenStore, RetryConfig};
use std::sync::{Arc, Mutex};

pub const SECRETS: &[&str] = &[
    "CLIENT-SECRET-1",
    "ACCESS-TOKEN-1",
    "REFRESH-TOKEN-1",
    "AUTH-CODE-1",
    "SAML-ASSERTION-1",
    "VERIFIER-VERIFIER-VERIFIER-VERIFIER-VERIFIER-1",
    "PROXY-PASSWORD-1",
];

pub async fn server() -> Capture {
    let calls = Mutex::new(0u32);
    Capture::start(move |r| {
        if r.path() == "/oauth/token" {
            return Reply::json(200, r#"{"access_token":"ACCESS-TOKEN-1","refresh_token":"REFRESH-TOKEN-1","expires_in":3600,"token_type":"bearer"}"#);
        }
        let mut n = calls.lock().unwrap();
        *n += 1;
        match *n {
            1 => Reply::json(401, r#"{"status":401,"code":"bad.credentials","message":"Invalid login credentials."}"#),
            2 => Reply::json(503, r#"{"status":503,"code":"service.unavailable","message":"down"}"#).header("retry-after", "0"),
            _ => Reply::json(
                200,
                r#"{"entities":[{"id":"1","name":"a"},{"id":"2","name":"b"},{"id":"3","name":"c"}],"total":3,"accessToken":"ACCESS-TOKEN-1"}"#,
            )
            .header("set-cookie", "session=ACCESS-TOKEN-1"),
        }
    })
    .await
}

pub fn client(base: &str) -> Client {
    Client::builder()
        .base_url(base)
        .no_config_file()
        .token_store(Arc::new(MemoryTokenStore::new()))
        .retry(
            RetryConfig::default()
                .with_backoff(std::time::Duration::ZERO, std::time::Duration::ZERO),
        )
        .build()
        .unwrap()
}

pub async fn exercise(c: &Client) {
    c.login_client_credentials_grant("client-id", "CLIENT-SECRET-1")
        .await
        .unwrap();
    // 401 → renewal → 503 → retry → 200
    AuthorizationApi::new(c)
        .get_authorization_permissions()
        .send()
        .await
        .unwrap();
    c.login_code_authorization_grant(
        "client-id",
        "CLIENT-SECRET-1",
        "AUTH-CODE-1",
        "http://localhost/cb",
    )
    .await
    .unwrap();
    c.refresh_code_authorization_token("client-id", "CLIENT-SECRET-1", "REFRESH-TOKEN-1")
        .await
        .unwrap();
    c.login_saml2_bearer_grant("client-id", "CLIENT-SECRET-1", "org", "SAML-ASSERTION-1")
        .await
        .unwrap();
    c.login_pkce_grant(
        "client-id",
        "VERIFIER-VERIFIER-VERIFIER-VERIFIER-VERIFIER-1",
        "AUTH-CODE-1",
        "http://localhost/cb",
    )
    .await
    .unwrap();
}

pub fn assert_clean(text: &str) {
    for s in SECRETS {
        assert!(!text.contains(s), "{s} leaked:\n{text}");
    }
}
