//! The requests of the official JavaScript SDK (`purecloud-platform-client-v2` 262.0.0 on
//! Node, over axios), replayed byte for byte as it sends them, and the parts of the answers
//! it reads. `tests/js-sdk` (run by `scripts/js-sdk-test.sh`) runs the real SDK against the
//! simulator; this is the same contract without Node.
//!
//! What the SDK sends: `application/json` as the `Content-Type` of every API request, a `GET`
//! or `HEAD` without a body included; array query parameters joined with a literal comma
//! (`expand=presence,authorization`); the login forms as `application/x-www-form-urlencoded`
//! with HTTP Basic. What it reads: `access_token`, `expires_in` (a number) and `refresh_token`
//! from `/oauth/token`; status, headers and JSON body of API answers (its documented extended
//! response shows `inin-correlation-id`, `inin-ratelimit-*`, `content-type`, `cache-control`,
//! `pragma` and `expires`, on a 200 and on a 404 alike); the `ErrorBody` of errors.

mod common;

use common::*;
use serde_json::Value;

const UA: (&str, &str) = ("user-agent", "axios/1.21.1");
const ENCODING: (&str, &str) = ("accept-encoding", "gzip, compress, deflate, br");
const BASIC: &str = "Basic c2ltLWNsaWVudC1pZDpzaW0tY2xpZW50LXNlY3JldA=="; // sim-client-id:sim-client-secret

/// `POST /oauth/token` as the SDK's login functions send it.
async fn sdk_login(http: &Http, form: &str) -> Resp {
    http.send(
        "POST",
        "/oauth/token",
        &[
            ("accept", "application/json, text/plain, */*"),
            ("content-type", "application/x-www-form-urlencoded"),
            ("authorization", BASIC),
            UA,
            ENCODING,
        ],
        Some(form.as_bytes().to_vec()),
    )
    .await
}

/// An API call as the SDK's `callApi` sends it (no body: `GET`, `HEAD`, `DELETE`).
async fn sdk_call(http: &Http, method: &str, path: &str, token: &str) -> Resp {
    let auth = format!("Bearer {token}");
    http.send(
        method,
        path,
        &[
            ("accept", "application/json"),
            ("content-type", "application/json"),
            ("authorization", &auth),
            UA,
            ENCODING,
        ],
        None,
    )
    .await
}

/// The headers of the SDK's documented extended response.
fn assert_api_headers(r: &Resp) {
    if r.status != 204 {
        assert_eq!(r.header("content-type"), Some("application/json"));
    }
    assert_eq!(r.header("inin-correlation-id").map(str::len), Some(36));
    for h in [
        "inin-ratelimit-allowed",
        "inin-ratelimit-count",
        "inin-ratelimit-reset",
    ] {
        assert!(r.header(h).is_some(), "{h} missing: {:?}", r.headers);
    }
    assert_eq!(
        r.header("cache-control"),
        Some("no-cache, no-store, must-revalidate")
    );
    assert_eq!(r.header("pragma"), Some("no-cache"));
    assert_eq!(r.header("expires"), Some("0"));
}

