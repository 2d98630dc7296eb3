//! The raw floor: the same requests as the SDK scenarios with a bare `reqwest::Client` (the HTTP
//! stack of the SDK's default transport) and no SDK layer — the best any SDK can do here.
//!
//! `--raw`: no parsing; each call checks the status and that the body has the length of the
//! static file (so a truncated or wrong body still counts as an error).
//! `--raw=value`: each body is also parsed into a `serde_json::Value` and checked like the SDK
//! scenarios do (untyped, so timestamps stay strings): a reference for the codec.
//! `--raw=prealloc`: like `--raw`, but the `big` body is read chunk by chunk into one buffer of
//! the response's `Content-Length` instead of `Response::bytes()` (which keeps every chunk, then
//! copies them into one buffer): what a transport could save on large bodies.

use crate::util::{cpu_seconds, latency_stats, ms_since, r3, status_mb, throughput, Out};
use crate::{Args, CLIENT_ID, CLIENT_SECRET};
use reqwest::header::{HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use serde_json::Value;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

type BoxError = Box<dyn std::error::Error>;

const BIG_BODY: &str = r#"{"interval":"2024-05-01T00:00:00.000Z/2024-05-02T00:00:00.000Z","order":"asc","orderBy":"conversationStart","paging":{"pageSize":100,"pageNumber":1}}"#;

#[derive(Clone)]
struct Raw {
    http: reqwest::Client,
    base: Arc<str>,
    bearer: HeaderValue,
    parse: bool,
    prealloc: bool,
}

/// One call's outcome: `Some(len)` for a 200 whose check passed (`len` = body length).
type Outcome = Result<Option<usize>, reqwest::Error>;

impl Raw {
    async fn get(&self, path: &str) -> Result<(u16, bytes::Bytes), reqwest::Error> {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .header(AUTHORIZATION, self.bearer.clone())
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .send()
            .await?;
        let status = r.status().as_u16();
        Ok((status, r.bytes().await?))
    }

    /// `GET /api/v2/users/me`; with `parse`, also the `seq` check on a `Value`.
    async fn users_me(&self) -> Outcome {
        let (status, body) = self.get("/api/v2/users/me").await?;
        let good = status == 200
            && (!self.parse
                || serde_json::from_slice::<Value>(&body).is_ok_and(|v| {
                    v["name"] == "Ada Lovelace" && v["routingStatus"]["status"] == "IDLE"
                }));
        Ok(good.then_some(body.len()))
    }

    async fn permissions(&self) -> Outcome {
        let (status, body) = self.get("/api/v2/authorization/permissions").await?;
        let good = status == 200
            && (!self.parse
                || serde_json::from_slice::<Value>(&body).is_ok_and(|v| {
                    v["entities"].as_array().map(Vec::len) == Some(25) && v["pageCount"] == 4
                }));
        Ok(good.then_some(body.len()))
    }

    /// The `big` call; returns the body length, and with `parse` (conversations, sessions).
    async fn big(&self) -> Result<(u16, usize, Option<(usize, usize)>), reqwest::Error> {
        let r = self
            .http
            .post(format!(
                "{}/api/v2/analytics/conversations/details/query",
                self.base
            ))
            .header(AUTHORIZATION, self.bearer.clone())
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
            .body(BIG_BODY)
            .send()
            .await?;
        let status = r.status().as_u16();
        let body = if self.prealloc {
            let mut r = r;
            let mut buf = Vec::with_capacity(r.content_length().unwrap_or(0) as usize);
            while let Some(chunk) = r.chunk().await? {
                buf.extend_from_slice(&chunk);
            }
            bytes::Bytes::from(buf)
        } else {
            r.bytes().await?
        };
        let counts = if self.parse {
            serde_json::from_slice::<Value>(&body).ok().map(|v| {
                let convs = v["conversations"].as_array().map_or(&[][..], Vec::as_slice);
                let sessions = convs
                    .iter()
                    .flat_map(|c| c["participants"].as_array().into_iter().flatten())
                    .map(|p| p["sessions"].as_array().map_or(0, Vec::len))
                    .sum();
                (convs.len(), sessions)
            })
        } else {
            None
        };
        Ok((status, body.len(), counts))
    }
}

/// `POST {base}/oauth/token` (client credentials); returns the access token.
async fn login(http: &reqwest::Client, base: &str) -> Result<String, BoxError> {
    let r = http
        .post(format!("{base}/oauth/token"))
        .basic_auth(CLIENT_ID, Some(CLIENT_SECRET))
        .header(
            CONTENT_TYPE,
            HeaderValue::from_static("application/x-www-form-urlencoded"),
        )
        .body("grant_type=client_credentials")
        .send()
        .await?;
    if r.status() != 200 {
        return Err(format!("login: HTTP {}", r.status()).into());
    }
    let v: Value = serde_json::from_slice(&r.bytes().await?)?;
    v["access_token"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| "login: no access_token".into())
}

/// Counts a call: the first good body fixes the expected length, later ones must match it.
#[derive(Default)]
struct Tally {
    ok: usize,
    errors: usize,
    expect_len: Option<usize>,
    logged: usize,
}

impl Tally {
    fn add(&mut self, what: &str, r: Outcome) {
        let msg = match r {
            Ok(Some(len)) if *self.expect_len.get_or_insert(len) == len => {
                self.ok += 1;
                return;
            }
            Ok(Some(len)) => format!("body length {len}, expected {:?}", self.expect_len),
            Ok(None) => "bad status or failed check".to_owned(),
            Err(e) => e.to_string(),
        };
        self.errors += 1;
        self.logged += 1;
        if self.logged <= 3 {
            eprintln!("[rust-raw] {what}: {msg}");
        }
    }
}

pub async fn run(a: Args, flavor: String, parse: bool, prealloc: bool) -> Result<(), BoxError> {
    let t = Instant::now();
    let http = reqwest::Client::new();
    let load_ms = ms_since(t);
    let mut o = Out::new(
        match (parse, prealloc) {
            (true, _) => "rust-raw-value",
            (false, true) => "rust-raw-prealloc",
            (false, false) => "rust-raw",
        },
        if parse {
            "reqwest + serde_json::Value (no SDK)"
        } else {
            "reqwest (no SDK, no parsing)"
        },
        "0.12",
        &a.scenario,
        a.n,
        a.conc,
    );
    o.set("tokio_runtime", flavor);
    if a.scenario == "login" {
        let mut lat = Vec::with_capacity(a.n);
        let mut ok = 0;
        for _ in 0..a.n {
            let t = Instant::now();
            let tok = login(&http, &a.base_url).await?;
            lat.push(ms_since(t));
            ok += usize::from(tok == "tok");
        }
        o.set("ok", ok);
        o.set("errors", a.n - ok);
        o.set("first_ms", r3(lat[0]));
        latency_stats(&mut o, &lat);
        o.emit(load_ms);
        return Ok(());
    }
    let token = login(&http, &a.base_url).await?;
    let raw = Raw {
        http,
        base: Arc::from(a.base_url.as_str()),
        bearer: HeaderValue::from_str(&format!("Bearer {token}"))?,
        parse,
        prealloc,
    };
    match a.scenario.as_str() {
        "seq" | "perm" => {
            let seq = a.scenario == "seq";
            let warmup = if seq {
                a.n.div_ceil(10).min(200)
            } else {
                a.n.min(20)
            };
            let mut tally = Tally::default();
            for _ in 0..warmup {
                let r = if seq {
                    raw.users_me().await
                } else {
                    raw.permissions().await
                };
                tally.add("warm-up", r);
            }
            if tally.errors > 0 {
                return Err("warm-up failed".into());
            }
            tally.ok = 0;
            let mut lat = Vec::with_capacity(a.n);
            let cpu0 = cpu_seconds();
            let t0 = Instant::now();
            for _ in 0..a.n {
                let t = Instant::now();
                let r = if seq {
                    raw.users_me().await
                } else {
                    raw.permissions().await
                };
                lat.push(ms_since(t));
                tally.add(&a.scenario, r);
            }
            let wall = t0.elapsed().as_secs_f64();
            let cpu = cpu_seconds() - cpu0;
            o.set("ok", tally.ok);
            o.set("errors", tally.errors);
            if seq {
                o.set("warmup", warmup);
            }
            throughput(&mut o, a.n, wall, cpu, &lat);
        }
        "conc" => {
            for _ in 0..a.n.min(200) {
                raw.users_me().await?;
            }
            let next = Arc::new(AtomicUsize::new(0));
            let n = a.n;
            let cpu0 = cpu_seconds();
            let t0 = Instant::now();
            let workers: Vec<_> = (0..a.conc)
                .map(|_| {
                    let raw = raw.clone();
                    let next = next.clone();
                    tokio::spawn(async move {
                        let mut tally = Tally::default();
                        let mut lat = Vec::with_capacity(n / 8 + 1);
                        while next.fetch_add(1, Ordering::Relaxed) < n {
                            let t = Instant::now();
                            let r = raw.users_me().await;
                            lat.push(ms_since(t));
                            tally.add("conc", r);
                        }
                        (tally.ok, tally.errors, lat)
                    })
                })
                .collect();
            let (mut ok, mut errors, mut lat) = (0, 0, Vec::with_capacity(n));
            for w in workers {
                let (k, e, l) = w.await?;
                ok += k;
                errors += e;
                lat.extend(l);
            }
            let wall = t0.elapsed().as_secs_f64();
            let cpu = cpu_seconds() - cpu0;
            o.set("ok", ok);
            o.set("errors", errors);
            o.set("workers", a.conc);
            throughput(&mut o, n, wall, cpu, &lat);
        }
        "big" => {
            let rss_before = status_mb("VmRSS");
            let mut lat = Vec::with_capacity(a.n);
            let (mut ok, mut errors) = (0usize, 0usize);
            let mut counts = None;
            let cpu0 = cpu_seconds();
            for _ in 0..a.n {
                let t = Instant::now();
                let r = raw.big().await;
                let ms = ms_since(t);
                match r {
                    Ok((200, len, c))
                        if len == 20_147_452 && (!parse || c == Some((2950, 15195))) =>
                    {
                        ok += 1;
                        lat.push(ms);
                        counts = c;
                    }
                    other => {
                        errors += 1;
                        eprintln!("[rust-raw] big: unexpected {other:?}");
                    }
                }
            }
            let cpu = cpu_seconds() - cpu0;
            if lat.is_empty() {
                return Err("every call failed".into());
            }
            let s = |ms: f64| r3(ms / 1000.0);
            o.set("ok", ok);
            o.set("errors", errors);
            o.set("mean_s", s(lat.iter().sum::<f64>() / lat.len() as f64));
            o.set(
                "min_s",
                s(lat.iter().copied().fold(f64::INFINITY, f64::min)),
            );
            o.set("max_s", s(lat.iter().copied().fold(0.0, f64::max)));
            o.set("first_s", s(lat[0]));
            o.set("cpu_s", r3(cpu));
            o.set("conversations", counts.map(|c| c.0));
            o.set("sessions", counts.map(|c| c.1));
            o.set("rss_before_mb", rss_before);
            o.set(
                "model",
                if parse {
                    "serde_json::Value (untyped)"
                } else {
                    "none: body bytes only (length checked)"
                },
            );
        }
        "error" => {
            let (status, body) = raw.get("/api/v2/users/missing").await?;
            let v: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
            let ok = status == 404 && v["code"] == "not.found";
            o.set("ok", usize::from(ok));
            o.set("errors", usize::from(!ok));
            o.set("threw", false);
            o.set("status", status);
            o.set("code", v["code"].clone());
            o.set("message", v["message"].clone());
            o.set("context_id", v["contextId"].clone());
        }
        s => return Err(format!("unknown scenario {s}").into()),
    }
    o.emit(load_ms);
    Ok(())
}
