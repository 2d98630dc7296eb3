//! Mock rules (`MockTransport`): typed answers, Genesys errors, sequences through the SDK's
//! retries, unmatched requests, call assertions and logging in, all through the real client
//! pipeline and the generated builders.

use purecloud_platform_client_v2::api::UsersApi;
use purecloud_platform_client_v2::models::{ErrorBody, UpdateUser, User, UserMe};
use purecloud_platform_client_v2::runtime::{HttpResponse, Method, MockTransport, TransportError};
use purecloud_platform_client_v2::{Client, ErrorKind, RequestBuilder};

fn client(mock: &MockTransport) -> Client {
    mock.client_builder()
        .access_token("test-token")
        .build()
        .expect("a client over the mock")
}

#[tokio::test]
async fn a_typed_model_is_the_answer_and_the_call_is_recorded() {
    let mock = MockTransport::new();
    mock.on("getUsersMe")
        .reply_json(200, &UserMe::default().set_name("Ada").set_id("u1"));
    let client = client(&mock);

    let me = UsersApi::new(&client)
        .get_users_me()
        .set_expand(["presence", "authorization"])
        .send()
        .await
        .unwrap();
    assert_eq!(me.name.as_deref(), Some("Ada"));
    assert_eq!(me.id.as_deref(), Some("u1"));

    let calls = mock.calls("getUsersMe");
    assert_eq!(calls.len(), 1);
    let c = &calls[0];
    assert_eq!(c.method(), &Method::GET);
    assert_eq!(c.path(), "/api/v2/users/me");
    assert_eq!(
        c.query_pairs(),
        [("expand", "presence"), ("expand", "authorization")].map(|(k, v)| (k.into(), v.into()))
    );
    assert_eq!(c.header("authorization"), Some("Bearer test-token"));
    assert!(c.matched);
    assert!(mock.unmatched_calls().is_empty());
    assert!(
        !format!("{c:?}").contains("test-token"),
        "Debug hides the token"
    );
}

#[tokio::test]
async fn a_genesys_error_is_decoded_into_the_error() {
    let mock = MockTransport::new();
    mock.on("getUser")
        .reply_error(404, "not.found", "The user u1 was not found")
        .with_header("inin-correlation-id", "corr-1");
    mock.on("deleteUser").reply_json(
        409,
        &ErrorBody::default()
            .set_status(409)
            .set_code("conflict")
            .set_message("busy")
            .set_context_id("ctx-9"),
    );
    let client = client(&mock);
    let users = UsersApi::new(&client);

    let e = users.get_user("u1").send().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Api);
    assert_eq!(e.status(), Some(404));
    assert_eq!(e.code(), Some("not.found"));
    assert_eq!(e.message(), "The user u1 was not found");
    assert_eq!(e.operation(), Some("getUser"));
    assert_eq!(e.correlation_id(), Some("corr-1"));

    let e = users.delete_user("u1").send().await.unwrap_err();
    assert_eq!(e.code(), Some("conflict"));
    assert_eq!(
        e.error_body().and_then(|b| b.context_id.as_deref()),
        Some("ctx-9")
    );
    assert_eq!(mock.calls("getUser").len(), 1, "a 404 is not retried");
}

#[tokio::test]
async fn a_sequence_drives_the_sdks_retry_on_429_with_retry_after() {
    let mock = MockTransport::new();
    mock.on("getUsersMe")
        .reply_error(429, "too.many.requests", "Rate limit exceeded")
        .with_header("Retry-After", "0")
        .reply_json(200, &UserMe::default().set_name("Ada"));
    let client = client(&mock);

    let me = UsersApi::new(&client).get_users_me().send().await.unwrap();
    assert_eq!(me.name.as_deref(), Some("Ada"));
    assert_eq!(mock.calls("getUsersMe").len(), 2, "the 429 was resent once");

    // The last answer repeats; without retries a 429 is the caller's.
    mock.on("getUsersMe")
        .reply_error(429, "too.many.requests", "Rate limit exceeded")
        .with_header("Retry-After", "0");
    let e = UsersApi::new(&client)
        .get_users_me()
        .without_retry()
        .send()
        .await
        .unwrap_err();
    assert!(e.is_status(429), "{e}");
    assert_eq!(mock.calls("getUsersMe").len(), 3);
}