#[tokio::test]
async fn client_credentials_login_then_permissions_and_404() {
    let sim = start().await;
    let http = Http::for_sim(&sim);

    // loginClientCredentialsGrant(clientId, clientSecret)
    let r = sdk_login(&http, "grant_type=client_credentials").await;
    assert_eq!(r.status, 200, "{}", r.text());
    let t = r.json();
    let token = t["access_token"]
        .as_str()
        .expect("access_token")
        .to_string();
    assert!(t["expires_in"].is_u64(), "expires_in must be a number: {t}");
    assert_eq!(t["token_type"], "bearer");

    // new AuthorizationApi().getAuthorizationPermissions()
    let r = sdk_call(&http, "GET", "/api/v2/authorization/permissions", &token).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_api_headers(&r);
    assert!(r.json()["entities"]
        .as_array()
        .is_some_and(|e| !e.is_empty()));

    // new UsersApi().getUser('no-such-user'): the documented error response.
    let r = sdk_call(&http, "GET", "/api/v2/users/no-such-user", &token).await;
    assert_api_headers(&r);
    assert_error(&r, 404, "not.found");

    // headTokensMe(): HEAD with a JSON content type and no body.
    let r = sdk_call(&http, "HEAD", "/api/v2/tokens/me", &token).await;
    assert!((200..300).contains(&r.status), "{}", r.status);
    assert!(r.body.is_empty());
    assert_api_headers(&r);

    // Errors before the token is checked carry the same cache headers.
    let r = sdk_call(&http, "GET", "/api/v2/users/me", "not-a-token").await;
    assert_error(&r, 401, "bad.credentials");
    assert_eq!(r.header("pragma"), Some("no-cache"));

    // The login service keeps its own (OAuth) cache headers.
    let r = sdk_login(&http, "grant_type=client_credentials").await;
    assert_eq!(r.header("cache-control"), Some("no-store"));
    assert!(r.header("expires").is_none());
    sim.shutdown().await;
}

