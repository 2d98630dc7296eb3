//! Stateful resources for the core flows: users, presence, permissions, roles, divisions,
//! groups and routing queues. Everything else is answered by the generator.

use std::collections::HashMap;

use serde_json::{json, Map, Value};

use crate::config::SimulatorConfig;
use crate::error::ApiError;
use crate::generate::{generate, person_name, GenOptions};
use crate::spec::Spec;
use crate::util::{fnv1a, mix, now_iso, percent_encode, random_uuid, uuid_seeded};
use crate::validate::{validate, ValidateOptions};

/// What a stateful handler answers.
#[derive(Debug)]
pub enum Outcome {
    Json(u16, Value),
    NoContent,
}

/// A request as seen by the stateful handlers (already validated).
pub struct Req<'a> {
    pub spec: &'a Spec,
    pub op_id: &'a str,
    pub path: &'a str,
    pub path_params: &'a [(String, String)],
    pub query: &'a [(String, String)],
    pub body: Option<&'a Value>,
    pub user_id: Option<&'a str>,
}

impl Req<'_> {
    pub(crate) fn path_param(&self, name: &str) -> &str {
        self.path_params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }

    pub(crate) fn query_one(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// All values of a (multi) query parameter, also split on commas.
    pub(crate) fn query_all(&self, name: &str) -> Vec<&str> {
        self.query
            .iter()
            .filter(|(k, _)| k == name)
            .flat_map(|(_, v)| v.split(','))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect()
    }

    pub(crate) fn body_obj(&self) -> Map<String, Value> {
        self.body
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default()
    }
}

/// A system presence definition.
#[derive(Clone, Debug)]
pub struct PresenceDef {
    pub id: String,
    pub system: &'static str,
}

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

fn presence_defs() -> Vec<PresenceDef> {
    SYSTEM_PRESENCES
        .iter()
        .map(|s| PresenceDef {
            id: uuid_seeded(fnv1a(format!("presence:{s}").as_bytes())),
            system: s,
        })
        .collect()
}

