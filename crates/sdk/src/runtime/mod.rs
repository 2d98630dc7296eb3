//! The hand-written runtime the generated operations call: one non-generic request pipeline.

mod client;
mod error;
mod request;
mod response;
mod transport;

pub use client::{normalize_environment, Client, ClientBuilder, DEFAULT_BASE_URL, SDK_VERSION};
pub use error::{Error, ErrorKind, ErrorResponse};
pub use request::{ApiRequest, Method, ParamValue, QueryParam, RequestBuilder, RequestOptions};
pub use response::{decode, ApiResponse, ExtendedFuture, RawResponse, ResponseFuture};
#[cfg(feature = "reqwest")]
pub use transport::ReqwestTransport;
pub use transport::{BoxFuture, HttpRequest, HttpResponse, HttpTransport, TransportError};
