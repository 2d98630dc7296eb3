//! Deterministic example values for schemas: every property filled with a realistic value of
//! its type, recursion bounded by depth and by the models already being generated.

use serde_json::{Map, Number, Value};

use crate::spec::{Constraints, Schema, Spec, StrFormat};
use crate::util::{fnv1a, format_datetime_millis, mix, uuid_seeded, Rng};

/// Models nested deeper than this are generated only when required (with required fields only).
pub const DEFAULT_MAX_DEPTH: usize = 4;

const FIRST_NAMES: &[&str] = &[
    "Alex", "Jordan", "Taylor", "Morgan", "Casey", "Riley", "Jamie", "Avery", "Quinn", "Harper",
    "Rowan", "Emerson", "Parker", "Reese", "Sydney", "Dakota", "Skyler", "Cameron", "Logan",
    "Elliot",
];
const LAST_NAMES: &[&str] = &[
    "Johnson", "Smith", "Garcia", "Nguyen", "Patel", "Brown", "Martinez", "Kim", "Walker", "Lopez",
    "Clark", "Lewis", "Young", "Hall", "Allen", "Wright", "Scott", "Green", "Baker", "Adams",
];
const WORDS: &[&str] = &[
    "Support",
    "Sales",
    "Billing",
    "Onboarding",
    "Retention",
    "Escalations",
    "Priority",
    "Partner",
    "Enterprise",
    "Regional",
];
const SYSTEM_PRESENCES: &[&str] = &[
    "Available",
    "Away",
    "Busy",
    "Offline",
    "Idle",
    "On Queue",
    "Meal",
    "Training",
    "Meeting",
    "Break",
];

const COLORS: &[&str] = &[
    "#2E7D32", "#1565C0", "#F9A825", "#FFFFFF", "#212121", "#C62828",
];

/// 2024-05-01T12:00:00.000Z in milliseconds since the epoch.
const BASE_TIME_MS: i64 = 1_714_564_800_000;

/// A realistic person name for an index.
pub fn person_name(i: u64) -> (String, String) {
    let first = FIRST_NAMES[(i % FIRST_NAMES.len() as u64) as usize];
    let last = LAST_NAMES[((i / FIRST_NAMES.len() as u64) % LAST_NAMES.len() as u64) as usize];
    (first.to_string(), last.to_string())
}

/// Options for [`generate`].
#[derive(Clone, Debug)]
pub struct GenOptions {
    pub max_depth: usize,
    /// `selfUri` of the top-level object (the request path).
    pub self_uri: Option<String>,
    /// `id` of the top-level object (e.g. the last path parameter).
    pub id: Option<String>,
}

impl Default for GenOptions {
    fn default() -> Self {
        GenOptions {
            max_depth: DEFAULT_MAX_DEPTH,
            self_uri: None,
            id: None,
        }
    }
}

/// Generates a value for `schema`, deterministic for a given `seed`.
pub fn generate(spec: &Spec, schema: &Schema, seed: u64, opts: &GenOptions) -> Value {
    let mut g = Generator {
        spec,
        max_depth: opts.max_depth,
        stack: Vec::new(),
    };
    let mut v = g
        .gen(schema, "", seed, 0, true, None)
        .unwrap_or_else(|| Value::Object(Map::new()));
    if let (Value::Object(m), Schema::Ref(d)) = (&mut v, schema) {
        let def = &spec.definitions[*d];
        if let Some(id) = &opts.id {
            // The path's id, unless the model constrains its ids and this one breaks that.
            let id = Value::String(id.clone());
            if def.property("id").is_some_and(|p| {
                matches!(p.schema, Schema::String(_))
                    && p.constraints
                        .as_ref()
                        .is_none_or(|c| c.violation(&id).is_none())
            }) {
                m.insert("id".into(), id);
            }
        }
        if let Some(uri) = &opts.self_uri {
            if def.property("selfUri").is_some() {
                m.insert("selfUri".into(), Value::String(uri.clone()));
            }
        }
    }
    v
}

struct Generator<'a> {
    spec: &'a Spec,
    max_depth: usize,
    /// Definitions being generated, with the seed of their object.
    stack: Vec<(usize, u64)>,
}

fn singular(name: &str) -> &str {
    if let Some(s) = name.strip_suffix("Ids") {
        // userIds -> userId
        return &name[..s.len() + 2];
    }
    if let Some(s) = name.strip_suffix("sses") {
        // addresses -> address
        return &name[..s.len() + 2];
    }
    if name.ends_with("ies") || name.ends_with("ss") {
        return name;
    }
    name.strip_suffix('s').unwrap_or(name)
}

