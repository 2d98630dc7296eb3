//! A user's sub-resources that clients write and read back: profile skills, routing skills,
//! routing languages, roles, queue memberships (from the user's side and the queue's) and
//! stations. What is written is what is read, by the sub-resource's own `GET` and by the
//! user's `expand` (`profileSkills`, `skills`, `languages`, `authorization`, `station`).
//!
//! Skills, languages and stations themselves are not kept: their names and types are the ones
//! the generated answers of `GET /api/v2/routing/skills/{id}`, `.../languages/{id}` and
//! `/api/v2/stations/{id}` give for the same id.

use serde_json::{json, Map, Value};

use crate::error::ApiError;
use crate::generate::{generate, GenOptions};
use crate::spec::Spec;
use crate::state::{page, require_text, sort_by_name, user_summary, Member, Outcome, Req, Store};
use crate::util::{fnv1a, mix, now_iso};

/// A routing skill or a routing language assigned to a user.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Assigned {
    Skill,
    Language,
}

impl Assigned {
    fn path(self) -> &'static str {
        match self {
            Assigned::Skill => "routingskills",
            Assigned::Language => "routinglanguages",
        }
    }
    fn param(self) -> &'static str {
        match self {
            Assigned::Skill => "skillId",
            Assigned::Language => "languageId",
        }
    }
    /// The operation answering the entity itself.
    fn entity_op(self) -> (&'static str, &'static str) {
        match self {
            Assigned::Skill => ("getRoutingSkill", "/api/v2/routing/skills"),
            Assigned::Language => ("getRoutingLanguage", "/api/v2/routing/languages"),
        }
    }
    fn uri_key(self) -> &'static str {
        match self {
            Assigned::Skill => "skillUri",
            Assigned::Language => "languageUri",
        }
    }
}

impl Store {
    /// The generated answer of `op_id` (a `GET .../{id}` of `base`) for `id`, as the API
    /// answers it.
    fn described(&self, spec: &Spec, op_id: &str, base: &str, id: &str) -> Value {
        let Some(schema) = spec.operation(op_id).and_then(|op| op.response.clone()) else {
            return json!({"id": id});
        };
        let seed = mix(
            mix(self.seed, fnv1a(op_id.as_bytes())),
            fnv1a(id.as_bytes()),
        );
        let opts = GenOptions {
            self_uri: Some(format!("{base}/{id}")),
            id: Some(id.to_string()),
            ..GenOptions::default()
        };
        generate(spec, &schema, seed, &opts)
    }

    /// Handles a user sub-resource operation, or returns `None` for the generator to answer.
    pub(crate) fn handle_user_resource(&mut self, req: &Req) -> Option<Result<Outcome, ApiError>> {
        let r = match req.op_id {
            "getUserProfileskills" => self
                .existing_user(req, "userId")
                .map(|uid| Outcome::Json(200, json!(self.extras_of(&uid).profile_skills))),
            "putUserProfileskills" => self.put_profile_skills(req),
            "getUserRoutingskills" => self.list_assigned(req, Assigned::Skill),
            "postUserRoutingskills" => self.post_assigned(req, Assigned::Skill),
            "putUserRoutingskill" => self.put_assigned(req, Assigned::Skill),
            "putUserRoutingskillsBulk" => self.bulk_assigned(req, Assigned::Skill, true),
            "patchUserRoutingskillsBulk" => self.bulk_assigned(req, Assigned::Skill, false),
            "deleteUserRoutingskill" => self.delete_assigned(req, Assigned::Skill),
            "getUserRoutinglanguages" => self.list_assigned(req, Assigned::Language),
            "postUserRoutinglanguages" => self.post_assigned(req, Assigned::Language),
            "patchUserRoutinglanguage" => self.put_assigned(req, Assigned::Language),
            "patchUserRoutinglanguagesBulk" => self.bulk_assigned(req, Assigned::Language, false),
            "deleteUserRoutinglanguage" => self.delete_assigned(req, Assigned::Language),
            "getUserRoles" => self
                .existing_user(req, "subjectId")
                .map(|uid| Outcome::Json(200, self.user_authorization(&uid))),
            "putUserRoles" => self.put_user_roles(req),
            "getUserQueues" => self.get_user_queues(req),
            "patchUserQueues" => self.patch_user_queues(req),
            "patchUserQueue" => self.patch_user_queue(req),
            "getRoutingQueueMembers" => self.get_queue_members(req),
            "postRoutingQueueMembers" => self.post_queue_members(req),
            "patchRoutingQueueMembers" => self.patch_queue_members(req),
            "patchRoutingQueueMember" => self.patch_queue_member(req),
            "deleteRoutingQueueMember" => self.delete_queue_member(req),
            "getUserStation" => self
                .existing_user(req, "userId")
                .map(|uid| Outcome::Json(200, self.user_stations(req.spec, &uid))),
            "putUserStationAssociatedstationStationId" => self.associate_station(req),
            "deleteUserStationAssociatedstation" => self.disassociate_station(req),
            "putUserStationDefaultstationStationId" => self.set_default_station(req, true),
            "deleteUserStationDefaultstation" => self.set_default_station(req, false),
            _ => return None,
        };
        Some(r)
    }

