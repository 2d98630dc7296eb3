//! Faults on demand: per route (method + path pattern, or operationId) through [`FaultHandle`]
//! or `POST /__sim/faults`, or per request through the `x-sim-fault` header.
//!
//! Fault spec strings are `;`- or `,`-separated items:
//!
//! | item | effect |
//! |---|---|
//! | `latency=MS` | wait MS milliseconds first (combines with one of the others) |
//! | `status=CODE` or `CODE` | answer CODE with a Genesys error body (`429` means the next row) |
//! | `429`, `rate-limit` | answer 429 `too.many.requests` with `Retry-After` (`retry-after=S`, default 1) |
//! | `reset` | close the connection without answering (TCP reset) |
//! | `truncate` | send the normal answer's headers and part of its body, then close |
//! | `malformed` | answer 200 with a body that is not valid JSON |
//! | `html` | answer 502 with an HTML page, like a proxy |
//! | `count=N` | (registered rules only) apply to the next N matching requests |

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use hyper::Method;
use serde_json::{json, Value};

/// What a fault does instead of (or to) the normal answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FaultAction {
    /// Answer this status with a Genesys error body.
    Status(u16),
    /// Answer 429 `too.many.requests` with `Retry-After`.
    TooManyRequests { retry_after_secs: u64 },
    /// Close the socket without answering (with a TCP reset).
    ConnectionReset,
    /// Answer with a `Content-Length` larger than the bytes written, then close.
    TruncatedBody,
    /// Answer 200 with a body that is not valid JSON.
    MalformedJson,
    /// Answer 502 with an HTML page, like a proxy in front of the API.
    HtmlBadGateway,
}

/// A fault: optional latency, then optionally an action.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Fault {
    pub latency: Option<Duration>,
    pub action: Option<FaultAction>,
}

impl Fault {
    pub fn latency(d: Duration) -> Fault {
        Fault {
            latency: Some(d),
            action: None,
        }
    }
    pub fn status(code: u16) -> Fault {
        Fault::action(FaultAction::Status(code))
    }
    pub fn too_many_requests(retry_after_secs: u64) -> Fault {
        Fault::action(FaultAction::TooManyRequests { retry_after_secs })
    }
    pub fn connection_reset() -> Fault {
        Fault::action(FaultAction::ConnectionReset)
    }
    pub fn truncated_body() -> Fault {
        Fault::action(FaultAction::TruncatedBody)
    }
    pub fn malformed_json() -> Fault {
        Fault::action(FaultAction::MalformedJson)
    }
    pub fn html_bad_gateway() -> Fault {
        Fault::action(FaultAction::HtmlBadGateway)
    }
    pub fn action(a: FaultAction) -> Fault {
        Fault {
            latency: None,
            action: Some(a),
        }
    }
    /// Adds latency before the action.
    pub fn with_latency(mut self, d: Duration) -> Fault {
        self.latency = Some(d);
        self
    }

