//! `/api/v2/...`: routing, authentication, parameter and body validation, stateful handlers and
//! generated answers.

use hyper::{HeaderMap, Method};
use serde_json::{json, Value};
use std::sync::PoisonError;

use crate::auth::{Grant, TokenLookup, TokenRecord};
use crate::error::ApiError;
use crate::generate::{generate, GenOptions};
use crate::reply::Reply;
use crate::router::RouteMatch;
use crate::server::{Ctx, Inner};
use crate::spec::{Operation, ParamIn, ParamType, Schema};
use crate::state::{Outcome, Req};
use crate::util::{fnv1a, format_datetime_millis, mix, parse_form, percent_decode};
use crate::validate::{check_param_value, validate, ValidateOptions};

/// Splits and percent-decodes a path into segments (without the leading empty one).
pub fn decode_segments(path: &str) -> Result<Vec<String>, ApiError> {
    path.split('/')
        .skip(1)
        .map(|s| percent_decode(s, false).map_err(ApiError::bad_request))
        .collect()
}

/// The bearer token of a request, if any.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    let v = headers.get("authorization")?.to_str().ok()?.trim();
    let (scheme, token) = v.split_once(' ')?;
    if scheme.eq_ignore_ascii_case("bearer") {
        let t = token.trim();
        (!t.is_empty()).then_some(t)
    } else {
        None
    }
}

/// Finds the operation for a request path, for fault matching (no errors).
pub fn route_for(inner: &Inner, method: &Method, path: &str) -> Option<usize> {
    let segs = decode_segments(path).ok()?;
    match inner.spec.route(method, &segs) {
        RouteMatch::Found { op, .. } => Some(op),
        _ => None,
    }
}