    /// A user's stored sub-resource as its `expand` shows it (`None`: not kept here).
    pub(crate) fn user_extra(&self, spec: &Spec, uid: &str, expand: &str) -> Option<Value> {
        let x = self.extras_of(uid);
        Some(match expand {
            "profileSkills" => json!(x.profile_skills),
            "skills" => json!(x.skills),
            "languages" => json!(x.languages),
            "authorization" => self.user_authorization(uid),
            "station" => self.user_stations(spec, uid),
            _ => return None,
        })
    }

    fn extras_of(&self, uid: &str) -> crate::state::UserExtras {
        self.extras.get(uid).cloned().unwrap_or_default()
    }

    /// The id of the (not deleted) user a path parameter names.
    fn existing_user(&self, req: &Req, param: &str) -> Result<String, ApiError> {
        let uid = req.path_param(param);
        self.user_index(uid)?;
        Ok(uid.to_string())
    }

    fn put_profile_skills(&mut self, req: &Req) -> Result<Outcome, ApiError> {
        let uid = self.existing_user(req, "userId")?;
        let skills: Vec<String> = req
            .body
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        self.extras.entry(uid).or_default().profile_skills = skills.clone();
        Ok(Outcome::Json(200, json!(skills)))
    }

    fn assigned_mut(&mut self, uid: &str, kind: Assigned) -> &mut Vec<Value> {
        let x = self.extras.entry(uid.to_string()).or_default();
        match kind {
            Assigned::Skill => &mut x.skills,
            Assigned::Language => &mut x.languages,
        }
    }

    /// A `UserRoutingSkill` / `UserRoutingLanguage` from a request object, or the field that is
    /// wrong (`at` names it).
    fn assignment(
        &self,
        spec: &Spec,
        (uid, kind): (&str, Assigned),
        id: &str,
        body: &Map<String, Value>,
        at: &str,
        current: Option<&Value>,
    ) -> Result<Value, ApiError> {
        let proficiency = match body.get("proficiency").and_then(Value::as_f64) {
            Some(p) if (0.0..=5.0).contains(&p) => p,
            Some(p) => {
                return Err(ApiError::invalid_field(
                    &format!("{at}.proficiency"),
                    &format!("{p} is not between 0 and 5"),
                ))
            }
            None => match current.and_then(|c| c["proficiency"].as_f64()) {
                Some(p) => p,
                None => {
                    return Err(ApiError::invalid_field(
                        &format!("{at}.proficiency"),
                        "required property is missing",
                    ))
                }
            },
        };
        let state = body
            .get("state")
            .and_then(Value::as_str)
            .or_else(|| current.and_then(|c| c["state"].as_str()))
            .unwrap_or("active");
        let (op, base) = kind.entity_op();
        let entity = self.described(spec, op, base, id);
        Ok(json!({
            "id": id,
            "name": entity["name"],
            "proficiency": proficiency,
            "state": state,
            kind.uri_key(): format!("{base}/{id}"),
            "selfUri": format!("/api/v2/users/{uid}/{}/{id}", kind.path()),
        }))
    }

    fn list_assigned(&self, req: &Req, kind: Assigned) -> Result<Outcome, ApiError> {
        let uid = self.existing_user(req, "userId")?;
        let x = self.extras_of(&uid);
        let mut items = match kind {
            Assigned::Skill => x.skills,
            Assigned::Language => x.languages,
        };
        sort_by_name(&mut items, req.query_one("sortOrder"));
        page(req, items, &["sortOrder"]).map(|v| Outcome::Json(200, v))
    }

    /// Adds an assignment, or replaces the one with the same id.
    fn upsert(&mut self, uid: &str, kind: Assigned, v: Value) {
        let list = self.assigned_mut(uid, kind);
        match list.iter_mut().find(|e| e["id"] == v["id"]) {
            Some(e) => *e = v,
            None => list.push(v),
        }
    }