    /// Parses a fault spec string (see the module docs); returns the fault and `count=N` if given.
    pub fn parse(spec: &str) -> Result<(Fault, Option<u32>), String> {
        let mut f = Fault::default();
        let mut count = None;
        let mut retry_after: Option<u64> = None;
        let mut saw_any = false;
        for item in spec.split([';', ',']) {
            let item = item.trim();
            if item.is_empty() {
                continue;
            }
            saw_any = true;
            let (k, v) = match item.split_once(['=', ':']) {
                Some((k, v)) => (k.trim().to_ascii_lowercase(), Some(v.trim())),
                None => (item.to_ascii_lowercase(), None),
            };
            let num = |what: &str| -> Result<u64, String> {
                let v = v.ok_or_else(|| format!("fault item '{what}' needs a value"))?;
                let v = v.strip_suffix("ms").unwrap_or(v);
                v.parse::<u64>()
                    .map_err(|_| format!("fault item '{what}': '{v}' is not a number"))
            };
            let mut set = |a: FaultAction| -> Result<(), String> {
                if f.action.is_some() {
                    return Err(format!("fault spec '{spec}' has more than one action"));
                }
                f.action = Some(a);
                Ok(())
            };
            match k.as_str() {
                "latency" | "delay" => f.latency = Some(Duration::from_millis(num(&k)?)),
                "status" => {
                    let code = num(&k)?;
                    if !(400..=599).contains(&code) {
                        return Err(format!("fault status {code} is not 4xx or 5xx"));
                    }
                    if code == 429 {
                        set(FaultAction::TooManyRequests {
                            retry_after_secs: 1,
                        })?;
                    } else {
                        set(FaultAction::Status(code as u16))?;
                    }
                }
                "429" | "rate-limit" | "ratelimit" | "throttle" | "too-many-requests" => {
                    set(FaultAction::TooManyRequests {
                        retry_after_secs: 1,
                    })?
                }
                "retry-after" | "retryafter" | "retry_after" => retry_after = Some(num(&k)?),
                "reset" | "connection-reset" | "connreset" | "close" => {
                    set(FaultAction::ConnectionReset)?
                }
                "truncate" | "truncated" | "truncated-body" => set(FaultAction::TruncatedBody)?,
                "malformed" | "malformed-json" | "bad-json" => set(FaultAction::MalformedJson)?,
                "html" | "html-502" | "proxy" | "bad-gateway-html" => {
                    set(FaultAction::HtmlBadGateway)?
                }
                "count" | "times" => {
                    count = Some(
                        u32::try_from(num(&k)?)
                            .map_err(|_| "fault count is too large".to_string())?,
                    )
                }
                other => {
                    if let Ok(code) = other.parse::<u16>() {
                        if !(400..=599).contains(&code) {
                            return Err(format!("fault status {code} is not 4xx or 5xx"));
                        }
                        if code == 429 {
                            set(FaultAction::TooManyRequests {
                                retry_after_secs: 1,
                            })?;
                        } else {
                            set(FaultAction::Status(code))?;
                        }
                    } else {
                        return Err(format!("unknown fault item '{item}'"));
                    }
                }
            }
        }
        if !saw_any {
            return Err("empty fault spec".into());
        }
        if let Some(s) = retry_after {
            match &mut f.action {
                Some(FaultAction::TooManyRequests { retry_after_secs }) => *retry_after_secs = s,
                _ => return Err("retry-after applies only to a 429 fault".into()),
            }
        }
        Ok((f, count))
    }

    /// The spec string of this fault.
    pub fn to_spec(&self) -> String {
        let mut parts = Vec::new();
        if let Some(l) = self.latency {
            parts.push(format!("latency={}", l.as_millis()));
        }
        match &self.action {
            Some(FaultAction::Status(c)) => parts.push(format!("status={c}")),
            Some(FaultAction::TooManyRequests { retry_after_secs }) => {
                parts.push(format!("429;retry-after={retry_after_secs}"))
            }
            Some(FaultAction::ConnectionReset) => parts.push("reset".into()),
            Some(FaultAction::TruncatedBody) => parts.push("truncate".into()),
            Some(FaultAction::MalformedJson) => parts.push("malformed".into()),
            Some(FaultAction::HtmlBadGateway) => parts.push("html".into()),
            None => {}
        }
        parts.join(";")
    }
}

/// Which requests a rule applies to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FaultTarget {
    /// Every request (except the `/__sim` admin endpoints).
    Any,
    /// Requests to an operation, by `operationId`.
    Operation(String),
    /// Requests with this method (`None`: any) whose path matches `pattern`: the spec's path
    /// template (`/api/v2/users/{userId}`), the exact path, or a prefix ending in `*`.
    Route {
        method: Option<Method>,
        pattern: String,
    },
}

