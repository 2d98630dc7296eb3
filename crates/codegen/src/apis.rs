//! Emits the SDK's API groups: one `XxxApi` type per group and one request builder per operation.

use crate::rust::{self, cfg_any, doc, HEADER};
use crate::spec::{Api, Location, Operation, Param, Ty};
use std::collections::BTreeSet;
use std::fmt::Write;

pub struct ApiFiles {
    /// (path relative to the SDK crate's `src/generated/`, contents)
    pub files: Vec<(String, String)>,
    /// The generated request-building test (for `crates/sdk/tests/`).
    pub request_test: String,
}

pub fn emit(api: &Api) -> ApiFiles {
    let mut files = Vec::new();
    let mut mod_rs = String::from(HEADER);
    mod_rs.push_str("//! One module per API group; each is compiled with its cargo feature.\n\n");
    for (gi, g) in api.groups.iter().enumerate() {
        // Builders live in the module of the operation's first group.
        let owned: Vec<&Operation> = g
            .ops
            .iter()
            .map(|&o| &api.ops[o])
            .filter(|o| o.groups[0] == gi)
            .collect();
        let mut module_features: BTreeSet<String> = BTreeSet::new();
        module_features.insert(g.feature.clone());
        for o in &owned {
            for &og in &o.groups {
                module_features.insert(api.groups[og].feature.clone());
            }
        }
        let mcfg = cfg_any(&module_features);
        let _ = writeln!(mod_rs, "{mcfg}\npub mod {};", g.module);
        let _ = writeln!(
            mod_rs,
            "#[cfg(feature = \"{}\")]\npub use self::{}::{};",
            g.feature, g.module, g.class
        );

        let mut out = String::from(HEADER);
        let _ = writeln!(
            out,
            "//! The {} API group (`{}`), compiled with the `{}` feature.\n",
            g.tag, g.class, g.feature
        );
        out.push_str("#[allow(unused_imports)]\nuse crate::models as m;\n#[allow(unused_imports)]\nuse crate::runtime::{ApiRequest, Client, ExtendedFuture, Method, RequestBuilder, RequestOptions, ResponseFuture};\n#[allow(unused_imports)]\nuse serde_json::Value;\n#[allow(unused_imports)]\nuse std::collections::BTreeMap;\n#[allow(unused_imports)]\nuse time::{Date, OffsetDateTime};\n\n");

        // The API type.
        let _ = writeln!(
            out,
            "/// Operations of the {} group, named as in the official SDKs' `{}`.\n///\n/// Each method returns a request builder: set optional parameters, then `.send().await` for the\n/// body or `.send_extended().await` for status, headers, body and text.\n#[cfg(feature = \"{}\")]\n#[derive(Clone, Debug)]\npub struct {} {{\n    client: Client,\n}}\n\n#[cfg(feature = \"{}\")]\nimpl {} {{\n    /// An API handle sharing `client`'s configuration and token.\n    pub fn new(client: &Client) -> Self {{\n        Self {{ client: client.clone() }}\n    }}",
            g.tag, g.class, g.feature, g.class, g.feature, g.class
        );
        for &oi in &g.ops {
            let op = &api.ops[oi];
            let path_prefix = if op.groups[0] == gi {
                String::new()
            } else {
                format!("super::{}::", api.groups[op.groups[0]].module)
            };
            method(&mut out, op, &path_prefix);
        }
        out.push_str("}\n");

        for op in &owned {
            let fs: BTreeSet<String> = op
                .groups
                .iter()
                .map(|&g| api.groups[g].feature.clone())
                .collect();
            let cfg = if fs == module_features {
                String::new()
            } else {
                cfg_any(&fs)
            };
            builder(&mut out, op, &cfg);
        }
        files.push((format!("api/{}.rs", g.module), out));
    }
    files.push(("api/mod.rs".to_owned(), mod_rs));
    files.push(("mod.rs".to_owned(), format!("{HEADER}pub mod api;\n")));
    files.sort();
    ApiFiles {
        files,
        request_test: request_test(api),
    }
}

