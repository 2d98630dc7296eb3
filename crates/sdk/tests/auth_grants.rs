//! Every grant over real HTTP: the exact request the login service receives (capture server),
//! and the whole flow against the simulator; OAuth errors and bad token responses.

mod capture;

use base64::Engine as _;
use capture::{Capture, Reply};
use purecloud_platform_client_v2::api::{AuthorizationApi, UsersApi};
use purecloud_platform_client_v2::{
    compute_pkce_code_challenge, generate_pkce_code_verifier, Client, ErrorKind, Gateway,
    MemoryTokenStore,
};
use purecloud_simulator::{
    Fault, FaultRule, Simulator, SimulatorConfig, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET,
    DEFAULT_REDIRECT_URI, DEFAULT_USER_ID,
};
use std::sync::Arc;

const VERSION: &str = env!("CARGO_PKG_VERSION");

fn client(base: &str) -> Client {
    Client::builder()
        .base_url(base)
        .no_config_file()
        .token_store(Arc::new(MemoryTokenStore::new()))
        .build()
        .unwrap()
}

async fn login_service() -> Capture {
    Capture::start(|r| {
        if r.path().ends_with("/oauth/token") {
            let mut t =
                r#"{"access_token":"AT-1","token_type":"bearer","expires_in":86400"#.to_owned();
            if r.form().get("grant_type").map(String::as_str) != Some("client_credentials") {
                t.push_str(r#","refresh_token":"RT-1""#);
            }
            t.push('}');
            Reply::json(200, t)
        } else {
            Reply::json(200, r#"{"entities":[],"total":0}"#)
        }
    })
    .await
}

fn assert_token_request(r: &capture::Captured) {
    assert_eq!(r.method, "POST");
    assert_eq!(r.path(), "/oauth/token");
    assert_eq!(
        r.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(r.header("purecloud-sdk"), Some(VERSION));
    assert_eq!(
        r.header("user-agent"),
        Some(format!("PureCloud SDK/rust {VERSION}").as_str())
    );
}

#[tokio::test]
async fn client_credentials_sends_basic_and_the_grant_type_then_uses_the_token() {
    let cap = login_service().await;
    let c = client(&cap.url());
    let data = c
        .login_client_credentials_grant("my-client", "my-secret")
        .await
        .unwrap();
    assert_eq!(data.access_token(), "AT-1");
    assert_eq!(
        data.expires_in(),
        Some(std::time::Duration::from_secs(86400))
    );
    assert!(!format!("{data:?}").contains("AT-1"));
    let reqs = cap.to("/oauth/token");
    assert_eq!(reqs.len(), 1);
    let r = &reqs[0];
    assert_token_request(r);
    assert_eq!(r.basic(), Some(("my-client".into(), "my-secret".into())));
    assert_eq!(
        String::from_utf8_lossy(&r.body),
        "grant_type=client_credentials"
    );

    AuthorizationApi::new(&c)
        .get_authorization_permissions()
        .send()
        .await
        .unwrap();
    let api = cap.to("/api/v2/authorization/permissions");
    assert_eq!(api.len(), 1);
    assert_eq!(api[0].bearer(), Some("AT-1"));
    assert_eq!(api[0].header("purecloud-sdk"), Some(VERSION));
}

#[tokio::test]
async fn code_grant_and_refresh_send_their_fields_with_basic() {
    let cap = login_service().await;
    let c = client(&cap.url());
    let data = c
        .login_code_authorization_grant(
            "cid",
            "csecret",
            "the code",
            "http://localhost:8080/cb?x=1",
        )
        .await
        .unwrap();
    assert_eq!(data.refresh_token(), Some("RT-1"));
    let data2 = c
        .refresh_code_authorization_token("cid", "csecret", "RT-1")
        .await
        .unwrap();
    assert_eq!(data2.access_token(), "AT-1");
    let reqs = cap.to("/oauth/token");
    assert_eq!(reqs.len(), 2);
    for r in &reqs {
        assert_token_request(r);
        assert_eq!(r.basic(), Some(("cid".into(), "csecret".into())));
    }
    let f = reqs[0].form();
    assert_eq!(f["grant_type"], "authorization_code");
    assert_eq!(f["code"], "the code");
    assert_eq!(f["redirect_uri"], "http://localhost:8080/cb?x=1");
    assert_eq!(f.len(), 3);
    let f = reqs[1].form();
    assert_eq!(f["grant_type"], "refresh_token");
    assert_eq!(f["refresh_token"], "RT-1");
    assert_eq!(f.len(), 2);
}

#[tokio::test]
async fn saml2_bearer_sends_org_and_assertion_with_basic() {
    let cap = login_service().await;
    let c = client(&cap.url());
    c.login_saml2_bearer_grant("cid", "csecret", "My Org", "PHNhbWw+PC9zYW1sPg==")
        .await
        .unwrap();
    let r = &cap.to("/oauth/token")[0];
    assert_token_request(r);
    assert_eq!(r.basic(), Some(("cid".into(), "csecret".into())));
    let f = r.form();
    assert_eq!(
        f["grant_type"],
        "urn:ietf:params:oauth:grant-type:saml2-bearer"
    );
    assert_eq!(f["orgName"], "My Org");
    assert_eq!(f["assertion"], "PHNhbWw+PC9zYW1sPg==");
    assert_eq!(f.len(), 3);
}

#[tokio::test]
async fn pkce_sends_the_verifier_and_client_id_without_basic() {
    let cap = login_service().await;
    let c = client(&cap.url());
    let verifier = generate_pkce_code_verifier(64).unwrap();
    c.login_pkce_grant("public-client", &verifier, "code-1", "http://localhost/cb")
        .await
        .unwrap();
    c.refresh_pkce_token("public-client", "RT-1").await.unwrap();
    let reqs = cap.to("/oauth/token");
    let r = &reqs[0];
    assert_token_request(r);
    assert!(
        r.header("authorization").is_none(),
        "no Basic header for a public client"
    );
    let f = r.form();
    assert_eq!(f["grant_type"], "authorization_code");
    assert_eq!(f["code"], "code-1");
    assert_eq!(f["redirect_uri"], "http://localhost/cb");
    assert_eq!(f["client_id"], "public-client");
    assert_eq!(f["code_verifier"], verifier);
    let f = reqs[1].form();
    assert!(reqs[1].header("authorization").is_none());
    assert_eq!(
        (
            f["grant_type"].as_str(),
            f["refresh_token"].as_str(),
            f["client_id"].as_str()
        ),
        ("refresh_token", "RT-1", "public-client")
    );
}

#[tokio::test]
async fn set_access_token_is_sent_as_bearer() {
    let cap = login_service().await;
    let c = client(&cap.url());
    c.set_access_token("GIVEN");
    AuthorizationApi::new(&c)
        .get_authorization_permissions()
        .send()
        .await
        .unwrap();
    assert_eq!(cap.to("/api/")[0].bearer(), Some("GIVEN"));
    assert!(cap.to("/oauth/").is_empty());
}

#[tokio::test]
async fn bad_credentials_are_rejected_before_any_request() {
    let cap = login_service().await;
    let c = client(&cap.url());
    for (id, secret, what) in [
        ("", "s", "client id"),
        ("id", "", "client secret"),
        ("a:b", "s", "client id"),
        ("id", "x\r\ny", "client secret"),
    ] {
        let e = c
            .login_client_credentials_grant(id, secret)
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert!(e.message().contains(what), "{}", e.message());
    }
    let e = c
        .login_pkce_grant("cid", "too-short", "code", "http://x")
        .await
        .unwrap_err();
    assert!(e.message().contains("verifier"), "{}", e.message());
    assert!(cap.requests().is_empty());
}

#[tokio::test]
async fn token_endpoint_answering_html_or_garbage_is_a_clear_auth_error() {
    let replies = [
        (
            Reply::text(200, "text/html", "<html><body>Sign in</body></html>"),
            "not a JSON object",
        ),
        (
            Reply::text(200, "application/json", "{\"token\":\"x\"}"),
            "no \"access_token\"",
        ),
        (
            Reply::text(200, "application/json", "garbage"),
            "not a JSON object",
        ),
        (
            Reply::text(502, "text/html", "<html>Bad Gateway</html>"),
            "not an OAuth error",
        ),
        (
            Reply::json(
                400,
                r#"{"error":"invalid_grant","description":"The code has expired"}"#,
            ),
            "invalid_grant: The code has expired",
        ),
    ];
    for (reply, expected) in replies {
        let r2 = reply.clone();
        let cap = Capture::start(move |_| r2.clone()).await;
        let c = client(&cap.url());
        c.set_retry_config(purecloud_platform_client_v2::RetryConfig::disabled());
        let e = c
            .login_client_credentials_grant("cid", "SECRET-VALUE")
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Auth, "{e}");
        assert!(e.message().contains(expected), "{}", e.message());
        assert!(
            e.message().contains(&reply.status.to_string()),
            "{}",
            e.message()
        );
        assert!(!format!("{e} {e:?}").contains("SECRET-VALUE"));
        assert!(!c.has_access_token());
    }
}

// ----- the whole flows against the simulator -----

async fn sim() -> Simulator {
    Simulator::start(SimulatorConfig::default()).await.unwrap()
}

/// Follows `/oauth/authorize` like a browser that is already signed in: the code from the
/// redirect.
async fn authorize(url: &str) -> String {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let resp = http.get(url).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 302, "{url}");
    let loc = resp.headers()["location"].to_str().unwrap().to_owned();
    let q = loc.split_once('?').unwrap().1;
    q.split('&')
        .find_map(|kv| kv.strip_prefix("code="))
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn simulator_client_credentials_then_api() {
    let sim = sim().await;
    let c = client(&sim.base_url());
    c.login_client_credentials_grant(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET)
        .await
        .unwrap();
    let perms = AuthorizationApi::new(&c)
        .get_authorization_permissions()
        .send()
        .await
        .unwrap();
    assert!(perms.total.unwrap() > 0);
    let e = c
        .login_client_credentials_grant(DEFAULT_CLIENT_ID, "wrong-secret")
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Auth);
    assert_eq!(e.status(), Some(401));
    assert!(e.message().contains("invalid_client"), "{}", e.message());
    assert!(!e.to_string().contains("wrong-secret"));
}

#[tokio::test]
async fn simulator_pkce_flow_and_refresh() {
    let sim = sim().await;
    let c = client(&sim.base_url());
    let verifier = generate_pkce_code_verifier(128).unwrap();
    let challenge = compute_pkce_code_challenge(&verifier);
    assert_eq!(challenge, purecloud_simulator::pkce_challenge(&verifier));
    let code = authorize(&c.pkce_authorize_url(
        DEFAULT_CLIENT_ID,
        DEFAULT_REDIRECT_URI,
        &challenge,
        Some("st"),
    ))
    .await;
    let data = c
        .login_pkce_grant(DEFAULT_CLIENT_ID, &verifier, &code, DEFAULT_REDIRECT_URI)
        .await
        .unwrap();
    let me = UsersApi::new(&c).get_users_me().send().await.unwrap();
    assert_eq!(me.id.as_deref(), Some(DEFAULT_USER_ID));
    let refreshed = c
        .refresh_pkce_token(DEFAULT_CLIENT_ID, data.refresh_token().unwrap())
        .await
        .unwrap();
    assert_ne!(refreshed.access_token(), data.access_token());
    UsersApi::new(&c).get_users_me().send().await.unwrap();
    // A wrong verifier is refused with the OAuth error.
    let code =
        authorize(&c.pkce_authorize_url(DEFAULT_CLIENT_ID, DEFAULT_REDIRECT_URI, &challenge, None))
            .await;
    let other = generate_pkce_code_verifier(43).unwrap();
    let e = c
        .login_pkce_grant(DEFAULT_CLIENT_ID, &other, &code, DEFAULT_REDIRECT_URI)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Auth);
    assert!(e.message().contains("invalid_grant"), "{}", e.message());
}

