//! The login service: every grant, the authorize redirects, token info and revocation, 401s.

mod common;

use std::time::Duration;

use base64::Engine;
use common::*;
use purecloud_simulator::{
    pkce_challenge, OAuthClient, SimUser, DEFAULT_CLIENT_ID as ID, DEFAULT_CLIENT_SECRET as SECRET,
    DEFAULT_REDIRECT_URI as REDIRECT, DEFAULT_USER_ID,
};
use serde_json::Value;

fn oauth_error(r: &Resp, status: u16, error: &str) {
    assert_eq!(r.status, status, "{}", r.text());
    let v = r.json();
    assert_eq!(v["error"], error, "{v}");
    assert!(
        v["description"].as_str().is_some_and(|d| !d.is_empty()),
        "{v}"
    );
}

fn access_token(r: &Resp) -> String {
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    assert_eq!(v["token_type"], "bearer");
    assert_eq!(v["expires_in"], 86400);
    v["access_token"].as_str().unwrap().to_string()
}

/// Query or fragment parameters of a redirect location.
fn params(location: &str, sep: char) -> Vec<(String, String)> {
    let part = location.split_once(sep).map(|(_, p)| p).unwrap_or("");
    part.split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_string(), v.replace("%20", " ")))
        .collect()
}

fn param<'a>(p: &'a [(String, String)], name: &str) -> Option<&'a str> {
    p.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

async fn me(http: &Http, token: &str) -> Value {
    let r = http.get("/api/v2/users/me", token).await;
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()
}

async fn authorize_code(http: &Http, extra: &str) -> String {
    let r = http
        .send(
            "GET",
            &format!("/oauth/authorize?client_id={ID}&response_type=code&redirect_uri={}&state=xyz{extra}", enc(REDIRECT)),
            &[],
            None,
        )
        .await;
    assert_eq!(r.status, 302, "{}", r.text());
    let loc = r.header("location").unwrap().to_string();
    assert!(loc.starts_with(&format!("{REDIRECT}?")), "{loc}");
    let p = params(&loc, '?');
    assert_eq!(param(&p, "state"), Some("xyz"));
    param(&p, "code").unwrap().to_string()
}

#[tokio::test]
async fn client_credentials() {
    let sim = start().await;
    let http = Http::for_sim(&sim);
    let r = http
        .token(Some((ID, SECRET)), &[("grant_type", "client_credentials")])
        .await;
    let v = r.json();
    assert!(v.get("refresh_token").is_none());
    let token = access_token(&r);
    // Works for the API, but /users/me needs a user.
    assert_eq!(http.get("/api/v2/users", &token).await.status, 200);
    let r = http.get("/api/v2/users/me", &token).await;
    let e = assert_error(&r, 403, "not.authorized");
    assert!(e["message"]
        .as_str()
        .unwrap()
        .contains("requires a user context"));
    // Token info names the client.
    let info = http.get("/api/v2/tokens/me", &token).await.json();
    assert_eq!(info["OAuthClient"]["id"], ID);
    assert_eq!(
        info["OAuthClient"]["authorizedGrantType"],
        "CLIENT-CREDENTIALS"
    );
    assert_eq!(info["organization"]["name"], "Simulated Org");

    // Wrong secret, unknown client, no credentials.
    oauth_error(
        &http
            .token(Some((ID, "wrong")), &[("grant_type", "client_credentials")])
            .await,
        401,
        "invalid_client",
    );
    oauth_error(
        &http
            .token(
                Some(("nobody", SECRET)),
                &[("grant_type", "client_credentials")],
            )
            .await,
        401,
        "invalid_client",
    );
    oauth_error(
        &http
            .token(None, &[("grant_type", "client_credentials")])
            .await,
        401,
        "invalid_client",
    );
    // Credentials in the form body are accepted too.
    let r = http
        .token(
            None,
            &[
                ("grant_type", "client_credentials"),
                ("client_id", ID),
                ("client_secret", SECRET),
            ],
        )
        .await;
    access_token(&r);
    // Bad requests.
    oauth_error(
        &http.token(Some((ID, SECRET)), &[]).await,
        400,
        "invalid_request",
    );
    oauth_error(
        &http
            .token(Some((ID, SECRET)), &[("grant_type", "magic")])
            .await,
        400,
        "unsupported_grant_type",
    );
    let r = http.send("GET", "/oauth/token", &[], None).await;
    assert_eq!(r.status, 405);
    sim.shutdown().await;
}