/// Models whose `name` is a person's name.
fn is_person_model(def: &str) -> bool {
    ["User", "UserMe", "Person", "Agent", "Participant"].contains(&def)
        || [
            "User",
            "Agent",
            "Person",
            "Member",
            "Contact",
            "Participant",
            "Evaluator",
            "Reporter",
        ]
        .iter()
        .any(|s| def.ends_with(s))
        || def.starts_with("User") && (def.ends_with("Reference") || def.ends_with("Summary"))
}

fn is_id_name(name: &str) -> bool {
    name == "id" || name.ends_with("Id") || name.ends_with("ID") || name == "guid" || name == "uuid"
}

impl Generator<'_> {
    fn gen(
        &mut self,
        schema: &Schema,
        name: &str,
        seed: u64,
        depth: usize,
        required: bool,
        constraints: Option<&Constraints>,
    ) -> Option<Value> {
        let v = self.gen_unconstrained(schema, name, seed, depth, required)?;
        Some(match constraints {
            Some(c) => constrain(v, c, seed),
            None => v,
        })
    }

    fn gen_unconstrained(
        &mut self,
        schema: &Schema,
        name: &str,
        seed: u64,
        depth: usize,
        required: bool,
    ) -> Option<Value> {
        match schema {
            Schema::Ref(d) => {
                let minimal = depth >= self.max_depth || self.stack.iter().any(|(s, _)| s == d);
                if minimal && !required {
                    return None;
                }
                Some(self.object(*d, seed, depth, minimal))
            }
            Schema::Array(items) => {
                let n = if depth <= 1 { 2 } else { 1 };
                let item_name = singular(name);
                let mut out = Vec::with_capacity(n);
                for i in 0..n {
                    match self.gen(
                        items,
                        item_name,
                        mix(seed, i as u64 + 1),
                        depth,
                        false,
                        None,
                    ) {
                        Some(v) => out.push(v),
                        None => break,
                    }
                }
                if out.is_empty() && !required {
                    return None;
                }
                Some(Value::Array(out))
            }
            Schema::Map(inner) => {
                let mut m = Map::new();
                if let Some(v) = self.gen(inner, "value", mix(seed, 7), depth + 1, false, None) {
                    m.insert("key1".into(), v);
                } else if !required {
                    return None;
                }
                Some(Value::Object(m))
            }
            Schema::Object => {
                let mut m = Map::new();
                m.insert("key1".into(), Value::String("value1".into()));
                Some(Value::Object(m))
            }
            Schema::Any => Some(Value::String("example".into())),
            Schema::Enum(values) => {
                if values.is_empty() {
                    return Some(Value::String(String::new()));
                }
                let i = (seed % values.len() as u64) as usize;
                Some(Value::String(values[i].clone()))
            }
            Schema::String(fmt) => Some(Value::String(self.string(*fmt, name, seed))),
            Schema::Integer => Some(Value::Number(Number::from(self.integer(name, seed)))),
            Schema::Number if name.eq_ignore_ascii_case("proficiency") => {
                // A skill or language proficiency: 0 to 5 stars, in halves.
                Some(json_f64((seed % 11) as f64 / 2.0))
            }
            Schema::Number => {
                let f = (seed % 10_000) as f64 / 100.0 + 0.5;
                Some(
                    Number::from_f64(f)
                        .map(Value::Number)
                        .unwrap_or(Value::Null),
                )
            }
            Schema::Boolean => Some(Value::Bool(seed & 1 == 1)),
        }
    }

    fn object(&mut self, d: usize, seed: u64, depth: usize, minimal: bool) -> Value {
        let spec = self.spec;
        let def = &spec.definitions[d];
        self.stack.push((d, seed));
        let mut m = Map::new();
        for p in &def.properties {
            if minimal && !p.required {
                continue;
            }
            if p.name == "selfUri" {
                continue;
            }
            let child_seed = mix(seed, fnv1a(p.name.as_bytes()));
            let c = p.constraints.as_deref();
            if let Some(v) = self.gen(&p.schema, &p.name, child_seed, depth + 1, p.required, c) {
                m.insert(p.name.clone(), v);
            }
        }
        if let Some(p) = def.property("selfUri") {
            if !minimal || p.required {
                let id = m
                    .get("id")
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .unwrap_or_else(|| uuid_seeded(seed));
                m.insert("selfUri".into(), Value::String(self.self_uri(d, &id, seed)));
            }
        }
        self.stack.pop();
        Value::Object(m)
    }

    fn self_uri(&self, d: usize, id: &str, seed: u64) -> String {
        if let Some(template) = self.spec.self_paths.get(&d) {
            let mut out = String::new();
            let segs: Vec<&str> = template.split('/').skip(1).collect();
            for (i, seg) in segs.iter().enumerate() {
                out.push('/');
                if seg.starts_with('{') {
                    if i + 1 == segs.len() {
                        out.push_str(id);
                    } else {
                        out.push_str(&uuid_seeded(mix(seed, i as u64)));
                    }
                } else {
                    out.push_str(seg);
                }
            }
            return out;
        }
        let name = self.spec.definitions[d].name.to_ascii_lowercase();
        if name.contains("division") {
            return format!("/api/v2/authorization/divisions/{id}");
        }
        if name.ends_with("user") || name == "userme" || name.ends_with("userreference") {
            return format!("/api/v2/users/{id}");
        }
        if name.ends_with('s') {
            format!("/api/v2/{name}/{id}")
        } else {
            format!("/api/v2/{name}s/{id}")
        }
    }

    /// The seed of the innermost object being generated (for person-consistent fields).
    fn owner(&self) -> (Option<&str>, u64) {
        match self.stack.last() {
            Some((d, s)) => (Some(self.spec.definitions[*d].name.as_str()), *s),
            None => (None, 0),
        }
    }

    fn person(&self) -> (String, String) {
        let (_, s) = self.owner();
        person_name(s % 400)
    }

    fn string(&self, fmt: StrFormat, name: &str, seed: u64) -> String {
        let mut rng = Rng::new(seed);
        match fmt {
            StrFormat::DateTime => {
                let offset = rng.below(400) as i64 * 86_400_000 + rng.below(86_400) as i64 * 1000;
                return format_datetime_millis(BASE_TIME_MS + offset);
            }
            StrFormat::Date => {
                let offset = rng.below(400) as i64 * 86_400_000;
                return format_datetime_millis(BASE_TIME_MS + offset)[..10].to_string();
            }
            StrFormat::LocalDateTime => {
                // Whole hours: a schedule's start or end, in the org's time zone.
                let offset = rng.below(400) as i64 * 86_400_000 + rng.below(24) as i64 * 3_600_000;
                let t = format_datetime_millis(BASE_TIME_MS + offset);
                return t.trim_end_matches('Z').to_string();
            }
            StrFormat::YearMonth => {
                let offset = rng.below(24) as i64 * 31 * 86_400_000;
                return format_datetime_millis(BASE_TIME_MS + offset)[..7].to_string();
            }
            StrFormat::Plain => {}
        }
        let lower = name.to_ascii_lowercase();
        if is_id_name(name) {
            return uuid_seeded(seed);
        }
        if lower.ends_with("email") || lower == "emailaddress" || lower == "username" {
            let (f, l) = self.person();
            return format!("{}.{}@example.com", f.to_lowercase(), l.to_lowercase());
        }
        if lower.ends_with("uri") {
            return format!("/api/v2/resources/{}", uuid_seeded(seed));
        }
        if lower.ends_with("url") || lower == "href" || lower == "link" {
            return format!("https://example.com/{}/{}", lower, rng.below(1000));
        }
        if lower.contains("phone") || lower == "ani" || lower == "dnis" || lower.ends_with("number")
        {
            return format!("+1317555{:04}", rng.below(10_000));
        }
        if lower == "systempresence" {
            return SYSTEM_PRESENCES[(seed % SYSTEM_PRESENCES.len() as u64) as usize].to_string();
        }
        match lower.as_str() {
            "name" | "displayname" | "fullname" | "preferredname" => {
                let (owner, oseed) = self.owner();
                let owner = owner.unwrap_or("");
                if is_person_model(owner) {
                    let (f, l) = self.person();
                    format!("{f} {l}")
                } else {
                    let word = WORDS[(oseed % WORDS.len() as u64) as usize];
                    format!("{word} {} {}", split_words(owner), oseed % 100)
                }
            }
            "firstname" | "givenname" => self.person().0,
            "lastname" | "familyname" | "surname" => self.person().1,
            "description" | "summary" | "notes" | "note" | "comment" | "comments" => {
                let (owner, _) = self.owner();
                format!(
                    "Example {} used by the simulator",
                    split_words(owner.unwrap_or("item")).to_lowercase()
                )
            }
            "language"
            | "locale"
            | "languagecode"
            | "localecode"
            | "defaultlanguage"
            | "languagepreference"
            | "defaultmedialanguage" => "en-US".into(),
            "timezone" | "timezoneid" => "America/New_York".into(),
            "countrycode" | "country" => "US".into(),
            "currency" | "currencycode" => "USD".into(),
            _ if lower.ends_with("color") || lower.ends_with("colour") => {
                COLORS[(seed % COLORS.len() as u64) as usize].into()
            }
            "version" => "1".into(),
            "ipaddress" | "ip" => format!("192.0.2.{}", 1 + rng.below(250)),
            "domain" => "example.com".into(),
            "title" => "Customer Experience Specialist".into(),
            "department" => "Customer Care".into(),
            "state" | "status" => "active".into(),
            "type" => "default".into(),
            "extension" => format!("{}", 1000 + rng.below(9000)),
            "address" | "display" => format!("+1317555{:04}", rng.below(10_000)),
            "city" => "Indianapolis".into(),
            "street" | "street1" | "address1" => format!("{} Main Street", 100 + rng.below(900)),
            "postalcode" | "zipcode" | "zip" => "46204".into(),
            "jabberid" => format!("{}@example.orgspan.com", uuid_seeded(seed)),
            "key" => format!("key{}", rng.below(100)),
            "value" => format!("value{}", rng.below(100)),
            _ => format!(
                "Example {} {}",
                split_words(name).to_lowercase(),
                rng.below(100)
            ),
        }
    }

    fn integer(&self, name: &str, seed: u64) -> i64 {
        let lower = name.to_ascii_lowercase();
        let mut rng = Rng::new(seed);
        match lower.as_str() {
            "pagesize" => 25,
            "pagenumber" | "pagecount" | "version" => 1,
            // An address family: AF_INET (2) or AF_INET6 (23 in the numbering the Edge
            // reports, the only two values the official SDKs accept).
            "family" => [2, 23][(seed % 2) as usize],
            "total" => 2,
            _ if lower.ends_with("ms") || lower.ends_with("milliseconds") => {
                1000 * (1 + rng.below(60) as i64)
            }
            _ if lower.ends_with("seconds") || lower.ends_with("sec") => 1 + rng.below(3600) as i64,
            _ if lower.ends_with("count") || lower.starts_with("num") => rng.below(50) as i64,
            _ => 1 + rng.below(100) as i64,
        }
    }
}