fn positional(op: &Operation) -> Vec<&Param> {
    op.params
        .iter()
        .filter(|p| p.location == Location::Path)
        .collect()
}

fn optional(op: &Operation) -> Vec<&Param> {
    op.params
        .iter()
        .filter(|p| p.location != Location::Path)
        .collect()
}

fn path_arg_ty(t: &Ty) -> &'static str {
    match t {
        Ty::I64 => "i64",
        Ty::Date => "Date",
        Ty::DateTime => "OffsetDateTime",
        Ty::Bool => "bool",
        Ty::F64 => "f64",
        _ => "impl Into<String>",
    }
}

fn path_field_ty(t: &Ty) -> String {
    match t {
        Ty::I64 | Ty::Date | Ty::DateTime | Ty::Bool | Ty::F64 => rust::ty(t, "m::"),
        _ => "String".into(),
    }
}

fn method_doc(op: &Operation) -> String {
    let mut d = String::new();
    d.push_str(if op.summary.is_empty() {
        &op.id
    } else {
        &op.summary
    });
    d.push_str("\n\n");
    if !op.description.is_empty() {
        d.push_str(&op.description);
        d.push_str("\n\n");
    }
    let _ = writeln!(d, "`{} {}` (`{}`)\n", op.http_method, op.path, op.id);
    if op.preview {
        d.push_str("**Preview:** this resource is subject to both breaking and non-breaking changes at any time without notice.\n\n");
    }
    if op.deprecated {
        d.push_str("**Deprecated** by the Platform API.\n\n");
    }
    if !op.auth {
        d.push_str("Sent without credentials (the spec lists no security for it).\n\n");
    }
    if !op.params.is_empty() {
        d.push_str("Parameters:\n");
        for p in &op.params {
            let loc = match p.location {
                Location::Path => "path",
                Location::Query => "query",
                Location::Header => "header",
                Location::Body => "body",
            };
            let how = if p.location == Location::Path {
                "positional".to_owned()
            } else {
                format!("`set_{}`", crate::names::bare(&p.ident))
            };
            let req = if p.required { ", required" } else { "" };
            let def = p
                .default
                .as_ref()
                .map(|d| format!(" Default: `{d}`."))
                .unwrap_or_default();
            let desc = p.description.replace('\n', " ");
            let _ = writeln!(d, "- `{}` ({loc}{req}, {how}): {desc}{def}", p.name);
        }
        d.push('\n');
    }
    let _ = writeln!(
        d,
        "Returns {}.",
        match &op.response {
            Ty::Unit => "nothing (`()`) on success".to_owned(),
            Ty::Model(n) => format!("[`{n}`](crate::models::{n})"),
            t => format!("`{}`", rust::ty(t, "models::")),
        }
    );
    d
}

fn method(out: &mut String, op: &Operation, prefix: &str) {
    out.push('\n');
    doc(out, "    ", &method_doc(op));
    if op.deprecated {
        out.push_str("    #[deprecated(note = \"deprecated by the Platform API\")]\n");
    }
    let args: Vec<String> = positional(op)
        .iter()
        .map(|p| format!(", {}: {}", p.ident, path_arg_ty(&p.ty)))
        .collect();
    let inits: Vec<String> = positional(op)
        .iter()
        .map(|p| match path_arg_ty(&p.ty) {
            "impl Into<String>" => format!("{}: {}.into()", p.ident, p.ident),
            _ => p.ident.clone(),
        })
        .collect();
    let _ = writeln!(
        out,
        "    pub fn {}(&self{}) -> {prefix}{} {{\n        {prefix}{} {{\n            client: self.client.clone(),\n            options: RequestOptions::default(),",
        op.method_name,
        args.concat(),
        op.builder,
        op.builder
    );
    for i in inits {
        let _ = writeln!(out, "            {i},");
    }
    for p in optional(op) {
        let _ = writeln!(out, "            {}: None,", p.ident);
    }
    out.push_str("        }\n    }\n");
}

