//! Emits the models crate: one struct per definition, one enum per inline property enum, grouped
//! into files by the set of features that need them (so each file carries one `cfg`).

use crate::rust::{self, cfg_any, doc, HEADER};
use crate::spec::{Api, EnumDef, Model, Placement, Ty, EVENTS_FEATURE};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

/// Definitions the hand-written runtime needs whatever features are on.
pub const ALWAYS: &[&str] = &["ErrorBody"];

/// How many crates the group-specific models are split into, besides the shared models crate.
/// Three: a build machine with two cores compiles two at once, and with two parts a `full` build
/// peaked at 5.3 GB (two ~2.9 GB compilers side by side), with three at 3.7 GB for 14 s more
/// (BENCHMARKS.md). The shared crate (models more than one feature needs, and the codec)
/// compiles first.
pub const PARTS: usize = 3;

/// One generated models crate.
pub struct ModelCrate {
    /// Workspace-relative directory (`crates/models`, `crates/models-part1`, ...).
    pub dir: String,
    /// (path relative to the crate's `src/generated/`, contents)
    pub files: Vec<(String, String)>,
    /// The features of this crate (sorted).
    pub features: Vec<String>,
}

pub struct ModelFiles {
    /// The shared crate first, then the parts.
    pub crates: Vec<ModelCrate>,
    /// Every feature (group features and the events feature), sorted.
    pub features: Vec<String>,
}

pub const CORE_PACKAGE: &str = "purecloud-platform-client-v2-models";

pub fn part_dir(i: usize) -> String {
    format!("crates/models-part{}", i + 1)
}

pub fn emit(api: &Api) -> ModelFiles {
    let needs = api.model_features(ALWAYS);
    let placement = api.placement();
    // Group models by feature set.
    let mut sets: BTreeMap<BTreeSet<String>, Vec<&Model>> = BTreeMap::new();
    for (name, fs) in &needs {
        sets.entry(fs.clone()).or_default().push(&api.models[name]);
    }
    let mut features: BTreeSet<String> = api.groups.iter().map(|g| g.feature.clone()).collect();
    if api.has_events() {
        features.insert(EVENTS_FEATURE.to_owned());
    }
    // Models only one feature needs go to a part crate (balanced by size, biggest first); the
    // rest stay in the shared crate. A shared model never refers to a part's model (a model's
    // dependencies are needed by every feature that needs it), so parts depend only on the
    // shared crate and compile in parallel.
    let weight = |ms: &Vec<&Model>| -> usize {
        ms.iter()
            .map(|m| 4 + m.props.len() + 3 * m.enums.len())
            .sum()
    };
    let mut singles: Vec<(&BTreeSet<String>, usize)> = sets
        .iter()
        .filter(|(fs, _)| fs.len() == 1)
        .map(|(fs, ms)| (fs, weight(ms)))
        .collect();
    singles.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let mut load = [0usize; PARTS];
    let mut part_of: BTreeMap<&BTreeSet<String>, usize> = BTreeMap::new();
    for (fs, w) in singles {
        let i = (0..PARTS).min_by_key(|&i| (load[i], i)).expect("parts");
        load[i] += w;
        part_of.insert(fs, i);
    }

    let mut crates: Vec<ModelCrate> = std::iter::once("crates/models".to_owned())
        .chain((0..PARTS).map(part_dir))
        .map(|dir| ModelCrate {
            dir,
            files: Vec::new(),
            features: Vec::new(),
        })
        .collect();
    crates[0].features = features.iter().cloned().collect();
    let mut module_lines: Vec<Vec<String>> = vec![Vec::new(); PARTS + 1];
    let mut used_names = BTreeSet::new();
    for (fs, models) in &sets {
        let ci = part_of.get(fs).map(|p| p + 1).unwrap_or(0);
        if ci > 0 {
            crates[ci].features.extend(fs.iter().cloned());
        }
        let module = module_name(fs);
        assert!(
            used_names.insert(module.clone()),
            "module name clash: {module}"
        );
        let cfg = cfg_any(fs);
        module_lines[ci].push(format!(
            "{cfg}\nmod {module};\n{cfg}\npub use self::{module}::*;\n"
        ));
        let mut out = String::from(HEADER);
        let _ = writeln!(
            out,
            "//! Models compiled with any of: {}.\n",
            if fs.is_empty() {
                "always".to_owned()
            } else {
                fs.iter().cloned().collect::<Vec<_>>().join(", ")
            }
        );
        out.push_str("#[allow(unused_imports)]\nuse super::*;\n");
        if ci == 0 {
            out.push_str("#[allow(unused_imports)]\nuse crate::json::{self, DecodeError, FromJson, JsonObject, JsonReader, JsonWriter, ToJson};\n");
        } else {
            out.push_str("#[allow(unused_imports)]\nuse purecloud_platform_client_v2_models::json::{self, DecodeError, FromJson, JsonObject, JsonReader, JsonWriter, ToJson};\n#[allow(unused_imports)]\nuse purecloud_platform_client_v2_models::*;\n");
        }
        out.push_str("#[allow(unused_imports)]\nuse serde_json::Value;\n#[allow(unused_imports)]\nuse std::collections::BTreeMap;\n#[allow(unused_imports)]\nuse time::{Date, OffsetDateTime};\n");
        let needs = feature_note(fs);
        for m in models {
            model(&mut out, m, &placement, &needs);
            for e in &m.enums {
                enumeration(&mut out, e, &needs);
            }
        }
        crates[ci].files.push((format!("{module}.rs"), out));
    }
    for (ci, c) in crates.iter_mut().enumerate() {
        let mut m = String::from(HEADER);
        m.push_str("//! Models re-exported flat. Each file holds the models one set of features needs.\n\n");
        for l in &module_lines[ci] {
            m.push_str(l);
        }
        c.files.push(("mod.rs".to_owned(), m));
        c.files.sort();
        c.features.sort();
        c.features.dedup();
    }
    ModelFiles {
        crates,
        features: features.into_iter().collect(),
    }
}

