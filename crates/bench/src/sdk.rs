//! The scenarios through the SDK, as a user would write them: the public `Client`, the typed
//! request builders, the typed models (fully decoded, date-times as `OffsetDateTime`), and the
//! scenario's checks on the typed result.

use crate::util::{cpu_seconds, latency_stats, ms_since, r3, status_mb, throughput, Out};
use crate::{Args, CLIENT_ID, CLIENT_SECRET};
use purecloud_platform_client_v2::api::{AnalyticsApi, AuthorizationApi, UsersApi};
use purecloud_platform_client_v2::models::{self, RoutingStatusStatus};
use purecloud_platform_client_v2::{Client, Error};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

type BoxError = Box<dyn std::error::Error>;

/// Builds the client pointed at the fake API (the official SDKs' gateway setting).
fn build_client(base_url: &str) -> Result<Client, Error> {
    Client::builder().base_url(base_url).build()
}

/// The one place that logs in: the SDK's client-credentials grant (`POST {base}/oauth/token`
/// with HTTP Basic credentials); the client keeps the token. Returns the access token.
async fn login(client: &Client) -> Result<String, Error> {
    let auth = client
        .login_client_credentials_grant(CLIENT_ID, CLIENT_SECRET)
        .await?;
    Ok(auth.access_token().to_owned())
}

fn out(a: &Args, flavor: &str) -> Out {
    let mut o = Out::new(
        "rust",
        "purecloud-platform-client-v2",
        purecloud_platform_client_v2::runtime::SDK_VERSION,
        &a.scenario,
        a.n,
        a.conc,
    );
    o.set("tokio_runtime", flavor);
    o
}

/// Logs the first few failures of a run to stderr (the harness keeps stderr in its log).
struct ErrLog(usize);

impl ErrLog {
    fn log(&mut self, what: &str, e: &dyn std::fmt::Display) {
        self.0 += 1;
        if self.0 <= 3 {
            eprintln!("[rust] {what}: {e}");
        }
    }
}

pub async fn run(a: Args, flavor: String) -> Result<(), BoxError> {
    let t = Instant::now();
    let client = build_client(&a.base_url)?;
    let load_ms = ms_since(t);
    let mut o = out(&a, &flavor);
    if a.scenario == "login" {
        scenario_login(&a, &client, &mut o).await?;
    } else {
        login(&client).await?;
        match a.scenario.as_str() {
            "seq" => scenario_seq(&a, &client, &mut o).await?,
            "conc" => scenario_conc(&a, &client, &mut o).await?,
            "perm" => scenario_perm(&a, &client, &mut o).await?,
            "big" => scenario_big(&a, &client, &mut o).await?,
            "error" => scenario_error(&client, &mut o).await,
            s => return Err(format!("unknown scenario {s}").into()),
        }
    }
    o.emit(load_ms);
    Ok(())
}

async fn scenario_login(a: &Args, client: &Client, o: &mut Out) -> Result<(), BoxError> {
    let mut lat = Vec::with_capacity(a.n);
    let (mut ok, mut errors, mut log) = (0, 0, ErrLog(0));
    for _ in 0..a.n {
        let t = Instant::now();
        let r = login(client).await;
        lat.push(ms_since(t));
        match r {
            Ok(tok) if tok == "tok" && client.has_access_token() => ok += 1,
            Ok(_) => {
                errors += 1;
                log.log("login", &"unexpected access token");
            }
            Err(e) => {
                errors += 1;
                log.log("login", &e);
            }
        }
    }
    o.set("ok", ok);
    o.set("errors", errors);
    o.set("first_ms", r3(lat[0]));
    latency_stats(o, &lat);
    Ok(())
}

/// The `seq`/`conc` check: the user is Ada, and (`seq`) her routing status is IDLE.
fn is_ada(me: &models::UserMe) -> bool {
    me.name.as_deref() == Some("Ada Lovelace")
}

fn is_idle(me: &models::UserMe) -> bool {
    matches!(
        me.routing_status.as_ref().and_then(|r| r.status.as_ref()),
        Some(RoutingStatusStatus::Idle)
    )
}