#[tokio::test]
async fn authorization_code_and_refresh() {
    let sim = start().await;
    let http = Http::for_sim(&sim);
    let code = authorize_code(&http, "").await;
    let r = http
        .token(
            Some((ID, SECRET)),
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", REDIRECT),
            ],
        )
        .await;
    let v = r.json();
    let token = access_token(&r);
    let refresh = v["refresh_token"].as_str().unwrap().to_string();
    assert_eq!(me(&http, &token).await["id"], DEFAULT_USER_ID);

    // A code is single use.
    let r = http
        .token(
            Some((ID, SECRET)),
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", REDIRECT),
            ],
        )
        .await;
    oauth_error(&r, 400, "invalid_grant");
    // Wrong redirect URI, wrong secret.
    let code = authorize_code(&http, "").await;
    let r = http
        .token(
            Some((ID, SECRET)),
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", "http://evil/cb"),
            ],
        )
        .await;
    oauth_error(&r, 400, "invalid_grant");
    let code = authorize_code(&http, "").await;
    let r = http
        .token(
            Some((ID, "nope")),
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", REDIRECT),
            ],
        )
        .await;
    oauth_error(&r, 401, "invalid_client");
    oauth_error(
        &http
            .token(
                Some((ID, SECRET)),
                &[("grant_type", "authorization_code"), ("code", "bogus")],
            )
            .await,
        400,
        "invalid_grant",
    );
    oauth_error(
        &http
            .token(Some((ID, SECRET)), &[("grant_type", "authorization_code")])
            .await,
        400,
        "invalid_request",
    );

    // Refresh: a new access token for the same user; the refresh token rotates.
    let r = http
        .token(
            Some((ID, SECRET)),
            &[("grant_type", "refresh_token"), ("refresh_token", &refresh)],
        )
        .await;
    let v = r.json();
    let token2 = access_token(&r);
    assert_ne!(token2, token);
    assert_eq!(me(&http, &token2).await["id"], DEFAULT_USER_ID);
    let refresh2 = v["refresh_token"].as_str().unwrap();
    assert_ne!(refresh2, refresh);
    let r = http
        .token(
            Some((ID, SECRET)),
            &[("grant_type", "refresh_token"), ("refresh_token", &refresh)],
        )
        .await;
    oauth_error(&r, 400, "invalid_grant");
    let r = http
        .token(
            Some((ID, SECRET)),
            &[("grant_type", "refresh_token"), ("refresh_token", "bogus")],
        )
        .await;
    oauth_error(&r, 400, "invalid_grant");
    sim.shutdown().await;
}

#[tokio::test]
async fn pkce() {
    let sim = start().await;
    let http = Http::for_sim(&sim);
    let verifier = "dBjftJeZ4CVP-1mB92K27uhbUJU1p1r_wW1gFWFOEjXk-and-some-more";
    let challenge = pkce_challenge(verifier);
    let extra = format!("&code_challenge={challenge}&code_challenge_method=S256");
    let code = authorize_code(&http, &extra).await;
    let r = http
        .token(
            None,
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", REDIRECT),
                ("client_id", ID),
                ("code_verifier", verifier),
            ],
        )
        .await;
    let v = r.json();
    let token = access_token(&r);
    assert!(v["refresh_token"].is_string());
    assert_eq!(me(&http, &token).await["id"], DEFAULT_USER_ID);
    // Public refresh with client_id only.
    let r = http
        .token(
            None,
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", v["refresh_token"].as_str().unwrap()),
                ("client_id", ID),
            ],
        )
        .await;
    access_token(&r);

    // Verifier mismatch.
    let code = authorize_code(&http, &extra).await;
    let r = http
        .token(
            None,
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", REDIRECT),
                ("client_id", ID),
                ("code_verifier", "another-verifier-entirely"),
            ],
        )
        .await;
    oauth_error(&r, 400, "invalid_grant");
    // Verifier missing for a code that had a challenge (with Basic auth).
    let code = authorize_code(&http, &extra).await;
    let r = http
        .token(
            Some((ID, SECRET)),
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", REDIRECT),
            ],
        )
        .await;
    oauth_error(&r, 400, "invalid_grant");
    // No Basic and no verifier.
    let code = authorize_code(&http, &extra).await;
    let r = http
        .token(
            None,
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("client_id", ID),
            ],
        )
        .await;
    oauth_error(&r, 401, "invalid_client");
    // Only S256.
    let r = http
        .send(
            "GET",
            &format!("/oauth/authorize?client_id={ID}&response_type=code&code_challenge=abc&code_challenge_method=plain"),
            &[],
            None,
        )
        .await;
    assert_eq!(r.status, 302);
    assert!(r
        .header("location")
        .unwrap()
        .contains("error=invalid_request"));
    sim.shutdown().await;
}

