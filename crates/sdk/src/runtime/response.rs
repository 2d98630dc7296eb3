//! Responses and the futures that decode them.

use super::error::{Error, ErrorKind, ErrorResponse};
use super::transport::BoxFuture;
use crate::models::json::{self, FromJson};
use http::HeaderMap;
use std::borrow::Cow;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A successful (2xx) response before decoding.
#[derive(Clone, Debug)]
pub struct RawResponse {
    /// HTTP status code.
    pub status: u16,
    /// Response headers.
    pub headers: HeaderMap,
    /// The raw body bytes.
    pub body: bytes::Bytes,
    pub(crate) operation: &'static str,
}

/// The extended response: what `.send_extended()` gives (the official SDKs'
/// `setReturnExtendedResponses(true)`).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ApiResponse<T> {
    /// HTTP status code.
    pub status: u16,
    /// The status's reason phrase (`OK`).
    pub status_text: String,
    /// Response headers.
    pub headers: HeaderMap,
    /// The decoded body.
    pub body: T,
    /// The raw body bytes.
    pub raw: bytes::Bytes,
}

impl<T> ApiResponse<T> {
    /// The raw body as text.
    pub fn text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.raw)
    }
    /// The `inin-correlation-id` header.
    pub fn correlation_id(&self) -> Option<&str> {
        correlation_id(&self.headers)
    }
    /// The server sent no body (a 204, or an empty 200 where the spec promises a model):
    /// [`body`](Self::body) is then the type's empty value (see [`decode`]).
    pub fn body_was_empty(&self) -> bool {
        self.raw.iter().all(u8::is_ascii_whitespace)
    }
}

enum BodyKind {
    Empty,
    Json,
    Text,
}

fn body_kind(raw: &RawResponse) -> BodyKind {
    if raw.body.iter().all(u8::is_ascii_whitespace) {
        return BodyKind::Empty;
    }
    let ct = raw
        .headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if ct.is_empty() || ct.contains("json") {
        BodyKind::Json
    } else {
        BodyKind::Text
    }
}

fn decode_error(raw: &RawResponse, e: json::DecodeError) -> Error {
    Error::new(
        ErrorKind::Decode,
        format!("the response body does not match the operation's type: {e}"),
    )
    .with_source(e)
    .with_operation(raw.operation)
    .with_response(ErrorResponse {
        status: raw.status,
        status_text: status_text(raw.status),
        headers: raw.headers.clone(),
        body: None,
        raw: raw.body.clone(),
    })
}

/// The `inin-correlation-id` header, which Genesys support asks for.
pub(crate) fn correlation_id(headers: &HeaderMap) -> Option<&str> {
    headers
        .get("inin-correlation-id")
        .and_then(|v| v.to_str().ok())
}

pub(crate) fn status_text(status: u16) -> String {
    http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("")
        .to_owned()
}

/// Decodes a 2xx body into `T`: JSON, or text for text operations, or nothing for 204.
///
/// An empty 2xx body is a success whatever the operation's type, as in the official SDKs
/// (which return `null`): the spec declares a model for many operations that answer `204` or an
/// empty `200` (DELETEs above all). The body is then the type's empty value: a model with no
/// property set, an empty list or map, `()`. [`ApiResponse::body_was_empty`] (from
/// `.send_extended()`) tells it apart from a model that came back empty.
pub fn decode<T: FromJson>(raw: &RawResponse) -> Result<T, Error> {
    match body_kind(raw) {
        BodyKind::Empty => {
            if let Some(v) = T::from_empty() {
                return Ok(v);
            }
            // A model reads `{}` as "no property set", a list `[]` as empty.
            for empty in [&b"{}"[..], b"[]", b"\"\""] {
                if let Ok(v) = json::from_slice::<T>(empty) {
                    return Ok(v);
                }
            }
        }
        BodyKind::Text => {
            if let Some(v) = std::str::from_utf8(&raw.body).ok().and_then(T::from_text) {
                return Ok(v);
            }
        }
        BodyKind::Json => {}
    }
    json::from_slice(&raw.body).map_err(|e| decode_error(raw, e))
}

/// The future of `.send()`: resolves to the decoded body.
#[must_use = "futures do nothing unless awaited"]
pub struct ResponseFuture<T> {
    inner: BoxFuture<'static, Result<RawResponse, Error>>,
    _t: PhantomData<fn() -> T>,
}

impl<T> ResponseFuture<T> {
    pub(crate) fn new(inner: BoxFuture<'static, Result<RawResponse, Error>>) -> Self {
        ResponseFuture {
            inner,
            _t: PhantomData,
        }
    }
}

impl<T> std::fmt::Debug for ResponseFuture<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ResponseFuture")
    }
}

impl<T> std::fmt::Debug for ExtendedFuture<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ExtendedFuture")
    }
}

impl<T: FromJson> Future for ResponseFuture<T> {
    type Output = Result<T, Error>;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.get_mut().inner.as_mut().poll(cx) {
            Poll::Ready(Ok(raw)) => Poll::Ready(decode(&raw)),
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => Poll::Pending,
        }
    }
}

/// The future of `.send_extended()`: resolves to an [`ApiResponse`].
#[must_use = "futures do nothing unless awaited"]
pub struct ExtendedFuture<T> {
    inner: BoxFuture<'static, Result<RawResponse, Error>>,
    _t: PhantomData<fn() -> T>,
}

impl<T> ExtendedFuture<T> {
    pub(crate) fn new(inner: BoxFuture<'static, Result<RawResponse, Error>>) -> Self {
        ExtendedFuture {
            inner,
            _t: PhantomData,
        }
    }
}

impl<T: FromJson> Future for ExtendedFuture<T> {
    type Output = Result<ApiResponse<T>, Error>;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.get_mut().inner.as_mut().poll(cx) {
            Poll::Ready(Ok(raw)) => Poll::Ready(decode(&raw).map(|body| ApiResponse {
                status: raw.status,
                status_text: status_text(raw.status),
                headers: raw.headers,
                body,
                raw: raw.body,
            })),
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => Poll::Pending,
        }
    }
}
