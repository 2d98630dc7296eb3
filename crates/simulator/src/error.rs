//! Errors in the Platform API's shape (`ErrorBody`).

use serde_json::{json, Map, Value};

/// An API error, rendered as the Genesys `ErrorBody`:
/// `{"message","code","status","messageWithParams","messageParams","contextId","details","errors"}`.
/// Boxed so that `Result<_, ApiError>` stays small; the fields are reachable through `Deref`.
#[derive(Clone, Debug)]
pub struct ApiError(Box<ErrorData>);

/// The fields of an [`ApiError`].
#[derive(Clone, Debug)]
pub struct ErrorData {
    pub status: u16,
    pub code: String,
    pub message: String,
    /// `messageWithParams`; defaults to `message`.
    pub message_with_params: Option<String>,
    pub message_params: Vec<(String, String)>,
    /// Extra response headers (e.g. `Retry-After`).
    pub headers: Vec<(&'static str, String)>,
}

impl std::ops::Deref for ApiError {
    type Target = ErrorData;
    fn deref(&self) -> &ErrorData {
        &self.0
    }
}

impl std::ops::DerefMut for ApiError {
    fn deref_mut(&mut self) -> &mut ErrorData {
        &mut self.0
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.status, self.code, self.message)
    }
}

impl std::error::Error for ApiError {}

impl ApiError {
    pub fn new(status: u16, code: &str, message: impl Into<String>) -> ApiError {
        ApiError(Box::new(ErrorData {
            status,
            code: code.to_string(),
            message: message.into(),
            message_with_params: None,
            message_params: Vec::new(),
            headers: Vec::new(),
        }))
    }

    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(400, "bad.request", message)
    }

    /// A 400 naming the offending field: `messageWithParams` has a `{field}` placeholder.
    pub fn invalid_field(field: &str, reason: &str) -> ApiError {
        let mut e = ApiError::bad_request(format!("Invalid value for {field}: {reason}"));
        e.message_with_params = Some("Invalid value for {field}: {reason}".to_string());
        e.message_params = vec![
            ("field".to_string(), field.to_string()),
            ("reason".to_string(), reason.to_string()),
        ];
        e
    }

    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(404, "not.found", message)
    }

    pub fn entity_not_found(kind: &str, id: &str) -> ApiError {
        let mut e = ApiError::not_found(format!("The requested {kind} {id} was not found."));
        e.message_with_params = Some(format!("The requested {kind} {{id}} was not found."));
        e.message_params = vec![("id".to_string(), id.to_string())];
        e
    }

    pub fn conflict(message: impl Into<String>) -> ApiError {
        ApiError::new(409, "general.conflict", message)
    }

    pub fn with_header(mut self, name: &'static str, value: impl Into<String>) -> ApiError {
        self.headers.push((name, value.into()));
        self
    }

    /// The JSON body; `context_id` is the response's `inin-correlation-id`.
    pub fn to_json(&self, context_id: &str) -> Value {
        let mut params = Map::new();
        for (k, v) in &self.message_params {
            params.insert(k.clone(), Value::String(v.clone()));
        }
        json!({
            "message": self.message,
            "code": self.code,
            "status": self.status,
            "messageWithParams": self.message_with_params.as_deref().unwrap_or(&self.message),
            "messageParams": params,
            "contextId": context_id,
            "details": [],
            "errors": [],
        })
    }
}

/// The usual error code for a status (used by injected faults).
pub fn code_for_status(status: u16) -> &'static str {
    match status {
        400 => "bad.request",
        401 => "authentication.required",
        403 => "not.authorized",
        404 => "not.found",
        405 => "method.not.allowed",
        408 => "request.timeout",
        409 => "general.conflict",
        413 => "request.entity.too.large",
        414 => "request.uri.too.long",
        415 => "unsupported.media.type",
        429 => "too.many.requests",
        431 => "request.header.fields.too.large",
        500 => "internal.server.error",
        501 => "not.implemented",
        502 => "bad.gateway",
        503 => "service.unavailable",
        504 => "gateway.timeout",
        s if s >= 500 => "internal.server.error",
        _ => "bad.request",
    }
}

/// A human message for a status (used by injected faults).
pub fn message_for_status(status: u16) -> &'static str {
    match status {
        429 => "Rate limit exceeded the maximum. Retry the request in [1] seconds",
        500 => "The server encountered an unexpected condition which prevented it from fulfilling the request.",
        502 => "The server received an invalid response from an upstream server.",
        503 => "Service Unavailable - The server is currently unavailable (because it is overloaded or down for maintenance).",
        504 => "The server did not receive a timely response from an upstream server.",
        _ => "The simulator was asked to fail this request.",
    }
}