/// Handles an `/api/...` request.
pub fn handle(
    inner: &Inner,
    ctx: &mut Ctx,
    method: &Method,
    path: &str,
    raw_query: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Reply, ApiError> {
    let spec = &*inner.spec;
    let segments = decode_segments(path)?;
    let (op_idx, values) = match spec.route(method, &segments) {
        RouteMatch::Found { op, params } => (op, params),
        RouteMatch::MethodNotAllowed(allowed) => {
            let list: Vec<&str> = allowed.iter().map(Method::as_str).collect();
            return Err(ApiError::new(
                405,
                "method.not.allowed",
                format!(
                    "HTTP method {} is not supported by {path}; allowed: {}",
                    method,
                    list.join(", ")
                ),
            )
            .with_header("allow", list.join(", ")));
        }
        RouteMatch::NotFound => {
            return Err(ApiError::not_found(format!(
                "Unable to find a resource at {path}"
            )));
        }
    };
    let op = &spec.operations[op_idx];

    // Authentication.
    let token = bearer(headers);
    let lookup = token.map(|t| {
        inner
            .auth
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .lookup(t)
    });
    let record: Option<TokenRecord> = match (&lookup, op.secured) {
        (Some(TokenLookup::Valid(r)), _) => Some(r.clone()),
        (None, true) => {
            return Err(ApiError::new(
                401,
                "authentication.required",
                "No authentication bearer token specified in authorization header.",
            ));
        }
        (Some(TokenLookup::Expired), true) => {
            return Err(ApiError::new(
                401,
                "bad.credentials",
                "The access token has expired.",
            ));
        }
        (Some(TokenLookup::Unknown), true) => {
            return Err(ApiError::new(
                401,
                "bad.credentials",
                "Invalid login credentials.",
            ));
        }
        _ => None,
    };

    // Rate limiting, per token.
    let key = token.unwrap_or("anonymous");
    ctx.rate = Some(inner.rate_check(key));
    if let Some(r) = &ctx.rate {
        if r.limited {
            return Err(too_many_requests(r.reset_secs));
        }
    }

    // Parameters.
    let names = op.path_param_names();
    let path_params: Vec<(String, String)> =
        names.iter().map(|n| n.to_string()).zip(values).collect();
    let query = parse_form(raw_query)
        .map_err(|e| ApiError::bad_request(format!("Malformed query string: {e}")))?;
    check_params(op, &path_params, &query, headers)?;

    // Body.
    let body_value = match &op.body {
        None => None,
        Some(_) if !body.is_empty() && !is_json_media_type(headers) => {
            let ct = headers
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("?");
            return Err(ApiError::new(
                415,
                "unsupported.media.type",
                format!("Content-Type '{ct}' is not supported; the body must be application/json."),
            ));
        }
        Some(bp) => {
            let text = std::str::from_utf8(body)
                .map_err(|_| ApiError::bad_request("The request body is not valid UTF-8."))?;
            if text.trim().is_empty() {
                if bp.required {
                    return Err(ApiError::invalid_field(
                        &bp.name,
                        "a request body is required",
                    ));
                }
                None
            } else {
                let v: Value = serde_json::from_str(text).map_err(|e| {
                    ApiError::bad_request(format!("The request body is not valid JSON: {e}"))
                })?;
                if v.is_null() && bp.required {
                    return Err(ApiError::invalid_field(
                        &bp.name,
                        "a request body is required",
                    ));
                }
                // A body declared `type: string` is a document the service reads as it is
                // sent (the process automation trigger tests take their event body so): the
                // official JS SDK sends a JSON text given as a string as is, the Python SDK
                // quotes it into a JSON string literal. Any JSON is taken.
                let document = matches!(bp.schema, Schema::String(_));
                if !v.is_null() && !document {
                    validate(spec, &bp.schema, &v, &bp.name, ValidateOptions::REQUEST)
                        .map_err(|e| ApiError::invalid_field(&e.path, &e.message))?;
                }
                Some(v)
            }
        }
    };

    let user_id = record.as_ref().and_then(|r| r.user_id.clone());
    let seed = {
        let mut s = mix(inner.config.seed, fnv1a(op.id.as_bytes()));
        for (_, v) in &path_params {
            s = mix(s, fnv1a(v.as_bytes()));
        }
        s
    };

    // Token operations.
    match op.id.as_str() {
        "getTokensMe" => {
            let r = record.as_ref().expect("secured");
            return Ok(Reply::json(200, &token_info(inner, r)));
        }
        "deleteTokensMe" => {
            if let Some(t) = token {
                inner
                    .auth
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .revoke(t);
            }
            return Ok(Reply::empty(204));
        }
        "deleteToken" => {
            let uid = path_params.first().map(|(_, v)| v.as_str()).unwrap_or("");
            inner
                .auth
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .revoke_user(uid);
            return Ok(Reply::empty(204));
        }
        _ => {}
    }

    // User context for /users/me.
    if path.starts_with("/api/v2/users/me") && user_id.is_none() && op.id != "getUsersMe" {
        return Err(ApiError::new(
            403,
            "not.authorized",
            "This request requires a user context. Client credentials cannot be used for requests to this resource.",
        ));
    }

    // Stateful operations.
    {
        let req = Req {
            spec,
            op_id: &op.id,
            path,
            path_params: &path_params,
            query: &query,
            body: body_value.as_ref(),
            user_id: user_id.as_deref(),
        };
        let mut store = inner.store.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(r) = store.handle(&req, seed) {
            return r.map(|o| match o {
                Outcome::Json(status, mut v) => {
                    // Only what the answer's model declares (a listing shape is shared by
                    // models that declare fewer of its fields).
                    if let (Some(Schema::Ref(d)), Value::Object(m)) = (&op.response, &mut v) {
                        let def = &spec.definitions[*d];
                        m.retain(|k, _| def.property(k).is_some());
                    }
                    Reply::json(status, &v)
                }
                Outcome::NoContent => Reply::empty(204),
            });
        }
    }

    Ok(generated(inner, op, path, &path_params, &query, seed))
}

/// Whether a request's body is declared JSON: `application/json` or a `+json` type (SCIM's
/// `application/scim+json`), parameters allowed; no `Content-Type` at all is taken as JSON.
fn is_json_media_type(headers: &HeaderMap) -> bool {
    let Some(ct) = headers.get("content-type") else {
        return true;
    };
    let Ok(ct) = ct.to_str() else {
        return false;
    };
    let essence = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

fn too_many_requests(reset_secs: u64) -> ApiError {
    let secs = reset_secs.max(1);
    let mut e = ApiError::new(
        429,
        "too.many.requests",
        format!("Rate limit exceeded the maximum. Retry the request in [{secs}] seconds"),
    );
    e.message_with_params =
        Some("Rate limit exceeded the maximum. Retry the request in [{retryAfter}] seconds".into());
    e.message_params = vec![("retryAfter".into(), secs.to_string())];
    e.with_header("retry-after", secs.to_string())
}

/// The 429 of an injected fault.
pub fn injected_429(retry_after: u64) -> ApiError {
    too_many_requests(retry_after)
}

fn check_params(
    op: &Operation,
    path_params: &[(String, String)],
    query: &[(String, String)],
    headers: &HeaderMap,
) -> Result<(), ApiError> {
    for p in &op.params {
        match p.location {
            ParamIn::Path => {
                if let Some((_, v)) = path_params.iter().find(|(k, _)| k == &p.name) {
                    check_param_value(&p.ty, v)
                        .map_err(|e| ApiError::invalid_field(&p.name, &e))?;
                }
            }
            ParamIn::Query => {
                let mut found = false;
                for (_, v) in query.iter().filter(|(k, _)| k == &p.name) {
                    found = true;
                    match &p.ty {
                        ParamType::Array(inner) => {
                            for part in v.split(',').filter(|s| !s.is_empty()) {
                                check_param_value(inner, part)
                                    .map_err(|e| ApiError::invalid_field(&p.name, &e))?;
                            }
                        }
                        ty => {
                            if v.is_empty() && !p.required {
                                continue;
                            }
                            check_param_value(ty, v)
                                .map_err(|e| ApiError::invalid_field(&p.name, &e))?
                        }
                    }
                }
                if !found && p.required {
                    return Err(ApiError::invalid_field(
                        &p.name,
                        "the query parameter is required",
                    ));
                }
            }
            ParamIn::Header => {
                if p.required && headers.get(p.name.as_str()).is_none() {
                    return Err(ApiError::invalid_field(&p.name, "the header is required"));
                }
            }
        }
    }
    Ok(())
}

fn token_info(inner: &Inner, r: &TokenRecord) -> Value {
    let cfg = &inner.config;
    let client = cfg.clients.iter().find(|c| c.client_id == r.client_id);
    let org = json!({"id": cfg.org_id, "name": cfg.org_name});
    let grant = r.grant;
    let mut v = json!({
        "organization": org,
        "homeOrganization": org,
        "authorizedScope": ["authorization", "groups", "presence", "routing", "users"],
        "dateTokenIdles": format_datetime_millis(r.expires_at_ms),
        "OAuthClient": {
            "id": r.client_id,
            "name": client.map(|c| c.name.clone()).unwrap_or_else(|| r.client_id.clone()),
            "dateCreated": "2024-01-15T09:30:00.000Z",
            "dateModified": "2024-01-15T09:30:00.000Z",
            "authorizedGrantType": if grant == Grant::Test && r.user_id.is_some() { "CODE" } else { grant.authorized_grant_type() },
            "scope": [],
            "roleDivisions": [],
            "state": "active",
            "organization": org,
        },
    });
    if r.user_id.is_none() {
        v.as_object_mut().map(|m| m.remove("dateTokenIdles"));
    }
    v
}

fn generated(
    inner: &Inner,
    op: &Operation,
    path: &str,
    path_params: &[(String, String)],
    query: &[(String, String)],
    seed: u64,
) -> Reply {
    let Some(schema) = &op.response else {
        return Reply::empty(204);
    };
    if let (Some(ct), Schema::String(_)) = (&op.produces, schema) {
        let body = if ct.contains("calendar") {
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//purecloud-simulator//EN\r\nBEGIN:VEVENT\r\nUID:sim-1@example.com\r\nDTSTART:20240501T120000Z\r\nDTEND:20240501T130000Z\r\nSUMMARY:Scheduled shift\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n".to_string()
        } else {
            "{\n  \"template\": \"${input.value}\"\n}\n".to_string()
        };
        return Reply::text(200, ct, body);
    }
    let id = if op.path.ends_with('}') {
        path_params.last().map(|(_, v)| v.clone())
    } else {
        None
    };
    let opts = GenOptions {
        self_uri: Some(path.to_string()),
        id,
        ..GenOptions::default()
    };
    let mut v = generate(&inner.spec, schema, seed, &opts);
    fix_listing(&mut v, path, query);
    Reply::json(200, &v)
}

/// Makes a generated entity listing consistent with its paging parameters: one page holding
/// all the generated entities.
fn fix_listing(v: &mut Value, path: &str, query: &[(String, String)]) {
    let Value::Object(m) = v else {
        return;
    };
    if !m.contains_key("pageSize") || !m.get("entities").is_some_and(Value::is_array) {
        return;
    }
    let q = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .and_then(|(_, v)| v.parse::<i64>().ok())
    };
    let size = q("pageSize").unwrap_or(25).max(1);
    let number = q("pageNumber").unwrap_or(1).max(1);
    let total = m["entities"].as_array().map(|a| a.len()).unwrap_or(0) as i64;
    let uri = |n: i64| format!("{path}?pageSize={size}&pageNumber={n}");
    m.insert("pageSize".into(), json!(size));
    if m.contains_key("pageNumber") {
        m.insert("pageNumber".into(), json!(number));
    }
    if m.contains_key("total") {
        m.insert("total".into(), json!(total));
    }
    if m.contains_key("pageCount") {
        m.insert("pageCount".into(), json!(1));
    }
    for (k, n) in [("firstUri", 1), ("lastUri", 1), ("selfUri", number)] {
        if m.contains_key(k) {
            m.insert(k.into(), json!(uri(n)));
        }
    }
    m.remove("nextUri");
    m.remove("previousUri");
}
