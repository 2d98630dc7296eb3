//! Reads a Swagger 2.0 document into the generator's model of the API.

use crate::names;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// The name of the pseudo-group that holds definitions no operation references (the Notifications
/// API event bodies): they are compiled with the `notification-events` feature.
pub const EVENTS_FEATURE: &str = "notification-events";

#[derive(Debug, Clone, PartialEq)]
pub enum Ty {
    String,
    I64,
    F64,
    Bool,
    DateTime,
    Date,
    /// Free-form JSON.
    Value,
    Model(String),
    /// A named enum type (generated from an inline property enum).
    Enum(String),
    Vec(Box<Ty>),
    Map(Box<Ty>),
    /// No body (204).
    Unit,
}

impl Ty {
    /// Model names this type mentions.
    pub fn models(&self, out: &mut BTreeSet<String>) {
        match self {
            Ty::Model(n) => {
                out.insert(n.clone());
            }
            Ty::Vec(t) | Ty::Map(t) => t.models(out),
            _ => {}
        }
    }
}

/// How models are held somewhere in the API: what their in-place decoding hooks are needed for.
#[derive(Debug, Default)]
pub struct Placement {
    /// Models that are elements of an array somewhere (a property, a response, a parameter).
    pub in_vec: BTreeSet<String>,
    /// Models that are a property of a model (`Option<Box<Model>>`).
    pub boxed: BTreeSet<String>,
}

impl Placement {
    fn visit(&mut self, t: &Ty) {
        match t {
            Ty::Vec(inner) => {
                if let Ty::Model(n) = &**inner {
                    self.in_vec.insert(n.clone());
                }
                self.visit(inner);
            }
            Ty::Map(inner) => self.visit(inner),
            _ => {}
        }
    }
}

#[derive(Debug, Clone)]
pub struct Api {
    pub groups: Vec<Group>,
    pub ops: Vec<Operation>,
    pub models: BTreeMap<String, Model>,
}

