//! Generator tests on small hand-written specs.

use super::*;
use serde_json::json;

fn mini() -> serde_json::Value {
    json!({
        "swagger": "2.0",
        "tags": [
            {"name": "Users", "x-sdk-class": "UsersApi"},
            {"name": "Telephony Providers Edge", "x-sdk-class": "TelephonyProvidersEdgeApi"}
        ],
        "paths": {
            "/api/v2/users/{userId}": {
                "get": {
                    "tags": ["Users"],
                    "operationId": "getUser",
                    "x-purecloud-method-name": "getUser",
                    "summary": "Get user.",
                    "description": "Indented text:\n    let x = 1;\n```\ncode\n```\n<b>bold</b>",
                    "parameters": [
                        {"name": "userId", "in": "path", "required": true, "type": "string"},
                        {"name": "expand", "in": "query", "type": "array", "items": {"type": "string"}, "collectionFormat": "multi"},
                        {"name": "pageSize", "in": "query", "type": "integer", "format": "int64", "default": 25}
                    ],
                    "responses": {"200": {"schema": {"$ref": "#/definitions/User"}}, "default": {"schema": {"$ref": "#/definitions/ErrorBody"}}},
                    "security": [{"PureCloud OAuth": []}]
                },
                "patch": {
                    "tags": ["Users", "Telephony Providers Edge"],
                    "operationId": "patchUser",
                    "x-purecloud-method-name": "patchUser",
                    "summary": "Update user.",
                    "deprecated": true,
                    "x-genesys-preview": true,
                    "parameters": [
                        {"name": "userId", "in": "path", "required": true, "type": "string"},
                        {"name": "body", "in": "body", "required": true, "schema": {"$ref": "#/definitions/User"}}
                    ],
                    "responses": {"204": {"description": "ok"}},
                    "security": []
                }
            }
        },
        "definitions": {
            "ErrorBody": {"type": "object", "properties": {
                "message": {"type": "string"},
                "errors": {"type": "array", "items": {"$ref": "#/definitions/ErrorBody"}}
            }},
            "User": {"type": "object", "required": ["id"], "properties": {
                "id": {"type": "string", "description": "The id."},
                "state": {"type": "string", "enum": ["active", "inactive", "ON_QUEUE", "1"]},
                "type": {"type": "string"},
                "manager": {"$ref": "#/definitions/User"},
                "created": {"type": "string", "format": "date-time"},
                "tags": {"type": "object", "additionalProperties": {"type": "string"}},
                "extra": {"type": "object"},
                "unknownFields": {"type": "integer", "format": "int64"}
            }},
            "Lonely": {"type": "object", "properties": {"user": {"$ref": "#/definitions/User"}}}
        }
    })
}

fn out_files() -> Vec<(PathBuf, String)> {
    let toml = format!("[features]\n{BEGIN_FEATURES}\nold = []\n{END_FEATURES}\n");
    generate(&mini().to_string(), &|_| Ok(toml.clone()))
        .expect("generate")
        .files
}

fn file(files: &[(PathBuf, String)], suffix: &str) -> String {
    files
        .iter()
        .find(|(p, _)| p.to_string_lossy().ends_with(suffix))
        .unwrap_or_else(|| panic!("no file {suffix}"))
        .1
        .clone()
}

#[test]
fn parses_groups_ops_and_models() {
    let api = spec::parse(&mini()).unwrap();
    assert_eq!(api.groups.len(), 2);
    assert_eq!(api.groups[1].module, "telephony_providers_edge");
    assert_eq!(api.groups[1].feature, "telephony-providers-edge");
    assert_eq!(api.ops.len(), 2);
    let patch = api.ops.iter().find(|o| o.id == "patchUser").unwrap();
    assert!(patch.deprecated && patch.preview && !patch.auth);
    assert_eq!(patch.groups, vec![0, 1]);
    assert_eq!(patch.response, spec::Ty::Unit);
    let user = &api.models["User"];
    let manager = user.props.iter().find(|p| p.json == "manager").unwrap();
    assert!(manager.boxed(), "a model property is boxed");
    let lonely = &api.models["Lonely"];
    assert!(lonely.props[0].boxed(), "with or without a cycle");
    let tags = user.props.iter().find(|p| p.json == "tags").unwrap();
    assert!(!tags.boxed(), "maps (and arrays) hold their values inline");
    assert_eq!(
        user.unknown_ident, "unknown_fields_",
        "clash with a property is avoided"
    );
    assert_eq!(user.enums[0].name, "UserState");
    assert_eq!(
        user.enums[0].values[2],
        ("OnQueue".into(), "ON_QUEUE".into())
    );
    assert_eq!(user.enums[0].values[3], ("V1".into(), "1".into()));
}

#[test]
fn model_features_follow_operations_and_events() {
    let api = spec::parse(&mini()).unwrap();
    let f = api.model_features(models::ALWAYS);
    assert!(f["ErrorBody"].is_empty(), "runtime models are always on");
    let user: Vec<&str> = f["User"].iter().map(String::as_str).collect();
    assert_eq!(
        user,
        vec![spec::EVENTS_FEATURE, "telephony-providers-edge", "users"]
    );
    let lonely: Vec<&str> = f["Lonely"].iter().map(String::as_str).collect();
    assert_eq!(lonely, vec![spec::EVENTS_FEATURE]);
}

