//! When and how long to wait before resending a request.

use super::transport::TransportError;
use http::{HeaderMap, Method};
use std::time::Duration;

/// Retry policy: per client ([`Client::set_retry_config`](crate::Client::set_retry_config),
/// the config file's `[retry]`) and per request
/// ([`RequestBuilder::with_retry`](crate::RequestBuilder::with_retry) and friends).
///
/// Retried: `429` (any method: the request was not processed), `502`, `503`, `504` and
/// connections that failed or broke. A `429` (or `503`) with `Retry-After` (seconds or an HTTP
/// date) waits that long; otherwise the wait is an exponential backoff from [`backoff_min`](Self::backoff_min)
/// doubling up to [`backoff_max`](Self::backoff_max), with jitter (a random value between half
/// and all of it). Non-idempotent requests (`POST`, `PATCH`) are not resent after a 5xx or a
/// connection that broke once the request was sent, unless
/// [`retry_non_idempotent`](Self::retry_non_idempotent); a refused connection (nothing sent) is
/// always retried. Timeouts are not retried (the timeout is the caller's deadline).
///
/// Bounds: at most [`max_retries`](Self::max_retries) resends, and at most
/// [`max_retry_time`](Self::max_retry_time) of waiting in total (default 180 s): when the next
/// wait (e.g. a long `Retry-After`) would go past it, the last response — the 429 — is returned
/// as the error at once.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryConfig {
    /// How many times a request may be resent (0: never).
    pub max_retries: u32,
    /// The first backoff wait (config file `retry_wait_min`, seconds).
    pub backoff_min: Duration,
    /// The longest backoff wait (config file `retry_wait_max`, seconds). `Retry-After` values
    /// are not capped by this, only by `max_retry_time`.
    pub backoff_max: Duration,
    /// The most time spent waiting between attempts of one call (config file
    /// `retry_max_time`, seconds).
    pub max_retry_time: Duration,
    /// Resend `POST`/`PATCH` requests after a 5xx or a broken connection too.
    pub retry_non_idempotent: bool,
}

impl Default for RetryConfig {
    /// 5 retries, backoff 3 s doubling up to 30 s, at most 180 s of waiting, idempotent requests
    /// only (for 5xx).
    fn default() -> Self {
        RetryConfig {
            max_retries: 5,
            backoff_min: Duration::from_secs(3),
            backoff_max: Duration::from_secs(30),
            max_retry_time: Duration::from_secs(180),
            retry_non_idempotent: false,
        }
    }
}

impl RetryConfig {
    /// The defaults (see [`Default`]).
    pub fn new() -> Self {
        Self::default()
    }

