//! `peer-bench`: the Rust column of the shared peer benchmark (`../shared/peer-bench`), and the raw
//! HTTP floor measured next to it. See BENCHMARKS.md at the repository root.
//!
//! ```text
//! peer-bench [OPTIONS] <login|seq|conc|perm|big|error> <N> <CONC>
//!
//!   (no option)      the SDK as a user would use it: public Client, typed builders and models
//!   --raw            the floor: the same requests with a bare reqwest::Client (the SDK's HTTP
//!                    stack), no SDK and no parsing (status and body length are checked)
//!   --raw=value      the floor plus serde_json::Value parsing of each body (and the checks)
//!   --raw=prealloc   the floor, `big` read into one Content-Length buffer (see raw.rs)
//!   --rt=current     Tokio current-thread runtime (the default; see BENCHMARKS.md)
//!   --rt=multi[:K]   Tokio multi-thread runtime with K workers (default: the number of CPUs)
//! ```
//!
//! Environment: `GC_BENCH_BASE_URL=http://127.0.0.1:PORT` (required), `GC_BENCH_RT` (same as
//! `--rt`). Prints exactly one JSON line on stdout; logs go to stderr; exit code 0 on success.

mod raw;
mod sdk;
mod util;

use std::process::ExitCode;

/// The client-credentials the harness's fake API expects (it does not check them).
pub const CLIENT_ID: &str = "bench-client-id";
pub const CLIENT_SECRET: &str = "bench-client-secret";

/// The scenario contract's arguments.
#[derive(Clone, Debug)]
pub struct Args {
    pub scenario: String,
    pub n: usize,
    pub conc: usize,
    pub base_url: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Sdk,
    RawBytes,
    RawValue,
    RawPrealloc,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Flavor {
    CurrentThread,
    MultiThread(usize),
}

impl Flavor {
    fn parse(s: &str) -> Option<Flavor> {
        match s {
            "current" | "current_thread" => Some(Flavor::CurrentThread),
            "multi" | "multi_thread" => Some(Flavor::MultiThread(
                std::thread::available_parallelism().map_or(2, |n| n.get()),
            )),
            _ => {
                let k = s
                    .strip_prefix("multi:")
                    .or_else(|| s.strip_prefix("multi_thread:"))?;
                k.parse().ok().filter(|k| *k > 0).map(Flavor::MultiThread)
            }
        }
    }

    fn describe(self) -> String {
        match self {
            Flavor::CurrentThread => "current_thread".into(),
            Flavor::MultiThread(k) => format!("multi_thread:{k}"),
        }
    }
}

const USAGE: &str = "usage: peer-bench [--raw[=value|=prealloc]] [--rt=current|multi[:K]] <login|seq|conc|perm|big|error> <N> <CONC>";

fn parse_args() -> Result<(Args, Mode, Flavor), String> {
    let mut mode = Mode::Sdk;
    let mut flavor = match std::env::var("GC_BENCH_RT") {
        Ok(v) if !v.is_empty() => {
            Flavor::parse(&v).ok_or_else(|| format!("bad GC_BENCH_RT={v:?}"))?
        }
        _ => Flavor::CurrentThread,
    };
    let mut pos = Vec::new();
    for a in std::env::args().skip(1) {
        match a.as_str() {
            "--raw" | "--raw=bytes" => mode = Mode::RawBytes,
            "--raw=value" => mode = Mode::RawValue,
            "--raw=prealloc" => mode = Mode::RawPrealloc,
            "-h" | "--help" => return Err(USAGE.into()),
            _ if a.starts_with("--rt=") => {
                flavor = Flavor::parse(&a[5..]).ok_or_else(|| format!("bad {a}\n{USAGE}"))?
            }
            _ if a.starts_with('-') => return Err(format!("unknown option {a}\n{USAGE}")),
            _ => pos.push(a),
        }
    }
    let [scenario, n, conc] = <[String; 3]>::try_from(pos).map_err(|_| USAGE.to_owned())?;
    if !["login", "seq", "conc", "perm", "big", "error"].contains(&scenario.as_str()) {
        return Err(format!("unknown scenario {scenario:?}\n{USAGE}"));
    }
    let num = |s: &str| s.parse::<usize>().ok().filter(|v| *v > 0);
    let (n, conc) = match (num(&n), num(&conc)) {
        (Some(n), Some(c)) => (n, c),
        _ => return Err(format!("N and CONC must be positive integers\n{USAGE}")),
    };
    let base_url = std::env::var("GC_BENCH_BASE_URL")
        .map_err(|_| "GC_BENCH_BASE_URL not set".to_owned())?
        .trim_end_matches('/')
        .to_owned();
    Ok((
        Args {
            scenario,
            n,
            conc,
            base_url,
        },
        mode,
        flavor,
    ))
}

fn main() -> ExitCode {
    // Not part of the contract: a fixed-work decode loop to profile the codec without a network
    // (`perf stat` / `perf record` / `valgrind --tool=callgrind peer-bench decode ...`).
    let argv: Vec<String> = std::env::args().collect();
    if argv.get(1).map(String::as_str) == Some("decode") {
        return match sdk::decode_loop(&argv[2..]) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("usage: peer-bench decode <users_me|permissions|analytics> <FILE> <ITERATIONS>\n{e}");
                ExitCode::from(2)
            }
        };
    }
    let (args, mode, flavor) = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let rt = match flavor {
        Flavor::CurrentThread => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build(),
        Flavor::MultiThread(k) => tokio::runtime::Builder::new_multi_thread()
            .worker_threads(k)
            .enable_all()
            .build(),
    };
    let rt = match rt {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cannot start the Tokio runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let flavor = flavor.describe();
    let res = match mode {
        Mode::Sdk => rt.block_on(sdk::run(args, flavor)),
        Mode::RawBytes => rt.block_on(raw::run(args, flavor, false, false)),
        Mode::RawValue => rt.block_on(raw::run(args, flavor, true, false)),
        Mode::RawPrealloc => rt.block_on(raw::run(args, flavor, false, true)),
    };
    match res {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("peer-bench failed: {e}");
            ExitCode::FAILURE
        }
    }
}