#[tokio::test]
async fn simulator_code_grant_refresh_and_saml2() {
    let sim = sim().await;
    let c = client(&sim.base_url());
    let url = format!(
        "{}/oauth/authorize?response_type=code&client_id={DEFAULT_CLIENT_ID}&redirect_uri={DEFAULT_REDIRECT_URI}",
        sim.base_url()
    );
    let code = authorize(&url).await;
    let data = c
        .login_code_authorization_grant(
            DEFAULT_CLIENT_ID,
            DEFAULT_CLIENT_SECRET,
            &code,
            DEFAULT_REDIRECT_URI,
        )
        .await
        .unwrap();
    UsersApi::new(&c).get_users_me().send().await.unwrap();
    c.refresh_code_authorization_token(
        DEFAULT_CLIENT_ID,
        DEFAULT_CLIENT_SECRET,
        data.refresh_token().unwrap(),
    )
    .await
    .unwrap();
    UsersApi::new(&c).get_users_me().send().await.unwrap();
    // The code is single use.
    let e = c
        .login_code_authorization_grant(
            DEFAULT_CLIENT_ID,
            DEFAULT_CLIENT_SECRET,
            &code,
            DEFAULT_REDIRECT_URI,
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Auth);

    let assertion = base64::engine::general_purpose::STANDARD
        .encode("<saml:Assertion>sim.user@example.com</saml:Assertion>");
    c.login_saml2_bearer_grant(
        DEFAULT_CLIENT_ID,
        DEFAULT_CLIENT_SECRET,
        "Simulated Org",
        &assertion,
    )
    .await
    .unwrap();
    let me = UsersApi::new(&c).get_users_me().send().await.unwrap();
    assert_eq!(me.id.as_deref(), Some(DEFAULT_USER_ID));
}