/// The file (module) of the models one feature set needs, named so a reader can place it:
/// `users.rs` for one group, `routing_and_users.rs` for up to three, else the first group,
/// how many others and a short hash (`analytics_and_12_more_3f2a9c1e.rs`).
fn module_name(fs: &BTreeSet<String>) -> String {
    let names: Vec<String> = fs.iter().map(|f| f.replace('-', "_")).collect();
    match names.len() {
        0 => "always".to_owned(),
        1..=3 => names.join("_and_"),
        n => {
            let joined: Vec<&str> = fs.iter().map(String::as_str).collect();
            format!(
                "{}_and_{}_more_{:08x}",
                names[0],
                n - 1,
                rust::fnv(&joined.join(","))
            )
        }
    }
}

/// The doc line that says which features compile a model (rustdoc shows no `cfg` of items
/// re-exported from the model crates, so the docs say it in words).
fn feature_note(fs: &BTreeSet<String>) -> String {
    const SHOWN: usize = 6;
    let names: Vec<String> = fs.iter().map(|f| format!("`{f}`")).collect();
    match names.len() {
        0 => "Always compiled.".to_owned(),
        1 => format!("Compiled with the {} feature.", names[0]),
        n if n <= SHOWN => format!("Compiled with any of the features {}.", names.join(", ")),
        n => format!(
            "Compiled with any of the features {} or {} other API groups that use it.",
            names[..SHOWN].join(", "),
            n - SHOWN
        ),
    }
}

fn field_ty(t: &Ty, boxed: bool) -> String {
    let inner = rust::ty(t, "");
    if boxed {
        format!("Option<Box<{inner}>>")
    } else {
        format!("Option<{inner}>")
    }
}