#[derive(Debug, Clone)]
pub struct Group {
    /// `UsersApi`
    pub class: String,
    /// `Users`
    pub tag: String,
    /// `users`
    pub module: String,
    /// `users`
    pub feature: String,
    /// Indexes into `Api::ops`.
    pub ops: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Location {
    Path,
    Query,
    Header,
    Body,
}

#[derive(Debug, Clone)]
pub struct Param {
    /// The name on the wire (`pageSize`, `If-Match`) or the SDK argument name for bodies.
    pub name: String,
    pub ident: String,
    pub location: Location,
    pub ty: Ty,
    pub required: bool,
    pub description: String,
    pub default: Option<String>,
    pub collection_format: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Operation {
    /// `getUsersMe`
    pub id: String,
    /// `get_users_me`
    pub method_name: String,
    /// `GetUsersMe`
    pub builder: String,
    /// `GET`
    pub http_method: String,
    pub path: String,
    pub summary: String,
    pub description: String,
    pub deprecated: bool,
    pub preview: bool,
    pub auth: bool,
    /// Indexes into `Api::groups`, the first is where the builder type lives.
    pub groups: Vec<usize>,
    pub params: Vec<Param>,
    pub response: Ty,
    /// The `Accept` the operation wants when it does not produce JSON.
    pub produces_text: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Model {
    pub name: String,
    pub props: Vec<Prop>,
    pub enums: Vec<EnumDef>,
    /// Field name for properties the spec doesn't list.
    pub unknown_ident: String,
}

#[derive(Debug, Clone)]
pub struct Prop {
    pub json: String,
    pub ident: String,
    pub ty: Ty,
    pub description: String,
    pub required: bool,
}

impl Prop {
    /// A property holding a model is `Option<Box<Model>>`: models stay small whatever they
    /// contain (a struct's size is the sum of its properties', and the spec nests deeply:
    /// `UserMe` was 14.6 KB by value), every model is decoded in place on the heap, and
    /// recursive definitions need no special case. Arrays and maps of models hold them inline.
    pub fn boxed(&self) -> bool {
        matches!(self.ty, Ty::Model(_))
    }
}

#[derive(Debug, Clone)]
pub struct EnumDef {
    pub name: String,
    /// The model and property it was declared on.
    pub owner: String,
    pub property: String,
    /// (variant, wire value)
    pub values: Vec<(String, String)>,
}

/// Type names the generated code uses unqualified; no definition may be called that.
const RESERVED_TYPE_NAMES: &[&str] = &[
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "String",
    "Vec",
    "Box",
    "Value",
    "BTreeMap",
    "Date",
    "OffsetDateTime",
    "Default",
    "Clone",
    "Self",
    "Into",
    "From",
];

fn ref_name(v: &Value) -> Option<String> {
    v.get("$ref")?
        .as_str()?
        .strip_prefix("#/definitions/")
        .map(str::to_owned)
}

fn text(v: &Value, key: &str) -> String {
    v.get(key).and_then(Value::as_str).unwrap_or("").to_owned()
}

/// Maps a schema (of a parameter, property or response) to a type. `enum_name` names the enum
/// type to create when the schema is a string enum (model properties only).
fn schema_ty(s: &Value, enum_name: Option<&str>) -> Result<Ty, String> {
    if let Some(r) = ref_name(s) {
        return Ok(Ty::Model(r));
    }
    let ty = s.get("type").and_then(Value::as_str);
    Ok(match ty {
        Some("string") => match s.get("format").and_then(Value::as_str) {
            Some("date-time") => Ty::DateTime,
            Some("date") => Ty::Date,
            _ => match (s.get("enum"), enum_name) {
                (Some(Value::Array(_)), Some(n)) => Ty::Enum(n.to_owned()),
                _ => Ty::String,
            },
        },
        Some("integer") => Ty::I64,
        Some("number") => Ty::F64,
        Some("boolean") => Ty::Bool,
        Some("array") => {
            let items = s.get("items").ok_or("array without items")?;
            Ty::Vec(Box::new(schema_ty(items, None)?))
        }
        Some("object") | None => match s.get("additionalProperties") {
            Some(ap @ Value::Object(_)) => Ty::Map(Box::new(schema_ty(ap, None)?)),
            _ => Ty::Value,
        },
        Some(other) => return Err(format!("unsupported schema type {other:?}")),
    })
}

pub fn parse(doc: &Value) -> Result<Api, String> {
    let defs = doc
        .get("definitions")
        .and_then(Value::as_object)
        .ok_or("spec has no definitions")?;
    let empty = Map::new();

    // --- models -------------------------------------------------------------------------------
    let mut models = BTreeMap::new();
    let mut enum_names: BTreeSet<String> = defs.keys().cloned().collect();
    for (name, def) in defs {
        if RESERVED_TYPE_NAMES.contains(&name.as_str()) {
            return Err(format!("definition {name} clashes with a Rust type name"));
        }
        let props_json = def
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let required: BTreeSet<&str> = def
            .get("required")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut props = Vec::new();
        let mut enums = Vec::new();
        let mut idents = BTreeSet::new();
        for (json, p) in props_json {
            let mut ident = names::field_ident(json);
            while !idents.insert(ident.clone()) {
                ident.push('_');
            }
            let mut enum_name = None;
            if p.get("enum").is_some() && p.get("format").is_none() {
                let mut n = format!("{name}{}", names::pascal(json));
                while enum_names.contains(&n) {
                    n.push_str("Enum");
                }
                enum_names.insert(n.clone());
                enum_name = Some(n);
            }
            let ty =
                schema_ty(p, enum_name.as_deref()).map_err(|e| format!("{name}.{json}: {e}"))?;
            if let (Ty::Enum(n), Some(Value::Array(vals))) = (&ty, p.get("enum")) {
                let mut values = Vec::new();
                let mut seen = BTreeSet::new();
                let mut seen_vals = BTreeSet::new();
                for v in vals {
                    let v = match v {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    if !seen_vals.insert(v.clone()) {
                        continue;
                    }
                    let mut var = names::variant(&v);
                    while !seen.insert(var.clone()) {
                        var.push('_');
                    }
                    values.push((var, v));
                }
                enums.push(EnumDef {
                    name: n.clone(),
                    owner: name.clone(),
                    property: json.clone(),
                    values,
                });
            }
            props.push(Prop {
                json: json.clone(),
                ident,
                ty,
                description: text(p, "description"),
                required: required.contains(json.as_str()),
            });
        }
        let mut unknown_ident = "unknown_fields".to_owned();
        while idents.contains(&unknown_ident) {
            unknown_ident.push('_');
        }
        models.insert(
            name.clone(),
            Model {
                name: name.clone(),
                props,
                enums,
                unknown_ident,
            },
        );
    }
    for m in models.values() {
        for p in &m.props {
            let mut refs = BTreeSet::new();
            p.ty.models(&mut refs);
            for r in refs {
                if !models.contains_key(&r) {
                    return Err(format!("{}.{} refers to unknown {r}", m.name, p.json));
                }
            }
        }
    }

    // --- groups -------------------------------------------------------------------------------
    let mut groups = Vec::new();
    let mut tag_index = BTreeMap::new();
    for t in doc.get("tags").and_then(Value::as_array).unwrap_or(&vec![]) {
        let tag = text(t, "name");
        let class = t
            .get("x-sdk-class")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .unwrap_or_else(|| format!("{}Api", names::pascal(&tag)));
        let base = class.strip_suffix("Api").unwrap_or(&class);
        tag_index.insert(tag.clone(), groups.len());
        groups.push(Group {
            module: names::snake(base),
            feature: names::kebab(base),
            class,
            tag,
            ops: Vec::new(),
        });
    }

    // --- operations ---------------------------------------------------------------------------
    let paths = doc
        .get("paths")
        .and_then(Value::as_object)
        .ok_or("spec has no paths")?;
    let mut ops = Vec::new();
    let mut seen_ids = BTreeSet::new();
    for (path, item) in paths {
        let item = item.as_object().ok_or("path item is not an object")?;
        for method in ["get", "put", "post", "delete", "patch", "head", "options"] {
            let Some(op) = item.get(method) else { continue };
            let id = op
                .get("x-purecloud-method-name")
                .or_else(|| op.get("operationId"))
                .and_then(Value::as_str)
                .ok_or_else(|| format!("{method} {path} has no operationId"))?
                .to_owned();
            if !seen_ids.insert(id.clone()) {
                return Err(format!("duplicate operation id {id}"));
            }
            let where_ = format!("{id} ({method} {path})");
            let mut op_groups = Vec::new();
            for t in op.get("tags").and_then(Value::as_array).unwrap_or(&vec![]) {
                let t = t.as_str().unwrap_or_default();
                let gi = *tag_index.entry(t.to_owned()).or_insert_with(|| {
                    let class = format!("{}Api", names::pascal(t));
                    let base = names::pascal(t);
                    groups.push(Group {
                        module: names::snake(&base),
                        feature: names::kebab(&base),
                        class,
                        tag: t.to_owned(),
                        ops: Vec::new(),
                    });
                    groups.len() - 1
                });
                if !op_groups.contains(&gi) {
                    op_groups.push(gi);
                }
            }
            if op_groups.is_empty() {
                return Err(format!("{where_} has no tag"));
            }
            let mut params = Vec::new();
            let mut idents = BTreeSet::new();
            let all_params = item
                .get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .chain(
                    op.get("parameters")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten(),
                );
            for p in all_params {
                let name = text(p, "name");
                let location = match p.get("in").and_then(Value::as_str) {
                    Some("path") => Location::Path,
                    Some("query") => Location::Query,
                    Some("header") => Location::Header,
                    Some("body") => Location::Body,
                    other => return Err(format!("{where_}: parameter {name} in {other:?}")),
                };
                let ty = if location == Location::Body {
                    schema_ty(p.get("schema").ok_or("body without schema")?, None)?
                } else {
                    schema_ty(p, None)?
                };
                let mut ident = names::field_ident(&name);
                while !idents.insert(ident.clone()) {
                    ident.push('_');
                }
                params.push(Param {
                    ident,
                    location,
                    ty,
                    required: p.get("required").and_then(Value::as_bool).unwrap_or(false),
                    description: text(p, "description"),
                    default: p.get("default").map(|d| match d {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    }),
                    collection_format: p
                        .get("collectionFormat")
                        .and_then(Value::as_str)
                        .map(str::to_owned),
                    name,
                });
            }
            // Path parameters must all be declared.
            for seg in path.split('{').skip(1) {
                let name = seg.split('}').next().unwrap_or_default();
                if !params
                    .iter()
                    .any(|p| p.location == Location::Path && p.name == name)
                {
                    return Err(format!("{where_}: path parameter {name} is not declared"));
                }
            }
            let responses = op
                .get("responses")
                .and_then(Value::as_object)
                .unwrap_or(&empty);
            let ok = responses
                .iter()
                .filter(|(code, _)| code.starts_with('2'))
                .min_by(|a, b| a.0.cmp(b.0));
            let response = match ok.and_then(|(_, r)| r.get("schema")) {
                Some(s) => schema_ty(s, None).map_err(|e| format!("{where_}: {e}"))?,
                None => Ty::Unit,
            };
            let produces: Vec<&str> = op
                .get("produces")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let produces_text =
                if !produces.is_empty() && !produces.iter().any(|p| p.contains("json")) {
                    Some(produces.join(", "))
                } else {
                    None
                };
            let auth = match op.get("security").or_else(|| doc.get("security")) {
                Some(Value::Array(a)) => !a.is_empty(),
                _ => false,
            };
            let index = ops.len();
            for &g in &op_groups {
                groups[g].ops.push(index);
            }
            ops.push(Operation {
                method_name: names::ident(names::snake(&id)),
                builder: names::pascal(&id),
                http_method: method.to_ascii_uppercase(),
                path: path.clone(),
                summary: text(op, "summary"),
                description: text(op, "description"),
                deprecated: op
                    .get("deprecated")
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
                preview: op
                    .get("x-genesys-preview")
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
                auth,
                groups: op_groups,
                params,
                response,
                produces_text,
                id,
            });
        }
    }
    // Every referenced model must exist.
    for op in &ops {
        let mut refs = BTreeSet::new();
        op.response.models(&mut refs);
        for p in &op.params {
            p.ty.models(&mut refs);
        }
        if let Some(r) = refs.iter().find(|r| !models.contains_key(*r)) {
            return Err(format!("{} refers to unknown definition {r}", op.id));
        }
    }
    groups.retain(|g| !g.ops.is_empty() || tag_index.contains_key(&g.tag));
    Ok(Api {
        groups,
        ops,
        models,
    })
}

impl Api {
    /// For each model, the set of features that need it (a group needs the models its operations
    /// mention, transitively). Models needed by no group belong to [`EVENTS_FEATURE`]. The models
    /// `always` needs (the runtime's error body) map to an empty set: always compiled.
    pub fn model_features(&self, always: &[&str]) -> BTreeMap<String, BTreeSet<String>> {
        let mut out: BTreeMap<String, BTreeSet<String>> = self
            .models
            .keys()
            .map(|k| (k.clone(), BTreeSet::new()))
            .collect();
        let mut roots_by_feature: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for g in &self.groups {
            let roots = roots_by_feature.entry(g.feature.clone()).or_default();
            for &o in &g.ops {
                let op = &self.ops[o];
                op.response.models(roots);
                for p in &op.params {
                    p.ty.models(roots);
                }
            }
        }
        let mut needed = BTreeSet::new();
        for roots in roots_by_feature.values() {
            needed.extend(self.closure(roots.iter().cloned()));
        }
        let unreferenced: BTreeSet<String> = self
            .models
            .keys()
            .filter(|k| !needed.contains(*k))
            .cloned()
            .collect();
        if !unreferenced.is_empty() {
            roots_by_feature.insert(EVENTS_FEATURE.to_owned(), unreferenced);
        }
        for (feature, roots) in &roots_by_feature {
            for m in self.closure(roots.iter().cloned()) {
                out.get_mut(&m).expect("model").insert(feature.clone());
            }
        }
        for m in self.closure(always.iter().map(|s| s.to_string())) {
            out.get_mut(&m).expect("model").clear();
        }
        out
    }

    /// All models reachable from `roots`.
    pub fn closure(&self, roots: impl Iterator<Item = String>) -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<String> = roots.collect();
        while let Some(m) = stack.pop() {
            if !seen.insert(m.clone()) {
                continue;
            }
            for p in &self.models[&m].props {
                let mut refs = BTreeSet::new();
                p.ty.models(&mut refs);
                stack.extend(refs.into_iter().filter(|r| !seen.contains(r)));
            }
        }
        seen
    }

    /// Where models are held (see [`Placement`]).
    pub fn placement(&self) -> Placement {
        let mut p = Placement::default();
        for m in self.models.values() {
            for prop in &m.props {
                if let Ty::Model(n) = &prop.ty {
                    p.boxed.insert(n.clone());
                }
                p.visit(&prop.ty);
            }
        }
        for op in &self.ops {
            p.visit(&op.response);
            for prm in &op.params {
                p.visit(&prm.ty);
            }
        }
        p
    }

    pub fn has_events(&self) -> bool {
        self.model_features(&[])
            .values()
            .any(|f| f.contains(EVENTS_FEATURE))
    }
}