#[tokio::test]
async fn simulator_login_page_instead_of_a_token_is_an_auth_error() {
    let sim = sim().await;
    let c = client(&sim.base_url());
    c.set_retry_config(purecloud_platform_client_v2::RetryConfig::disabled());
    sim.faults()
        .add(FaultRule::route("POST", "/oauth/token", Fault::html_bad_gateway()).times(1));
    let e = c
        .login_client_credentials_grant(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Auth);
    assert_eq!(e.status(), Some(502));
    sim.faults()
        .add(FaultRule::route("POST", "/oauth/token", Fault::malformed_json()).times(1));
    let e = c
        .login_client_credentials_grant(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Auth);
    assert!(e.message().contains("200"), "{}", e.message());
}

#[tokio::test]
async fn gateway_with_path_prefixes_routes_login_and_api() {
    let cap = login_service().await;
    let c = Client::builder()
        .no_config_file()
        .environment("mypurecloud.ie")
        .unwrap()
        .gateway(
            Gateway::new("127.0.0.1")
                .protocol("http")
                .port(cap.addr.port())
                .login_path("login")
                .api_path("/gw/api/"),
        )
        .build()
        .unwrap();
    c.login_client_credentials_grant("cid", "s").await.unwrap();
    AuthorizationApi::new(&c)
        .get_authorization_permissions()
        .send()
        .await
        .unwrap();
    let paths: Vec<String> = cap.requests().iter().map(|r| r.path()).collect();
    assert_eq!(
        paths,
        [
            "/login/oauth/token",
            "/gw/api/api/v2/authorization/permissions"
        ]
    );
    // And the simulator through a gateway without prefixes.
    let sim = sim().await;
    c.set_gateway(Gateway::new("127.0.0.1").protocol("http").port(sim.port()))
        .unwrap();
    c.login_client_credentials_grant(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET)
        .await
        .unwrap();
    AuthorizationApi::new(&c)
        .get_authorization_permissions()
        .send()
        .await
        .unwrap();
}
