//! The payloads of the peer benchmark (`../shared/peer-bench/gen_data.py`), found or generated.
//!
//! Looked up in this order: `$GC_BENCH_DATA` (a directory with `users_me.json`,
//! `permissions.json`, `analytics.json`), `$PEER_BENCH_HOME/data` or `~/.cache/peer-bench/data`
//! (what the harness generated), `<workspace>/target/bench-data`; when none has them, they are
//! generated into `<workspace>/target/bench-data` with `python3 $PEER_BENCH_DIR/gen_data.py`
//! (`PEER_BENCH_DIR` defaults to `<workspace>/../shared/peer-bench`). Byte-identical every time
//! (fixed seed).

#![allow(dead_code)]

use std::path::{Path, PathBuf};

const FILES: [&str; 3] = ["users_me.json", "permissions.json", "analytics.json"];

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn complete(dir: &Path) -> bool {
    FILES.iter().all(|f| dir.join(f).is_file())
}

/// The payload directory, or why there is none.
pub fn data_dir() -> Result<PathBuf, String> {
    if let Some(d) = std::env::var_os("GC_BENCH_DATA") {
        let d = PathBuf::from(d);
        return if complete(&d) {
            Ok(d)
        } else {
            Err(format!("GC_BENCH_DATA={} lacks {FILES:?}", d.display()))
        };
    }
    let home = std::env::var_os("PEER_BENCH_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache/peer-bench")));
    let target = workspace().join("target/bench-data");
    for d in home
        .map(|h| h.join("data"))
        .into_iter()
        .chain([target.clone()])
    {
        if complete(&d) {
            return Ok(d);
        }
    }
    let harness = std::env::var_os("PEER_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("../shared/peer-bench"));
    let script = harness.join("gen_data.py");
    eprintln!(
        "generating the benchmark payloads: python3 {} {}",
        script.display(),
        target.display()
    );
    let ok = std::process::Command::new("python3")
        .arg(&script)
        .arg(&target)
        .stdout(std::process::Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if ok && complete(&target) {
        Ok(target)
    } else {
        Err(format!(
            "no payloads: set GC_BENCH_DATA, or PEER_BENCH_DIR to the peer-bench harness ({} failed)",
            script.display()
        ))
    }
}

/// Reads one payload file.
pub fn read(dir: &Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{}: {e}", dir.join(name).display()))
}