#[test]
fn emits_models_with_codecs_setters_and_enums() {
    let files = out_files();
    let all = files
        .iter()
        .filter(|(p, _)| p.starts_with("crates/models"))
        .map(|(_, c)| c.as_str())
        .collect::<String>();
    assert!(all.starts_with("// @generated"));
    assert!(all.contains("#[non_exhaustive]\npub struct User {"));
    assert!(all.contains("pub manager: Option<Box<User>>,"));
    assert!(all.contains("pub created: Option<OffsetDateTime>,"));
    assert!(all.contains("pub tags: Option<BTreeMap<String, String>>,"));
    assert!(all.contains("pub extra: Option<Value>,"));
    assert!(all.contains("pub r#type: Option<String>,"));
    assert!(all.contains("pub fn set_type(mut self, v: impl Into<String>) -> Self"));
    assert!(all.contains("\"manager\" => r.read_into(&mut self.manager),"));
    assert!(all.contains("while let Some(k) = r.next_key()? {"));
    // In-place hooks only where the API holds the model that way.
    // (Every crate's files: `Lonely` lives in a part crate.)
    let every = files.iter().map(|(_, c)| c.as_str()).collect::<String>();
    let from_json_of = |name: &str| {
        let start = every.find(&format!("impl FromJson for {name} {{")).unwrap();
        let len = every[start..].find("\n}\n").unwrap();
        every[start..start + len].to_owned()
    };
    assert!(
        from_json_of("User").contains("json::box_object(r)"),
        "a property of a model"
    );
    assert!(
        !from_json_of("Lonely").contains("box_object"),
        "nobody's property"
    );
    assert!(
        !from_json_of("Lonely").contains("push_object"),
        "in no array"
    );
    assert!(all.contains("o.field(\"manager\", &self.manager);"));
    assert!(all.contains("Unknown(String),"));
    assert!(all.contains("\"ON_QUEUE\" => Self::OnQueue,"));
    let m = file(&files, "crates/models/src/generated/mod.rs");
    assert!(m.contains("mod always;\n\npub use self::always::*;") || m.contains("mod always;\n"));
    let toml = file(&files, "crates/models/Cargo.toml");
    assert!(toml.contains("users = []") && !toml.contains("old = []"));
    let sdk_toml = file(&files, "crates/sdk/Cargo.toml");
    assert!(sdk_toml.contains("users = [\"models/users\""), "{sdk_toml}");
    assert!(toml.contains(&format!("{} = []", spec::EVENTS_FEATURE)));
}

#[test]
fn emits_api_groups_and_builders() {
    let files = out_files();
    let users = file(&files, "crates/sdk/src/generated/api/users.rs");
    assert!(users.contains("pub struct UsersApi {"));
    assert!(users.contains("pub fn get_user(&self, user_id: impl Into<String>) -> GetUser {"));
    assert!(users.contains("pub fn set_expand<I, S>(mut self, v: I) -> Self"));
    assert!(users.contains("pub fn set_page_size(mut self, v: i64) -> Self"));
    assert!(users.contains("r.path_param(\"userId\", &self.user_id);"));
    assert!(users.contains("r.query(\"expand\", &self.expand);"));
    assert!(users.contains("pub fn send(self) -> ResponseFuture<m::User>"));
    assert!(users.contains("pub fn send(self) -> ResponseFuture<()>"));
    assert!(users.contains("#[deprecated"));
    assert!(users.contains("**Preview:**"));
    assert!(users.contains("r.without_auth();"));
    assert!(users.contains("`GET /api/v2/users/{userId}`"));
    // Doc text never becomes a doctest or raw HTML.
    assert!(!users.contains("```"));
    assert!(!users.contains("///     let"));
    assert!(users.contains("&lt;b&gt;bold&lt;/b&gt;"));
    // Code spans are shown literally by rustdoc: not escaped.
    assert!(!users.contains("`Vec&lt;"));
    let mut out = String::new();
    crate::rust::escape_outside_code("a <b> `Vec<String>` & `x<y", &mut out);
    assert_eq!(out, "a &lt;b&gt; `Vec<String>` &amp; `x&lt;y");
    // The builder of a two-group operation lives once, in its first group, gated by both.
    let api_mod = file(&files, "crates/sdk/src/generated/api/mod.rs");
    assert!(api_mod.contains(
        "#[cfg(any(feature = \"telephony-providers-edge\", feature = \"users\"))]\npub mod users;"
    ));
    assert!(users.contains("#[cfg(feature = \"users\")]\n#[derive(Clone, Debug)]\n#[must_use = \"a request does nothing until it is sent\"]\npub struct GetUser {"));
    let edge = file(
        &files,
        "crates/sdk/src/generated/api/telephony_providers_edge.rs",
    );
    assert!(edge.contains("-> super::users::PatchUser {"));
    assert!(!edge.contains("pub struct PatchUser"));
    let t = file(&files, "crates/sdk/tests/generated/requests.rs");
    assert!(t.contains("api.get_user(s.string(\"getUser\", \"userId\"))"));
    assert!(t.contains(".set_body(s.body::<m::User>(\"patchUser\"))"));
}

#[test]
fn bad_specs_are_clear_errors() {
    let mut s = mini();
    s["definitions"]["User"]["properties"]["manager"] = json!({"$ref": "#/definitions/Nope"});
    let e = spec::parse(&s).unwrap_err();
    assert!(e.contains("Nope"), "{e}");
    let mut s = mini();
    s["paths"]["/api/v2/users/{userId}"]["get"]["parameters"] = json!([]);
    let e = spec::parse(&s).unwrap_err();
    assert!(e.contains("userId"), "{e}");
    assert!(generate("not json", &|_| Ok(String::new())).is_err());
    let e = generate(&mini().to_string(), &|_| Ok("no markers".into()))
        .err()
        .unwrap();
    assert!(e.contains("marker"), "{e}");
}

#[test]
fn generation_is_deterministic() {
    let a = out_files();
    let b = out_files();
    assert_eq!(a, b);
}