fn model(out: &mut String, m: &Model, placement: &Placement, needs: &str) {
    let _ = writeln!(
        out,
        "\n/// The `{}` definition of the Platform API.\n///\n/// Every property is optional so that a response missing one still decodes; properties this\n/// version does not know are kept in `{}` and written back unchanged.\n///\n/// {needs}\n#[derive({})]\n#[non_exhaustive]\npub struct {} {{",
        m.name, m.unknown_ident, std::env::var("PCG_DERIVES").unwrap_or("Clone, Debug, Default, PartialEq".into()), m.name
    );
    for p in &m.props {
        let mut d = p.description.clone();
        if p.required {
            d = if d.is_empty() {
                "Required.".into()
            } else {
                format!("{d}\n\nRequired.")
            };
        }
        d = if d.is_empty() {
            format!("JSON `{}`.", p.json)
        } else {
            format!("{d}\n\nJSON `{}`.", p.json)
        };
        doc(out, "    ", &d);
        let _ = writeln!(out, "    pub {}: {},", p.ident, field_ty(&p.ty, p.boxed()));
    }
    let _ = writeln!(
        out,
        "    /// Properties not in this version of the spec, kept for a lossless round trip.\n    pub {}: json::UnknownFields,\n}}",
        m.unknown_ident
    );

    // Setters.
    if !m.props.is_empty() && std::env::var("PCG_NO_SETTERS").is_err() {
        let _ = writeln!(out, "\nimpl {} {{", m.name);
        for p in &m.props {
            let name = crate::names::bare(&p.ident);
            let inner = rust::ty(&p.ty, "");
            let (arg, val) = match (&p.ty, p.boxed()) {
                (_, true) => (inner, "Some(Box::new(v))".to_owned()),
                (Ty::String, _) => ("impl Into<String>".to_owned(), "Some(v.into())".to_owned()),
                _ => (inner, "Some(v)".to_owned()),
            };
            let _ = writeln!(
                out,
                "    /// Sets [`Self::{}`].\n    pub fn set_{name}(mut self, v: {arg}) -> Self {{\n        self.{} = {val};\n        self\n    }}",
                p.ident, p.ident
            );
        }
        out.push_str("}\n");
    }

    // Decoding: a loop over the keys, one match; the reader tracks the JSON path for errors.
    // `from_json` and friends go through the codec's generic helpers so that a model is
    // decoded where it lives (a `Vec` slot, a `Box`), never built elsewhere and moved. The
    // in-place hooks are written only for models the API holds that way (about a third each):
    // each is a method and a generic instantiation per model, and the trait's defaults are
    // right for the rest.
    let _ = writeln!(
        out,
        "\nimpl FromJson for {} {{\n    fn from_json(r: &mut JsonReader<'_>) -> Result<Self, DecodeError> {{\n        json::decode_object(r)\n    }}",
        m.name
    );
    if placement.in_vec.contains(&m.name) {
        out.push_str("    fn push_from_json(r: &mut JsonReader<'_>, v: &mut Vec<Self>) -> Result<(), DecodeError> {\n        json::push_object(r, v)\n    }\n");
    }
    if placement.boxed.contains(&m.name) {
        out.push_str("    fn box_from_json(r: &mut JsonReader<'_>) -> Result<Box<Self>, DecodeError> {\n        json::box_object(r)\n    }\n");
    }
    let _ = writeln!(
        out,
        "}}\n\nimpl JsonObject for {} {{\n    fn read_fields(&mut self, r: &mut JsonReader<'_>) -> Result<(), DecodeError> {{\n        r.begin_object()?;\n        while let Some(k) = r.next_key()? {{",
        m.name
    );
    if m.props.is_empty() {
        let _ = writeln!(
            out,
            "            r.read_unknown(&k, &mut self.{})?;",
            m.unknown_ident
        );
    } else {
        // One call per arm and a single `?` after the match: measurably cheaper to compile
        // than a `?` in every arm (see crates/models/src/json/CONTRACT.md).
        out.push_str("            let res = match &*k {\n");
        for p in &m.props {
            let _ = writeln!(
                out,
                "                {:?} => r.read_into(&mut self.{}),",
                p.json, p.ident
            );
        }
        let _ = writeln!(
            out,
            "                _ => r.read_unknown(&k, &mut self.{}),\n            }};\n            res?;",
            m.unknown_ident
        );
    }
    out.push_str("        }\n        Ok(())\n    }\n}\n");

    // Encoding.
    let _ = writeln!(
        out,
        "\nimpl ToJson for {} {{\n    fn to_json(&self, w: &mut JsonWriter) {{\n        let mut o = w.begin_object();",
        m.name
    );
    for p in &m.props {
        let _ = writeln!(out, "        o.field({:?}, &self.{});", p.json, p.ident);
    }
    let _ = writeln!(
        out,
        "        o.extra(&self.{});\n        o.end();\n    }}\n}}",
        m.unknown_ident
    );
}

fn enumeration(out: &mut String, e: &EnumDef, needs: &str) {
    let _ = writeln!(
        out,
        "\n/// Values of [`{}::{}`](struct@{}) (JSON `{}`).\n///\n/// A value this version does not list decodes as `Unknown` and is written back unchanged.\n///\n/// {needs}\n#[derive(Clone, Debug, PartialEq, Eq, Hash)]\n#[non_exhaustive]\npub enum {} {{",
        e.owner,
        crate::names::field_ident(&e.property),
        e.owner,
        e.property,
        e.name
    );
    for (var, val) in &e.values {
        let _ = writeln!(out, "    /// `{}`\n    {var},", rust::sanitize(val).trim());
    }
    let _ = writeln!(
        out,
        "    /// A value not listed in this version of the spec.\n    Unknown(String),\n}}\n\nimpl {} {{\n    /// The value on the wire.\n    pub fn as_str(&self) -> &str {{\n        match self {{",
        e.name
    );
    for (var, val) in &e.values {
        let _ = writeln!(out, "            Self::{var} => {val:?},");
    }
    let _ = writeln!(
        out,
        "            Self::Unknown(v) => v,\n        }}\n    }}\n}}\n\nimpl From<&str> for {} {{\n    fn from(v: &str) -> Self {{\n        match v {{",
        e.name
    );
    for (var, val) in &e.values {
        let _ = writeln!(out, "            {val:?} => Self::{var},");
    }
    let _ = writeln!(
        out,
        "            _ => Self::Unknown(json::unknown_enum_value(v)),\n        }}\n    }}\n}}\n\nimpl FromJson for {0} {{\n    fn from_json(r: &mut JsonReader<'_>) -> Result<Self, DecodeError> {{\n        r.read_str().map(|s| Self::from(&*s))\n    }}\n}}\n\nimpl ToJson for {0} {{\n    fn to_json(&self, w: &mut JsonWriter) {{\n        w.str(self.as_str())\n    }}\n}}",
        e.name
    );
}
