//! Logging and tracing: the three ways to see what the SDK sends and receives, and that none of
//! them shows a token.
//!
//! ```sh
//! cargo run -p purecloud-platform-client-v2 --example logging_and_tracing
//! ```
//!
//! 1. `set_debug_log`: the official SDKs' `setDebugLog(log, maxLines)`, a callback that gets
//!    each request and response as text (bodies cut to `max_lines`).
//! 2. The SDK's logger, `[logging]` in the configuration file or a `LogConfig` in code: text or
//!    JSON lines to standard error and/or a file.
//! 3. `tracing`: a span `genesys_cloud.call` per call (operation, method, path template, then
//!    status, correlation id, error kind, duration) with the attempts' events inside. Any
//!    subscriber works (`tracing-subscriber`'s `fmt()`, OpenTelemetry, ...); this example writes
//!    a small one by hand to need no other crate.
//!
//! Runs against the local simulator started in this process unless
//! `GENESYS_CLOUD_CLIENT_ID`/`GENESYS_CLOUD_CLIENT_SECRET` (and `GENESYS_CLOUD_ENVIRONMENT`) are
//! set.

use purecloud_platform_client_v2::api::{AuthorizationApi, UsersApi};
use purecloud_platform_client_v2::{ConfigFile, Error, ErrorKind, LogConfig, LogFormat, LogLevel};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

mod support;

#[tokio::main]
async fn main() {
    support::exit_on_error("logging_and_tracing", run().await);
}

/// Prints `text` indented, and keeps it to check for the token at the end.
fn show(seen: &mut String, prefix: &str, text: &str) {
    for line in text.lines() {
        let cut: String = line.chars().take(140).collect();
        let more = if cut.len() < line.len() { "…" } else { "" };
        println!("   {prefix}{cut}{more}");
    }
    seen.push_str(text);
    seen.push('\n');
}

async fn run() -> Result<(), Error> {
    let t = support::target().await?;
    let client = &t.client;
    let token = t.login().await?.access_token().to_owned();
    let tmp = support::TempDir::new("genesys-logging-example")?;
    // Everything the three channels wrote, to check that the token is in none of it.
    let mut seen = String::new();

    println!("\n1. The debug log (set_debug_log), response bodies cut to 6 lines");
    let traces = Arc::new(Mutex::new(Vec::<String>::new()));
    let sink = traces.clone();
    client.set_debug_log(
        move |trace| sink.lock().unwrap().push(trace.to_owned()),
        Some(6),
    );
    AuthorizationApi::new(client)
        .get_authorization_permissions()
        .set_page_size(1)
        .send()
        .await?;
    client.clear_debug_log();
    for trace in traces.lock().unwrap().iter() {
        show(&mut seen, "| ", trace);
    }

    println!("\n2. The SDK's logger");
    let text_log = tmp.path().join("sdk.log");
    let ini = format!(
        "[logging]\nlog_level = info\nlog_format = text\nlog_to_console = false\nlog_file_path = {}\n",
        text_log.display()
    );
    println!("   a configuration file's [logging] section (level info: one line a call):");
    for line in ini.lines() {
        println!("   > {line}");
    }
    client.apply_config(&ConfigFile::parse(&ini)?)?;
    AuthorizationApi::new(client)
        .get_authorization_permissions()
        .set_page_size(1)
        .send()
        .await?;
    println!("   {} now has:", text_log.display());
    show(&mut seen, "| ", &read(&text_log)?);

    println!("   the same in code: LogConfig at trace level, as JSON lines, with the bodies:");
    let json_log = tmp.path().join("sdk.jsonl");
    let mut config = LogConfig::new(LogLevel::Trace);
    config.format = LogFormat::Json;
    config.to_console = false; // true: standard error
    config.file_path = Some(json_log.clone());
    config.log_request_body = true;
    config.log_response_body = true;
    client.set_logging(config)?;
    AuthorizationApi::new(client)
        .get_authorization_permissions()
        .set_page_size(1)
        .send()
        .await?;
    client.set_logging(LogConfig::new(LogLevel::None))?;
    let jsonl = read(&json_log)?;
    seen.push_str(&jsonl);
    for line in jsonl.lines() {
        let entry: serde_json::Value = serde_json::from_str(line)
            .map_err(|e| Error::new(ErrorKind::Decode, format!("a log line: {e}")))?;
        let keys: Vec<&str> = entry
            .as_object()
            .map(|o| o.keys().map(String::as_str).collect())
            .unwrap_or_default();
        println!("   | an entry with {}", keys.join(", "));
        println!(
            "   |   requestHeaders.authorization: {}",
            entry["requestHeaders"]["authorization"]
        );
    }

    println!("\n3. tracing: a hand-written subscriber printing the SDK's spans and events");
    let lines = Arc::new(Mutex::new(String::new()));
    tracing::subscriber::set_global_default(Printer::new(lines.clone()))
        .map_err(|e| Error::new(ErrorKind::InvalidInput, e.to_string()))?;
    // A login (the `logged in` event), a call that succeeds and one that fails.
    t.login().await?;
    AuthorizationApi::new(client)
        .get_authorization_permissions()
        .set_page_size(1)
        .send()
        .await?;
    let _ = UsersApi::new(client).get_user("no-such-user").send().await;
    let printed = lines.lock().unwrap().clone();
    show(&mut seen, "", &printed);

    println!(
        "\nThe access token ({} characters) appears in none of the above: {}",
        token.len(),
        !seen.contains(&token)
    );
    if seen.contains(&token) {
        return Err(Error::new(ErrorKind::InvalidInput, "the token was logged"));
    }
    println!("(the debug log shows `{}`)", redacted_header(&seen));
    println!("\nDone.");
    Ok(())
}

