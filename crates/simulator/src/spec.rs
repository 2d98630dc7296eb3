//! The Swagger 2.0 document, parsed once into compact structures: operations, parameters,
//! schemas (definitions referenced by index) and the route table.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use hyper::Method;
use serde_json::Value;

use crate::pattern::Pattern;
use crate::router::Router;

/// The spec file shipped in the repository, embedded at build time.
pub static EMBEDDED_SPEC: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../spec/platform-api-v2.json"
));

/// Format of a string schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StrFormat {
    Plain,
    Date,
    DateTime,
    /// `x-python-type: LocalDateTime`: an ISO-8601 date-time without a zone
    /// (`2024-05-01T12:00:00.000`), which the Python SDK parses into a `datetime`.
    LocalDateTime,
    /// `x-python-type: YearMonth`: `yyyy-MM`, which the Python SDK parses into its `YearMonth`.
    YearMonth,
}

/// The constraints of a property (`minimum`, `maximum`, `minLength`, `maxLength`, `pattern`),
/// which the official Python SDK's model setters enforce when they decode an answer.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Constraints {
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    /// In characters.
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
    /// `None` too when the spec's pattern uses syntax [`Pattern`] does not support.
    pub pattern: Option<Pattern>,
}

impl Constraints {
    fn parse(v: &Value) -> Option<Box<Constraints>> {
        let num = |k: &str| v.get(k).and_then(Value::as_f64);
        let len = |k: &str| v.get(k).and_then(Value::as_u64).map(|n| n as usize);
        let c = Constraints {
            minimum: num("minimum"),
            maximum: num("maximum"),
            min_length: len("minLength"),
            max_length: len("maxLength"),
            pattern: v
                .get("pattern")
                .and_then(Value::as_str)
                .and_then(|p| Pattern::parse(p).ok()),
        };
        (c != Constraints::default()).then(|| Box::new(c))
    }