#[tokio::test]
async fn saml2_bearer() {
    let sim = start().await;
    let http = Http::for_sim(&sim);
    let grant = "urn:ietf:params:oauth:grant-type:saml2-bearer";
    let assertion = base64::engine::general_purpose::STANDARD
        .encode("<saml:Assertion><saml:NameID>sim.user@example.com</saml:NameID></saml:Assertion>");
    let r = http
        .token(
            Some((ID, SECRET)),
            &[
                ("grant_type", grant),
                ("orgName", "simorg"),
                ("assertion", &assertion),
            ],
        )
        .await;
    let token = access_token(&r);
    assert_eq!(me(&http, &token).await["id"], DEFAULT_USER_ID);
    let info = http.get("/api/v2/tokens/me", &token).await.json();
    assert_eq!(info["OAuthClient"]["authorizedGrantType"], "SAML2-BEARER");
    // Not base64, empty, missing orgName, no client auth.
    oauth_error(
        &http
            .token(
                Some((ID, SECRET)),
                &[
                    ("grant_type", grant),
                    ("orgName", "o"),
                    ("assertion", "%%%not base64%%%"),
                ],
            )
            .await,
        400,
        "invalid_grant",
    );
    oauth_error(
        &http
            .token(
                Some((ID, SECRET)),
                &[("grant_type", grant), ("orgName", "o")],
            )
            .await,
        400,
        "invalid_request",
    );
    oauth_error(
        &http
            .token(
                Some((ID, SECRET)),
                &[("grant_type", grant), ("assertion", &assertion)],
            )
            .await,
        400,
        "invalid_request",
    );
    oauth_error(
        &http
            .token(
                None,
                &[
                    ("grant_type", grant),
                    ("orgName", "o"),
                    ("assertion", &assertion),
                ],
            )
            .await,
        401,
        "invalid_client",
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn implicit_and_authorize_validation() {
    let mut config = SimulatorConfig::default();
    config.users.push(SimUser::new(
        "0a1b2c3d-0000-4000-8000-000000000002",
        "Second User",
        "second@example.com",
    ));
    config.clients.push(
        OAuthClient::new("other-client", "other-secret")
            .with_redirect_uri("https://app.example.com/cb"),
    );
    let sim = Simulator::start(config).await.unwrap();
    let http = Http::for_sim(&sim);
    let r = http
        .send(
            "GET",
            &format!(
                "/oauth/authorize?client_id={ID}&response_type=token&redirect_uri={}&state=s1",
                enc(REDIRECT)
            ),
            &[],
            None,
        )
        .await;
    assert_eq!(r.status, 302);
    let loc = r.header("location").unwrap();
    assert!(loc.starts_with(&format!("{REDIRECT}#")), "{loc}");
    let p = params(loc, '#');
    assert_eq!(param(&p, "token_type"), Some("bearer"));
    assert_eq!(param(&p, "expires_in"), Some("86400"));
    assert_eq!(param(&p, "state"), Some("s1"));
    let token = param(&p, "access_token").unwrap();
    assert_eq!(me(&http, token).await["id"], DEFAULT_USER_ID);

    // login_hint picks a configured user.
    let r = http
        .send("GET", &format!("/oauth/authorize?client_id={ID}&response_type=token&login_hint=second%40example.com"), &[], None)
        .await;
    let p = params(r.header("location").unwrap(), '#');
    let token = param(&p, "access_token").unwrap();
    assert_eq!(me(&http, token).await["name"], "Second User");

    // Unknown client, unregistered redirect URI: an error page, no redirect.
    let r = http
        .send(
            "GET",
            "/oauth/authorize?client_id=nope&response_type=token",
            &[],
            None,
        )
        .await;
    assert_eq!(r.status, 400);
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
    let r = http
        .send(
            "GET",
            &format!(
                "/oauth/authorize?client_id={ID}&response_type=token&redirect_uri={}",
                enc("http://evil.example.com/cb")
            ),
            &[],
            None,
        )
        .await;
    assert_eq!(r.status, 400);
    assert!(r.header("location").is_none());
    // The other client has two redirect URIs, either is fine.
    let r = http
        .send(
            "GET",
            &format!(
                "/oauth/authorize?client_id=other-client&response_type=code&redirect_uri={}",
                enc("https://app.example.com/cb")
            ),
            &[],
            None,
        )
        .await;
    assert_eq!(r.status, 302);
    assert!(r
        .header("location")
        .unwrap()
        .starts_with("https://app.example.com/cb?code="));
    // Unsupported response type: redirected error.
    let r = http
        .send(
            "GET",
            &format!("/oauth/authorize?client_id={ID}&response_type=magic"),
            &[],
            None,
        )
        .await;
    assert_eq!(r.status, 302);
    assert!(r
        .header("location")
        .unwrap()
        .contains("error=unsupported_response_type"));
    // Logout.
    let r = http.send("GET", "/logout", &[], None).await;
    assert_eq!(r.status, 200);
    assert!(r.text().contains("logged out"));
    sim.shutdown().await;
}

#[tokio::test]
async fn bearer_tokens_401_and_revocation() {
    let config = SimulatorConfig {
        token_lifetime: Duration::from_millis(1500),
        ..Default::default()
    };
    let sim = Simulator::start(config).await.unwrap();
    let http = Http::for_sim(&sim);
    // Missing, unknown, malformed.
    let r = http.send("GET", "/api/v2/users", &[], None).await;
    let e = assert_error(&r, 401, "authentication.required");
    assert!(e["contextId"].is_string());
    assert_error(
        &http.get("/api/v2/users", "not-a-token").await,
        401,
        "bad.credentials",
    );
    let r = http
        .send(
            "GET",
            "/api/v2/users",
            &[("authorization", "Basic abc")],
            None,
        )
        .await;
    assert_error(&r, 401, "authentication.required");
    // Unsecured operations work without a token.
    let r = http
        .send("GET", "/api/v2/webmessaging/messages", &[], None)
        .await;
    assert_eq!(r.status, 200, "{}", r.text());

    // Revocation through DELETE /api/v2/tokens/me.
    let token = sim.issue_token(Some(DEFAULT_USER_ID));
    assert_eq!(http.get("/api/v2/tokens/me", &token).await.status, 200);
    let r = http
        .send(
            "HEAD",
            "/api/v2/tokens/me",
            &[("authorization", &format!("Bearer {token}"))],
            None,
        )
        .await;
    assert!(r.status == 200 || r.status == 204, "{}", r.status);
    let r = http
        .send(
            "DELETE",
            "/api/v2/tokens/me",
            &[("authorization", &format!("Bearer {token}"))],
            None,
        )
        .await;
    assert_eq!(r.status, 204);
    assert_error(
        &http.get("/api/v2/tokens/me", &token).await,
        401,
        "bad.credentials",
    );

    // Expiry.
    let r = http
        .token(Some((ID, SECRET)), &[("grant_type", "client_credentials")])
        .await;
    assert_eq!(r.json()["expires_in"], 1);
    let token = r.json()["access_token"].as_str().unwrap().to_string();
    assert_eq!(http.get("/api/v2/users", &token).await.status, 200);
    tokio::time::sleep(Duration::from_millis(1600)).await;
    assert_error(
        &http.get("/api/v2/users", &token).await,
        401,
        "bad.credentials",
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn password_grant_and_admin_tokens() {
    let sim = start().await;
    let http = Http::for_sim(&sim);
    let r = http
        .token(
            Some((ID, SECRET)),
            &[
                ("grant_type", "password"),
                ("username", "sim.user@example.com"),
                ("password", "sim-password"),
            ],
        )
        .await;
    let token = access_token(&r);
    assert_eq!(me(&http, &token).await["id"], DEFAULT_USER_ID);
    let r = http
        .token(
            Some((ID, SECRET)),
            &[
                ("grant_type", "password"),
                ("username", "sim.user@example.com"),
                ("password", "wrong"),
            ],
        )
        .await;
    oauth_error(&r, 400, "invalid_grant");
    // Tokens minted through the admin endpoint.
    let r = http
        .send(
            "POST",
            "/__sim/tokens",
            &[("content-type", "application/json")],
            Some(br#"{"user":"sim.user@example.com"}"#.to_vec()),
        )
        .await;
    let token = r.json()["access_token"].as_str().unwrap().to_string();
    assert_eq!(me(&http, &token).await["id"], DEFAULT_USER_ID);
    sim.shutdown().await;
}