#[tokio::test(start_paused = true)]
async fn a_refused_connection_is_resent_even_for_a_patch() {
    let mock = MockTransport::new();
    mock.on("patchUser")
        .fail(TransportError::Connect("connection refused".into()))
        .reply_json(200, &User::default().set_id("u1"));
    mock.on("getUser")
        .fail(TransportError::Timeout("slow".into()));
    let client = client(&mock);
    let users = UsersApi::new(&client);

    let u = users
        .patch_user("u1")
        .set_body(UpdateUser::default().set_name("Bo").set_version(3))
        .send()
        .await
        .unwrap();
    assert_eq!(u.id.as_deref(), Some("u1"));
    assert_eq!(mock.calls("patchUser").len(), 2);

    let e = users.get_user("u1").send().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout);
    assert_eq!(mock.calls("getUser").len(), 1, "a timeout is not resent");
}

#[tokio::test]
async fn an_unmatched_request_is_a_501_naming_the_operation() {
    let mock = MockTransport::new();
    mock.on("getUser").reply_json(200, &User::default());
    let client = client(&mock);

    let e = UsersApi::new(&client)
        .get_users_me()
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Api);
    assert_eq!(e.status(), Some(501));
    assert_eq!(e.code(), Some(MockTransport::UNMATCHED_CODE));
    assert!(e.message().contains("getUsersMe"), "{}", e.message());
    assert!(e.message().contains("/api/v2/users/me"), "{}", e.message());
    let unmatched = mock.unmatched_calls();
    assert_eq!(unmatched.len(), 1, "not retried");
    assert_eq!(unmatched[0].operation, Some("getUsersMe"));

    mock.otherwise().reply_status(204);
    UsersApi::new(&client).get_users_me().send().await.unwrap();
    assert_eq!(mock.unmatched_calls().len(), 2);
}

#[tokio::test]
async fn calls_give_the_body_and_the_query_to_assert_on() {
    let mock = MockTransport::new();
    mock.on("patchUser").reply_json(200, &User::default());
    mock.on_path(Method::GET, "/api/v2/users")
        .reply_json(200, &serde_json::json!({"entities": [], "total": 0}));
    let client = client(&mock);
    let users = UsersApi::new(&client);

    users
        .patch_user("a b")
        .set_body(UpdateUser::default().set_name("Bo").set_version(3))
        .send()
        .await
        .unwrap();
    let listing = users
        .get_users()
        .set_page_size(25)
        .set_id(["x1", "x&2"])
        .send()
        .await
        .unwrap();
    assert_eq!(listing.total, Some(0));

    let patch = &mock.calls("patchUser")[0];
    assert_eq!(patch.method(), &Method::PATCH);
    assert_eq!(patch.path(), "/api/v2/users/a%20b");
    assert_eq!(patch.header("content-type"), Some("application/json"));
    let sent: UpdateUser = patch.body_json().unwrap();
    assert_eq!(sent.name.as_deref(), Some("Bo"));
    assert_eq!(sent.version, Some(3));

    let list = &mock.calls_to(Method::GET, "/api/v2/users")[0];
    assert_eq!(list.operation, Some("getUsers"));
    assert_eq!(list.query("pageSize").as_deref(), Some("25"));
    let ids: Vec<String> = list
        .query_pairs()
        .into_iter()
        .filter(|(k, _)| k == "id")
        .map(|(_, v)| v)
        .collect();
    assert_eq!(ids, ["x1", "x&2"]);
    assert!(list.body().is_none());
    assert_eq!(mock.all_calls().len(), 2);
}