fn setter(out: &mut String, p: &Param) {
    let name = crate::names::bare(&p.ident);
    let mut d = p.description.clone();
    if let Some(def) = &p.default {
        let _ = write!(d, "\n\nDefault: `{def}`.");
    }
    if p.required {
        d.push_str("\n\nRequired by the API.");
    }
    if d.trim().is_empty() {
        d = format!("Sets `{}`.", p.name);
    }
    out.push('\n');
    doc(out, "    ", &d);
    match &p.ty {
        Ty::String => {
            let _ = writeln!(
                out,
                "    pub fn set_{name}(mut self, v: impl Into<String>) -> Self {{\n        self.{} = Some(v.into());\n        self\n    }}",
                p.ident
            );
        }
        Ty::Vec(inner) if **inner == Ty::String => {
            let _ = writeln!(
                out,
                "    pub fn set_{name}<I, S>(mut self, v: I) -> Self\n    where\n        I: IntoIterator<Item = S>,\n        S: Into<String>,\n    {{\n        self.{} = Some(v.into_iter().map(Into::into).collect());\n        self\n    }}",
                p.ident
            );
        }
        t => {
            let _ = writeln!(
                out,
                "    pub fn set_{name}(mut self, v: {}) -> Self {{\n        self.{} = Some(v);\n        self\n    }}",
                rust::ty(t, "m::"),
                p.ident
            );
        }
    }
}

fn builder(out: &mut String, op: &Operation, cfg: &str) {
    let cfgl = if cfg.is_empty() {
        String::new()
    } else {
        format!("{cfg}\n")
    };
    let _ = writeln!(
        out,
        "\n/// Request builder for `{}` (`{} {}`): set parameters, then send.\n{cfgl}#[derive(Clone, Debug)]\n#[must_use = \"a request does nothing until it is sent\"]\npub struct {} {{\n    pub(crate) client: Client,\n    pub(crate) options: RequestOptions,",
        op.id, op.http_method, op.path, op.builder
    );
    for p in positional(op) {
        let _ = writeln!(out, "    pub(crate) {}: {},", p.ident, path_field_ty(&p.ty));
    }
    for p in optional(op) {
        let _ = writeln!(
            out,
            "    pub(crate) {}: Option<{}>,",
            p.ident,
            rust::ty(&p.ty, "m::")
        );
    }
    out.push_str("}\n");

    let resp = rust::ty(&op.response, "m::");
    let _ = writeln!(out, "\n{cfgl}impl {} {{", op.builder);
    for p in optional(op) {
        setter(out, p);
    }
    let _ = writeln!(
        out,
        "\n    /// The HTTP request this builder describes, without sending it.\n    pub fn into_request(self) -> ApiRequest {{\n        self.into_parts().1\n    }}\n\n    fn into_parts(self) -> (Client, ApiRequest) {{\n        let {}r = ApiRequest::new(Method::{}, {:?}, {:?}, self.options);",
        if op.params.is_empty() && op.auth && op.produces_text.is_none() { "" } else { "mut " },
        op.http_method, op.path, op.id
    );
    if !op.auth {
        out.push_str("        r.without_auth();\n");
    }
    if let Some(accept) = &op.produces_text {
        let _ = writeln!(out, "        r.set_accept({accept:?});");
    }
    for p in &op.params {
        let _ = match p.location {
            Location::Path => writeln!(
                out,
                "        r.path_param({:?}, &self.{});",
                p.name, p.ident
            ),
            Location::Query => {
                let f = if p.collection_format.as_deref() == Some("csv") {
                    "query_csv"
                } else {
                    "query"
                };
                writeln!(out, "        r.{f}({:?}, &self.{});", p.name, p.ident)
            }
            Location::Header => writeln!(out, "        r.header({:?}, &self.{});", p.name, p.ident),
            Location::Body if p.ty == Ty::String => {
                writeln!(out, "        r.text_body(&self.{});", p.ident)
            }
            Location::Body => writeln!(out, "        r.json_body(&self.{});", p.ident),
        };
        if p.required && p.location != Location::Path {
            let _ = writeln!(
                out,
                "        r.require({:?}, self.{}.is_some());",
                p.name, p.ident
            );
        }
    }
    let _ = writeln!(
        out,
        "        (self.client, r)\n    }}\n\n    /// Sends the request; resolves to the decoded body.\n    pub fn send(self) -> ResponseFuture<{resp}> {{\n        let (client, request) = self.into_parts();\n        client.execute(request)\n    }}\n\n    /// Sends the request; resolves to status, status text, headers, decoded body and raw text.\n    pub fn send_extended(self) -> ExtendedFuture<{resp}> {{\n        let (client, request) = self.into_parts();\n        client.execute_extended(request)\n    }}\n}}\n\n{cfgl}impl RequestBuilder for {} {{\n    fn options_mut(&mut self) -> &mut RequestOptions {{\n        &mut self.options\n    }}\n}}",
        op.builder
    );
}

