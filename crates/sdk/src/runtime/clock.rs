//! Timers and clocks, per target: Tokio's clock on native targets (so tests can pause and
//! advance it); on wasm32 (browsers) `performance.now()`, `Date.now()` and `setTimeout`, nothing
//! of Tokio.

use super::transport::BoxFuture;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

#[cfg(target_arch = "wasm32")]
mod js {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    extern "C" {
        /// `performance.now()`: monotonic milliseconds (windows and workers alike).
        #[wasm_bindgen(js_namespace = performance, js_name = now)]
        pub fn performance_now() -> f64;
        /// The global `setTimeout` (windows and workers alike).
        #[wasm_bindgen(js_name = setTimeout)]
        pub fn set_timeout(handler: &js_sys::Function, ms: f64) -> JsValue;
    }

    /// Monotonic time in whole microseconds (`performance.now()` has at best 5 µs resolution).
    pub fn now_micros() -> u64 {
        let ms = performance_now();
        if ms.is_finite() && ms > 0.0 {
            (ms * 1000.0) as u64
        } else {
            0
        }
    }
}

/// A point in time after which something (an access token) is considered expired.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Deadline(
    #[cfg(not(target_arch = "wasm32"))] tokio::time::Instant,
    /// `performance.now()` in microseconds.
    #[cfg(target_arch = "wasm32")]
    u64,
);

impl Deadline {
    /// `d` from now (`None` if that overflows the clock).
    pub(crate) fn after(d: Duration) -> Option<Deadline> {
        #[cfg(not(target_arch = "wasm32"))]
        {
            tokio::time::Instant::now().checked_add(d).map(Deadline)
        }
        #[cfg(target_arch = "wasm32")]
        {
            let d = u64::try_from(d.as_micros()).ok()?;
            js::now_micros().checked_add(d).map(Deadline)
        }
    }

    /// Whether the deadline has passed.
    pub(crate) fn is_past(&self) -> bool {
        #[cfg(not(target_arch = "wasm32"))]
        {
            tokio::time::Instant::now() >= self.0
        }
        #[cfg(target_arch = "wasm32")]
        {
            js::now_micros() >= self.0
        }
    }

    /// Time left (zero when past).
    pub(crate) fn remaining(&self) -> Duration {
        #[cfg(not(target_arch = "wasm32"))]
        {
            self.0
                .saturating_duration_since(tokio::time::Instant::now())
        }
        #[cfg(target_arch = "wasm32")]
        {
            Duration::from_micros(self.0.saturating_sub(js::now_micros()))
        }
    }
}

/// Measures how long something took.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Stopwatch(
    #[cfg(not(target_arch = "wasm32"))] tokio::time::Instant,
    #[cfg(target_arch = "wasm32")] u64,
);

impl Stopwatch {
    pub(crate) fn start() -> Stopwatch {
        Stopwatch(
            #[cfg(not(target_arch = "wasm32"))]
            tokio::time::Instant::now(),
            #[cfg(target_arch = "wasm32")]
            js::now_micros(),
        )
    }

    pub(crate) fn elapsed(&self) -> Option<Duration> {
        #[cfg(not(target_arch = "wasm32"))]
        {
            Some(self.0.elapsed())
        }
        #[cfg(target_arch = "wasm32")]
        {
            Some(Duration::from_micros(
                js::now_micros().saturating_sub(self.0),
            ))
        }
    }
}

/// Waits `d`. On native targets this is `tokio::time::sleep` (it needs a Tokio runtime, as the
/// reqwest transport does); on wasm32 a `setTimeout` promise (capped at `setTimeout`'s
/// maximum, about 24.8 days).
pub(crate) fn sleep(d: Duration) -> BoxFuture<'static, ()> {
    #[cfg(not(target_arch = "wasm32"))]
    {
        Box::pin(tokio::time::sleep(d))
    }
    #[cfg(target_arch = "wasm32")]
    {
        if d.is_zero() {
            return Box::pin(std::future::ready(()));
        }
        // setTimeout takes a signed 32-bit number of milliseconds; round up so a wait is never
        // shorter than asked.
        let ms = d.as_micros().div_ceil(1000).min(i32::MAX as u128) as f64;
        let promise = js_sys::Promise::new(&mut |resolve, _reject| {
            let _ = js::set_timeout(&resolve, ms);
        });
        Box::pin(async move {
            let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
        })
    }
}

/// Milliseconds since the Unix epoch (wall clock: `Date.now()` on wasm32), for persisted expiry
/// times and log timestamps; `None` where the target has no wall clock.
pub(crate) fn unix_millis() -> Option<u64> {
    #[cfg(not(target_arch = "wasm32"))]
    {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .ok()
            .map(|d| d.as_millis() as u64)
    }
    #[cfg(target_arch = "wasm32")]
    {
        let ms = js_sys::Date::now();
        (ms.is_finite() && ms >= 0.0).then_some(ms as u64)
    }
}

/// The result of [`race`].
pub(crate) enum Either<A, B> {
    Left(A),
    Right(B),
}

/// Polls two futures and resolves with the first to finish (the other is dropped).
pub(crate) async fn race<A: Future, B: Future>(a: A, b: B) -> Either<A::Output, B::Output> {
    let mut a = std::pin::pin!(a);
    let mut b = std::pin::pin!(b);
    std::future::poll_fn(move |cx: &mut Context<'_>| {
        if let Poll::Ready(v) = Pin::new(&mut a).poll(cx) {
            return Poll::Ready(Either::Left(v));
        }
        if let Poll::Ready(v) = Pin::new(&mut b).poll(cx) {
            return Poll::Ready(Either::Right(v));
        }
        Poll::Pending
    })
    .await
}

/// `2024-05-01T12:30:00.123Z` for a Unix time in milliseconds (log timestamps).
pub(crate) fn rfc3339_millis(ms: u64) -> String {
    let secs = (ms / 1000) as i64;
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        sod / 3600,
        sod % 3600 / 60,
        sod % 60,
        ms % 1000
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        assert_eq!(rfc3339_millis(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(
            rfc3339_millis(1_714_566_600_123),
            "2024-05-01T12:30:00.123Z"
        );
        assert_eq!(rfc3339_millis(951_782_400_000), "2000-02-29T00:00:00.000Z");
    }
}