impl FaultTarget {
    /// Parses `*`, an operationId, `METHOD /path` or `/path`.
    pub fn parse(s: &str) -> Result<FaultTarget, String> {
        let s = s.trim();
        if s.is_empty() || s == "*" {
            return Ok(FaultTarget::Any);
        }
        if s.starts_with('/') {
            return Ok(FaultTarget::Route {
                method: None,
                pattern: s.to_string(),
            });
        }
        if let Some((m, p)) = s.split_once(' ') {
            let p = p.trim();
            let method = if m == "*" {
                None
            } else {
                Some(
                    Method::from_bytes(m.to_ascii_uppercase().as_bytes())
                        .map_err(|_| format!("bad method '{m}'"))?,
                )
            };
            return Ok(FaultTarget::Route {
                method,
                pattern: p.to_string(),
            });
        }
        Ok(FaultTarget::Operation(s.to_string()))
    }

    fn matches(&self, method: &Method, path: &str, op: Option<(&str, &str)>) -> bool {
        match self {
            FaultTarget::Any => true,
            FaultTarget::Operation(id) => op.is_some_and(|(oid, _)| oid == id),
            FaultTarget::Route { method: m, pattern } => {
                if m.as_ref().is_some_and(|m| m != method) {
                    return false;
                }
                if let Some(prefix) = pattern.strip_suffix('*') {
                    return path.starts_with(prefix);
                }
                pattern == path || op.is_some_and(|(_, template)| template == pattern)
            }
        }
    }

    fn describe(&self) -> Value {
        match self {
            FaultTarget::Any => json!({"target": "*"}),
            FaultTarget::Operation(id) => json!({"operationId": id}),
            FaultTarget::Route { method, pattern } => json!({
                "method": method.as_ref().map(|m| m.as_str().to_string()),
                "path": pattern,
            }),
        }
    }
}

/// A registered fault.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FaultRule {
    pub target: FaultTarget,
    pub fault: Fault,
    /// Remaining matching requests it applies to; `None` until removed.
    pub remaining: Option<u32>,
}

impl FaultRule {
    pub fn new(target: FaultTarget, fault: Fault) -> FaultRule {
        FaultRule {
            target,
            fault,
            remaining: None,
        }
    }
    /// Applies to every request.
    pub fn any(fault: Fault) -> FaultRule {
        FaultRule::new(FaultTarget::Any, fault)
    }
    /// Applies to one operation, by `operationId`.
    pub fn operation(operation_id: &str, fault: Fault) -> FaultRule {
        FaultRule::new(FaultTarget::Operation(operation_id.to_string()), fault)
    }
    /// Applies to a method (`"*"` for any) and a path pattern (template, exact path or `prefix*`).
    pub fn route(method: &str, pattern: &str, fault: Fault) -> FaultRule {
        let method = if method == "*" || method.is_empty() {
            None
        } else {
            Method::from_bytes(method.to_ascii_uppercase().as_bytes()).ok()
        };
        FaultRule::new(
            FaultTarget::Route {
                method,
                pattern: pattern.to_string(),
            },
            fault,
        )
    }
    /// Applies to the next `n` matching requests only.
    pub fn times(mut self, n: u32) -> FaultRule {
        self.remaining = Some(n);
        self
    }
}

#[derive(Debug, Default)]
struct Registry {
    next_id: u64,
    rules: Vec<(u64, FaultRule)>,
}

/// Programs faults at runtime. Cheap to clone; all clones share the simulator's rules.
#[derive(Clone, Debug, Default)]
pub struct FaultHandle {
    inner: Arc<Mutex<Registry>>,
}

impl FaultHandle {
    /// Registers a rule; returns its id. Rules are tried in the order they were added.
    pub fn add(&self, rule: FaultRule) -> u64 {
        let mut r = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        r.next_id += 1;
        let id = r.next_id;
        r.rules.push((id, rule));
        id
    }

    /// Registers a rule from strings: `target` is `*`, an operationId, `METHOD /path` or
    /// `/path`; `spec` a fault spec (`count=N` limits it to N requests).
    pub fn add_spec(&self, target: &str, spec: &str) -> Result<u64, String> {
        let target = FaultTarget::parse(target)?;
        let (fault, count) = Fault::parse(spec)?;
        Ok(self.add(FaultRule {
            target,
            fault,
            remaining: count,
        }))
    }