/// A test that builds every operation through every group it belongs to, with sample values the
/// hand-written harness (`tests/support/`) derives from the spec, and returns the requests for the
/// harness to check against the spec.
fn request_test(api: &Api) -> String {
    let mut out = String::from(HEADER);
    out.push_str("//! Builds a request for every operation of every group; checked by `requests.rs`.\n\n#![allow(deprecated, unused_imports, unused_variables, unused_mut, clippy::all)]\n\nuse crate::support::{decodes, Decodes, Samples};\nuse purecloud_platform_client_v2::api::*;\nuse purecloud_platform_client_v2::models as m;\nuse purecloud_platform_client_v2::{ApiRequest, Client};\nuse serde_json::Value;\nuse std::collections::BTreeMap;\nuse time::{Date, OffsetDateTime};\n\n/// (API class, operation id, request, decoder of the operation's response type)\npub type Built = Vec<(&'static str, &'static str, ApiRequest, Decodes)>;\n\npub fn build_all(c: &Client, s: &mut Samples) -> Built {\n    let mut out = Vec::new();\n");
    for g in &api.groups {
        let _ = writeln!(
            out,
            "    #[cfg(feature = \"{}\")]\n    {}(c, s, &mut out);",
            g.feature, g.module
        );
    }
    out.push_str("    out\n}\n");
    for g in &api.groups {
        let _ = writeln!(
            out,
            "\n#[cfg(feature = \"{}\")]\nfn {}(c: &Client, s: &mut Samples, out: &mut Built) {{\n    let api = {}::new(c);",
            g.feature, g.module, g.class
        );
        for &oi in &g.ops {
            let op = &api.ops[oi];
            let args: Vec<String> = positional(op).iter().map(|p| sample_expr(op, p)).collect();
            let mut call = format!("api.{}({})", op.method_name, args.join(", "));
            for p in optional(op) {
                let _ = write!(
                    call,
                    "\n            .set_{}({})",
                    crate::names::bare(&p.ident),
                    sample_expr(op, p)
                );
            }
            let _ = writeln!(
                out,
                "    out.push((\n        {:?},\n        {:?},\n        {call}\n            .into_request(),\n        decodes::<{}>,\n    ));",
                g.class,
                op.id,
                rust::ty(&op.response, "m::")
            );
        }
        out.push_str("}\n");
    }
    out
}

fn sample_expr(op: &Operation, p: &Param) -> String {
    let (o, n) = (&op.id, &p.name);
    match (&p.location, &p.ty) {
        (Location::Body, t) => format!("s.body::<{}>({o:?})", rust::ty(t, "m::")),
        (_, Ty::I64) => format!("s.i64({o:?}, {n:?})"),
        (_, Ty::F64) => format!("s.f64({o:?}, {n:?})"),
        (_, Ty::Bool) => format!("s.bool({o:?}, {n:?})"),
        (_, Ty::Date) => format!("s.date({o:?}, {n:?})"),
        (_, Ty::DateTime) => format!("s.datetime({o:?}, {n:?})"),
        (_, Ty::Vec(_)) => format!("s.strings({o:?}, {n:?})"),
        _ => format!("s.string({o:?}, {n:?})"),
    }
}
