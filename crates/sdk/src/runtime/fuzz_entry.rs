//! Entry points for the fuzz targets in `fuzz/` (see `docs/fuzzing.md`): thin wrappers that let
//! a target reach the parsers the runtime applies to what the network (or a local file) hands
//! it, exactly as the request pipeline calls them. Compiled only with `--cfg fuzzing` (which
//! `scripts/fuzz.sh` sets), so the public API does not change; re-exported as
//! `purecloud_platform_client_v2::__fuzz`.

use super::config::ConfigFile;
use super::error::Error;
use super::region::Gateway;
use super::response::RawResponse;
use super::AuthData;
use crate::models::json::FromJson;
use http::header::{HeaderValue, CONTENT_TYPE, RETRY_AFTER};
use http::HeaderMap;
use std::time::Duration;

/// Headers with a `Content-Type`, when `content_type` is a valid header value (else none).
fn headers_with_content_type(content_type: Option<&[u8]>) -> HeaderMap {
    let mut h = HeaderMap::new();
    if let Some(v) = content_type.and_then(|c| HeaderValue::from_bytes(c).ok()) {
        h.insert(CONTENT_TYPE, v);
    }
    h
}

/// A 2xx body decoded into `T` as `.send()` does (`runtime::decode`: empty, text or JSON by
/// the body and its `Content-Type`).
pub fn decode_response<T: FromJson>(
    status: u16,
    content_type: Option<&[u8]>,
    body: &[u8],
) -> Result<T, Error> {
    let raw = RawResponse {
        status,
        headers: headers_with_content_type(content_type),
        body: bytes::Bytes::copy_from_slice(body),
        operation: "fuzz",
    };
    super::response::decode::<T>(&raw)
}

/// A non-2xx response as the pipeline turns it into an error (`Error::from_response`: the
/// Genesys error body parsed when the body is one).
pub fn api_error(status: u16, content_type: Option<&[u8]>, body: &[u8]) -> Error {
    Error::from_response(
        status,
        headers_with_content_type(content_type),
        bytes::Bytes::copy_from_slice(body),
        Some("fuzz"),
    )
}

/// The token endpoint's answer (`POST {login}/oauth/token`) as every grant reads it.
pub fn parse_token_response(
    status: u16,
    content_type: Option<&[u8]>,
    body: &[u8],
) -> Result<AuthData, Error> {
    super::auth::parse_token_response(
        "fuzz login",
        status,
        &headers_with_content_type(content_type),
        &bytes::Bytes::copy_from_slice(body),
    )
}

/// The wait a `Retry-After` header value asks for, as the retry loop reads it (`None`: no
/// usable value, or not a valid header value at all).
pub fn retry_after(value: &[u8]) -> Option<Duration> {
    let mut h = HeaderMap::new();
    h.insert(RETRY_AFTER, HeaderValue::from_bytes(value).ok()?);
    super::retry::retry_after(&h)
}

/// The `[gateway]` of a parsed configuration file, checked as the client builder checks it.
pub fn checked_gateway(config: &ConfigFile) -> Result<Option<Gateway>, Error> {
    config.checked_gateway()
}