    fn post_assigned(&mut self, req: &Req, kind: Assigned) -> Result<Outcome, ApiError> {
        let uid = self.existing_user(req, "userId")?;
        let body = req.body_obj();
        let id = require_text(&body, "id")?;
        let v = self.assignment(req.spec, (&uid, kind), &id, &body, "body", None)?;
        self.upsert(&uid, kind, v.clone());
        Ok(Outcome::Json(200, v))
    }

    /// `PUT .../routingskills/{skillId}`, `PATCH .../routinglanguages/{languageId}`: the
    /// proficiency or the state of one assignment (made if there is none).
    fn put_assigned(&mut self, req: &Req, kind: Assigned) -> Result<Outcome, ApiError> {
        let uid = self.existing_user(req, "userId")?;
        let id = req.path_param(kind.param()).to_string();
        let x = self.extras_of(&uid);
        let list = match kind {
            Assigned::Skill => x.skills,
            Assigned::Language => x.languages,
        };
        let current = list.into_iter().find(|e| e["id"] == json!(id));
        let body = req.body_obj();
        let v = self.assignment(req.spec, (&uid, kind), &id, &body, "body", current.as_ref())?;
        self.upsert(&uid, kind, v.clone());
        Ok(Outcome::Json(200, v))
    }

    /// `PATCH .../bulk` adds or updates the listed assignments; `PUT .../bulk` replaces them
    /// all. Answers the user's assignments.
    fn bulk_assigned(
        &mut self,
        req: &Req,
        kind: Assigned,
        replace: bool,
    ) -> Result<Outcome, ApiError> {
        let uid = self.existing_user(req, "userId")?;
        let items = req
            .body
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let mut new = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let at = format!("body[{i}]");
            let obj = item.as_object().cloned().unwrap_or_default();
            let Some(id) = obj
                .get("id")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
            else {
                return Err(ApiError::invalid_field(
                    &format!("{at}.id"),
                    "required property is missing",
                ));
            };
            new.push(self.assignment(req.spec, (&uid, kind), id, &obj, &at, None)?);
        }
        if replace {
            self.assigned_mut(&uid, kind).clear();
        }
        for v in new {
            self.upsert(&uid, kind, v);
        }
        self.list_assigned(req, kind)
    }

    /// Removes an assignment; removing one the user does not have is not an error.
    fn delete_assigned(&mut self, req: &Req, kind: Assigned) -> Result<Outcome, ApiError> {
        let uid = self.existing_user(req, "userId")?;
        let id = req.path_param(kind.param()).to_string();
        self.assigned_mut(&uid, kind)
            .retain(|e| e["id"] != json!(id));
        Ok(Outcome::NoContent)
    }

    /// `UserAuthorization`: the user's roles and the permissions they grant.
    fn user_authorization(&self, uid: &str) -> Value {
        let x = self.extras_of(uid);
        let mut roles = Vec::new();
        let mut permissions: Vec<String> = Vec::new();
        for id in &x.role_ids {
            if let Some(r) = self.roles.iter().find(|r| r["id"].as_str() == Some(id)) {
                roles.push(json!({"id": r["id"], "name": r["name"]}));
                for p in r["permissions"].as_array().into_iter().flatten() {
                    if let Some(p) = p.as_str().filter(|p| !permissions.iter().any(|q| q == p)) {
                        permissions.push(p.to_string());
                    }
                }
            }
        }
        json!({"roles": roles, "unusedRoles": [], "permissions": permissions, "permissionPolicies": []})
    }

    /// `PUT /api/v2/users/{subjectId}/roles`: the user's roles become the listed ones.
    fn put_user_roles(&mut self, req: &Req) -> Result<Outcome, ApiError> {
        let uid = self.existing_user(req, "subjectId")?;
        let ids: Vec<&str> = req
            .body
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut role_ids: Vec<String> = Vec::with_capacity(ids.len());
        for (i, id) in ids.iter().enumerate() {
            if Store::find(&self.roles, id).is_none() {
                return Err(ApiError::invalid_field(
                    &format!("body[{i}]"),
                    &format!("no role has the id '{id}'"),
                ));
            }
            if !role_ids.iter().any(|r| r == id) {
                role_ids.push(id.to_string());
            }
        }
        self.extras.entry(uid.clone()).or_default().role_ids = role_ids;
        Ok(Outcome::Json(200, self.user_authorization(&uid)))
    }

    fn queue_index(&self, req: &Req) -> Result<usize, ApiError> {
        let id = req.path_param("queueId");
        Store::find(&self.queues, id).ok_or_else(|| ApiError::entity_not_found("queue", id))
    }

    fn member_of(&self, queue: &str, uid: &str) -> Option<&Member> {
        self.members.get(queue)?.iter().find(|m| m.user_id == uid)
    }

    /// Keeps the queue's member counts equal to its members.
    pub(crate) fn recount(&mut self, queue: &str) {
        let members = self
            .members
            .get(queue)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let total = members.len();
        let joined = members.iter().filter(|m| m.joined).count();
        if let Some(i) = Store::find(&self.queues, queue) {
            let q = &mut self.queues[i];
            q["memberCount"] = json!(total);
            q["userMemberCount"] = json!(total);
            q["joinedMemberCount"] = json!(joined);
        }
    }

    pub(crate) fn remove_member(&mut self, queue: &str, uid: &str) {
        if let Some(m) = self.members.get_mut(queue) {
            let before = m.len();
            m.retain(|m| m.user_id != uid);
            if m.len() != before {
                self.recount(queue);
            }
        }
    }

    /// A queue as `UserQueue`: the queue's properties that model declares, and `joined`.
    fn user_queue(&self, spec: &Spec, q: &Value, joined: bool) -> Value {
        let mut v = q.clone();
        if let (Value::Object(m), Some(d)) = (&mut v, spec.definition("UserQueue")) {
            m.retain(|k, _| d.property(k).is_some());
            m.insert("joined".into(), json!(joined));
        }
        v
    }

    fn get_user_queues(&self, req: &Req) -> Result<Outcome, ApiError> {
        let uid = self.existing_user(req, "userId")?;
        let joined = req
            .query_one("joined")
            .map(|j| j.eq_ignore_ascii_case("true"));
        let divisions = req.query_all("divisionId");
        let mut items: Vec<Value> = self
            .queues
            .iter()
            .filter_map(|q| {
                let m = self.member_of(q["id"].as_str()?, &uid)?;
                let wanted = joined.is_none_or(|j| j == m.joined)
                    && (divisions.is_empty()
                        || q["division"]["id"]
                            .as_str()
                            .is_some_and(|d| divisions.contains(&d)));
                wanted.then(|| self.user_queue(req.spec, q, m.joined))
            })
            .collect();
        sort_by_name(&mut items, None);
        page(req, items, &["joined", "divisionId"]).map(|v| Outcome::Json(200, v))
    }

    /// Sets `joined` on the user's membership of `queue`; `at` names the field for errors.
    fn set_joined(
        &mut self,
        queue: &str,
        uid: &str,
        joined: Option<bool>,
        at: &str,
    ) -> Result<bool, ApiError> {
        let Some(m) = self
            .members
            .get_mut(queue)
            .and_then(|m| m.iter_mut().find(|m| m.user_id == uid))
        else {
            return Err(ApiError::invalid_field(
                at,
                &format!("the user {uid} is not a member of the queue {queue}"),
            ));
        };
        if let Some(j) = joined {
            m.joined = j;
        }
        let joined = m.joined;
        self.recount(queue);
        Ok(joined)
    }

    /// `PATCH /api/v2/users/{userId}/queues`: joins or leaves the listed queues; answers them.
    fn patch_user_queues(&mut self, req: &Req) -> Result<Outcome, ApiError> {
        let uid = self.existing_user(req, "userId")?;
        let items = req
            .body
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        // Every item is checked before any is applied.
        for (i, item) in items.iter().enumerate() {
            let q = item["id"].as_str().unwrap_or("");
            if self.member_of(q, &uid).is_none() {
                return Err(ApiError::invalid_field(
                    &format!("body[{i}].id"),
                    &format!("the user {uid} is not a member of the queue '{q}'"),
                ));
            }
        }
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let q = item["id"].as_str().unwrap_or("").to_string();
            let joined =
                self.set_joined(&q, &uid, item["joined"].as_bool(), &format!("body[{i}].id"))?;
            if let Some(j) = Store::find(&self.queues, &q) {
                out.push(self.user_queue(req.spec, &self.queues[j], joined));
            }
        }
        page(req, out, &[]).map(|v| Outcome::Json(200, v))
    }

    fn patch_user_queue(&mut self, req: &Req) -> Result<Outcome, ApiError> {
        let uid = self.existing_user(req, "userId")?;
        let qi = self.queue_index(req)?;
        let q = self.queues[qi]["id"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let joined = req.body.and_then(|b| b["joined"].as_bool());
        let joined = self.set_joined(&q, &uid, joined, "queueId")?;
        Ok(Outcome::Json(
            200,
            self.user_queue(req.spec, &self.queues[qi], joined),
        ))
    }

    fn queue_member(&self, queue: &str, m: &Member) -> Option<Value> {
        let u = &self.users[self.user_index(&m.user_id).ok()?];
        Some(json!({
            "id": m.user_id,
            "name": u["name"],
            "user": user_summary(u),
            "ringNumber": 1,
            "joined": m.joined,
            "memberBy": "user",
            "selfUri": format!("/api/v2/routing/queues/{queue}/members/{}", m.user_id),
        }))
    }

    fn get_queue_members(&self, req: &Req) -> Result<Outcome, ApiError> {
        let qi = self.queue_index(req)?;
        let q = self.queues[qi]["id"].as_str().unwrap_or_default();
        let joined = req
            .query_one("joined")
            .map(|j| j.eq_ignore_ascii_case("true"));
        let name = req.query_one("name").map(str::to_lowercase);
        let mut items: Vec<Value> = self
            .members
            .get(q)
            .into_iter()
            .flatten()
            .filter(|m| joined.is_none_or(|j| j == m.joined))
            .filter_map(|m| self.queue_member(q, m))
            .filter(|m| {
                name.as_ref().is_none_or(|n| {
                    m["name"]
                        .as_str()
                        .is_some_and(|s| s.to_lowercase().contains(n.as_str()))
                })
            })
            .collect();
        sort_by_name(&mut items, req.query_one("sortOrder"));
        page(req, items, &["joined", "name", "sortOrder"]).map(|v| Outcome::Json(200, v))
    }

    /// `POST /api/v2/routing/queues/{queueId}/members`: adds the listed users (not joined), or
    /// removes them with `delete=true`. At most 100 per request, as the service allows.
    fn post_queue_members(&mut self, req: &Req) -> Result<Outcome, ApiError> {
        let qi = self.queue_index(req)?;
        let q = self.queues[qi]["id"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let delete = req
            .query_one("delete")
            .is_some_and(|d| d.eq_ignore_ascii_case("true"));
        let items = req
            .body
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        if items.len() > 100 {
            return Err(ApiError::invalid_field(
                "body",
                "at most 100 members per request",
            ));
        }
        let mut ids = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let id = item["id"].as_str().unwrap_or("");
            if !delete && self.user_index(id).is_err() {
                return Err(ApiError::invalid_field(
                    &format!("body[{i}].id"),
                    &format!("no user has the id '{id}'"),
                ));
            }
            ids.push(id.to_string());
        }
        for id in ids {
            if delete {
                self.remove_member(&q, &id);
            } else if self.member_of(&q, &id).is_none() {
                self.members.entry(q.clone()).or_default().push(Member {
                    user_id: id,
                    joined: false,
                });
            }
        }
        self.recount(&q);
        Ok(Outcome::NoContent)
    }

    /// `PATCH /api/v2/routing/queues/{queueId}/members`: `joined` of the listed members;
    /// answers them.
    fn patch_queue_members(&mut self, req: &Req) -> Result<Outcome, ApiError> {
        let qi = self.queue_index(req)?;
        let q = self.queues[qi]["id"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let items = req
            .body
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for (i, item) in items.iter().enumerate() {
            let id = item["id"].as_str().unwrap_or("");
            if self.member_of(&q, id).is_none() {
                return Err(ApiError::invalid_field(
                    &format!("body[{i}].id"),
                    &format!("the user '{id}' is not a member of the queue {q}"),
                ));
            }
        }
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let id = item["id"].as_str().unwrap_or("").to_string();
            let joined =
                self.set_joined(&q, &id, item["joined"].as_bool(), &format!("body[{i}].id"))?;
            let m = Member {
                user_id: id,
                joined,
            };
            out.extend(self.queue_member(&q, &m));
        }
        page(req, out, &[]).map(|v| Outcome::Json(200, v))
    }

    fn patch_queue_member(&mut self, req: &Req) -> Result<Outcome, ApiError> {
        let qi = self.queue_index(req)?;
        let q = self.queues[qi]["id"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let uid = req.path_param("memberId").to_string();
        let joined = req.body.and_then(|b| b["joined"].as_bool());
        self.set_joined(&q, &uid, joined, "memberId")
            .map_err(|_| ApiError::entity_not_found("queue member", &uid))?;
        Ok(Outcome::NoContent)
    }

    /// Removes a member; removing a user who is not one is not an error.
    fn delete_queue_member(&mut self, req: &Req) -> Result<Outcome, ApiError> {
        let qi = self.queue_index(req)?;
        let q = self.queues[qi]["id"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        self.remove_member(&q, req.path_param("memberId"));
        Ok(Outcome::NoContent)
    }

    /// A station as `UserStation`, described as `GET /api/v2/stations/{id}` describes it.
    fn user_station(
        &self,
        spec: &Spec,
        id: &str,
        associated: Option<(&str, &str)>,
        default_user: Option<&str>,
    ) -> Value {
        let s = self.described(spec, "getStation", "/api/v2/stations", id);
        let mut v = json!({"id": id, "name": s["name"], "type": s["type"]});
        if let Some(n) = s["webRtcCallAppearances"].as_i64() {
            v["webRtcCallAppearances"] = json!(n);
        }
        let summary = |uid: &str| {
            self.user_index(uid)
                .map(|i| user_summary(&self.users[i]))
                .unwrap_or_else(
                    |_| json!({"id": uid, "version": 1, "selfUri": format!("/api/v2/users/{uid}")}),
                )
        };
        if let Some((uid, date)) = associated {
            v["associatedUser"] = summary(uid);
            v["associatedDate"] = json!(date);
        }
        if let Some(uid) = default_user {
            v["defaultUser"] = summary(uid);
        }
        v
    }

    /// `UserStations`: the associated, default, effective (associated, else default) and last
    /// associated stations; absent ones are left out.
    fn user_stations(&self, spec: &Spec, uid: &str) -> Value {
        let x = self.extras_of(uid);
        let mut v = json!({});
        let station = |id: &str| {
            let assoc = self.extras.iter().find_map(|(u, e)| {
                e.associated_station
                    .as_ref()
                    .filter(|(s, _)| s == id)
                    .map(|(_, d)| (u.as_str(), d.as_str()))
            });
            let default_user = self
                .extras
                .iter()
                .find(|(_, e)| e.default_station.as_deref() == Some(id))
                .map(|(u, _)| u.as_str());
            self.user_station(spec, id, assoc, default_user)
        };
        if let Some((id, _)) = &x.associated_station {
            v["associatedStation"] = station(id);
        }
        if let Some(id) = &x.default_station {
            v["defaultStation"] = station(id);
        }
        if let Some(id) = x
            .associated_station
            .as_ref()
            .map(|(s, _)| s)
            .or(x.default_station.as_ref())
        {
            v["effectiveStation"] = station(id);
        }
        if let Some(id) = &x.last_associated_station {
            v["lastAssociatedStation"] = station(id);
        }
        v
    }

    /// Associates a station with the user, taking it from a user who had it.
    fn associate_station(&mut self, req: &Req) -> Result<Outcome, ApiError> {
        let uid = self.existing_user(req, "userId")?;
        let station = req.path_param("stationId").to_string();
        for (u, x) in self.extras.iter_mut() {
            if *u != uid
                && x.associated_station
                    .as_ref()
                    .is_some_and(|(s, _)| *s == station)
            {
                x.associated_station = None;
                x.last_associated_station = Some(station.clone());
            }
        }
        let x = self.extras.entry(uid).or_default();
        if let Some((old, _)) = x.associated_station.take().filter(|(s, _)| *s != station) {
            x.last_associated_station = Some(old);
        }
        x.associated_station = Some((station, now_iso()));
        Ok(Outcome::NoContent)
    }

    fn disassociate_station(&mut self, req: &Req) -> Result<Outcome, ApiError> {
        let uid = self.existing_user(req, "userId")?;
        let x = self.extras.entry(uid).or_default();
        if let Some((old, _)) = x.associated_station.take() {
            x.last_associated_station = Some(old);
        }
        Ok(Outcome::NoContent)
    }

    fn set_default_station(&mut self, req: &Req, set: bool) -> Result<Outcome, ApiError> {
        let uid = self.existing_user(req, "userId")?;
        let station = set.then(|| req.path_param("stationId").to_string());
        if let Some(s) = &station {
            // A station is the default station of one user at most.
            for x in self.extras.values_mut() {
                if x.default_station.as_ref() == Some(s) {
                    x.default_station = None;
                }
            }
        }
        self.extras.entry(uid).or_default().default_station = station;
        Ok(Outcome::NoContent)
    }
}