fn norm_presence(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The stores.
#[derive(Debug)]
pub struct Store {
    pub users: Vec<Value>,
    /// Presence per (user id, upper-case source).
    pub presences: HashMap<(String, String), Value>,
    pub presence_defs: Vec<PresenceDef>,
    pub permissions: Vec<Value>,
    pub roles: Vec<Value>,
    pub divisions: Vec<Value>,
    pub groups: Vec<Value>,
    pub queues: Vec<Value>,
    /// What clients wrote to each user's sub-resources (profile skills, routing skills and
    /// languages, roles, stations), by user id.
    pub extras: HashMap<String, UserExtras>,
    /// Queue memberships: queue id -> its members, in the order they were added.
    pub members: HashMap<String, Vec<Member>>,
    org_id: String,
    /// The configured seed: entities the store refers to but does not keep (skills, languages,
    /// stations) are described as the generated answers for them describe them.
    pub(crate) seed: u64,
}

/// A user's sub-resources, as written.
#[derive(Clone, Debug, Default)]
pub struct UserExtras {
    pub profile_skills: Vec<String>,
    /// `UserRoutingSkill` objects.
    pub skills: Vec<Value>,
    /// `UserRoutingLanguage` objects.
    pub languages: Vec<Value>,
    pub role_ids: Vec<String>,
    pub associated_station: Option<(String, String)>,
    pub last_associated_station: Option<String>,
    pub default_station: Option<String>,
}

/// A user's membership of a queue.
#[derive(Clone, Debug)]
pub struct Member {
    pub user_id: String,
    pub joined: bool,
}

const DIVISION_NAMES: &[(&str, &str)] = &[
    ("Home", "The home division of the organization"),
    ("Sales", "Sales teams and their queues"),
    ("Support", "Customer support"),
    ("EMEA", "Europe, Middle East and Africa"),
    ("North America", "United States and Canada"),
];
const DEPARTMENTS: &[&str] = &[
    "Customer Care",
    "Sales",
    "Billing",
    "Technical Support",
    "Operations",
];
const TITLES: &[&str] = &[
    "Customer Experience Specialist",
    "Sales Representative",
    "Team Lead",
    "Support Engineer",
    "Supervisor",
];
const ROLE_NAMES: &[(&str, &str)] = &[
    ("admin", "Administrative access to the organization"),
    ("employee", "Default role of every user"),
    ("Master Admin", "Full access, including role management"),
    ("Supervisor", "Monitors queues and agents"),
    ("Communicate - Admin", "Administers Communicate features"),
    ("Communicate - User", "Uses Communicate features"),
    ("Quality Administrator", "Manages quality evaluations"),
    ("Queue Manager", "Manages routing queues"),
    ("Agent", "Handles interactions from queues"),
    ("Reporting Admin", "Manages analytics reports"),
];
const GROUP_NAMES: &[&str] = &[
    "Support Agents",
    "Sales Team",
    "Supervisors",
    "Billing Specialists",
    "Escalations",
    "New Hires",
];
const QUEUE_NAMES: &[&str] = &[
    "Support",
    "Sales",
    "Billing",
    "Escalations",
    "VIP",
    "Callbacks",
    "Email Support",
    "Chat Support",
];
const PERMISSION_DOMAINS: &[&str] = &[
    "admin",
    "alerting",
    "analytics",
    "architect",
    "assistants",
    "audits",
    "authorization",
    "billing",
    "bots",
    "callback",
    "coaching",
    "content-management",
    "conversation",
    "dataTables",
    "dialog",
    "directory",
    "email",
    "employee-performance",
    "external-contacts",
    "externalEvents",
    "gamification",
    "gdpr",
    "greetings",
    "groups",
    "infrastructure",
    "integrations",
    "intent-miner",
    "journey",
    "knowledge",
    "language-understanding",
    "learning",
    "locations",
    "messaging",
    "notifications",
    "oauth",
    "outbound",
    "presence",
    "process-automation",
    "quality",
    "recording",
    "response-management",
    "routing",
    "scripter",
    "search",
    "speech-and-text-analytics",
    "station",
    "supportability",
    "task-management",
    "telephony",
    "uploads",
    "user-recordings",
    "users",
    "voicemail",
    "webchat",
    "webdeployments",
    "webhooks",
    "widgets",
    "workforce-management",
    "workitems",
    "wrapup",
];
const ENTITY_TYPES: &[&str] = &["settings", "config", "report", "data"];
const ACTIONS: &[&str] = &["view", "add", "edit", "delete"];

fn division_ref(d: &Value) -> Value {
    json!({"id": d["id"], "name": d["name"], "selfUri": d["selfUri"]})
}

impl Store {
    /// The seeded stores: config users first, then ~30 more when `seed_data`.
    pub fn seeded(spec: &Spec, config: &SimulatorConfig) -> Store {
        let seed = config.seed;
        let mut s = Store {
            users: Vec::new(),
            presences: HashMap::new(),
            presence_defs: presence_defs(),
            permissions: Vec::new(),
            roles: Vec::new(),
            divisions: Vec::new(),
            groups: Vec::new(),
            queues: Vec::new(),
            extras: HashMap::new(),
            members: HashMap::new(),
            org_id: config.org_id.clone(),
            seed,
        };
        let ndiv = if config.seed_data {
            DIVISION_NAMES.len()
        } else {
            1
        };
        for (i, (name, desc)) in DIVISION_NAMES.iter().take(ndiv).enumerate() {
            let id = uuid_seeded(mix(seed, fnv1a(format!("division:{i}").as_bytes())));
            s.divisions.push(json!({
                "id": id,
                "name": name,
                "description": desc,
                "homeDivision": i == 0,
                "objectCounts": {"queues": 2, "users": 6},
                "selfUri": format!("/api/v2/authorization/divisions/{id}"),
            }));
        }
        for (i, u) in config.users.iter().enumerate() {
            let user = s.new_user(&u.id, &u.name, &u.email, &u.username, i as u64);
            s.users.push(user);
        }
        if config.seed_data {
            for i in 0..30u64 {
                let (f, l) = person_name(i * 7 + 3);
                let id = uuid_seeded(mix(seed, fnv1a(format!("user:{i}").as_bytes())));
                let email = format!(
                    "{}.{}{}@example.com",
                    f.to_lowercase(),
                    l.to_lowercase(),
                    i + 1
                );
                let user = s.new_user(&id, &format!("{f} {l}"), &email, &email, i + 1);
                s.users.push(user);
            }
        }
        let defs = s.presence_defs.clone();
        for (i, u) in s.users.clone().iter().enumerate() {
            let uid = u["id"].as_str().unwrap_or_default().to_string();
            let def = if i == 0 { &defs[0] } else { &defs[i % 4] };
            let p = presence_value(&uid, "PURECLOUD", def, "", &now_iso());
            s.presences.insert((uid, "PURECLOUD".into()), p);
        }
        if config.seed_data {
            for (i, domain) in PERMISSION_DOMAINS.iter().enumerate() {
                let mut map = Map::new();
                for et in ENTITY_TYPES.iter().take(1 + i % ENTITY_TYPES.len()) {
                    let perms: Vec<Value> = ACTIONS
                        .iter()
                        .map(|a| {
                            json!({
                                "domain": domain,
                                "entityType": et,
                                "action": a,
                                "label": format!("{} {}", a, et),
                                "allowsConditions": false,
                                "divisionAware": i % 3 == 0,
                            })
                        })
                        .collect();
                    map.insert((*et).to_string(), Value::Array(perms));
                }
                s.permissions.push(json!({
                    "id": domain,
                    "name": domain,
                    "domain": domain,
                    "permissionMap": map,
                    "selfUri": format!("/api/v2/authorization/permissions/{domain}"),
                }));
            }
            let role_def = spec.schema_ref("DomainOrganizationRole");
            for (i, (name, desc)) in ROLE_NAMES.iter().enumerate() {
                let id = uuid_seeded(mix(seed, fnv1a(format!("role:{i}").as_bytes())));
                let mut r = role_def
                    .as_ref()
                    .map(|sc| generate(spec, sc, mix(seed, i as u64 + 11), &GenOptions::default()))
                    .unwrap_or_else(|| json!({}));
                let perms: Vec<String> = PERMISSION_DOMAINS
                    .iter()
                    .skip(i * 3)
                    .take(4)
                    .map(|d| format!("{d}:*:view"))
                    .collect();
                merge(
                    &mut r,
                    json!({
                        "id": id,
                        "name": name,
                        "description": desc,
                        "permissions": perms,
                        "userCount": (i * 3) % 11,
                        "default": i < 2,
                        "base": false,
                        "roleNeedsUpdate": false,
                        "selfUri": format!("/api/v2/authorization/roles/{id}"),
                    }),
                );
                s.roles.push(r);
            }
            let group_def = spec.schema_ref("Group");
            for (i, name) in GROUP_NAMES.iter().enumerate() {
                let id = uuid_seeded(mix(seed, fnv1a(format!("group:{i}").as_bytes())));
                let mut g = group_def
                    .as_ref()
                    .map(|sc| generate(spec, sc, mix(seed, i as u64 + 101), &GenOptions::default()))
                    .unwrap_or_else(|| json!({}));
                let owner = s.users.get(1 + i).map(user_summary).unwrap_or(Value::Null);
                merge(
                    &mut g,
                    json!({
                        "id": id,
                        "name": name,
                        "description": format!("{name} group"),
                        "state": "active",
                        "version": 1,
                        "type": if i % 3 == 2 { "social" } else { "official" },
                        "visibility": "public",
                        "rulesVisible": true,
                        "memberCount": 3 + i,
                        "email": format!("{}@example.com", name.to_lowercase().replace(' ', "-")),
                        "owners": if owner.is_null() { json!([]) } else { json!([owner]) },
                        "selfUri": format!("/api/v2/groups/{id}"),
                    }),
                );
                s.groups.push(g);
            }
            let queue_def = spec.schema_ref("Queue");
            for (i, name) in QUEUE_NAMES.iter().enumerate() {
                let id = uuid_seeded(mix(seed, fnv1a(format!("queue:{i}").as_bytes())));
                let mut q = queue_def
                    .as_ref()
                    .map(|sc| generate(spec, sc, mix(seed, i as u64 + 201), &GenOptions::default()))
                    .unwrap_or_else(|| json!({}));
                let div = &s.divisions[i % s.divisions.len()];
                merge(
                    &mut q,
                    json!({
                        "id": id,
                        "name": name,
                        "description": format!("{name} queue"),
                        "division": division_ref(div),
                        "memberCount": 4 + i,
                        "userMemberCount": 4 + i,
                        "joinedMemberCount": 2 + i / 2,
                        "selfUri": format!("/api/v2/routing/queues/{id}"),
                    }),
                );
                s.queues.push(q);
            }
            // Members: the default user (joined) and a window of the other users, the first
            // ones joined; the queues' member counts follow.
            let n = s.users.len();
            let queue_ids: Vec<String> = s
                .queues
                .iter()
                .filter_map(|q| q["id"].as_str().map(str::to_string))
                .collect();
            for (i, q) in queue_ids.iter().enumerate() {
                let mut picked: Vec<usize> = vec![0];
                for k in 0..(3 + i) {
                    let j = 1 + (i * 3 + k) % (n - 1).max(1);
                    if j < n && !picked.contains(&j) {
                        picked.push(j);
                    }
                }
                let members = picked
                    .iter()
                    .enumerate()
                    .map(|(k, j)| Member {
                        user_id: s.users[*j]["id"].as_str().unwrap_or_default().to_string(),
                        joined: k < 2 + i / 2,
                    })
                    .collect();
                s.members.insert(q.clone(), members);
                s.recount(q);
            }
            // Every seeded user: the default roles and a WebRTC phone as default station.
            let ids: Vec<String> = s
                .users
                .iter()
                .filter_map(|u| u["id"].as_str().map(str::to_string))
                .collect();
            for id in ids {
                let mut x = s.new_user_extras();
                x.default_station = Some(uuid_seeded(mix(
                    seed,
                    fnv1a(format!("station:{id}").as_bytes()),
                )));
                s.extras.insert(id, x);
            }
        }
        s
    }

    /// A new user's sub-resources: the organization's default roles, nothing else.
    fn new_user_extras(&self) -> UserExtras {
        UserExtras {
            role_ids: self
                .roles
                .iter()
                .filter(|r| r["default"] == json!(true))
                .filter_map(|r| r["id"].as_str().map(str::to_string))
                .collect(),
            ..UserExtras::default()
        }
    }

    fn home_division(&self) -> Value {
        self.divisions
            .iter()
            .find(|d| d["homeDivision"] == json!(true))
            .or(self.divisions.first())
            .map(division_ref)
            .unwrap_or_else(|| json!({"id": uuid_seeded(1), "name": "Home"}))
    }

    fn new_user(&self, id: &str, name: &str, email: &str, username: &str, i: u64) -> Value {
        json!({
            "id": id,
            "name": name,
            "division": self.home_division(),
            "chat": {"jabberId": format!("{}@{}.orgspan.com", id.replace('-', ""), self.org_id.split('-').next().unwrap_or("org"))},
            "department": DEPARTMENTS[(i % DEPARTMENTS.len() as u64) as usize],
            "email": email,
            "primaryContactInfo": [
                {"address": email, "mediaType": "EMAIL", "type": "PRIMARY"}
            ],
            "addresses": [
                {"address": format!("+1317555{:04}", 1000 + i), "display": format!("(317) 555-{:04}", 1000 + i), "mediaType": "PHONE", "type": "WORK", "countryCode": "US"}
            ],
            "state": "active",
            "title": TITLES[(i % TITLES.len() as u64) as usize],
            "username": username,
            "images": [
                {"resolution": "x96", "imageUri": format!("https://example.com/avatars/{id}/x96.png")}
            ],
            "version": 1,
            "certifications": [],
            "acdAutoAnswer": false,
            "selfUri": format!("/api/v2/users/{id}"),
        })
    }

    pub(crate) fn find(list: &[Value], id: &str) -> Option<usize> {
        list.iter().position(|e| e["id"].as_str() == Some(id))
    }

    /// A user that is not deleted (deleted users are only listed and read with
    /// `state=deleted`).
    pub(crate) fn user_index(&self, id: &str) -> Result<usize, ApiError> {
        self.users
            .iter()
            .position(|u| u["id"].as_str() == Some(id) && u["state"] != "deleted")
            .ok_or_else(|| ApiError::entity_not_found("user", id))
    }

    fn presence_def(&self, id: Option<&str>, system: Option<&str>) -> Option<PresenceDef> {
        if let Some(id) = id {
            if let Some(d) = self.presence_defs.iter().find(|d| d.id == id) {
                return Some(d.clone());
            }
        }
        let sys = norm_presence(system?);
        self.presence_defs
            .iter()
            .find(|d| norm_presence(d.system) == sys)
            .cloned()
    }

    fn presence_of(&self, user_id: &str, source: &str) -> Value {
        let key = (user_id.to_string(), source.to_ascii_uppercase());
        self.presences.get(&key).cloned().unwrap_or_else(|| {
            let offline = self
                .presence_defs
                .iter()
                .find(|d| d.system == "Offline")
                .cloned()
                .unwrap_or(PresenceDef {
                    id: uuid_seeded(0),
                    system: "Offline",
                });
            presence_value(
                user_id,
                &source.to_ascii_uppercase(),
                &offline,
                "",
                "2024-05-01T12:00:00.000Z",
            )
        })
    }
}

pub(crate) fn user_summary(u: &Value) -> Value {
    json!({"id": u["id"], "name": u["name"], "version": u["version"], "selfUri": u["selfUri"]})
}

fn presence_value(
    user_id: &str,
    source: &str,
    def: &PresenceDef,
    message: &str,
    modified: &str,
) -> Value {
    let mut v = json!({
        "id": uuid_seeded(fnv1a(format!("{user_id}/{source}").as_bytes())),
        "name": def.system,
        "source": source,
        "primary": source == "PURECLOUD",
        "presenceDefinition": {
            "id": def.id,
            "systemPresence": def.system,
            "selfUri": format!("/api/v2/presencedefinitions/{}", def.id),
        },
        "message": message,
        "modifiedDate": modified,
        "selfUri": format!("/api/v2/users/{user_id}/presences/{source}"),
    });
    if source != "PURECLOUD" {
        v["sourceId"] = json!(source);
    }
    v
}

/// A system presence as `OrganizationPresence` (`/api/v2/presencedefinitions`).
fn organization_presence(def: &PresenceDef) -> Value {
    json!({
        "id": def.id,
        "name": def.system,
        "languageLabels": {"en_US": def.system},
        "systemPresence": def.system,
        "deactivated": false,
        "primary": true,
        "createdDate": "2024-01-15T09:30:00.000Z",
        "modifiedDate": "2024-01-15T09:30:00.000Z",
        "selfUri": format!("/api/v2/presencedefinitions/{}", def.id),
    })
}

/// A system presence as `OrganizationPresenceDefinition` (`/api/v2/presence/definitions`),
/// whose `systemPresence` enum has no spaces (`OnQueue`).
fn presence_definition(def: &PresenceDef) -> Value {
    json!({
        "id": def.id,
        "name": def.system,
        "type": "System",
        "languageLabels": {"en_US": def.system},
        "systemPresence": def.system.replace(' ', ""),
        "deactivated": false,
        "selfUri": format!("/api/v2/presence/definitions/{}", def.id),
    })
}

/// Shallow merge of `patch`'s keys into `target`.
fn merge(target: &mut Value, patch: Value) {
    if let (Value::Object(t), Value::Object(p)) = (target, patch) {
        for (k, v) in p {
            t.insert(k, v);
        }
    }
}

/// The properties of `src` that `def` declares and whose values are valid for it.
fn conform(spec: &Spec, def: &str, src: &Map<String, Value>) -> Map<String, Value> {
    let mut out = Map::new();
    let Some(d) = spec.definition(def) else {
        return out;
    };
    for (k, v) in src {
        if v.is_null() {
            continue;
        }
        if let Some(p) = d.property(k) {
            if validate(spec, &p.schema, v, k, ValidateOptions::STRICT).is_ok() {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    out
}

/// Adds generated values for required properties of `def` missing from `obj`.
fn fill_required(spec: &Spec, def: &str, obj: &mut Map<String, Value>, seed: u64) {
    let Some(d) = spec.definition(def) else {
        return;
    };
    for p in d.properties.iter().filter(|p| p.required) {
        if !obj.contains_key(&p.name) {
            let wrapper = wrap_property(spec, def, &p.name, seed);
            if let Some(v) = wrapper {
                obj.insert(p.name.clone(), v);
            }
        }
    }
}

/// Generates one property of a definition (by generating the definition minimally).
fn wrap_property(spec: &Spec, def: &str, prop: &str, seed: u64) -> Option<Value> {
    let d = spec.definition(def)?;
    let p = d.property(prop)?;
    let v = generate(
        spec,
        &p.schema,
        mix(seed, fnv1a(prop.as_bytes())),
        &GenOptions::default(),
    );
    Some(v)
}

/// Paging parameters and a page of `items`, in the Platform API's entity listing shape.
pub(crate) fn page(req: &Req, items: Vec<Value>, extra: &[&str]) -> Result<Value, ApiError> {
    let size = match req.query_one("pageSize") {
        Some(s) => s.parse::<i64>().unwrap_or(25),
        None => 25,
    };
    let number = match req.query_one("pageNumber") {
        Some(s) => s.parse::<i64>().unwrap_or(1),
        None => 1,
    };
    if !(1..=500).contains(&size) {
        return Err(ApiError::invalid_field(
            "pageSize",
            &format!("{size} is not between 1 and 500"),
        ));
    }
    if number < 1 {
        return Err(ApiError::invalid_field(
            "pageNumber",
            &format!("{number} is less than 1"),
        ));
    }
    let total = items.len() as i64;
    let page_count = (total + size - 1) / size;
    let start = ((number - 1) * size).min(total) as usize;
    let end = (start + size as usize).min(items.len());
    let entities: Vec<Value> = items.into_iter().skip(start).take(end - start).collect();
    let mut extra_q = String::new();
    for name in extra {
        for v in req.query.iter().filter(|(k, _)| k == name).map(|(_, v)| v) {
            extra_q.push('&');
            extra_q.push_str(name);
            extra_q.push('=');
            extra_q.push_str(&percent_encode(v));
        }
    }
    let uri = |n: i64| format!("{}?pageSize={size}&pageNumber={n}{extra_q}", req.path);
    let mut v = json!({
        "entities": entities,
        "pageSize": size,
        "pageNumber": number,
        "total": total,
        "firstUri": uri(1),
        "selfUri": uri(number),
        "lastUri": uri(page_count.max(1)),
        "pageCount": page_count,
    });
    if number < page_count {
        v["nextUri"] = json!(uri(number + 1));
    }
    if number > 1 {
        v["previousUri"] = json!(uri((number - 1).min(page_count.max(1))));
    }
    Ok(v)
}

pub(crate) fn sort_by_name(items: &mut [Value], order: Option<&str>) {
    items.sort_by(|a, b| {
        let an = a["name"].as_str().unwrap_or("").to_lowercase();
        let bn = b["name"].as_str().unwrap_or("").to_lowercase();
        an.cmp(&bn)
    });
    if order.is_some_and(|o| o.eq_ignore_ascii_case("desc")) {
        items.reverse();
    }
}

/// `*` wildcards, case-insensitive; without `*`, a substring match.
fn name_matches(name: &str, pattern: &str) -> bool {
    let name = name.to_lowercase();
    let pattern = pattern.to_lowercase();
    if !pattern.contains('*') {
        return name.contains(&pattern);
    }
    let parts: Vec<&str> = pattern.split('*').collect();
    let mut pos = 0;
    for (i, part) in parts.iter().enumerate() {
        if part.is_empty() {
            continue;
        }
        if i == 0 {
            if !name.starts_with(part) {
                return false;
            }
            pos = part.len();
        } else if let Some(found) = name[pos..].find(part) {
            pos += found + part.len();
        } else {
            return false;
        }
    }
    parts
        .last()
        .is_none_or(|l| l.is_empty() || name.ends_with(l))
}

fn filter_ids(items: Vec<Value>, ids: &[&str]) -> Vec<Value> {
    if ids.is_empty() {
        return items;
    }
    items
        .into_iter()
        .filter(|e| e["id"].as_str().is_some_and(|id| ids.contains(&id)))
        .collect()
}

/// A property the service needs: a non-empty string (the validator has checked its type).
pub(crate) fn require_text(body: &Map<String, Value>, name: &str) -> Result<String, ApiError> {
    match body.get(name).and_then(Value::as_str) {
        Some(s) if !s.trim().is_empty() => Ok(s.to_string()),
        _ => Err(ApiError::invalid_field(
            &format!("body.{name}"),
            "required property is missing",
        )),
    }
}

fn require_user_context(req: &Req) -> Result<String, ApiError> {
    req.user_id.map(str::to_string).ok_or_else(|| {
        ApiError::new(
            403,
            "not.authorized",
            "This request requires a user context. Client credentials cannot be used for requests to this resource.",
        )
    })
}

impl Store {
    fn expand_user(
        &self,
        spec: &Spec,
        user: &Value,
        expands: &[&str],
        def: &str,
        seed: u64,
    ) -> Value {
        let mut u = user.clone();
        let uid = user["id"].as_str().unwrap_or("").to_string();
        let Some(d) = spec.definition(def) else {
            return u;
        };
        for e in expands {
            let e = *e;
            if u.get(e).is_some() {
                continue;
            }
            let Some(p) = d.property(e) else {
                continue;
            };
            let v = match e {
                "presence" => self.presence_of(&uid, "PURECLOUD"),
                "profileSkills" | "skills" | "languages" | "authorization" | "station" => {
                    match self.user_extra(spec, &uid, e) {
                        Some(v) => v,
                        None => continue,
                    }
                }
                "routingStatus" => {
                    json!({"userId": uid, "status": "IDLE", "startTime": "2024-05-01T12:00:00.000Z"})
                }
                _ => generate(
                    spec,
                    &p.schema,
                    mix(seed, fnv1a(e.as_bytes())),
                    &GenOptions::default(),
                ),
            };
            u[e] = v;
        }
        if let Value::Object(m) = &mut u {
            m.retain(|k, _| d.property(k).is_some());
        }
        u
    }

    /// Handles a stateful operation, or returns `None` for the generator to answer.
    pub fn handle(&mut self, req: &Req, seed: u64) -> Option<Result<Outcome, ApiError>> {
        let r = match req.op_id {
            "getUsers" => self.get_users(req, seed),
            "postUsers" => self.post_users(req),
            "getUser" => self.get_user(req, req.path_param("userId").to_string(), "User", seed),
            "getUsersMe" => {
                require_user_context(req).and_then(|id| self.get_user(req, id, "UserMe", seed))
            }
            "patchUser" => self.patch_user(req),
            "deleteUser" => self.delete_user(req),
            "getUserPresencesPurecloud" => self.get_presence(req, "PURECLOUD"),
            "patchUserPresencesPurecloud" => self.patch_presence(req, "PURECLOUD"),
            "getUserPresence" => {
                let src = req.path_param("sourceId").to_string();
                self.get_presence(req, &src)
            }
            "patchUserPresence" => {
                let src = req.path_param("sourceId").to_string();
                self.patch_presence(req, &src)
            }
            "getPresencedefinitions" => self.list_presence_defs(req),
            "getPresencedefinition" => self
                .presence_def_by_id(req.path_param("presenceId"))
                .map(|d| Outcome::Json(200, organization_presence(&d))),
            "getPresenceDefinitions0" => self.list_presence_definitions(req),
            "getPresenceDefinition0" => self
                .presence_def_by_id(req.path_param("definitionId"))
                .map(|d| Outcome::Json(200, presence_definition(&d))),
            "getAuthorizationPermissions" => self.get_permissions(req),
            "getAuthorizationRoles" => self.list_roles(req),
            "postAuthorizationRoles" => self.create(req, Kind::Role),
            "getAuthorizationRole" => self.get(req, Kind::Role),
            "putAuthorizationRole" | "patchAuthorizationRole" => self.update(req, Kind::Role),
            "deleteAuthorizationRole" => self.delete(req, Kind::Role),
            "getAuthorizationDivisions" => self.list_simple(req, Kind::Division),
            "postAuthorizationDivisions" => self.create(req, Kind::Division),
            "getAuthorizationDivision" => self.get(req, Kind::Division),
            "getAuthorizationDivisionsHome" => Ok(Outcome::Json(200, self.home_division_full())),
            "putAuthorizationDivision" => self.update(req, Kind::Division),
            "deleteAuthorizationDivision" => self.delete(req, Kind::Division),
            "getGroups" => self.list_simple(req, Kind::Group),
            "postGroups" => self.create(req, Kind::Group),
            "getGroup" => self.get(req, Kind::Group),
            "putGroup" => self.update(req, Kind::Group),
            "deleteGroup" => self.delete(req, Kind::Group),
            "getRoutingQueues" => self.list_simple(req, Kind::Queue),
            "postRoutingQueues" => self.create(req, Kind::Queue),
            "getRoutingQueue" => self.get(req, Kind::Queue),
            "putRoutingQueue" => self.update(req, Kind::Queue),
            "deleteRoutingQueue" => self.delete(req, Kind::Queue),
            _ => return self.handle_user_resource(req),
        };
        Some(r)
    }

    fn home_division_full(&self) -> Value {
        self.divisions
            .iter()
            .find(|d| d["homeDivision"] == json!(true))
            .cloned()
            .unwrap_or_else(|| json!({"id": uuid_seeded(1), "name": "Home", "description": "Home"}))
    }

    fn get_users(&self, req: &Req, seed: u64) -> Result<Outcome, ApiError> {
        let state = req
            .query_one("state")
            .filter(|s| !s.is_empty())
            .unwrap_or("active")
            .to_ascii_lowercase();
        let ids = req.query_all("id");
        let mut items: Vec<Value> = self
            .users
            .iter()
            .filter(|u| state == "any" || u["state"].as_str() == Some(state.as_str()))
            .cloned()
            .collect();
        items = filter_ids(items, &ids);
        sort_by_name(&mut items, req.query_one("sortOrder"));
        let expands = req.query_all("expand");
        let items = items
            .iter()
            .map(|u| self.expand_user(req.spec, u, &expands, "User", seed))
            .collect();
        page(req, items, &["id", "sortOrder", "expand", "state"]).map(|v| Outcome::Json(200, v))
    }

    fn get_user(&self, req: &Req, id: String, def: &str, seed: u64) -> Result<Outcome, ApiError> {
        // A deleted user is found only when asked for (`state=deleted`).
        let deleted = req
            .query_one("state")
            .is_some_and(|s| s.eq_ignore_ascii_case("deleted"));
        let i = if deleted {
            self.users
                .iter()
                .position(|u| u["id"].as_str() == Some(id.as_str()) && u["state"] == "deleted")
                .ok_or_else(|| ApiError::entity_not_found("user", &id))?
        } else {
            self.user_index(&id)?
        };
        let expands = req.query_all("expand");
        Ok(Outcome::Json(
            200,
            self.expand_user(req.spec, &self.users[i], &expands, def, seed),
        ))
    }

    /// What the service needs is a name and an email; the division defaults to the home
    /// division (the typings' `required` list, which names `divisionId` too, is not applied).
    fn post_users(&mut self, req: &Req) -> Result<Outcome, ApiError> {
        let body = req.body_obj();
        require_text(&body, "name")?;
        let email = require_text(&body, "email")?;
        if self.users.iter().any(|u| {
            u["state"] != "deleted"
                && u["email"]
                    .as_str()
                    .is_some_and(|e| e.eq_ignore_ascii_case(&email))
        }) {
            return Err(ApiError::conflict(format!(
                "A user with email {email} already exists."
            )));
        }
        let id = random_uuid();
        let name = body
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("New User")
            .to_string();
        let mut user = self.new_user(&id, &name, &email, &email, self.users.len() as u64);
        if let Some(div_id) = body.get("divisionId").and_then(Value::as_str) {
            if let Some(d) = self
                .divisions
                .iter()
                .find(|d| d["id"].as_str() == Some(div_id))
            {
                user["division"] = division_ref(d);
            }
        }
        for k in ["department", "title", "state", "addresses"] {
            if let Some(v) = body.get(k).filter(|v| !v.is_null()) {
                user[k] = v.clone();
            }
        }
        let defs = self.presence_defs.clone();
        self.presences.insert(
            (id.clone(), "PURECLOUD".into()),
            presence_value(&id, "PURECLOUD", &defs[3], "", &now_iso()),
        );
        self.extras.insert(id, self.new_user_extras());
        self.users.push(user.clone());
        Ok(Outcome::Json(200, user))
    }

    /// `state`, when given, is the only change (as the service documents it): `active` or
    /// `inactive`, which also restores a deleted user; `deleted` is refused (that is `DELETE`).
    fn patch_user(&mut self, req: &Req) -> Result<Outcome, ApiError> {
        let body = req.body_obj();
        let id = req.path_param("userId");
        let state = body.get("state").and_then(Value::as_str);
        if state == Some("deleted") {
            return Err(ApiError::invalid_field(
                "body.state",
                "a user is deleted with DELETE /api/v2/users/{userId}",
            ));
        }
        let i = match state {
            Some(_) => Store::find(&self.users, id)
                .ok_or_else(|| ApiError::entity_not_found("user", id))?,
            None => self.user_index(id)?,
        };
        let current = self.users[i]["version"].as_i64().unwrap_or(1);
        let Some(v) = body.get("version").filter(|v| !v.is_null()) else {
            return Err(ApiError::invalid_field(
                "body.version",
                "required property is missing",
            ));
        };
        if let Some(v) = v.as_i64() {
            if v != current {
                return Err(ApiError::conflict(format!(
                    "The version supplied ({v}) does not match the current version of the user ({current})."
                )));
            }
        }
        if let Some(state) = state {
            let user = &mut self.users[i];
            user["state"] = json!(state);
            user["version"] = json!(current + 1);
            return Ok(Outcome::Json(200, user.clone()));
        }
        let mut changes = conform(req.spec, "User", &body);
        for k in ["id", "version", "selfUri", "division", "manager"] {
            changes.remove(k);
        }
        // Profile skills are a sub-resource: stored there, shown with `expand=profileSkills`.
        if let Some(Value::Array(skills)) = changes.remove("profileSkills") {
            let uid = self.users[i]["id"].as_str().unwrap_or_default().to_string();
            self.extras.entry(uid).or_default().profile_skills = skills
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect();
        }
        if let Some(m) = body.get("manager").and_then(Value::as_str) {
            let manager = Store::find(&self.users, m)
                .map(|j| user_summary(&self.users[j]))
                .unwrap_or_else(
                    || json!({"id": m, "version": 1, "selfUri": format!("/api/v2/users/{m}")}),
                );
            changes.insert("manager".into(), manager);
        }
        let user = &mut self.users[i];
        for (k, v) in changes {
            user[k.as_str()] = v;
        }
        user["version"] = json!(current + 1);
        Ok(Outcome::Json(200, user.clone()))
    }

    /// The user stays, with `state: deleted` (listed by `GET /api/v2/users?state=deleted`, read
    /// by `GET /api/v2/users/{userId}?state=deleted`), out of its queues, without presence.
    fn delete_user(&mut self, req: &Req) -> Result<Outcome, ApiError> {
        let id = req.path_param("userId").to_string();
        let i = self.user_index(&id)?;
        self.presences.retain(|(u, _), _| *u != id);
        let queues: Vec<String> = self.members.keys().cloned().collect();
        for q in queues {
            self.remove_member(&q, &id);
        }
        if let Some(x) = self.extras.get_mut(&id) {
            if let Some((station, _)) = x.associated_station.take() {
                x.last_associated_station = Some(station);
            }
        }
        let user = &mut self.users[i];
        user["state"] = json!("deleted");
        Ok(Outcome::Json(
            200,
            json!({"id": user["id"], "name": user["name"], "state": "deleted", "selfUri": user["selfUri"]}),
        ))
    }

    fn presence_def_by_id(&self, id: &str) -> Result<PresenceDef, ApiError> {
        self.presence_defs
            .iter()
            .find(|d| d.id == id)
            .cloned()
            .ok_or_else(|| ApiError::entity_not_found("presence definition", id))
    }

    /// `GET /api/v2/presencedefinitions`: the system presences, whose ids are the ones that
    /// `PATCH .../presences/...` accepts. None is deleted.
    fn list_presence_defs(&self, req: &Req) -> Result<Outcome, ApiError> {
        let deleted = req
            .query_one("deleted")
            .is_some_and(|d| d.eq_ignore_ascii_case("true"));
        let items = if deleted {
            Vec::new()
        } else {
            self.presence_defs
                .iter()
                .map(organization_presence)
                .collect()
        };
        page(req, items, &["deleted", "localeCode"]).map(|v| Outcome::Json(200, v))
    }

    /// `GET /api/v2/presence/definitions`: the same definitions, not paged. None is
    /// deactivated.
    fn list_presence_definitions(&self, req: &Req) -> Result<Outcome, ApiError> {
        let deactivated = req
            .query_one("deactivated")
            .is_some_and(|d| d.eq_ignore_ascii_case("true"));
        let items: Vec<Value> = if deactivated {
            Vec::new()
        } else {
            self.presence_defs.iter().map(presence_definition).collect()
        };
        Ok(Outcome::Json(
            200,
            json!({"total": items.len(), "entities": items, "selfUri": req.path}),
        ))
    }

    fn get_presence(&self, req: &Req, source: &str) -> Result<Outcome, ApiError> {
        let uid = req.path_param("userId");
        self.user_index(uid)?;
        Ok(Outcome::Json(200, self.presence_of(uid, source)))
    }

    fn patch_presence(&mut self, req: &Req, source: &str) -> Result<Outcome, ApiError> {
        let uid = req.path_param("userId").to_string();
        self.user_index(&uid)?;
        let source = source.to_ascii_uppercase();
        let body = req.body_obj();
        let current = self.presence_of(&uid, &source);
        let def = match body.get("presenceDefinition").and_then(Value::as_object) {
            Some(pd) => {
                let id = pd.get("id").and_then(Value::as_str);
                let sys = pd.get("systemPresence").and_then(Value::as_str);
                match self.presence_def(id, sys) {
                    Some(d) => d,
                    None => {
                        return Err(ApiError::invalid_field(
                            "body.presenceDefinition.id",
                            &format!("unknown presence definition '{}'", id.or(sys).unwrap_or("")),
                        ))
                    }
                }
            }
            None => {
                let id = current["presenceDefinition"]["id"].as_str();
                self.presence_def(id, None)
                    .unwrap_or_else(|| self.presence_defs[0].clone())
            }
        };
        let message = body
            .get("message")
            .and_then(Value::as_str)
            .or(current["message"].as_str())
            .unwrap_or("")
            .to_string();
        let p = presence_value(&uid, &source, &def, &message, &now_iso());
        self.presences.insert((uid, source), p.clone());
        Ok(Outcome::Json(200, p))
    }

    fn get_permissions(&self, req: &Req) -> Result<Outcome, ApiError> {
        let mut items = self.permissions.clone();
        if let Some(q) = req.query_one("query").filter(|q| !q.is_empty()) {
            let q = q.to_lowercase();
            let prefix = req
                .query_one("queryType")
                .is_some_and(|t| t.eq_ignore_ascii_case("domain"));
            items.retain(|p| {
                let d = p["domain"].as_str().unwrap_or("").to_lowercase();
                if prefix {
                    d.starts_with(&q)
                } else {
                    d.contains(&q)
                }
            });
        }
        page(req, items, &["queryType", "query"]).map(|v| Outcome::Json(200, v))
    }

    fn list_roles(&self, req: &Req) -> Result<Outcome, ApiError> {
        let mut items = filter_ids(self.roles.clone(), &req.query_all("id"));
        if let Some(n) = req.query_one("name").filter(|n| !n.is_empty()) {
            items.retain(|r| name_matches(r["name"].as_str().unwrap_or(""), n));
        }
        let perms = req.query_all("permission");
        if !perms.is_empty() {
            items.retain(|r| {
                r["permissions"].as_array().is_some_and(|a| {
                    a.iter()
                        .any(|p| p.as_str().is_some_and(|p| perms.contains(&p)))
                })
            });
        }
        sort_by_name(&mut items, None);
        page(req, items, &["name", "id", "permission"]).map(|v| Outcome::Json(200, v))
    }

    fn list_simple(&self, req: &Req, kind: Kind) -> Result<Outcome, ApiError> {
        let mut items = filter_ids(self.list(kind).clone(), &req.query_all("id"));
        if let Some(n) = req.query_one("name").filter(|n| !n.is_empty()) {
            items.retain(|r| name_matches(r["name"].as_str().unwrap_or(""), n));
        }
        let divs = req.query_all("divisionId");
        if !divs.is_empty() {
            items.retain(|q| {
                q["division"]["id"]
                    .as_str()
                    .is_some_and(|d| divs.contains(&d))
            });
        }
        sort_by_name(&mut items, req.query_one("sortOrder"));
        page(req, items, &["name", "id", "divisionId", "sortOrder"]).map(|v| Outcome::Json(200, v))
    }

    fn list(&self, kind: Kind) -> &Vec<Value> {
        match kind {
            Kind::Role => &self.roles,
            Kind::Division => &self.divisions,
            Kind::Group => &self.groups,
            Kind::Queue => &self.queues,
        }
    }

    fn list_mut(&mut self, kind: Kind) -> &mut Vec<Value> {
        match kind {
            Kind::Role => &mut self.roles,
            Kind::Division => &mut self.divisions,
            Kind::Group => &mut self.groups,
            Kind::Queue => &mut self.queues,
        }
    }

    fn index(&self, req: &Req, kind: Kind) -> Result<usize, ApiError> {
        let id = req.path_param(kind.param());
        Store::find(self.list(kind), id).ok_or_else(|| ApiError::entity_not_found(kind.noun(), id))
    }

    fn get(&self, req: &Req, kind: Kind) -> Result<Outcome, ApiError> {
        let i = self.index(req, kind)?;
        Ok(Outcome::Json(200, self.list(kind)[i].clone()))
    }

    fn create(&mut self, req: &Req, kind: Kind) -> Result<Outcome, ApiError> {
        let body = req.body_obj();
        require_text(&body, "name")?;
        if kind == Kind::Group {
            require_text(&body, "type")?;
            require_text(&body, "visibility")?;
        }
        let name = body.get("name").and_then(Value::as_str).unwrap_or("");
        if !name.is_empty()
            && self.list(kind).iter().any(|e| {
                e["name"]
                    .as_str()
                    .is_some_and(|n| n.eq_ignore_ascii_case(name))
            })
        {
            return Err(ApiError::conflict(format!(
                "A {} named '{name}' already exists.",
                kind.noun()
            )));
        }
        let id = random_uuid();
        let mut obj = conform(req.spec, kind.def(), &body);
        obj.insert("id".into(), json!(id));
        obj.insert("selfUri".into(), json!(format!("{}/{id}", kind.base())));
        let now = now_iso();
        match kind {
            Kind::Role => {
                obj.insert("userCount".into(), json!(0));
                obj.insert("base".into(), json!(false));
                obj.insert("default".into(), json!(false));
                obj.insert("roleNeedsUpdate".into(), json!(false));
                obj.entry("permissions").or_insert(json!([]));
            }
            Kind::Division => {
                obj.insert("homeDivision".into(), json!(false));
                obj.insert("objectCounts".into(), json!({}));
            }
            Kind::Group => {
                obj.insert("version".into(), json!(1));
                obj.insert("state".into(), json!("active"));
                obj.insert("memberCount".into(), json!(0));
                obj.insert("dateModified".into(), json!(now));
                let owners: Vec<Value> = body
                    .get("ownerIds")
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(Value::as_str)
                            .map(|o| {
                                Store::find(&self.users, o)
                                    .map(|j| user_summary(&self.users[j]))
                                    .unwrap_or_else(|| json!({"id": o, "version": 1, "selfUri": format!("/api/v2/users/{o}")}))
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                obj.insert("owners".into(), json!(owners));
            }
            Kind::Queue => {
                obj.insert("dateCreated".into(), json!(now));
                obj.insert("dateModified".into(), json!(now));
                if let Some(u) = req.user_id {
                    obj.insert("createdBy".into(), json!(u));
                    obj.insert("modifiedBy".into(), json!(u));
                }
                for k in ["memberCount", "userMemberCount", "joinedMemberCount"] {
                    obj.insert(k.into(), json!(0));
                }
                let div = obj
                    .get("division")
                    .and_then(|d| d["id"].as_str())
                    .and_then(|id| self.divisions.iter().find(|d| d["id"].as_str() == Some(id)))
                    .map(division_ref)
                    .unwrap_or_else(|| self.home_division());
                obj.insert("division".into(), div);
            }
        }
        fill_required(req.spec, kind.def(), &mut obj, fnv1a(id.as_bytes()));
        let v = Value::Object(obj);
        self.list_mut(kind).push(v.clone());
        Ok(Outcome::Json(200, v))
    }

    fn update(&mut self, req: &Req, kind: Kind) -> Result<Outcome, ApiError> {
        let i = self.index(req, kind)?;
        let body = req.body_obj();
        // A PUT replaces: the name is needed (a group's PUT needs its version instead).
        if kind == Kind::Group {
            if body.get("version").is_none_or(Value::is_null) {
                return Err(ApiError::invalid_field(
                    "body.version",
                    "required property is missing",
                ));
            }
        } else if req.op_id.starts_with("put") {
            require_text(&body, "name")?;
        }
        let mut changes = conform(req.spec, kind.def(), &body);
        for k in [
            "id",
            "selfUri",
            "version",
            "homeDivision",
            "userCount",
            "memberCount",
        ] {
            changes.remove(k);
        }
        let current_version = self.list(kind)[i]["version"].as_i64();
        if let (Some(cur), Some(v)) = (current_version, body.get("version").and_then(Value::as_i64))
        {
            if cur != v {
                return Err(ApiError::conflict(format!(
                    "The version supplied ({v}) does not match the current version ({cur})."
                )));
            }
        }
        if kind == Kind::Queue {
            if let Some(div) = changes
                .get("division")
                .and_then(|d| d["id"].as_str())
                .and_then(|id| self.divisions.iter().find(|d| d["id"].as_str() == Some(id)))
                .map(division_ref)
            {
                changes.insert("division".into(), div);
            } else {
                changes.remove("division");
            }
            changes.insert("dateModified".into(), json!(now_iso()));
        }
        if kind == Kind::Group {
            changes.insert("dateModified".into(), json!(now_iso()));
        }
        let entry = &mut self.list_mut(kind)[i];
        for (k, v) in changes {
            entry[k.as_str()] = v;
        }
        if let Some(cur) = current_version {
            entry["version"] = json!(cur + 1);
        }
        Ok(Outcome::Json(200, entry.clone()))
    }

    fn delete(&mut self, req: &Req, kind: Kind) -> Result<Outcome, ApiError> {
        let i = self.index(req, kind)?;
        if kind == Kind::Division && self.divisions[i]["homeDivision"] == json!(true) {
            return Err(ApiError::bad_request(
                "The home division cannot be deleted.",
            ));
        }
        let removed = self.list_mut(kind).remove(i);
        if kind == Kind::Queue {
            if let Some(id) = removed["id"].as_str() {
                self.members.remove(id);
            }
        }
        if kind == Kind::Role {
            if let Some(id) = removed["id"].as_str() {
                for x in self.extras.values_mut() {
                    x.role_ids.retain(|r| r != id);
                }
            }
        }
        Ok(Outcome::NoContent)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Role,
    Division,
    Group,
    Queue,
}

impl Kind {
    fn def(self) -> &'static str {
        match self {
            Kind::Role => "DomainOrganizationRole",
            Kind::Division => "AuthzDivision",
            Kind::Group => "Group",
            Kind::Queue => "Queue",
        }
    }
    fn base(self) -> &'static str {
        match self {
            Kind::Role => "/api/v2/authorization/roles",
            Kind::Division => "/api/v2/authorization/divisions",
            Kind::Group => "/api/v2/groups",
            Kind::Queue => "/api/v2/routing/queues",
        }
    }
    fn param(self) -> &'static str {
        match self {
            Kind::Role => "roleId",
            Kind::Division => "divisionId",
            Kind::Group => "groupId",
            Kind::Queue => "queueId",
        }
    }
    fn noun(self) -> &'static str {
        match self {
            Kind::Role => "role",
            Kind::Division => "division",
            Kind::Group => "group",
            Kind::Queue => "queue",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::name_matches;

    #[test]
    fn wildcard_names() {
        assert!(name_matches("Support", "sup*"));
        assert!(name_matches("Email Support", "*support"));
        assert!(name_matches("Email Support", "port"));
        assert!(!name_matches("Sales", "sup*"));
        assert!(name_matches("Chat Support", "c*t*t"));
    }
}
