//! A small JSON validator for the spec's schemas, used for request bodies (lenient about
//! unknown properties and nulls) and, in tests, for responses (strict).

use std::fmt;

use serde_json::Value;

use crate::spec::{ParamType, Schema, Spec, StrFormat};
use crate::util::{is_date, is_datetime, is_local_datetime, is_year_month};

/// A validation failure: where (e.g. `body.addresses[0].type`) and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidationError {
    pub path: String,
    pub message: String,
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

impl std::error::Error for ValidationError {}

/// How strict to be.
#[derive(Clone, Copy, Debug)]
pub struct ValidateOptions {
    /// Reject properties that the model does not declare.
    pub reject_unknown: bool,
    /// Accept `null` for optional properties and array items.
    pub allow_null: bool,
    /// Check `date` / `date-time` string formats.
    pub check_formats: bool,
    /// Check the properties' constraints (`minimum`, `maximum`, `minLength`, `maxLength`,
    /// `pattern`) and the `LocalDateTime` / `YearMonth` formats: what the official Python SDK
    /// enforces when it decodes an answer.
    pub check_constraints: bool,
    /// Refuse objects that lack a property their definition lists as `required`. The spec's
    /// lists come from the SDKs' TypeScript typings and over-state what the service needs
    /// (`CreateUser.divisionId`: the service puts the user in the home division), so request
    /// bodies are not held to them; the stateful resources check what they need themselves.
    pub check_required: bool,
}

impl ValidateOptions {
    /// For request bodies: unknown properties are ignored and `null` means absent.
    pub const REQUEST: ValidateOptions = ValidateOptions {
        reject_unknown: false,
        allow_null: true,
        check_formats: true,
        check_constraints: false,
        check_required: false,
    };
    /// For checking the simulator's own responses: everything must be declared and non-null.
    pub const STRICT: ValidateOptions = ValidateOptions {
        reject_unknown: true,
        allow_null: false,
        check_formats: true,
        check_constraints: true,
        check_required: true,
    };
}

/// JSON type name of a value, for messages.
pub fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_f64() => "number",
        Value::Number(_) => "integer",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn is_integer(v: &Value) -> bool {
    match v {
        Value::Number(n) => {
            n.is_i64()
                || n.is_u64()
                || n.as_f64()
                    .is_some_and(|f| f.fract() == 0.0 && f.is_finite())
        }
        _ => false,
    }
}

/// Validates `value` against `schema`; `root` names the value in error paths (e.g. `body`).
pub fn validate(
    spec: &Spec,
    schema: &Schema,
    value: &Value,
    root: &str,
    opts: ValidateOptions,
) -> Result<(), ValidationError> {
    let mut path = root.to_string();
    check(spec, schema, value, &mut path, opts)
}

fn fail(path: &str, message: String) -> Result<(), ValidationError> {
    Err(ValidationError {
        path: path.to_string(),
        message,
    })
}

fn expected(path: &str, what: &str, v: &Value) -> Result<(), ValidationError> {
    fail(path, format!("expected {what} but found {}", json_type(v)))
}