#[tokio::test]
async fn a_builders_request_is_a_rule_checked_by_the_compiler() {
    let mock = MockTransport::new();
    let client = client(&mock);
    let users = UsersApi::new(&client);
    mock.on_request(&users.get_user("u1").into_request())
        .reply_json(200, &User::default().set_name("One"));
    mock.on_request(&users.get_user("u2").set_expand(["skills"]).into_request())
        .reply_json(200, &User::default().set_name("Two"));

    let one = users.get_user("u1").send().await.unwrap();
    assert_eq!(one.name.as_deref(), Some("One"));
    let two = users
        .get_user("u2")
        .set_expand(["skills"])
        .send()
        .await
        .unwrap();
    assert_eq!(two.name.as_deref(), Some("Two"));
    // Another path parameter or query is another request.
    assert!(users
        .get_user("u3")
        .send()
        .await
        .unwrap_err()
        .is_status(501));
    assert!(users
        .get_user("u2")
        .send()
        .await
        .unwrap_err()
        .is_status(501));
    assert_eq!(mock.calls("getUser").len(), 4);
    assert_eq!(mock.unmatched_calls().len(), 2);
}

#[tokio::test]
async fn logging_in_works_against_the_mock_and_can_be_refused() {
    let mock = MockTransport::new();
    mock.on("getUsersMe").reply_json(200, &UserMe::default());
    let client = mock.client_builder().build().unwrap();

    client
        .login_client_credentials_grant("my-client", "my-secret")
        .await
        .unwrap();
    UsersApi::new(&client).get_users_me().send().await.unwrap();

    let logins = mock.calls("loginClientCredentialsGrant");
    assert_eq!(logins.len(), 1);
    assert_eq!(logins[0].method(), &Method::POST);
    assert!(logins[0].path().ends_with("/oauth/token"));
    assert_eq!(logins[0].body_text(), "grant_type=client_credentials");
    assert!(
        !format!("{:?}", logins[0]).contains("my-secret")
            && !format!("{:?}", logins[0]).contains(
                // base64 of "my-client:my-secret"
                "bXktY2xpZW50Om15LXNlY3JldA"
            ),
        "Debug hides the credentials"
    );
    assert!(logins[0]
        .header("authorization")
        .is_some_and(|v| v.starts_with("Basic ")));
    assert_eq!(
        mock.calls("getUsersMe")[0].header("authorization"),
        Some(format!("Bearer {}", MockTransport::ACCESS_TOKEN).as_str())
    );

    mock.on_token().reply_json(
        400,
        &serde_json::json!({"error": "invalid_client", "error_description": "bad secret"}),
    );
    let e = client
        .login_client_credentials_grant("my-client", "wrong")
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Auth);
    assert!(e.message().contains("invalid_client"), "{}", e.message());

    mock.on_token().reply_token("second-token", 3600);
    client
        .login_client_credentials_grant("my-client", "my-secret")
        .await
        .unwrap();
    UsersApi::new(&client).get_users_me().send().await.unwrap();
    assert_eq!(
        mock.calls("getUsersMe")[1].header("authorization"),
        Some("Bearer second-token")
    );
}

#[tokio::test]
async fn a_responder_sees_the_request_and_raw_responses_keep_their_bytes() {
    let mock = MockTransport::new();
    mock.on("getUser").reply_with(|req| {
        let id = req.url.rsplit('/').next().unwrap_or_default().to_owned();
        Ok(HttpResponse::new(
            200,
            Default::default(),
            format!(r#"{{"id":"{id}","name":"User {id}"}}"#),
        ))
    });
    mock.on("getUsersMe").reply(HttpResponse::new(
        502,
        Default::default(),
        "<html>Bad gateway</html>",
    ));
    let client = client(&mock);
    let users = UsersApi::new(&client);

    let u = users.get_user("u9").send().await.unwrap();
    assert_eq!(u.name.as_deref(), Some("User u9"));
    let e = users
        .get_users_me()
        .without_retry()
        .send()
        .await
        .unwrap_err();
    assert!(e.is_status(502));
    assert!(e.error_body().is_none(), "an HTML page is no Genesys error");
    assert_eq!(
        e.response().map(|r| r.text().into_owned()).as_deref(),
        Some("<html>Bad gateway</html>")
    );
}