    /// Removes a rule; false if there was none with this id.
    pub fn remove(&self, id: u64) -> bool {
        let mut r = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        let before = r.rules.len();
        r.rules.retain(|(i, _)| *i != id);
        r.rules.len() != before
    }

    /// Removes every rule.
    pub fn clear(&self) {
        self.inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .rules
            .clear();
    }

    /// The rules still active, with their ids.
    pub fn rules(&self) -> Vec<(u64, FaultRule)> {
        self.inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .rules
            .clone()
    }

    /// Takes the first rule matching a request (consuming one of its count).
    pub(crate) fn take(
        &self,
        method: &Method,
        path: &str,
        op: Option<(&str, &str)>,
    ) -> Option<Fault> {
        let mut r = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        let idx = r
            .rules
            .iter()
            .position(|(_, rule)| rule.target.matches(method, path, op))?;
        let rule = &mut r.rules[idx].1;
        let fault = rule.fault.clone();
        if let Some(n) = &mut rule.remaining {
            *n = n.saturating_sub(1);
            if *n == 0 {
                r.rules.remove(idx);
            }
        }
        Some(fault)
    }

    pub(crate) fn describe(&self) -> Value {
        let rules: Vec<Value> = self
            .rules()
            .into_iter()
            .map(|(id, rule)| {
                let mut v = rule.target.describe();
                v["id"] = json!(id);
                v["fault"] = json!(rule.fault.to_spec());
                v["remaining"] = json!(rule.remaining);
                v
            })
            .collect();
        json!({ "rules": rules })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_specs() {
        assert_eq!(
            Fault::parse("status=503").unwrap(),
            (Fault::status(503), None)
        );
        assert_eq!(
            Fault::parse("503;count=2").unwrap(),
            (Fault::status(503), Some(2))
        );
        assert_eq!(
            Fault::parse("429, retry-after=3").unwrap().0,
            Fault::too_many_requests(3)
        );
        assert_eq!(
            Fault::parse("latency=250ms;reset").unwrap().0,
            Fault::connection_reset().with_latency(Duration::from_millis(250))
        );
        assert_eq!(Fault::parse("truncate").unwrap().0, Fault::truncated_body());
        assert_eq!(
            Fault::parse("malformed").unwrap().0,
            Fault::malformed_json()
        );
        assert_eq!(Fault::parse("html").unwrap().0, Fault::html_bad_gateway());
        assert!(Fault::parse("").is_err());
        assert!(Fault::parse("bogus").is_err());
        assert!(Fault::parse("status=200").is_err());
        assert!(Fault::parse("reset;truncate").is_err());
        for f in ["latency=5;status=500", "429;retry-after=2", "reset", "html"] {
            let (p, _) = Fault::parse(f).unwrap();
            assert_eq!(Fault::parse(&p.to_spec()).unwrap().0, p);
        }
    }

    #[test]
    fn rules_count_down() {
        let h = FaultHandle::default();
        h.add_spec("GET /api/v2/users/{userId}", "503;count=2")
            .unwrap();
        let op = Some(("getUser", "/api/v2/users/{userId}"));
        assert!(h.take(&Method::POST, "/api/v2/users/x", op).is_none());
        assert!(h.take(&Method::GET, "/api/v2/users/x", op).is_some());
        assert!(h.take(&Method::GET, "/api/v2/users/y", op).is_some());
        assert!(h.take(&Method::GET, "/api/v2/users/z", op).is_none());
        let id = h.add_spec("getUsersMe", "latency=1").unwrap();
        assert!(h
            .take(
                &Method::GET,
                "/api/v2/users/me",
                Some(("getUsersMe", "/api/v2/users/me"))
            )
            .is_some());
        assert!(h.remove(id));
        h.add_spec("/oauth/*", "reset").unwrap();
        assert!(h.take(&Method::POST, "/oauth/token", None).is_some());
        h.clear();
        assert!(h.rules().is_empty());
    }
}
