//! `purecloud-simulator [--port N] [--host 127.0.0.1] [--config file.json] [--spec file.json]
//! [--rate-limit N] [--token-lifetime SECONDS] [--seed N]`

use std::process::ExitCode;
use std::time::Duration;

use purecloud_simulator::{Simulator, SimulatorConfig};

const USAGE: &str =
    "usage: purecloud-simulator [--port N] [--host ADDR] [--config FILE.json] [--spec FILE.json]
                           [--rate-limit PER_MINUTE] [--token-lifetime SECONDS] [--seed N]

Serves the Genesys Cloud Platform API v2 (/api/v2/...) and its login service (/oauth/...)
on one port. Defaults: host 127.0.0.1, an ephemeral port, client sim-client-id/sim-client-secret.";

fn parse_args() -> Result<SimulatorConfig, String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut config = SimulatorConfig::default();
    // --config first, so that the other flags override it.
    let mut i = 0;
    while i < args.len() {
        if let Some(path) = args[i]
            .strip_prefix("--config=")
            .map(str::to_string)
            .or_else(|| {
                (args[i] == "--config")
                    .then(|| args.get(i + 1).cloned())
                    .flatten()
            })
        {
            let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
            let v: serde_json::Value =
                serde_json::from_str(&text).map_err(|e| format!("{path}: {e}"))?;
            config = SimulatorConfig::from_json(&v).map_err(|e| format!("{path}: {e}"))?;
        }
        i += 1;
    }
    let mut i = 0;
    while i < args.len() {
        let (flag, inline) = match args[i].split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (args[i].clone(), None),
        };
        let mut value = || -> Result<String, String> {
            if let Some(v) = &inline {
                return Ok(v.clone());
            }
            i += 1;
            args.get(i)
                .cloned()
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match flag.as_str() {
            "-h" | "--help" => return Err(String::new()),
            "--port" | "-p" => {
                config.port = Some(
                    value()?
                        .parse()
                        .map_err(|_| "--port needs a number 0-65535")?,
                )
            }
            "--host" => config.host = value()?,
            "--config" => {
                value()?;
            }
            "--spec" => config.spec_path = Some(value()?.into()),
            "--rate-limit" => {
                config.rate_limit = Some(
                    value()?
                        .parse()
                        .map_err(|_| "--rate-limit needs a number")?,
                )
            }
            "--token-lifetime" => {
                config.token_lifetime = Duration::from_secs(
                    value()?
                        .parse()
                        .map_err(|_| "--token-lifetime needs seconds")?,
                )
            }
            "--seed" => config.seed = value()?.parse().map_err(|_| "--seed needs a number")?,
            other => return Err(format!("unknown argument '{other}'")),
        }
        i += 1;
    }
    Ok(config)
}

fn main() -> ExitCode {
    let config = match parse_args() {
        Ok(c) => c,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("error: {e}");
            }
            eprintln!("{USAGE}");
            return if e.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(2)
            };
        }
    };
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    rt.block_on(async move {
        let sim = match Simulator::start(config).await {
            Ok(s) => s,
            Err(e) => {
                eprintln!("error: cannot start the simulator: {e}");
                return ExitCode::FAILURE;
            }
        };
        let cfg = sim.config();
        println!("purecloud-simulator listening on {}", sim.base_url());
        println!("  operations:    {}", sim.spec().operations.len());
        if let Some(c) = cfg.clients.first() {
            println!("  client id:     {}", c.client_id);
            println!("  client secret: {}", c.client_secret);
            if let Some(r) = c.redirect_uris.first() {
                println!("  redirect uri:  {r}");
            }
        }
        let u = cfg.default_user();
        println!("  default user:  {} <{}> id {}", u.name, u.email, u.id);
        println!(
            "  try: curl -u {}:{} -d grant_type=client_credentials {}/oauth/token",
            cfg.clients
                .first()
                .map(|c| c.client_id.as_str())
                .unwrap_or(""),
            cfg.clients
                .first()
                .map(|c| c.client_secret.as_str())
                .unwrap_or(""),
            sim.base_url()
        );
        let _ = tokio::signal::ctrl_c().await;
        sim.shutdown().await;
        ExitCode::SUCCESS
    })
}