    /// No retries at all.
    pub fn disabled() -> Self {
        RetryConfig {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// Sets [`max_retries`](Self::max_retries).
    pub fn with_max_retries(mut self, n: u32) -> Self {
        self.max_retries = n;
        self
    }

    /// Sets the backoff range.
    pub fn with_backoff(mut self, min: Duration, max: Duration) -> Self {
        self.backoff_min = min;
        self.backoff_max = max.max(min);
        self
    }

    /// Sets [`max_retry_time`](Self::max_retry_time).
    pub fn with_max_retry_time(mut self, d: Duration) -> Self {
        self.max_retry_time = d;
        self
    }

    /// Sets [`retry_non_idempotent`](Self::retry_non_idempotent).
    pub fn with_retry_non_idempotent(mut self, yes: bool) -> Self {
        self.retry_non_idempotent = yes;
        self
    }

    /// The backoff before retry number `retry` (0-based), without jitter.
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        let factor = 1u32.checked_shl(retry.min(30)).unwrap_or(u32::MAX);
        self.backoff_min
            .checked_mul(factor)
            .unwrap_or(self.backoff_max)
            .min(self.backoff_max)
    }
}

/// What an attempt ended with, as far as retrying is concerned.
pub(crate) enum Attempt<'a> {
    Status(u16, &'a HeaderMap),
    Failed(&'a TransportError),
}

/// Why no retry happens (for the debug log).
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Wait this long, then resend.
    Retry(Duration),
    /// Not a retryable outcome.
    Final,
    /// Retryable, but the retries or the time budget are used up.
    Exhausted(&'static str),
}

fn idempotent(m: &Method) -> bool {
    matches!(
        *m,
        Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS | Method::TRACE
    )
}

/// `Retry-After`: seconds (integer or decimal), or an HTTP date (the wait until then, zero when
/// it is past); garbage gives `None`.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let v = headers.get(http::header::RETRY_AFTER)?.to_str().ok()?;
    retry_after_value(v, super::clock::unix_millis()?)
}

/// The most a `Retry-After` may ask for (a year); more is taken as garbage.
const RETRY_AFTER_MAX_SECS: f64 = 86_400.0 * 365.0;

fn retry_after_value(v: &str, now_ms: u64) -> Option<Duration> {
    let v = v.trim();
    if let Ok(secs) = v.parse::<f64>() {
        if !secs.is_finite() || !(0.0..=RETRY_AFTER_MAX_SECS).contains(&secs) {
            return None;
        }
        return Some(Duration::from_secs_f64(secs));
    }
    let at_ms = http_date_unix_secs(v)?.checked_mul(1000)?;
    let wait_ms = at_ms.saturating_sub(i64::try_from(now_ms).ok()?).max(0);
    let wait = Duration::from_millis(wait_ms as u64);
    (wait.as_secs_f64() <= RETRY_AFTER_MAX_SECS).then_some(wait)
}

/// An HTTP date (RFC 9110 §5.6.7) as Unix seconds: the IMF-fixdate form
/// `Sun, 06 Nov 1994 08:49:37 GMT`, and the obsolete forms every recipient must accept,
/// `Sunday, 06-Nov-94 08:49:37 GMT` (two-digit years 70–99 are 19xx, else 20xx) and
/// `Sun Nov  6 08:49:37 1994` (asctime). The weekday is not checked.
fn http_date_unix_secs(s: &str) -> Option<i64> {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month_of = |m: &str| MONTHS.iter().position(|x| *x == m).map(|i| i as u8 + 1);
    let num = |t: &str| -> Option<u32> {
        (!t.is_empty() && t.len() <= 4 && t.bytes().all(|b| b.is_ascii_digit()))
            .then(|| t.parse().ok())
            .flatten()
    };
    let parts: Vec<&str> = s.split_ascii_whitespace().collect();
    let (year, month, day, clock) = match parts.as_slice() {
        // IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`
        [wd, d, m, y, t, "GMT"] if wd.ends_with(',') && d.len() == 2 && y.len() == 4 => {
            (num(y)?, month_of(m)?, num(d)?, *t)
        }
        // RFC 850: `Sunday, 06-Nov-94 08:49:37 GMT`
        [wd, dmy, t, "GMT"] if wd.ends_with(',') => {
            let mut it = dmy.split('-');
            let (d, m, y) = (it.next()?, it.next()?, it.next()?);
            if it.next().is_some() || d.len() != 2 || y.len() != 2 {
                return None;
            }
            let y = num(y)?;
            (
                if y >= 70 { 1900 + y } else { 2000 + y },
                month_of(m)?,
                num(d)?,
                *t,
            )
        }
        // asctime: `Sun Nov  6 08:49:37 1994`
        [_, m, d, t, y] if y.len() == 4 && (1..=2).contains(&d.len()) => {
            (num(y)?, month_of(m)?, num(d)?, *t)
        }
        _ => return None,
    };
    let mut hms = clock.split(':');
    let (h, mi, se) = (hms.next()?, hms.next()?, hms.next()?);
    if hms.next().is_some() || h.len() != 2 || mi.len() != 2 || se.len() != 2 {
        return None;
    }
    let date = time::Date::from_calendar_date(
        i32::try_from(year).ok()?,
        time::Month::try_from(month).ok()?,
        u8::try_from(day).ok()?,
    )
    .ok()?;
    // A leap second (`:60`) is taken as the next second.
    let (h, mi, se) = (num(h)?, num(mi)?, num(se)?);
    if h > 23 || mi > 59 || se > 60 {
        return None;
    }
    let midnight = time::PrimitiveDateTime::new(date, time::Time::MIDNIGHT)
        .assume_utc()
        .unix_timestamp();
    Some(midnight + i64::from(h * 3600 + mi * 60 + se))
}

/// A random value in `[d/2, d]`.
pub(crate) fn jitter(d: Duration) -> Duration {
    let mut b = [0u8; 4];
    let r = if getrandom::getrandom(&mut b).is_ok() {
        u32::from_le_bytes(b)
    } else {
        u32::MAX / 2
    };
    let half = d / 2;
    half + Duration::from_nanos(
        ((d - half).as_nanos() as f64 * (r as f64 / u32::MAX as f64)) as u64,
    )
}

/// Decides whether to resend after retry number `retries` (how many resends were already
/// made) with `waited` already spent waiting.
pub(crate) fn decide(
    cfg: &RetryConfig,
    method: &Method,
    outcome: &Attempt<'_>,
    retries: u32,
    waited: Duration,
) -> Verdict {
    let safe = idempotent(method) || cfg.retry_non_idempotent;
    let (retryable, hinted) = match outcome {
        Attempt::Status(429, h) => (true, retry_after(h)),
        Attempt::Status(502..=504, h) => (safe, retry_after(h)),
        Attempt::Status(..) => (false, None),
        Attempt::Failed(TransportError::Connect(_)) => (true, None),
        Attempt::Failed(TransportError::Other(_)) => (safe, None),
        Attempt::Failed(TransportError::Timeout(_) | TransportError::TooLarge(_)) => (false, None),
    };
    if !retryable {
        return Verdict::Final;
    }
    if retries >= cfg.max_retries {
        return Verdict::Exhausted("the maximum number of retries was reached");
    }
    let wait = hinted.unwrap_or_else(|| jitter(cfg.backoff(retries)));
    if waited.saturating_add(wait) > cfg.max_retry_time {
        return Verdict::Exhausted("waiting again would exceed the maximum retry time");
    }
    Verdict::Retry(wait)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(retry_after: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("retry-after", retry_after.parse().unwrap());
        h
    }

    #[test]
    fn retry_after_values() {
        assert_eq!(retry_after(&h("5")), Some(Duration::from_secs(5)));
        assert_eq!(retry_after(&h(" 1.5 ")), Some(Duration::from_millis(1500)));
        assert_eq!(retry_after(&h("0")), Some(Duration::ZERO));
        assert_eq!(retry_after(&h("-1")), None);
        assert_eq!(
            retry_after(&h("Wed, 21 Oct 2015 07:28:00 GMT")),
            Some(Duration::ZERO),
            "a date in the past: no wait"
        );
        assert_eq!(retry_after(&h("NaN")), None);
        assert_eq!(retry_after(&h("soon")), None);
        assert_eq!(retry_after(&HeaderMap::new()), None);
    }

    #[test]
    fn retry_after_http_dates() {
        // 1994-11-06T08:49:37Z
        let t = 784_111_777;
        assert_eq!(
            http_date_unix_secs("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(t)
        );
        assert_eq!(
            http_date_unix_secs("Sunday, 06-Nov-94 08:49:37 GMT"),
            Some(t)
        );
        assert_eq!(http_date_unix_secs("Sun Nov  6 08:49:37 1994"), Some(t));
        assert_eq!(
            http_date_unix_secs("Thu, 01 Jan 1970 00:00:00 GMT"),
            Some(0)
        );
        assert_eq!(
            http_date_unix_secs("Tuesday, 01-Jan-30 00:00:00 GMT"),
            Some(1_893_456_000),
            "two-digit years below 70 are 20xx"
        );
        assert_eq!(
            http_date_unix_secs("Thu, 29 Feb 2024 23:59:60 GMT"),
            Some(1_709_251_200)
        );
        for bad in [
            "",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sun, 06 Nov 1994 08:49 GMT",
            "Sun, 6 Nov 1994 08:49:37 GMT",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sun, 31 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT",
            "Sun, 06 Nov 1994 08:49:37:01 GMT",
            "Sunday, 06-Nov-1994 08:49:37 GMT",
            "Sun Nov 6 08:49:37",
            "Sun, 06 Nov +994 08:49:37 GMT",
        ] {
            assert_eq!(http_date_unix_secs(bad), None, "{bad:?}");
        }
        let now_ms = (t as u64) * 1000 + 250;
        assert_eq!(
            retry_after_value("Sun, 06 Nov 1994 08:49:40 GMT", now_ms),
            Some(Duration::from_millis(2750))
        );
        assert_eq!(
            retry_after_value("Sun, 06 Nov 1994 08:49:37 GMT", now_ms),
            Some(Duration::ZERO)
        );
        assert_eq!(
            retry_after_value("Fri, 31 Dec 9999 23:59:59 GMT", now_ms),
            None
        );
        assert_eq!(retry_after_value("3", now_ms), Some(Duration::from_secs(3)));
    }

    #[test]
    fn backoff_doubles_up_to_the_cap_with_jitter_in_range() {
        let c = RetryConfig::default();
        assert_eq!(c.backoff(0), Duration::from_secs(3));
        assert_eq!(c.backoff(1), Duration::from_secs(6));
        assert_eq!(c.backoff(3), Duration::from_secs(24));
        assert_eq!(c.backoff(4), Duration::from_secs(30));
        assert_eq!(c.backoff(60), Duration::from_secs(30));
        for _ in 0..200 {
            let j = jitter(Duration::from_secs(10));
            assert!(
                j >= Duration::from_secs(5) && j <= Duration::from_secs(10),
                "{j:?}"
            );
        }
    }

    #[test]
    fn what_is_retried() {
        let c = RetryConfig::default();
        let none = HeaderMap::new();
        let post = Method::POST;
        let get = Method::GET;
        let z = Duration::ZERO;
        assert_eq!(
            decide(&c, &post, &Attempt::Status(429, &h("7")), 0, z),
            Verdict::Retry(Duration::from_secs(7))
        );
        assert!(matches!(
            decide(&c, &get, &Attempt::Status(503, &none), 0, z),
            Verdict::Retry(_)
        ));
        assert_eq!(
            decide(&c, &post, &Attempt::Status(503, &none), 0, z),
            Verdict::Final
        );
        assert_eq!(
            decide(&c, &Method::PATCH, &Attempt::Status(502, &none), 0, z),
            Verdict::Final
        );
        let opt_in = c.clone().with_retry_non_idempotent(true);
        assert!(matches!(
            decide(&opt_in, &post, &Attempt::Status(504, &none), 0, z),
            Verdict::Retry(_)
        ));
        assert_eq!(
            decide(&c, &get, &Attempt::Status(500, &none), 0, z),
            Verdict::Final
        );
        assert_eq!(
            decide(&c, &get, &Attempt::Status(404, &none), 0, z),
            Verdict::Final
        );
        let refused = TransportError::Connect("refused".into());
        let reset = TransportError::Other("reset".into());
        let timeout = TransportError::Timeout("t".into());
        assert!(matches!(
            decide(&c, &post, &Attempt::Failed(&refused), 0, z),
            Verdict::Retry(_)
        ));
        assert_eq!(
            decide(&c, &post, &Attempt::Failed(&reset), 0, z),
            Verdict::Final
        );
        assert!(matches!(
            decide(&c, &get, &Attempt::Failed(&reset), 0, z),
            Verdict::Retry(_)
        ));
        assert_eq!(
            decide(&c, &get, &Attempt::Failed(&timeout), 0, z),
            Verdict::Final
        );
    }

    #[test]
    fn budgets() {
        let c = RetryConfig::default();
        let z = Duration::ZERO;
        assert!(matches!(
            decide(&c, &Method::GET, &Attempt::Status(429, &h("1")), 5, z),
            Verdict::Exhausted(_)
        ));
        assert!(matches!(
            decide(&c, &Method::GET, &Attempt::Status(429, &h("181")), 0, z),
            Verdict::Exhausted(_)
        ));
        assert_eq!(
            decide(&c, &Method::GET, &Attempt::Status(429, &h("180")), 0, z),
            Verdict::Retry(Duration::from_secs(180))
        );
        assert!(matches!(
            decide(
                &c,
                &Method::GET,
                &Attempt::Status(429, &h("30")),
                1,
                Duration::from_secs(160)
            ),
            Verdict::Exhausted(_)
        ));
        let off = RetryConfig::disabled();
        assert!(matches!(
            decide(&off, &Method::GET, &Attempt::Status(429, &h("1")), 0, z),
            Verdict::Exhausted(_)
        ));
    }
}