fn json_f64(f: f64) -> Value {
    Number::from_f64(f).map_or(Value::Null, Value::Number)
}

/// Brings a generated value within a property's constraints: a number into its range (keeping
/// the variety of values), a string that breaks a pattern replaced by a sample of the pattern,
/// a string cut or padded to its lengths.
fn constrain(v: Value, c: &Constraints, seed: u64) -> Value {
    if c.violation(&v).is_none() {
        return v;
    }
    match v {
        Value::Number(n) => {
            let (lo, hi) = (c.minimum, c.maximum);
            if let Some(i) = n.as_i64() {
                let lo = lo.map_or(i64::MIN, |m| m.ceil() as i64);
                let hi = hi.map_or(i64::MAX, |m| m.floor() as i64);
                let i = if hi >= lo && lo != i64::MIN && hi != i64::MAX {
                    lo + (i - lo).rem_euclid(hi - lo + 1)
                } else {
                    i.clamp(lo, hi.max(lo))
                };
                Value::Number(i.into())
            } else {
                let f = n.as_f64().unwrap_or(0.0);
                let f = match (lo, hi) {
                    (Some(lo), Some(hi)) if hi > lo => lo + (f - lo).rem_euclid(hi - lo),
                    _ => f.clamp(lo.unwrap_or(f64::MIN), hi.unwrap_or(f64::MAX)),
                };
                Number::from_f64(f).map_or(Value::Number(n), Value::Number)
            }
        }
        Value::String(s) => {
            let min = c.min_length.unwrap_or(0);
            let max = c.max_length.unwrap_or(usize::MAX).max(min);
            if let Some(p) = &c.pattern {
                if !p.matches(&s) {
                    let target = (min.max(1), max.min(min.max(1) + 64));
                    if let Some(sample) = p.sample(seed, target.0.min(max), target.1) {
                        return Value::String(sample);
                    }
                }
            }
            let mut out: String = s.chars().take(max).collect();
            while out.chars().count() < min {
                out.push('x');
            }
            Value::String(out)
        }
        v => v,
    }
}

/// `queueMediaSettings` / `QueueMediaSettings` -> `Queue Media Settings`.
fn split_words(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    let mut prev_lower = false;
    for (i, c) in s.chars().enumerate() {
        if c.is_ascii_uppercase() && prev_lower {
            out.push(' ');
        }
        if i == 0 {
            out.push(c.to_ascii_uppercase());
        } else {
            out.push(c);
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words() {
        assert_eq!(split_words("queueMediaSettings"), "Queue Media Settings");
        assert_eq!(singular("userIds"), "userId");
        assert_eq!(singular("addresses"), "address");
        assert_eq!(singular("emails"), "email");
        assert_eq!(singular("entities"), "entities");
    }
}