fn check(
    spec: &Spec,
    schema: &Schema,
    v: &Value,
    path: &mut String,
    opts: ValidateOptions,
) -> Result<(), ValidationError> {
    match schema {
        Schema::Any => Ok(()),
        Schema::Object => match v {
            Value::Object(_) => Ok(()),
            _ => expected(path, "object", v),
        },
        Schema::Map(inner) => {
            let Value::Object(m) = v else {
                return expected(path, "object", v);
            };
            for (k, item) in m {
                if item.is_null() && opts.allow_null {
                    continue;
                }
                let len = path.len();
                path.push('.');
                path.push_str(k);
                check(spec, inner, item, path, opts)?;
                path.truncate(len);
            }
            Ok(())
        }
        Schema::Array(inner) => {
            let Value::Array(a) = v else {
                return expected(path, "array", v);
            };
            for (i, item) in a.iter().enumerate() {
                if item.is_null() && opts.allow_null {
                    continue;
                }
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                check(spec, inner, item, path, opts)?;
                path.truncate(len);
            }
            Ok(())
        }
        Schema::String(fmt) => {
            let Value::String(s) = v else {
                return expected(path, "string", v);
            };
            if opts.check_formats {
                match fmt {
                    StrFormat::Date if !is_date(s) => {
                        return fail(path, format!("'{s}' is not a date (YYYY-MM-DD)"));
                    }
                    StrFormat::DateTime if !is_datetime(s) => {
                        return fail(
                            path,
                            format!("'{s}' is not an ISO-8601 date-time (e.g. 2024-05-01T12:00:00.000Z)"),
                        );
                    }
                    StrFormat::LocalDateTime if opts.check_constraints && !is_local_datetime(s) => {
                        return fail(
                            path,
                            format!("'{s}' is not a date-time without a zone (e.g. 2024-05-01T12:00:00.000)"),
                        );
                    }
                    StrFormat::YearMonth if opts.check_constraints && !is_year_month(s) => {
                        return fail(path, format!("'{s}' is not a year and month (YYYY-MM)"));
                    }
                    _ => {}
                }
            }
            Ok(())
        }
        Schema::Enum(values) => {
            let Value::String(s) = v else {
                return expected(path, "string", v);
            };
            if values.iter().any(|e| e == s) {
                Ok(())
            } else {
                fail(
                    path,
                    format!(
                        "'{s}' is not one of the allowed values [{}]",
                        values.join(", ")
                    ),
                )
            }
        }
        Schema::Integer => {
            if is_integer(v) {
                Ok(())
            } else {
                expected(path, "integer", v)
            }
        }
        Schema::Number => match v {
            Value::Number(_) => Ok(()),
            _ => expected(path, "number", v),
        },
        Schema::Boolean => match v {
            Value::Bool(_) => Ok(()),
            _ => expected(path, "boolean", v),
        },
        Schema::Ref(d) => {
            let def = &spec.definitions[*d];
            let Value::Object(m) = v else {
                return expected(path, &format!("object ({})", def.name), v);
            };
            for p in &def.properties {
                let len = path.len();
                path.push('.');
                path.push_str(&p.name);
                match m.get(&p.name) {
                    None => {
                        if p.required && opts.check_required {
                            return fail(path, "required property is missing".to_string());
                        }
                    }
                    Some(Value::Null) if opts.allow_null => {
                        if p.required && opts.check_required {
                            return fail(path, "required property is null".to_string());
                        }
                    }
                    Some(item) => {
                        check(spec, &p.schema, item, path, opts)?;
                        if let Some(c) = p.constraints.as_ref().filter(|_| opts.check_constraints) {
                            if let Some(why) = c.violation(item) {
                                return fail(path, why);
                            }
                        }
                    }
                }
                path.truncate(len);
            }
            if opts.reject_unknown {
                for k in m.keys() {
                    if def.property(k).is_none() {
                        return fail(
                            &format!("{path}.{k}"),
                            format!("property is not declared by {}", def.name),
                        );
                    }
                }
            }
            Ok(())
        }
    }
}

/// Checks one raw path/query/header value against its declared type.
pub fn check_param_value(ty: &ParamType, raw: &str) -> Result<(), String> {
    match ty {
        ParamType::String => Ok(()),
        ParamType::Integer => raw
            .parse::<i64>()
            .map(|_| ())
            .map_err(|_| format!("'{raw}' is not a valid integer")),
        ParamType::Number => match raw.parse::<f64>() {
            Ok(f) if f.is_finite() => Ok(()),
            _ => Err(format!("'{raw}' is not a valid number")),
        },
        ParamType::Boolean => match raw.to_ascii_lowercase().as_str() {
            "true" | "false" => Ok(()),
            _ => Err(format!("'{raw}' is not a valid boolean (true or false)")),
        },
        ParamType::Date => {
            if is_date(raw) {
                Ok(())
            } else {
                Err(format!("'{raw}' is not a valid date (YYYY-MM-DD)"))
            }
        }
        ParamType::DateTime => {
            if is_datetime(raw) {
                Ok(())
            } else {
                Err(format!(
                    "'{raw}' is not a valid ISO-8601 date-time (e.g. 2024-05-01T12:00:00.000Z)"
                ))
            }
        }
        ParamType::Array(inner) => check_param_value(inner, raw),
    }
}
