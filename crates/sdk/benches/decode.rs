//! Decoding the peer benchmark's response bodies into the typed models (regression guard for the
//! JSON codec and the generated `FromJson` code), with `serde_json::Value` as a reference.
//!
//! ```sh
//! cargo bench -p purecloud-platform-client-v2 --features analytics --bench decode
//! ```
//!
//! Payloads: see `benches/common/mod.rs` (`GC_BENCH_DATA`, or generated with the harness's
//! `gen_data.py`).

mod common;

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode, Throughput};
use purecloud_platform_client_v2::models::{self, json};
use std::hint::black_box;
use std::time::Duration;

fn small(c: &mut Criterion) {
    let dir = match common::data_dir() {
        Ok(d) => d,
        Err(e) => return eprintln!("skipping the decode benchmarks: {e}"),
    };
    let me = common::read(&dir, "users_me.json");
    let perm = common::read(&dir, "permissions.json");

    let mut g = c.benchmark_group("decode_users_me");
    g.throughput(Throughput::Bytes(me.len() as u64));
    g.bench_function("UserMe", |b| {
        b.iter(|| json::from_slice::<models::UserMe>(black_box(&me)).unwrap())
    });
    g.bench_function("serde_json::Value", |b| {
        b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(&me)).unwrap())
    });
    g.finish();

    let mut g = c.benchmark_group("decode_permissions");
    g.throughput(Throughput::Bytes(perm.len() as u64));
    g.bench_function("PermissionCollectionEntityListing", |b| {
        b.iter(|| {
            json::from_slice::<models::PermissionCollectionEntityListing>(black_box(&perm)).unwrap()
        })
    });
    g.bench_function("serde_json::Value", |b| {
        b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(&perm)).unwrap())
    });
    g.finish();
}

fn analytics(c: &mut Criterion) {
    let dir = match common::data_dir() {
        Ok(d) => d,
        Err(e) => return eprintln!("skipping the decode benchmarks: {e}"),
    };
    let big = common::read(&dir, "analytics.json");
    let mut g = c.benchmark_group("decode_analytics_20mb");
    g.throughput(Throughput::Bytes(big.len() as u64));
    g.sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    // What a `big` call pays after the body arrived: decode, and (here) the drop of the result.
    g.bench_function("AnalyticsConversationQueryResponse", |b| {
        b.iter(|| {
            json::from_slice::<models::AnalyticsConversationQueryResponse>(black_box(&big)).unwrap()
        })
    });
    // The decode alone (the result is dropped outside the timed section).
    g.bench_function("AnalyticsConversationQueryResponse_without_drop", |b| {
        b.iter_with_large_drop(|| {
            json::from_slice::<models::AnalyticsConversationQueryResponse>(black_box(&big)).unwrap()
        })
    });
    g.bench_function("serde_json::Value", |b| {
        b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(&big)).unwrap())
    });
    g.finish();
}

criterion_group!(benches, small, analytics);
criterion_main!(benches);