async fn scenario_seq(a: &Args, client: &Client, o: &mut Out) -> Result<(), BoxError> {
    let api = UsersApi::new(client);
    let warmup = a.n.div_ceil(10).min(200);
    for _ in 0..warmup {
        api.get_users_me().send().await?;
    }
    let mut lat = Vec::with_capacity(a.n);
    let (mut ok, mut errors, mut log) = (0usize, 0usize, ErrLog(0));
    let cpu0 = cpu_seconds();
    let t0 = Instant::now();
    for _ in 0..a.n {
        let t = Instant::now();
        let r = api.get_users_me().send().await;
        lat.push(ms_since(t));
        // Every call is checked (the peers check the last one).
        match r {
            Ok(me) if is_ada(&me) && is_idle(&me) => ok += 1,
            Ok(_) => {
                errors += 1;
                log.log("getUsersMe", &"check failed (name / routingStatus)");
            }
            Err(e) => {
                errors += 1;
                log.log("getUsersMe", &e);
            }
        }
    }
    let wall = t0.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu0;
    o.set("ok", ok);
    o.set("errors", errors);
    o.set("warmup", warmup);
    throughput(o, a.n, wall, cpu, &lat);
    Ok(())
}

async fn scenario_conc(a: &Args, client: &Client, o: &mut Out) -> Result<(), BoxError> {
    let api = UsersApi::new(client);
    for _ in 0..a.n.min(200) {
        api.get_users_me().send().await?;
    }
    let next = Arc::new(AtomicUsize::new(0));
    let n = a.n;
    let cpu0 = cpu_seconds();
    let t0 = Instant::now();
    // A pool of CONC tasks sharing one client, each taking the next call index (the JS peer's
    // promise pool).
    let workers: Vec<_> = (0..a.conc)
        .map(|_| {
            let api = api.clone();
            let next = next.clone();
            tokio::spawn(async move {
                let (mut ok, mut errors, mut log) = (0usize, 0usize, ErrLog(0));
                let mut lat = Vec::with_capacity(n / 8 + 1);
                while next.fetch_add(1, Ordering::Relaxed) < n {
                    let t = Instant::now();
                    let r = api.get_users_me().send().await;
                    lat.push(ms_since(t));
                    match r {
                        Ok(me) if is_ada(&me) => ok += 1,
                        Ok(_) => {
                            errors += 1;
                            log.log("getUsersMe", &"check failed (name)");
                        }
                        Err(e) => {
                            errors += 1;
                            log.log("getUsersMe", &e);
                        }
                    }
                }
                (ok, errors, lat)
            })
        })
        .collect();
    let (mut ok, mut errors, mut lat) = (0, 0, Vec::with_capacity(n));
    for w in workers {
        let (o, e, l) = w.await?;
        ok += o;
        errors += e;
        lat.extend(l);
    }
    let wall = t0.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu0;
    o.set("ok", ok);
    o.set("errors", errors);
    o.set("workers", a.conc);
    throughput(o, n, wall, cpu, &lat);
    Ok(())
}

async fn scenario_perm(a: &Args, client: &Client, o: &mut Out) -> Result<(), BoxError> {
    let api = AuthorizationApi::new(client);
    for _ in 0..a.n.min(20) {
        api.get_authorization_permissions().send().await?;
    }
    let mut lat = Vec::with_capacity(a.n);
    let (mut ok, mut errors, mut log) = (0usize, 0usize, ErrLog(0));
    let cpu0 = cpu_seconds();
    let t0 = Instant::now();
    for _ in 0..a.n {
        let t = Instant::now();
        let r = api.get_authorization_permissions().send().await;
        lat.push(ms_since(t));
        match r {
            Ok(p) if p.entities.as_ref().map(Vec::len) == Some(25) && p.page_count == Some(4) => {
                ok += 1
            }
            Ok(_) => {
                errors += 1;
                log.log("getAuthorizationPermissions", &"check failed");
            }
            Err(e) => {
                errors += 1;
                log.log("getAuthorizationPermissions", &e);
            }
        }
    }
    let wall = t0.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu0;
    o.set("ok", ok);
    o.set("errors", errors);
    throughput(o, a.n, wall, cpu, &lat);
    Ok(())
}

