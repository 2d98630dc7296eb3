//! Pre- and post-request hooks: user code that sees (and may change) every HTTP request.

use super::error::Error;
use super::transport::{HttpRequest, HttpResponse, TransportError};
use std::sync::Arc;

/// Runs before every attempt of every request (API and login), after the SDK has set its
/// headers: add or change headers, rewrite the URL, or refuse the request by returning an
/// error (which the call then returns). It sees the `Authorization` header: keep it out of logs
/// (`HeaderMap`'s `Debug` already hides it).
pub type PreRequestHook =
    Arc<dyn Fn(&mut HttpRequest) -> Result<(), Error> + Send + Sync + 'static>;

/// Runs after every attempt with the request and the response (any status) or the transport
/// error, before retries and errors are decided.
pub type PostRequestHook =
    Arc<dyn Fn(&HttpRequest, Result<&HttpResponse, &TransportError>) + Send + Sync + 'static>;