fn read(path: &std::path::Path) -> Result<String, Error> {
    std::fs::read_to_string(path).map_err(|e| {
        Error::new(
            ErrorKind::InvalidInput,
            format!("cannot read {}: {e}", path.display()),
        )
    })
}

/// The first `Authorization` line the logs showed.
fn redacted_header(seen: &str) -> &str {
    seen.lines()
        .map(str::trim)
        .find(|l| l.starts_with("authorization:"))
        .unwrap_or("?")
}

/// A minimal `tracing::Subscriber`: the SDK's spans and events (target
/// `purecloud_platform_client_v2`, DEBUG and above), one line each, indented inside a span.
/// Real programs use `tracing-subscriber` (`tracing_subscriber::fmt().init()`) or an exporter.
struct Printer {
    out: Arc<Mutex<String>>,
    next_id: AtomicU64,
    /// Each open span: its name, the fields recorded after it opened, how many handles it has.
    spans: Mutex<HashMap<u64, Span>>,
}

impl Printer {
    fn new(out: Arc<Mutex<String>>) -> Printer {
        Printer {
            out,
            next_id: AtomicU64::new(1),
            spans: Mutex::default(),
        }
    }

    fn line(&self, indent: bool, text: String) {
        let pad = if indent { "    " } else { "" };
        let _ = writeln!(self.out.lock().unwrap(), "{pad}{text}");
    }
}

struct Span {
    name: &'static str,
    recorded: String,
    handles: usize,
}

thread_local! {
    /// The spans entered on this thread (a call's span is entered while its future is polled).
    static CURRENT: std::cell::RefCell<Vec<u64>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Writes the fields as ` name=value` (the `message` field bare).
struct Fields<'a>(&'a mut String);

impl tracing::field::Visit for Fields<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.0, " {value:?}");
        } else {
            let _ = write!(self.0, " {}={value:?}", field.name());
        }
    }
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        let _ = write!(self.0, " {}={value}", field.name());
    }
}

impl tracing::Subscriber for Printer {
    fn enabled(&self, m: &tracing::Metadata<'_>) -> bool {
        m.target().starts_with("purecloud_platform_client_v2")
            && *m.level() <= tracing::Level::DEBUG
    }

    fn new_span(&self, a: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let name = a.metadata().name();
        self.spans.lock().unwrap().insert(
            id,
            Span {
                name,
                recorded: String::new(),
                handles: 1,
            },
        );
        let mut text = format!("span {name} opened:");
        a.record(&mut Fields(&mut text));
        self.line(false, text);
        tracing::span::Id::from_u64(id)
    }

    fn record(&self, span: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        if let Some(s) = self.spans.lock().unwrap().get_mut(&span.into_u64()) {
            values.record(&mut Fields(&mut s.recorded));
        }
    }

    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}

    fn event(&self, event: &tracing::Event<'_>) {
        let inside = CURRENT.with(|c| !c.borrow().is_empty());
        let mut text = format!("{:5}", event.metadata().level());
        event.record(&mut Fields(&mut text));
        self.line(inside, text);
    }

    fn enter(&self, span: &tracing::span::Id) {
        CURRENT.with(|c| c.borrow_mut().push(span.into_u64()));
    }

    fn exit(&self, _: &tracing::span::Id) {
        CURRENT.with(|c| {
            c.borrow_mut().pop();
        });
    }

    fn clone_span(&self, span: &tracing::span::Id) -> tracing::span::Id {
        if let Some(s) = self.spans.lock().unwrap().get_mut(&span.into_u64()) {
            s.handles += 1;
        }
        span.clone()
    }

    /// The last handle of a span dropped: prints what was recorded on it.
    fn try_close(&self, span: tracing::span::Id) -> bool {
        let mut spans = self.spans.lock().unwrap();
        let id = span.into_u64();
        if let Some(s) = spans.get_mut(&id) {
            if s.handles > 1 {
                s.handles -= 1;
                return false;
            }
        }
        match spans.remove(&id) {
            Some(s) => {
                drop(spans);
                self.line(false, format!("span {} closed:{}", s.name, s.recorded));
                true
            }
            None => false,
        }
    }
}