/// The query of the `big` scenario, built from the typed models.
pub fn big_query() -> models::ConversationQuery {
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

/// What walking the typed analytics result finds.
#[derive(Debug, Default, PartialEq, Eq)]
struct BigCounts {
    conversations: usize,
    sessions: usize,
    metrics_and_segments: usize,
    /// Conversations whose `conversationStart` decoded to a date-time in May 2024.
    dated: usize,
}

fn walk(r: &models::AnalyticsConversationQueryResponse) -> BigCounts {
    let mut c = BigCounts::default();
    for cv in r.conversations.iter().flatten() {
        c.conversations += 1;
        if cv
            .conversation_start
            .is_some_and(|t| t.year() == 2024 && t.month() as u8 == 5)
        {
            c.dated += 1;
        }
        for p in cv.participants.iter().flatten() {
            for s in p.sessions.iter().flatten() {
                c.sessions += 1;
                c.metrics_and_segments += s.metrics.as_ref().map_or(0, Vec::len);
                c.metrics_and_segments += s.segments.as_ref().map_or(0, Vec::len);
            }
        }
    }
    c
}

async fn scenario_big(a: &Args, client: &Client, o: &mut Out) -> Result<(), BoxError> {
    let api = AnalyticsApi::new(client);
    let query = big_query();
    let rss_before = status_mb("VmRSS");
    let mut lat = Vec::with_capacity(a.n);
    let (mut ok, mut errors, mut log) = (0usize, 0usize, ErrLog(0));
    let mut last = BigCounts::default();
    let cpu0 = cpu_seconds();
    for _ in 0..a.n {
        let t = Instant::now();
        let r = api
            .post_analytics_conversations_details_query()
            .set_body(query.clone())
            .send()
            .await;
        let ms = ms_since(t);
        match r {
            Ok(r) => {
                lat.push(ms);
                last = walk(&r);
                if last.conversations == 2950
                    && last.sessions == 15195
                    && last.metrics_and_segments == 107_626
                    && last.dated == 2950
                {
                    ok += 1;
                } else {
                    errors += 1;
                    log.log(
                        "postAnalyticsConversationsDetailsQuery",
                        &format!("check failed: {last:?}"),
                    );
                }
                // `r` (the whole typed response) is dropped here, before the next call.
            }
            Err(e) => {
                errors += 1;
                log.log("postAnalyticsConversationsDetailsQuery", &e);
            }
        }
    }
    let cpu = cpu_seconds() - cpu0;
    o.set("ok", ok);
    o.set("errors", errors);
    if lat.is_empty() {
        return Err("every call failed".into());
    }
    let s = |ms: f64| r3(ms / 1000.0);
    o.set("mean_s", s(lat.iter().sum::<f64>() / lat.len() as f64));
    o.set(
        "min_s",
        s(lat.iter().copied().fold(f64::INFINITY, f64::min)),
    );
    o.set("max_s", s(lat.iter().copied().fold(0.0, f64::max)));
    o.set("first_s", s(lat[0]));
    o.set("cpu_s", r3(cpu));
    o.set("conversations", last.conversations);
    o.set("sessions", last.sessions);
    o.set("metrics_and_segments", last.metrics_and_segments);
    o.set("rss_before_mb", rss_before);
    o.set(
        "model",
        "typed structs (models::AnalyticsConversationQueryResponse, all nesting levels, date-times -> time::OffsetDateTime)",
    );
    Ok(())
}

async fn scenario_error(client: &Client, o: &mut Out) {
    let r = UsersApi::new(client).get_user("missing").send().await;
    let e = match r {
        Ok(_) => {
            o.set("ok", 0);
            o.set("errors", 1);
            o.set("threw", false);
            return;
        }
        Err(e) => e,
    };
    let body = e.error_body();
    let ok = e.is_status(404) && e.code() == Some("not.found");
    o.set("ok", usize::from(ok));
    o.set("errors", usize::from(!ok));
    o.set("threw", true);
    o.set(
        "error_type",
        format!("purecloud_platform_client_v2::Error (kind {:?})", e.kind()),
    );
    o.set("status", e.status().map(u64::from));
    o.set("code", e.code());
    o.set("message", body.and_then(|b| b.message.as_deref()));
    o.set("context_id", body.and_then(|b| b.context_id.as_deref()));
    o.set("correlation_id", e.correlation_id());
    o.set("operation", e.operation());
    // What the error value gives access to (methods of `Error`, fields of `ErrorResponse` and of
    // the parsed Genesys `ErrorBody`).
    let mut fields: Vec<&str> = vec![
        "kind()",
        "message()",
        "operation()",
        "status()",
        "code()",
        "correlation_id()",
        "error_body()",
        "is_status()",
        "response()",
        "response().status",
        "response().status_text",
        "response().headers",
        "response().body",
        "response().raw",
        "response().text()",
        "error_body().status",
        "error_body().code",
        "error_body().message",
        "error_body().message_with_params",
        "error_body().message_params",
        "error_body().context_id",
        "error_body().details",
        "error_body().errors",
    ];
    fields.sort_unstable();
    o.set("exposed_fields", fields);
}

/// `peer-bench decode <kind> <file> <iterations>`: decodes the file `iterations` times into the
/// scenario's model and prints the mean time per decode (including the drop) on stderr.
pub fn decode_loop(args: &[String]) -> Result<(), BoxError> {
    use purecloud_platform_client_v2::models::json;
    let [kind, file, iters] = args else {
        return Err("expected 3 arguments".into());
    };
    let bytes = std::fs::read(file)?;
    let iters: u32 = iters.parse()?;
    fn timed<T: json::FromJson>(
        bytes: &[u8],
        decode: &mut f64,
        drop_s: &mut f64,
    ) -> Result<(), BoxError> {
        let t = Instant::now();
        let v = std::hint::black_box(json::from_slice::<T>(bytes)?);
        *decode += t.elapsed().as_secs_f64();
        let t = Instant::now();
        drop(v);
        *drop_s += t.elapsed().as_secs_f64();
        Ok(())
    }
    let (mut decode, mut drop_s) = (0.0, 0.0);
    let t = Instant::now();
    let cpu0 = cpu_seconds();
    for _ in 0..iters {
        match kind.as_str() {
            "users_me" => timed::<models::UserMe>(&bytes, &mut decode, &mut drop_s)?,
            "permissions" => timed::<models::PermissionCollectionEntityListing>(
                &bytes,
                &mut decode,
                &mut drop_s,
            )?,
            "analytics" => timed::<models::AnalyticsConversationQueryResponse>(
                &bytes,
                &mut decode,
                &mut drop_s,
            )?,
            k => return Err(format!("unknown kind {k}").into()),
        }
    }
    let per = |s: f64| s * 1e6 / f64::from(iters);
    eprintln!(
        "{kind}: {:.3} us wall, {:.3} us CPU per decode + drop ({:.3} us decode, {:.3} us drop); peak RSS {} MiB",
        per(t.elapsed().as_secs_f64()),
        per(cpu_seconds() - cpu0),
        per(decode),
        per(drop_s),
        status_mb("VmHWM")
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use purecloud_platform_client_v2::models::json;

    #[test]
    fn the_big_query_is_the_contracts_body() {
        // Same members as the contract's body (the SDK writes them in the spec's order).
        let contract: serde_json::Value = serde_json::from_str(
            r#"{"interval":"2024-05-01T00:00:00.000Z/2024-05-02T00:00:00.000Z","order":"asc","orderBy":"conversationStart","paging":{"pageSize":100,"pageNumber":1}}"#,
        )
        .unwrap();
        assert_eq!(json::to_value(&big_query()), contract);
    }

    #[test]
    fn walking_counts_every_level() {
        let r: models::AnalyticsConversationQueryResponse = json::from_str(
            r#"{"conversations":[{"conversationStart":"2024-05-01T08:00:00.000Z","participants":[
                {"sessions":[{"metrics":[{"name":"nConnected","value":1}],"segments":[{},{}]}]},
                {"sessions":[{},{}]}]},{"conversationStart":"2023-01-01T00:00:00Z"}],"totalHits":2}"#,
        )
        .unwrap();
        assert_eq!(
            walk(&r),
            BigCounts {
                conversations: 2,
                sessions: 3,
                metrics_and_segments: 3,
                dated: 1
            }
        );
    }
}
