//! On the wire as the official SDKs send it (issue 13, items 1–6): path encoding, the token on
//! operations without security, bodies exactly as given, explicit `null`, empty 2xx answers,
//! required parameters checked before sending.

mod capture;

use capture::{Capture, Reply};
use purecloud_platform_client_v2::api::UsersApi;
use purecloud_platform_client_v2::models::UpdateUser;
use purecloud_platform_client_v2::{Client, ErrorKind, MemoryTokenStore, RequestBuilder};
use serde_json::{json, Value};
use std::sync::Arc;

fn client(base: &str, token: Option<&str>) -> Client {
    let mut b = Client::builder()
        .base_url(base)
        .no_config_file()
        .token_store(Arc::new(MemoryTokenStore::new()));
    if let Some(t) = token {
        b = b.access_token(t);
    }
    b.build().unwrap()
}

#[tokio::test]
async fn path_parameters_are_encoded_like_encode_uri_component() {
    let cap = Capture::start(|_| Reply::json(200, r#"{"id":"x"}"#)).await;
    let c = client(&cap.url(), Some("T"));
    UsersApi::new(&c)
        .get_user("row;key=1+2:$@,&'x'(y)*!~")
        .send()
        .await
        .unwrap();
    assert_eq!(
        cap.requests()[0].uri,
        "/api/v2/users/row%3Bkey%3D1%2B2%3A%24%40%2C%26'x'(y)*!~"
    );
}

#[cfg(feature = "web-deployments")]
#[tokio::test]
async fn operations_without_security_carry_the_token_when_there_is_one() {
    use purecloud_platform_client_v2::api::WebDeploymentsApi;
    let cap = Capture::start(|_| Reply::json(204, "")).await;
    let c = client(&cap.url(), Some("JWT-1"));
    WebDeploymentsApi::new(&c)
        .delete_webdeployments_token_revoke()
        .send()
        .await
        .unwrap();
    assert_eq!(cap.requests()[0].bearer(), Some("JWT-1"));
    // Without a token: sent without `Authorization`, not refused.
    let c = client(&cap.url(), None);
    WebDeploymentsApi::new(&c)
        .delete_webdeployments_token_revoke()
        .send()
        .await
        .unwrap();
    assert_eq!(cap.requests()[1].header("authorization"), None);
}

#[cfg(feature = "process-automation")]
#[tokio::test]
async fn a_string_body_is_sent_as_it_is() {
    use purecloud_platform_client_v2::api::ProcessAutomationApi;
    let cap = Capture::start(|_| Reply::json(200, "{}")).await;
    let c = client(&cap.url(), Some("T"));
    let doc = r#"{"eventBody":{"a":1}}"#;
    let _ = ProcessAutomationApi::new(&c)
        .post_processautomation_trigger_test("t1")
        .set_body(doc)
        .send()
        .await;
    assert_eq!(cap.requests()[0].body, doc.as_bytes());
    assert_eq!(
        cap.requests()[0].header("content-type"),
        Some("application/json")
    );
}

#[tokio::test]
async fn a_raw_body_replaces_the_typed_one_and_can_hold_null() {
    let cap = Capture::start(|_| Reply::json(200, r#"{"id":"u1"}"#)).await;
    let c = client(&cap.url(), Some("T"));
    UsersApi::new(&c)
        .patch_user("u1")
        .with_json_body(&json!({"department": null, "version": 3}))
        .send()
        .await
        .unwrap();
    let sent: Value = serde_json::from_slice(&cap.requests()[0].body).unwrap();
    assert_eq!(sent, json!({"department": null, "version": 3}));
    UsersApi::new(&c)
        .patch_user("u1")
        .set_body(UpdateUser::default().set_version(4))
        .with_raw_body(r#"{"title":null,"version":4}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(cap.requests()[1].body, br#"{"title":null,"version":4}"#);
}

/// Explicit `null` on a typed model, without per-field code: a property left `None` is
/// omitted; one put in `unknown_fields` as `Value::Null` under its JSON name is sent as `null`
/// (Genesys PATCH semantics: clear the field).
#[tokio::test]
async fn explicit_null_through_unknown_fields() {
    let cap = Capture::start(|_| Reply::json(200, r#"{"id":"u1"}"#)).await;
    let c = client(&cap.url(), Some("T"));
    let mut body = UpdateUser::default().set_version(2);
    body.unknown_fields.insert("department", Value::Null);
    UsersApi::new(&c)
        .patch_user("u1")
        .set_body(body)
        .send()
        .await
        .unwrap();
    let sent: Value = serde_json::from_slice(&cap.requests()[0].body).unwrap();
    assert_eq!(sent, json!({"version": 2, "department": null}));
}

#[tokio::test]
async fn required_parameters_are_checked_before_sending() {
    let cap = Capture::start(|_| Reply::json(200, r#"{"id":"u1"}"#)).await;
    let c = client(&cap.url(), Some("T"));
    let e = UsersApi::new(&c).patch_user("u1").send().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput, "{e}");
    assert_eq!(e.operation(), Some("patchUser"));
    assert!(e.message().contains("`body`"), "{e}");
    assert!(cap.requests().is_empty(), "nothing sent");
    // Only the body as a whole: an empty model is a body.
    UsersApi::new(&c)
        .patch_user("u1")
        .set_body(UpdateUser::default())
        .send()
        .await
        .unwrap();
    assert_eq!(cap.requests().len(), 1);
}

#[tokio::test]
async fn an_empty_2xx_answer_is_a_success() {
    let cap = Capture::start(|_| Reply::json(204, "")).await;
    let c = client(&cap.url(), Some("T"));
    let r = UsersApi::new(&c)
        .get_user("u1")
        .send_extended()
        .await
        .unwrap();
    assert_eq!(r.status, 204);
    assert!(r.body_was_empty());
    assert_eq!(r.body.id, None);
}
