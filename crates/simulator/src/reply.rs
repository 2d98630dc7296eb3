//! A response under construction, before common headers are added.

use bytes::Bytes;
use serde_json::Value;

use crate::error::ApiError;

/// What a handler answers; the server adds correlation, rate-limit and CORS headers.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub content_type: Option<String>,
    pub headers: Vec<(&'static str, String)>,
    pub body: Bytes,
}

impl Reply {
    pub fn json(status: u16, v: &Value) -> Reply {
        Reply {
            status,
            content_type: Some("application/json".into()),
            headers: Vec::new(),
            body: Bytes::from(serde_json::to_vec(v).unwrap_or_default()),
        }
    }

    pub fn text(status: u16, content_type: &str, body: impl Into<Bytes>) -> Reply {
        Reply {
            status,
            content_type: Some(content_type.to_string()),
            headers: Vec::new(),
            body: body.into(),
        }
    }

    pub fn html(status: u16, body: String) -> Reply {
        Reply::text(status, "text/html; charset=utf-8", body)
    }

    pub fn empty(status: u16) -> Reply {
        Reply {
            status,
            content_type: None,
            headers: Vec::new(),
            body: Bytes::new(),
        }
    }

    pub fn redirect(location: String) -> Reply {
        let mut r = Reply::empty(302);
        r.headers.push(("location", location));
        r
    }

    pub fn error(e: &ApiError, context_id: &str) -> Reply {
        let mut r = Reply::json(e.status, &e.to_json(context_id));
        r.headers.extend(e.headers.iter().cloned());
        r
    }

    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Reply {
        self.headers.push((name, value.into()));
        self
    }
}
