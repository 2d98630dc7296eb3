//! Timers and clocks, per target: Tokio's clock on native targets (so tests can pause and
//! advance it), nothing of Tokio on wasm32.

use super::transport::BoxFuture;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

/// A point in time after which something (an access token) is considered expired.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Deadline(#[cfg(not(target_arch = "wasm32"))] tokio::time::Instant);

impl Deadline {
    /// `d` from now; `None` when this target has no monotonic clock (wasm32 for now: tokens are
    /// then renewed on a 401 only).
    pub(crate) fn after(d: Duration) -> Option<Deadline> {
        #[cfg(not(target_arch = "wasm32"))]
        {
            tokio::time::Instant::now().checked_add(d).map(Deadline)
        }
        #[cfg(target_arch = "wasm32")]
        {
            let _ = d;
            None
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
            false
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
            Duration::ZERO
        }
    }
}

/// Measures how long something took (where the target has a clock).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Stopwatch(#[cfg(not(target_arch = "wasm32"))] tokio::time::Instant);

impl Stopwatch {
    pub(crate) fn start() -> Stopwatch {
        Stopwatch(
            #[cfg(not(target_arch = "wasm32"))]
            tokio::time::Instant::now(),
        )
    }

    pub(crate) fn elapsed(&self) -> Option<Duration> {
        #[cfg(not(target_arch = "wasm32"))]
        {
            Some(self.0.elapsed())
        }
        #[cfg(target_arch = "wasm32")]
        {
            None
        }
    }
}

/// Waits `d`. On native targets this is `tokio::time::sleep` (it needs a Tokio runtime, as the
/// reqwest transport does). wasm32 has no timer yet (the browser issue brings one): it returns
/// at once.
pub(crate) fn sleep(d: Duration) -> BoxFuture<'static, ()> {
    #[cfg(not(target_arch = "wasm32"))]
    {
        Box::pin(tokio::time::sleep(d))
    }
    #[cfg(target_arch = "wasm32")]
    {
        let _ = d;
        Box::pin(std::future::ready(()))
    }
}

/// Milliseconds since the Unix epoch (wall clock), for persisted expiry times and log
/// timestamps; `None` where the target has no wall clock.
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
        None
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
