//! Building requests and running them through the SDK's pipeline without a network (regression
//! guard for the request builders, the JSON writer and `Client`'s per-request work).
//!
//! ```sh
//! cargo bench -p purecloud-platform-client-v2 --features analytics --bench requests
//! ```
//!
//! `pipeline/*` sends through an in-memory `HttpTransport` that answers at once with a canned
//! body, so it measures everything the SDK does per call except the network: URL and headers,
//! auth, the pipeline's futures, and decoding.

mod common;

use criterion::{criterion_group, criterion_main, Criterion};
use purecloud_platform_client_v2::api::{AnalyticsApi, UsersApi};
use purecloud_platform_client_v2::models;
use purecloud_platform_client_v2::runtime::{
    BoxFuture, HttpRequest, HttpResponse, HttpTransport, TransportError,
};
use purecloud_platform_client_v2::Client;
use std::hint::black_box;
use std::sync::Arc;

/// Answers every request with 200 and the same JSON body.
struct Canned(bytes::Bytes);

impl HttpTransport for Canned {
    fn send(&self, _req: HttpRequest) -> BoxFuture<'static, Result<HttpResponse, TransportError>> {
        let mut h = http::HeaderMap::new();
        h.insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("application/json; charset=utf-8"),
        );
        let body = self.0.clone();
        Box::pin(async move { Ok(HttpResponse::new(200, h, body)) })
    }
}

fn client(body: impl Into<bytes::Bytes>) -> Client {
    Client::builder()
        .base_url("http://127.0.0.1:9")
        .no_config_file()
        .transport(Arc::new(Canned(body.into())))
        .access_token("tok")
        .build()
        .unwrap()
}

fn query() -> models::ConversationQuery {
    models::ConversationQuery::default()
        .set_interval("2024-05-01T00:00:00.000Z/2024-05-02T00:00:00.000Z")
        .set_order(models::ConversationQueryOrder::Asc)
        .set_order_by(models::ConversationQueryOrderBy::ConversationStart)
        .set_paging(
            models::PagingSpec::default()
                .set_page_size(100)
                .set_page_number(1),
        )
}

fn build(c: &mut Criterion) {
    let client = client(&b"{}"[..]);
    let users = UsersApi::new(&client);
    let analytics = AnalyticsApi::new(&client);
    let q = query();
    let mut g = c.benchmark_group("build");
    g.bench_function("get_users_me", |b| {
        b.iter(|| black_box(&users).get_users_me().into_request())
    });
    g.bench_function("get_users_me_expand", |b| {
        b.iter(|| {
            black_box(&users)
                .get_users_me()
                .set_expand(["presence", "routingStatus"])
                .into_request()
        })
    });
    g.bench_function("post_analytics_conversations_details_query", |b| {
        b.iter(|| {
            black_box(&analytics)
                .post_analytics_conversations_details_query()
                .set_body(q.clone())
                .into_request()
        })
    });
    g.finish();
}

fn pipeline(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut g = c.benchmark_group("pipeline");
    // The pipeline alone: `{}` decodes into an empty UserMe.
    let empty = client(&b"{}"[..]);
    let api = UsersApi::new(&empty);
    g.bench_function("get_users_me_empty_body", |b| {
        b.iter(|| rt.block_on(api.get_users_me().send()).unwrap())
    });
    // The pipeline and decoding the harness's 2.7 KB UserMe: the SDK's share of a `seq` call.
    match common::data_dir() {
        Ok(dir) => {
            let full = client(common::read(&dir, "users_me.json"));
            let api = UsersApi::new(&full);
            g.bench_function("get_users_me", |b| {
                b.iter(|| rt.block_on(api.get_users_me().send()).unwrap())
            });
        }
        Err(e) => eprintln!("skipping pipeline/get_users_me: {e}"),
    }
    g.finish();
}

criterion_group!(benches, build, pipeline);
criterion_main!(benches);