    /// Why `v` breaks the constraints, if it does.
    pub fn violation(&self, v: &Value) -> Option<String> {
        match v {
            Value::Number(n) => {
                let f = n.as_f64()?;
                if let Some(min) = self.minimum.filter(|m| f < *m) {
                    return Some(format!("{n} is less than the minimum {min}"));
                }
                if let Some(max) = self.maximum.filter(|m| f > *m) {
                    return Some(format!("{n} is greater than the maximum {max}"));
                }
                None
            }
            Value::String(s) => {
                let n = s.chars().count();
                if let Some(min) = self.min_length.filter(|m| n < *m) {
                    return Some(format!("'{s}' is shorter than {min} characters"));
                }
                if let Some(max) = self.max_length.filter(|m| n > *m) {
                    return Some(format!("'{s}' is longer than {max} characters"));
                }
                match &self.pattern {
                    Some(p) if !p.matches(s) => {
                        Some(format!("'{s}' does not match the pattern {}", p.as_str()))
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    }
}

/// A schema, as used by definitions' properties, bodies and responses.
#[derive(Clone, Debug)]
pub enum Schema {
    /// No constraint at all.
    Any,
    /// `type: object` without properties: any JSON object.
    Object,
    /// `type: object` with `additionalProperties`: a map of string to the given schema.
    Map(Box<Schema>),
    Array(Box<Schema>),
    String(StrFormat),
    /// A string restricted to the listed values.
    Enum(Arc<[String]>),
    Integer,
    Number,
    Boolean,
    /// A `$ref` to a definition, by index into [`Spec::definitions`].
    Ref(usize),
}

/// One property of a definition.
#[derive(Clone, Debug)]
pub struct Property {
    pub name: String,
    pub schema: Schema,
    pub required: bool,
    /// `None` when the property has none (nearly all).
    pub constraints: Option<Box<Constraints>>,
}

/// A model from `definitions`.
#[derive(Clone, Debug)]
pub struct Definition {
    pub name: String,
    pub properties: Vec<Property>,
}

impl Definition {
    pub fn property(&self, name: &str) -> Option<&Property> {
        self.properties.iter().find(|p| p.name == name)
    }
}

/// Where a parameter is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamIn {
    Path,
    Query,
    Header,
}

/// The type of a path, query or header parameter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParamType {
    String,
    Integer,
    Number,
    Boolean,
    Date,
    DateTime,
    Array(Box<ParamType>),
}

/// A non-body parameter.
#[derive(Clone, Debug)]
pub struct Param {
    pub name: String,
    pub location: ParamIn,
    pub required: bool,
    pub ty: ParamType,
    pub default: Option<Value>,
}

/// The body parameter of an operation.
#[derive(Clone, Debug)]
pub struct BodyParam {
    pub name: String,
    pub required: bool,
    pub schema: Schema,
}

/// One operation (method + path).
#[derive(Clone, Debug)]
pub struct Operation {
    /// `operationId`, e.g. `getUsersMe`.
    pub id: String,
    pub method: Method,
    /// Path template, e.g. `/api/v2/users/{userId}`.
    pub path: String,
    pub params: Vec<Param>,
    pub body: Option<BodyParam>,
    /// Schema of the `200` response; `None` for operations answering `204`.
    pub response: Option<Schema>,
    /// First `produces` media type when the operation declares one other than JSON.
    pub produces: Option<String>,
    /// Whether a bearer token is required (`security` is not empty).
    pub secured: bool,
    pub deprecated: bool,
    pub preview: bool,
    pub tags: Vec<String>,
}

impl Operation {
    /// Names of the path parameters, in path order.
    pub fn path_param_names(&self) -> Vec<&str> {
        self.path
            .split('/')
            .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .collect()
    }

    pub fn param(&self, name: &str) -> Option<&Param> {
        self.params.iter().find(|p| p.name == name)
    }
}

/// The parsed spec.
#[derive(Debug)]
pub struct Spec {
    pub operations: Vec<Operation>,
    pub definitions: Vec<Definition>,
    def_index: HashMap<String, usize>,
    op_index: HashMap<String, usize>,
    pub(crate) router: Router,
    /// For a definition: a GET path template answering it (used for nested `selfUri`s).
    pub(crate) self_paths: HashMap<usize, String>,
}

impl Spec {
    /// The embedded spec, parsed once per process.
    pub fn embedded() -> Arc<Spec> {
        static SPEC: OnceLock<Arc<Spec>> = OnceLock::new();
        SPEC.get_or_init(|| {
            Arc::new(Spec::from_slice(EMBEDDED_SPEC).expect("embedded spec is valid"))
        })
        .clone()
    }

    /// Loads a spec file from disk.
    pub fn from_file(path: &std::path::Path) -> Result<Spec, String> {
        let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        Spec::from_slice(&bytes)
    }

    /// Parses a Swagger 2.0 JSON document.
    pub fn from_slice(bytes: &[u8]) -> Result<Spec, String> {
        let doc: Value = serde_json::from_slice(bytes).map_err(|e| format!("spec JSON: {e}"))?;
        Spec::from_value(&doc)
    }

    pub fn from_value(doc: &Value) -> Result<Spec, String> {
        let empty = serde_json::Map::new();
        let defs = doc
            .get("definitions")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let mut def_index = HashMap::with_capacity(defs.len());
        for (i, name) in defs.keys().enumerate() {
            def_index.insert(name.clone(), i);
        }
        let mut definitions = Vec::with_capacity(defs.len());
        for (name, d) in defs {
            let required: Vec<&str> = d
                .get("required")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let mut properties = Vec::new();
            if let Some(props) = d.get("properties").and_then(Value::as_object) {
                for (pname, ps) in props {
                    properties.push(Property {
                        name: pname.clone(),
                        schema: parse_schema(ps, &def_index)
                            .map_err(|e| format!("definition {name}.{pname}: {e}"))?,
                        required: required.contains(&pname.as_str()),
                        constraints: Constraints::parse(ps),
                    });
                }
            }
            definitions.push(Definition {
                name: name.clone(),
                properties,
            });
        }

        let mut operations = Vec::new();
        let global_secured = doc
            .get("security")
            .and_then(Value::as_array)
            .is_some_and(|a| !a.is_empty());
        let paths = doc
            .get("paths")
            .and_then(Value::as_object)
            .ok_or("spec has no paths")?;
        for (path, item) in paths {
            let Some(item) = item.as_object() else {
                continue;
            };
            let shared: Vec<&Value> = item
                .get("parameters")
                .and_then(Value::as_array)
                .map(|a| a.iter().collect())
                .unwrap_or_default();
            for (m, op) in item {
                let method = match m.as_str() {
                    "get" => Method::GET,
                    "put" => Method::PUT,
                    "post" => Method::POST,
                    "delete" => Method::DELETE,
                    "patch" => Method::PATCH,
                    "head" => Method::HEAD,
                    "options" => Method::OPTIONS,
                    _ => continue,
                };
                operations.push(
                    parse_operation(path, method, op, &shared, global_secured, &def_index)
                        .map_err(|e| format!("{} {path}: {e}", m.to_uppercase()))?,
                );
            }
        }
        let mut op_index = HashMap::with_capacity(operations.len());
        for (i, op) in operations.iter().enumerate() {
            op_index.insert(op.id.clone(), i);
        }
        let router = Router::build(&operations);

        // A GET path answering each definition, preferring paths that end in a parameter and
        // then the shortest one.
        let mut self_paths: HashMap<usize, String> = HashMap::new();
        for op in &operations {
            if op.method != Method::GET || !op.path.ends_with('}') {
                continue;
            }
            if let Some(Schema::Ref(d)) = &op.response {
                let better = self_paths.get(d).is_none_or(|p| op.path.len() < p.len());
                if better {
                    self_paths.insert(*d, op.path.clone());
                }
            }
        }

        Ok(Spec {
            operations,
            definitions,
            def_index,
            op_index,
            router,
            self_paths,
        })
    }

    /// The operation with this `operationId`.
    pub fn operation(&self, id: &str) -> Option<&Operation> {
        self.op_index.get(id).map(|i| &self.operations[*i])
    }

    /// The definition with this name.
    pub fn definition(&self, name: &str) -> Option<&Definition> {
        self.def_index.get(name).map(|i| &self.definitions[*i])
    }

    /// A `$ref` schema for a definition name.
    pub fn schema_ref(&self, name: &str) -> Option<Schema> {
        self.def_index.get(name).map(|i| Schema::Ref(*i))
    }

    /// Finds the operation for a method and a (decoded) path split into segments.
    pub fn route(&self, method: &Method, segments: &[String]) -> crate::router::RouteMatch {
        self.router.lookup(&self.operations, method, segments)
    }
}

fn parse_schema(v: &Value, defs: &HashMap<String, usize>) -> Result<Schema, String> {
    if let Some(r) = v.get("$ref").and_then(Value::as_str) {
        let name = r.rsplit('/').next().unwrap_or(r);
        return defs
            .get(name)
            .map(|i| Schema::Ref(*i))
            .ok_or_else(|| format!("unresolved $ref {r}"));
    }
    let ty = v.get("type").and_then(Value::as_str).unwrap_or("");
    Ok(match ty {
        "string" => {
            if let Some(e) = v.get("enum").and_then(Value::as_array) {
                Schema::Enum(
                    e.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect::<Vec<_>>()
                        .into(),
                )
            } else {
                let python = v.get("x-python-type").and_then(Value::as_str);
                Schema::String(match (v.get("format").and_then(Value::as_str), python) {
                    (_, Some("LocalDateTime")) => StrFormat::LocalDateTime,
                    (_, Some("YearMonth")) => StrFormat::YearMonth,
                    (Some("date"), _) => StrFormat::Date,
                    (Some("date-time"), _) => StrFormat::DateTime,
                    _ => StrFormat::Plain,
                })
            }
        }
        "integer" => Schema::Integer,
        "number" => Schema::Number,
        "boolean" => Schema::Boolean,
        "array" => Schema::Array(Box::new(match v.get("items") {
            Some(items) => parse_schema(items, defs)?,
            None => Schema::Any,
        })),
        "object" => match v.get("additionalProperties") {
            Some(ap) if ap.is_object() => Schema::Map(Box::new(parse_schema(ap, defs)?)),
            _ => Schema::Object,
        },
        "file" => Schema::String(StrFormat::Plain),
        _ => Schema::Any,
    })
}

fn parse_param_type(v: &Value) -> ParamType {
    match v.get("type").and_then(Value::as_str).unwrap_or("string") {
        "integer" => ParamType::Integer,
        "number" => ParamType::Number,
        "boolean" => ParamType::Boolean,
        "array" => ParamType::Array(Box::new(
            v.get("items")
                .map(parse_param_type)
                .unwrap_or(ParamType::String),
        )),
        _ => match v.get("format").and_then(Value::as_str) {
            Some("date") => ParamType::Date,
            Some("date-time") => ParamType::DateTime,
            _ => ParamType::String,
        },
    }
}

fn parse_operation(
    path: &str,
    method: Method,
    op: &Value,
    shared: &[&Value],
    global_secured: bool,
    defs: &HashMap<String, usize>,
) -> Result<Operation, String> {
    let id = op
        .get("operationId")
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| format!("{} {path}", method.as_str().to_lowercase()));
    let mut params = Vec::new();
    let mut body = None;
    let own = op.get("parameters").and_then(Value::as_array);
    let all = shared.iter().copied().chain(own.into_iter().flatten());
    for p in all {
        let name = p
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let required = p.get("required").and_then(Value::as_bool).unwrap_or(false);
        let location = match p.get("in").and_then(Value::as_str).unwrap_or("") {
            "path" => ParamIn::Path,
            "query" => ParamIn::Query,
            "header" => ParamIn::Header,
            "body" => {
                body = Some(BodyParam {
                    name,
                    required,
                    schema: match p.get("schema") {
                        Some(s) => parse_schema(s, defs)?,
                        None => Schema::Any,
                    },
                });
                continue;
            }
            _ => continue,
        };
        // A later (operation-level) parameter overrides a path-level one of the same name.
        params.retain(|q: &Param| !(q.name == name && q.location == location));
        params.push(Param {
            name,
            location,
            required: required || location == ParamIn::Path,
            ty: parse_param_type(p),
            default: p.get("default").cloned(),
        });
    }
    let responses = op.get("responses").and_then(Value::as_object);
    let ok = responses.and_then(|r| {
        ["200", "201", "202"]
            .iter()
            .find_map(|c| r.get(*c))
            .and_then(|r| r.get("schema"))
    });
    let response = match ok {
        Some(s) => Some(parse_schema(s, defs)?),
        None => None,
    };
    let produces = op
        .get("produces")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
        .and_then(Value::as_str)
        .filter(|p| !p.contains("json"))
        .map(str::to_string);
    let secured = match op.get("security").and_then(Value::as_array) {
        Some(s) => !s.is_empty(),
        None => global_secured,
    };
    Ok(Operation {
        id,
        method,
        path: path.to_string(),
        params,
        body,
        response,
        produces,
        secured,
        deprecated: op
            .get("deprecated")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        preview: op
            .get("x-genesys-preview")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        tags: op
            .get("tags")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default(),
    })
}