#[tokio::test]
async fn code_grant_refresh_and_users_me_with_comma_joined_expand() {
    let sim = start().await;
    let http = Http::for_sim(&sim);
    let redirect = "http://localhost:8080/callback";
    let r = http
        .send(
            "GET",
            &format!(
                "/oauth/authorize?response_type=code&client_id=sim-client-id&redirect_uri={}&state=xyz",
                enc(redirect)
            ),
            &[],
            None,
        )
        .await;
    assert_eq!(r.status, 302);
    let location = r.header("location").unwrap();
    let code = location
        .split_once("code=")
        .and_then(|(_, rest)| rest.split('&').next())
        .unwrap()
        .to_string();

    // loginCodeAuthorizationGrant: the form as URLSearchParams encodes it.
    let form = format!(
        "grant_type=authorization_code&code={code}&redirect_uri=http%3A%2F%2Flocalhost%3A8080%2Fcallback"
    );
    let r = sdk_login(&http, &form).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let t = r.json();
    let refresh = t["refresh_token"].as_str().unwrap().to_string();

    // refreshCodeAuthorizationGrant (what the SDK calls on a 401 when it has a refresh token).
    let r = sdk_login(
        &http,
        &format!("grant_type=refresh_token&refresh_token={refresh}"),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let t = r.json();
    let token = t["access_token"].as_str().unwrap();
    assert!(t["refresh_token"].as_str().is_some_and(|r| r != refresh));

    // getUsersMe({expand: ['presence', 'authorization']}): the array joined with a bare comma.
    let r = sdk_call(
        &http,
        "GET",
        "/api/v2/users/me?expand=presence,authorization",
        token,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_api_headers(&r);
    let me = r.json();
    assert_eq!(me["name"], "Sim User");
    assert!(me["presence"]["presenceDefinition"]["systemPresence"].is_string());
    assert!(me["authorization"].is_object(), "{me}");

    // getUsers({expand: ['presence'], pageSize: 2}): the same in a listing.
    let r = sdk_call(
        &http,
        "GET",
        "/api/v2/users?pageSize=2&expand=presence,authorization",
        token,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let page = r.json();
    let users = page["entities"].as_array().unwrap();
    assert_eq!(users.len(), 2);
    assert!(users.iter().all(|u| u["presence"].is_object()));
    assert!(matches!(&page["nextUri"], Value::String(s) if s.contains("pageNumber=2")));
    sim.shutdown().await;
}

/// The presence flow of the JS SDK test: list the presence definitions
/// (`PresenceApi.getPresencedefinitions`), pick "Away", `patchUserPresence` with its id. The
/// definitions used to be generated, with ids that the presence endpoints refused.
#[tokio::test]
async fn listed_presence_definitions_are_the_ones_presence_accepts() {
    let sim = start().await;
    let http = Http::for_sim(&sim);
    let token = sim.issue_token(Some("sim.user@example.com"));

    let r = sdk_call(&http, "GET", "/api/v2/presencedefinitions", &token).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let listing = r.json();
    let defs = listing["entities"].as_array().unwrap();
    assert_eq!(listing["total"], defs.len());
    assert_eq!(listing["pageNumber"], 1);
    let systems: Vec<&str> = defs
        .iter()
        .map(|d| d["systemPresence"].as_str().unwrap())
        .collect();
    for s in ["Available", "Away", "Busy", "Offline", "On Queue"] {
        assert!(systems.contains(&s), "{s} missing from {systems:?}");
    }
    let away = defs.iter().find(|d| d["systemPresence"] == "Away").unwrap();
    let away_id = away["id"].as_str().unwrap();
    assert_eq!(away["languageLabels"]["en_US"], "Away");
    assert_eq!(
        away["selfUri"].as_str().unwrap(),
        format!("/api/v2/presencedefinitions/{away_id}")
    );

    // The same definition by id, in both the old and the new API.
    let r = sdk_call(
        &http,
        "GET",
        &format!("/api/v2/presencedefinitions/{away_id}"),
        &token,
    )
    .await;
    assert_eq!(r.json()["systemPresence"], "Away");
    let r = sdk_call(&http, "GET", "/api/v2/presence/definitions", &token).await;
    let new_defs = r.json();
    assert_eq!(new_defs["total"], defs.len());
    let on_queue = new_defs["entities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["systemPresence"] == "OnQueue")
        .expect("OnQueue, the new API's spelling");
    assert_eq!(on_queue["type"], "System");
    let r = sdk_call(
        &http,
        "GET",
        &format!("/api/v2/presence/definitions/{away_id}"),
        &token,
    )
    .await;
    assert_eq!(r.json()["name"], "Away");
    let r = sdk_call(
        &http,
        "GET",
        "/api/v2/presencedefinitions/no-such-id",
        &token,
    )
    .await;
    assert_error(&r, 404, "not.found");
    let r = sdk_call(
        &http,
        "GET",
        "/api/v2/presencedefinitions?deleted=true",
        &token,
    )
    .await;
    assert_eq!(r.json()["total"], 0);

    // patchUserPresence(userId, 'PURECLOUD', {presenceDefinition: {id}}) with a listed id.
    let me = http.get("/api/v2/users/me", &token).await.json();
    let uid = me["id"].as_str().unwrap();
    let body = serde_json::json!({"presenceDefinition": {"id": away_id}});
    let r = http
        .json(
            "PATCH",
            &format!("/api/v2/users/{uid}/presences/PURECLOUD"),
            &token,
            &body,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["presenceDefinition"]["id"], away_id);
    let me = http
        .get("/api/v2/users/me?expand=presence", &token)
        .await
        .json();
    assert_eq!(
        me["presence"]["presenceDefinition"]["systemPresence"],
        "Away"
    );
    sim.shutdown().await;
}

/// `postProcessautomationTriggerTest(triggerId, {body: '{"key1": "value1"}'})`: the body is
/// declared `type: string`, and a JSON text given as a string goes out as it is (axios sends a
/// string that parses as JSON unquoted), so the event document arrives as a document. The
/// Python SDK quotes the same string into a JSON string literal; both are taken.
#[tokio::test]
async fn a_string_body_is_taken_as_the_document_sent() {
    let sim = start().await;
    let http = Http::for_sim(&sim);
    let token = sim.issue_token(Some("sim.user@example.com"));
    let auth = format!("Bearer {token}");
    for body in [r#"{"key1": "value1"}"#, r#""{\"key1\": \"value1\"}""#] {
        let r = http
            .send(
                "POST",
                "/api/v2/processautomation/triggers/3fa85f64-5717-4562-b3fc-2c963f66afa6/test",
                &[
                    ("accept", "application/json"),
                    ("content-type", "application/json"),
                    ("authorization", &auth),
                    UA,
                    ENCODING,
                ],
                Some(body.as_bytes().to_vec()),
            )
            .await;
        assert_eq!(r.status, 200, "{body}: {}", r.text());
        assert_api_headers(&r);
    }
    sim.shutdown().await;
}
