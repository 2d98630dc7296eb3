//! The generator of `purecloud-platform-client-v2`: reads the Swagger 2.0 spec and writes the
//! models crate's and the SDK crate's generated code, their cargo features and the generated
//! request-building test. It is a build-time tool; the library crates never depend on it.

pub mod apis;
pub mod models;
pub mod names;
pub mod rust;
pub mod spec;

use std::path::{Path, PathBuf};

/// Marker lines in a Cargo.toml between which the generator owns the feature lines.
pub const BEGIN_FEATURES: &str = "# BEGIN GENERATED FEATURES";
pub const END_FEATURES: &str = "# END GENERATED FEATURES";

/// Every file the generator writes, relative to the workspace root, with its full contents.
pub struct Output {
    pub files: Vec<(PathBuf, String)>,
}

/// Generates everything from the spec text. `read` gives the current contents of a
/// workspace-relative file (the Cargo manifests whose feature blocks are rewritten).
pub fn generate(
    spec_text: &str,
    read: &dyn Fn(&str) -> Result<String, String>,
) -> Result<Output, String> {
    let doc: serde_json::Value =
        serde_json::from_str(spec_text).map_err(|e| format!("spec is not JSON: {e}"))?;
    let api = spec::parse(&doc)?;
    let m = models::emit(&api);
    let a = apis::emit(&api);
    let mut files = Vec::new();
    for c in &m.crates {
        for (p, text) in &c.files {
            files.push((
                Path::new(&c.dir).join("src/generated").join(p),
                text.clone(),
            ));
        }
    }
    for (p, c) in a.files {
        files.push((Path::new("crates/sdk/src/generated").join(p), c));
    }
    files.push((
        PathBuf::from("crates/sdk/tests/generated/requests.rs"),
        a.request_test,
    ));
    files.push((
        PathBuf::from("crates/sdk/tests/generated/all_models.rs"),
        models_test(&api),
    ));

    let quoted = |v: &[String]| {
        v.iter()
            .map(|f| format!("\"{f}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    // The shared models crate: every feature.
    let mut core = format!(
        "# One feature per API group: the models its operations need. `{}`: the definitions no\n# operation uses (Notifications API event bodies). `full`: all of them.\nfull = [{}]\n",
        spec::EVENTS_FEATURE,
        quoted(&m.features)
    );
    for f in &m.features {
        core.push_str(&format!("{f} = []\n"));
    }
    let core_dir = &m.crates[0].dir;
    let manifest = format!("{core_dir}/Cargo.toml");
    files.push((
        PathBuf::from(&manifest),
        replace_block(&read(&manifest)?, &core)?,
    ));
    // The parts: the features whose own models they hold (which also need the shared ones).
    let mut owner = std::collections::BTreeMap::new();
    for (i, c) in m.crates.iter().enumerate().skip(1) {
        let mut block = format!("full = [{}]\n", quoted(&c.features));
        for f in &c.features {
            block.push_str(&format!("{f} = [\"{}/{f}\"]\n", models::CORE_PACKAGE));
            owner.insert(f.clone(), i);
        }
        let manifest = format!("{}/Cargo.toml", c.dir);
        files.push((
            PathBuf::from(&manifest),
            replace_block(&read(&manifest)?, &block)?,
        ));
    }
    // The SDK: a feature per group enables the group's models wherever they live.
    let sdk_dep = |f: &str| -> String {
        match owner.get(f) {
            Some(i) => format!("\"models/{f}\", \"models-part{i}/{f}\""),
            None => format!("\"models/{f}\""),
        }
    };
    let groups: Vec<String> = api.groups.iter().map(|g| g.feature.clone()).collect();
    let mut sdk = format!(
        "# One feature per API group (its `XxxApi` type and the models it needs); `full`: every group\n# and every model.\nfull = [{}, \"{}\"]\n",
        quoted(&groups),
        spec::EVENTS_FEATURE
    );
    for f in m.features.iter() {
        sdk.push_str(&format!("{f} = [{}]\n", sdk_dep(f)));
    }
    let manifest = "crates/sdk/Cargo.toml";
    files.push((
        PathBuf::from(manifest),
        replace_block(&read(manifest)?, &sdk)?,
    ));
    Ok(Output { files })
}

/// A test that decodes and round-trips a schema sample of every model (the harness in
/// `tests/support/` makes the samples from the spec).
fn models_test(api: &spec::Api) -> String {
    let mut out = String::from(rust::HEADER);
    out.push_str("//! Round-trips a spec-made sample of every model; driven by `models.rs`.\n\n#![allow(clippy::all)]\n\nuse crate::Checker;\nuse purecloud_platform_client_v2::models::*;\n\npub fn check_all(c: &mut Checker) {\n");
    for (name, fs) in api.model_features(models::ALWAYS) {
        let cfg = rust::cfg_any(&fs);
        if !cfg.is_empty() {
            out.push_str(&format!("    {cfg}\n"));
        }
        out.push_str(&format!("    c.check::<{name}>({name:?});\n"));
    }
    out.push_str("}\n");
    out
}

fn replace_block(toml: &str, body: &str) -> Result<String, String> {
    let start = toml
        .find(BEGIN_FEATURES)
        .ok_or("Cargo.toml lacks the BEGIN GENERATED FEATURES marker")?;
    let end = toml
        .find(END_FEATURES)
        .ok_or("Cargo.toml lacks the END GENERATED FEATURES marker")?;
    let head = &toml[..start + BEGIN_FEATURES.len()];
    Ok(format!("{head}\n{body}{}", &toml[end..]))
}

#[cfg(test)]
mod tests;
