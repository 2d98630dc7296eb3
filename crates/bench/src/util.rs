//! Measurement helpers shared by the SDK scenarios and the raw floor: CPU time, memory, latency
//! statistics and the one JSON line of results.

use serde_json::{Map, Value};
use std::time::Instant;

/// User + system CPU seconds of the whole process (all threads), like node's
/// `process.cpuUsage()` and Python's `time.process_time()`.
pub fn cpu_seconds() -> f64 {
    // SAFETY: getrusage only writes the struct we pass it.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut ru) } != 0 {
        return 0.0;
    }
    let tv = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    tv(ru.ru_utime) + tv(ru.ru_stime)
}

/// A field of `/proc/self/status` in KiB (`VmHWM`, `VmRSS`).
pub fn status_kb(field: &str) -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    s.lines().find_map(|l| {
        let rest = l.strip_prefix(field)?.strip_prefix(':')?;
        rest.split_whitespace().next()?.parse().ok()
    })
}

/// The same in MiB, rounded to 3 decimals.
pub fn status_mb(field: &str) -> Value {
    status_kb(field).map_or(Value::Null, |kb| r3(kb as f64 / 1024.0))
}

/// Milliseconds since `t`.
pub fn ms_since(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

/// Rounded to 3 decimals, as the peers do.
pub fn r3(x: f64) -> Value {
    Value::from((x * 1000.0).round() / 1000.0)
}

/// Nearest-rank percentile on sorted data: index `ceil(p*n)-1`.
fn pct(sorted: &[f64], p: f64) -> f64 {
    let n = sorted.len();
    let i = ((p * n as f64).ceil() as usize).clamp(1, n) - 1;
    sorted[i]
}

/// `mean_ms`, `p50_ms`, `p99_ms`, `max_ms` of per-call latencies (ms).
pub fn latency_stats(out: &mut Out, ms: &[f64]) {
    if ms.is_empty() {
        for k in ["mean_ms", "p50_ms", "p99_ms", "max_ms"] {
            out.set(k, Value::Null);
        }
        return;
    }
    let mut s = ms.to_vec();
    s.sort_by(f64::total_cmp);
    let mean = s.iter().sum::<f64>() / s.len() as f64;
    out.set("mean_ms", r3(mean));
    out.set("p50_ms", r3(pct(&s, 0.5)));
    out.set("p99_ms", r3(pct(&s, 0.99)));
    out.set("max_ms", r3(s[s.len() - 1]));
}

/// The timed section of a throughput scenario: wall time, calls/s and CPU per 1000 calls.
pub fn throughput(out: &mut Out, n: usize, wall_s: f64, cpu_s: f64, lat_ms: &[f64]) {
    out.set("wall_s", r3(wall_s));
    out.set("calls_per_s", r3(n as f64 / wall_s));
    latency_stats(out, lat_ms);
    out.set("cpu_s", r3(cpu_s));
    out.set("cpu_s_per_1k", r3(cpu_s / n as f64 * 1000.0));
}

/// The result object, in the field order of the peers' output.
pub struct Out {
    map: Map<String, Value>,
}

impl Out {
    pub fn new(sdk: &str, package: &str, version: &str, scenario: &str, n: usize, c: usize) -> Out {
        let mut map = Map::new();
        map.insert("sdk".into(), sdk.into());
        map.insert("sdk_package".into(), package.into());
        map.insert("sdk_version".into(), version.into());
        map.insert("runtime".into(), env!("PEER_BENCH_RUSTC").into());
        map.insert("scenario".into(), scenario.into());
        map.insert("n".into(), n.into());
        map.insert("concurrency".into(), c.into());
        Out { map }
    }

    pub fn set(&mut self, k: &str, v: impl Into<Value>) {
        self.map.insert(k.to_owned(), v.into());
    }

    /// Adds `sdk_load_ms` and `peak_rss_mb` and prints the one line on stdout.
    pub fn emit(mut self, load_ms: f64) {
        self.set("sdk_load_ms", r3(load_ms));
        self.set("peak_rss_mb", status_mb("VmHWM"));
        println!("{}", Value::Object(self.map));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let s: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(pct(&s, 0.5), 50.0);
        assert_eq!(pct(&s, 0.99), 99.0);
        assert_eq!(pct(&[7.0], 0.99), 7.0);
        let mut o = Out::new("rust", "p", "v", "seq", 3, 1);
        latency_stats(&mut o, &[3.0, 1.0, 2.0]);
        assert_eq!(o.map["p50_ms"], Value::from(2.0));
        assert_eq!(o.map["max_ms"], Value::from(3.0));
    }

    #[test]
    fn proc_status_is_readable() {
        assert!(status_kb("VmHWM").unwrap() > 0);
        assert!(cpu_seconds() >= 0.0);
    }
}
