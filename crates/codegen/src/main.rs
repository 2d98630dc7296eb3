//! `cargo run -p purecloud-codegen [-- --check] [--root DIR]`: regenerates the generated code from
//! `spec/platform-api-v2.json`. With `--check` it writes nothing and exits 1 if any file differs.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut check = false;
    let mut root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--check" => check = true,
            "--root" => match args.next() {
                Some(r) => root = PathBuf::from(r),
                None => return fail("--root needs a directory"),
            },
            other => {
                return fail(&format!(
                    "unknown argument {other:?} (use --check, --root DIR)"
                ))
            }
        }
    }
    let read = |p: &str| {
        std::fs::read_to_string(root.join(p)).map_err(|e| format!("cannot read {p}: {e}"))
    };
    let result = read("spec/platform-api-v2.json")
        .and_then(|spec| purecloud_codegen::generate(&spec, &read));
    let out = match result {
        Ok(o) => o,
        Err(e) => return fail(&e),
    };
    // Generated directories are owned by the generator: stale files are removed.
    let mut dirs = vec![
        "crates/models/src/generated".to_owned(),
        "crates/sdk/src/generated".to_owned(),
        "crates/sdk/tests/generated".to_owned(),
    ];
    for i in 0..purecloud_codegen::models::PARTS {
        dirs.push(format!(
            "{}/src/generated",
            purecloud_codegen::models::part_dir(i)
        ));
    }
    let wanted: std::collections::BTreeSet<PathBuf> =
        out.files.iter().map(|(p, _)| root.join(p)).collect();
    let mut differ = Vec::new();
    for d in dirs {
        for f in walk(&root.join(&d)) {
            if !wanted.contains(&f) {
                differ.push(format!("stale {}", f.display()));
                if !check {
                    let _ = std::fs::remove_file(&f);
                }
            }
        }
    }
    for (p, contents) in &out.files {
        let path = root.join(p);
        let current = std::fs::read_to_string(&path).ok();
        if current.as_deref() != Some(contents.as_str()) {
            differ.push(format!("changed {}", p.display()));
            if !check {
                if let Some(parent) = path.parent() {
                    if let Err(e) = std::fs::create_dir_all(parent) {
                        return fail(&format!("cannot create {}: {e}", parent.display()));
                    }
                }
                if let Err(e) = std::fs::write(&path, contents) {
                    return fail(&format!("cannot write {}: {e}", path.display()));
                }
            }
        }
    }
    if check {
        if differ.is_empty() {
            println!("generated code is up to date ({} files)", out.files.len());
            ExitCode::SUCCESS
        } else {
            for d in &differ {
                eprintln!("{d}");
            }
            eprintln!("generated code is out of date: run `cargo run -p purecloud-codegen`");
            ExitCode::FAILURE
        }
    } else {
        println!("wrote {} files ({} changed)", out.files.len(), differ.len());
        ExitCode::SUCCESS
    }
}

fn walk(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

fn fail(msg: &str) -> ExitCode {
    eprintln!("purecloud-codegen: {msg}");
    ExitCode::from(2)
}
