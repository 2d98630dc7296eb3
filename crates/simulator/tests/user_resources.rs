//! A user's life as the official SDKs' integration tests drive it, deleted users, and the user
//! sub-resources that read back as written: profile skills, routing skills and languages,
//! roles, queue memberships, stations.

mod common;

use common::*;
use purecloud_simulator::DEFAULT_USER_ID;
use serde_json::{json, Value};

async fn delete(http: &Http, path: &str, token: &str) -> Resp {
    let auth = format!("Bearer {token}");
    http.send("DELETE", path, &[("authorization", &auth)], None)
        .await
}

fn ok(r: Resp) -> Value {
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()
}

/// The flow of the official SDKs' own integration tests: a user from a name, an email and a
/// password only, its department patched at version 1, profile skills put and read back, the
/// user read with `expand=profileSkills,dateLastLogin`, then deleted.
#[tokio::test]
async fn the_official_sdks_integration_flow() {
    let sim = start().await;
    let http = Http::for_sim(&sim);
    // Their tests log in with client credentials: no user context.
    let token = sim.issue_token(None);

    let created = ok(http
        .json(
            "POST",
            "/api/v2/users",
            &token,
            &json!({"name": "Sdk Tester", "email": "5b0a@sdk.example.com", "password": "a!@#$1234asdfASDF"}),
        )
        .await);
    let id = created["id"].as_str().unwrap().to_string();
    assert_eq!(created["name"], "Sdk Tester");
    assert_eq!(created["email"], "5b0a@sdk.example.com");
    assert_eq!(created["version"], 1);
    // No divisionId: the home division.
    let home = ok(http
        .get("/api/v2/authorization/divisions/home", &token)
        .await);
    assert_eq!(created["division"]["id"], home["id"]);
    assert!(created.get("password").is_none());

    let patched = ok(http
        .json(
            "PATCH",
            &format!("/api/v2/users/{id}"),
            &token,
            &json!({"department": "Ministry of Testing", "version": 1}),
        )
        .await);
    assert_eq!(patched["id"], id.as_str());
    assert_eq!(patched["name"], "Sdk Tester");
    assert_eq!(patched["email"], "5b0a@sdk.example.com");
    assert_eq!(patched["department"], "Ministry of Testing");

    let skills = ok(http
        .json(
            "PUT",
            &format!("/api/v2/users/{id}/profileskills"),
            &token,
            &json!(["Testmaster"]),
        )
        .await);
    assert_eq!(skills, json!(["Testmaster"]));
    assert_eq!(
        ok(http
            .get(&format!("/api/v2/users/{id}/profileskills"), &token)
            .await),
        json!(["Testmaster"])
    );

    // The Python SDK joins the expands with a comma; the JS SDK repeats the parameter.
    for q in [
        "expand=profileSkills%2CdateLastLogin",
        "expand=profileSkills&expand=dateLastLogin",
    ] {
        let user = ok(http.get(&format!("/api/v2/users/{id}?{q}"), &token).await);
        assert_eq!(user["department"], "Ministry of Testing");
        assert_eq!(user["profileSkills"], json!(["Testmaster"]), "{q}");
        assert!(user["dateLastLogin"].is_string(), "{user}");
    }
    // Without the expand, no profile skills.
    let plain = ok(http.get(&format!("/api/v2/users/{id}"), &token).await);
    assert!(plain.get("profileSkills").is_none());

    let r = delete(&http, &format!("/api/v2/users/{id}"), &token).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_error(
        &http.get(&format!("/api/v2/users/{id}"), &token).await,
        404,
        "not.found",
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn creating_a_user_needs_a_name_and_an_email_only() {
    let sim = start().await;
    let http = Http::for_sim(&sim);
    let token = sim.issue_token(None);
    for (body, field) in [
        (json!({"email": "a@example.com"}), "body.name"),
        (json!({"name": "A", "email": " "}), "body.email"),
        (json!({"name": "A", "email": 5}), "body.email"),
    ] {
        let e = assert_error(
            &http.json("POST", "/api/v2/users", &token, &body).await,
            400,
            "bad.request",
        );
        assert_eq!(e["messageParams"]["field"], field, "{e}");
    }
    // A version is what a PATCH of a user needs.
    let e = assert_error(
        &http
            .json(
                "PATCH",
                &format!("/api/v2/users/{DEFAULT_USER_ID}"),
                &token,
                &json!({"department": "x"}),
            )
            .await,
        400,
        "bad.request",
    );
    assert_eq!(e["messageParams"]["field"], "body.version");
    sim.shutdown().await;
}

#[tokio::test]
async fn deleted_users_are_listed_with_state_deleted_and_can_be_restored() {
    let sim = start().await;
    let http = Http::for_sim(&sim);
    let token = sim.issue_token(None);
    let u = ok(http
        .json(
            "POST",
            "/api/v2/users",
            &token,
            &json!({"name": "Gone Soon", "email": "gone.soon@example.com"}),
        )
        .await);
    let id = u["id"].as_str().unwrap().to_string();
    let deleted_list = |v: &Value| -> Vec<String> {
        v["entities"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(deleted_list(&ok(http.get("/api/v2/users?state=deleted", &token).await)).is_empty());

    let r = delete(&http, &format!("/api/v2/users/{id}"), &token).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["state"], "deleted");

    let listed = ok(http.get("/api/v2/users?state=deleted", &token).await);
    assert_eq!(deleted_list(&listed), vec![id.clone()]);
    assert_eq!(listed["total"], 1);
    assert_eq!(listed["entities"][0]["state"], "deleted");
    assert_eq!(listed["entities"][0]["name"], "Gone Soon");
    assert_eq!(
        listed["selfUri"],
        "/api/v2/users?pageSize=25&pageNumber=1&state=deleted"
    );
    // Not among the active users, not readable or writable by default, not deletable twice.
    let active = ok(http.get("/api/v2/users?pageSize=100", &token).await);
    assert!(!deleted_list(&active).contains(&id));
    assert_error(
        &http.get(&format!("/api/v2/users/{id}"), &token).await,
        404,
        "not.found",
    );
    assert_error(
        &delete(&http, &format!("/api/v2/users/{id}"), &token).await,
        404,
        "not.found",
    );
    assert_error(
        &http
            .get(&format!("/api/v2/users/{id}/profileskills"), &token)
            .await,
        404,
        "not.found",
    );
    let got = ok(http
        .get(&format!("/api/v2/users/{id}?state=deleted"), &token)
        .await);
    assert_eq!(got["state"], "deleted");
    // The email is free again.
    ok(http
        .json(
            "POST",
            "/api/v2/users",
            &token,
            &json!({"name": "Gone Soon 2", "email": "gone.soon@example.com"}),
        )
        .await);

    // PATCH with a state: the only change; `deleted` is refused, `active` restores.
    let e = assert_error(
        &http
            .json(
                "PATCH",
                &format!("/api/v2/users/{DEFAULT_USER_ID}"),
                &token,
                &json!({"state": "deleted", "version": 1}),
            )
            .await,
        400,
        "bad.request",
    );
    assert_eq!(e["messageParams"]["field"], "body.state");
    let restored = ok(http
        .json(
            "PATCH",
            &format!("/api/v2/users/{id}"),
            &token,
            &json!({"state": "active", "version": got["version"], "title": "ignored"}),
        )
        .await);
    assert_eq!(restored["state"], "active");
    assert_ne!(restored["title"], "ignored");
    ok(http.get(&format!("/api/v2/users/{id}"), &token).await);
    assert!(deleted_list(&ok(http.get("/api/v2/users?state=deleted", &token).await)).is_empty());
    sim.shutdown().await;
}

#[tokio::test]
async fn routing_skills_and_languages_read_back_as_written() {
    let sim = start().await;
    let http = Http::for_sim(&sim);
    let token = sim.issue_token(None);
    let base = format!("/api/v2/users/{DEFAULT_USER_ID}");
    let (s1, s2, s3) = (
        "11111111-1111-4111-8111-111111111111",
        "22222222-2222-4222-8222-222222222222",
        "33333333-3333-4333-8333-333333333333",
    );
    assert_eq!(
        ok(http.get(&format!("{base}/routingskills"), &token).await)["total"],
        0
    );
    let a = ok(http
        .json(
            "POST",
            &format!("{base}/routingskills"),
            &token,
            &json!({"id": s1, "proficiency": 4.5}),
        )
        .await);
    assert_eq!(a["id"], s1);
    assert_eq!(a["proficiency"], 4.5);
    assert_eq!(a["state"], "active");
    assert_eq!(a["skillUri"], format!("/api/v2/routing/skills/{s1}"));
    // The name is the one the skill's own answer gives.
    let skill = ok(http
        .get(&format!("/api/v2/routing/skills/{s1}"), &token)
        .await);
    assert_eq!(a["name"], skill["name"]);

    let p = ok(http
        .json(
            "PUT",
            &format!("{base}/routingskills/{s1}"),
            &token,
            &json!({"proficiency": 2}),
        )
        .await);
    assert_eq!(p["proficiency"], 2.0);
    let listing = ok(http
        .json(
            "PATCH",
            &format!("{base}/routingskills/bulk"),
            &token,
            &json!([{"id": s2, "proficiency": 1}, {"id": s3, "proficiency": 3}]),
        )
        .await);
    assert_eq!(listing["total"], 3);
    let by_id = |v: &Value, id: &str| {
        v["entities"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["id"] == id)
            .cloned()
    };
    assert_eq!(by_id(&listing, s1).unwrap()["proficiency"], 2.0);
    let r = delete(&http, &format!("{base}/routingskills/{s2}"), &token).await;
    assert_eq!(r.status, 204);
    let user = ok(http.get(&format!("{base}?expand=skills"), &token).await);
    let ids: Vec<&str> = user["skills"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 2);
    assert!(ids.contains(&s1) && ids.contains(&s3));
    // PUT bulk replaces.
    let replaced = ok(http
        .json(
            "PUT",
            &format!("{base}/routingskills/bulk"),
            &token,
            &json!([{"id": s2, "proficiency": 5}]),
        )
        .await);
    assert_eq!(replaced["total"], 1);
    assert_eq!(by_id(&replaced, s2).unwrap()["proficiency"], 5.0);
    for (body, field) in [
        (json!({"id": s1, "proficiency": 6}), "body.proficiency"),
        (json!({"proficiency": 1}), "body.id"),
    ] {
        let e = assert_error(
            &http
                .json("POST", &format!("{base}/routingskills"), &token, &body)
                .await,
            400,
            "bad.request",
        );
        assert_eq!(e["messageParams"]["field"], field);
    }

    // Languages.
    let l = ok(http
        .json(
            "POST",
            &format!("{base}/routinglanguages"),
            &token,
            &json!({"id": s1, "proficiency": 3}),
        )
        .await);
    assert_eq!(l["languageUri"], format!("/api/v2/routing/languages/{s1}"));
    let l = ok(http
        .json(
            "PATCH",
            &format!("{base}/routinglanguages/{s1}"),
            &token,
            &json!({"proficiency": 1, "state": "inactive"}),
        )
        .await);
    assert_eq!(
        (l["proficiency"].as_f64(), l["state"].as_str()),
        (Some(1.0), Some("inactive"))
    );
    let listing = ok(http.get(&format!("{base}/routinglanguages"), &token).await);
    assert_eq!(listing["entities"], json!([l]));
    let user = ok(http.get(&format!("{base}?expand=languages"), &token).await);
    assert_eq!(user["languages"], json!([l]));
    assert_eq!(
        delete(&http, &format!("{base}/routinglanguages/{s1}"), &token)
            .await
            .status,
        204
    );
    assert_eq!(
        ok(http.get(&format!("{base}/routinglanguages"), &token).await)["total"],
        0
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn roles_read_back_as_written() {
    let sim = start().await;
    let http = Http::for_sim(&sim);
    let token = sim.issue_token(None);
    let roles = ok(http.get("/api/v2/authorization/roles", &token).await);
    let role = |name: &str| {
        roles["entities"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == name)
            .cloned()
            .unwrap()
    };
    let (supervisor, agent) = (role("Supervisor"), role("Agent"));
    let path = format!("/api/v2/users/{DEFAULT_USER_ID}/roles");
    // The organization's default roles to start with.
    let before = ok(http.get(&path, &token).await);
    let mut names: Vec<&str> = before["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["admin", "employee"]);

    let after = ok(http
        .json(
            "PUT",
            &path,
            &token,
            &json!([supervisor["id"], agent["id"]]),
        )
        .await);
    assert_eq!(
        after["roles"],
        json!([
            {"id": supervisor["id"], "name": "Supervisor"},
            {"id": agent["id"], "name": "Agent"}
        ])
    );
    // The permissions are the roles' own.
    let mut expected: Vec<Value> = supervisor["permissions"].as_array().unwrap().clone();
    for p in agent["permissions"].as_array().unwrap() {
        if !expected.contains(p) {
            expected.push(p.clone());
        }
    }
    assert_eq!(after["permissions"], json!(expected));
    assert_eq!(ok(http.get(&path, &token).await), after);
    let user = ok(http
        .get(
            &format!("/api/v2/users/{DEFAULT_USER_ID}?expand=authorization"),
            &token,
        )
        .await);
    assert_eq!(user["authorization"], after);

    let e = assert_error(
        &http
            .json("PUT", &path, &token, &json!([agent["id"], "no-such-role"]))
            .await,
        400,
        "bad.request",
    );
    assert_eq!(e["messageParams"]["field"], "body[1]");
    assert_eq!(ok(http.get(&path, &token).await), after);
    // A deleted role leaves the users who had it.
    let r = delete(
        &http,
        &format!(
            "/api/v2/authorization/roles/{}",
            agent["id"].as_str().unwrap()
        ),
        &token,
    )
    .await;
    assert_eq!(r.status, 204);
    assert_eq!(
        ok(http.get(&path, &token).await)["roles"],
        json!([{"id": supervisor["id"], "name": "Supervisor"}])
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn queue_memberships_read_back_from_both_sides() {
    let sim = start().await;
    let http = Http::for_sim(&sim);
    let token = sim.issue_token(None);
    let queue =
        ok(http.get("/api/v2/routing/queues?name=VIP", &token).await)["entities"][0].clone();
    let q = queue["id"].as_str().unwrap().to_string();
    let user = ok(http
        .json(
            "POST",
            "/api/v2/users",
            &token,
            &json!({"name": "Queue Person", "email": "queue.person@example.com"}),
        )
        .await);
    let uid = user["id"].as_str().unwrap().to_string();
    let members_path = format!("/api/v2/routing/queues/{q}/members");
    let member_ids = |v: &Value| -> Vec<String> {
        v["entities"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["id"].as_str().unwrap().to_string())
            .collect()
    };
    let before = ok(http
        .get(&format!("{members_path}?pageSize=100"), &token)
        .await);
    let count = member_ids(&before).len();
    assert_eq!(queue["memberCount"], count);
    assert!(member_ids(&before).contains(&DEFAULT_USER_ID.to_string()));
    assert_eq!(
        ok(http
            .get(&format!("/api/v2/users/{uid}/queues"), &token)
            .await)["total"],
        0
    );

    // Added from the queue's side: not joined yet.
    let r = http
        .json("POST", &members_path, &token, &json!([{"id": uid}]))
        .await;
    assert_eq!(r.status, 204, "{}", r.text());
    let mine = ok(http
        .get(&format!("/api/v2/users/{uid}/queues"), &token)
        .await);
    assert_eq!(mine["total"], 1);
    assert_eq!(mine["entities"][0]["id"], q.as_str());
    assert_eq!(mine["entities"][0]["name"], "VIP");
    assert_eq!(mine["entities"][0]["joined"], false);
    let q_now = ok(http
        .get(&format!("/api/v2/routing/queues/{q}"), &token)
        .await);
    assert_eq!(q_now["memberCount"], count + 1);

    // Joined from the user's side, seen from the queue's.
    let joined_before = q_now["joinedMemberCount"].as_u64().unwrap();
    let r = ok(http
        .json(
            "PATCH",
            &format!("/api/v2/users/{uid}/queues/{q}"),
            &token,
            &json!({"joined": true}),
        )
        .await);
    assert_eq!(r["joined"], true);
    let joined = ok(http
        .get(&format!("{members_path}?joined=true&pageSize=100"), &token)
        .await);
    assert!(member_ids(&joined).contains(&uid));
    let me = joined["entities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == uid.as_str())
        .unwrap();
    assert_eq!(me["name"], "Queue Person");
    assert_eq!(me["user"]["id"], uid.as_str());
    assert_eq!(
        ok(http
            .get(&format!("/api/v2/routing/queues/{q}"), &token)
            .await)["joinedMemberCount"],
        joined_before + 1
    );
    // Left in bulk from the user's side, then from the queue's side.
    let r = ok(http
        .json(
            "PATCH",
            &format!("/api/v2/users/{uid}/queues"),
            &token,
            &json!([{"id": q, "joined": false}]),
        )
        .await);
    assert_eq!(r["entities"][0]["joined"], false);
    let r = ok(http
        .json(
            "PATCH",
            &members_path,
            &token,
            &json!([{"id": uid, "joined": true}]),
        )
        .await);
    assert_eq!(r["entities"][0]["joined"], true);
    assert_eq!(
        ok(http
            .get(&format!("/api/v2/users/{uid}/queues?joined=true"), &token)
            .await)["total"],
        1
    );
    // A queue the user does not belong to.
    let other = ok(http.get("/api/v2/routing/queues?name=Sales", &token).await)["entities"][0]
        ["id"]
        .as_str()
        .unwrap()
        .to_string();
    let e = assert_error(
        &http
            .json(
                "PATCH",
                &format!("/api/v2/users/{uid}/queues"),
                &token,
                &json!([{"id": other, "joined": true}]),
            )
            .await,
        400,
        "bad.request",
    );
    assert_eq!(e["messageParams"]["field"], "body[0].id");
    let e = assert_error(
        &http
            .json("POST", &members_path, &token, &json!([{"id": "nobody"}]))
            .await,
        400,
        "bad.request",
    );
    assert_eq!(e["messageParams"]["field"], "body[0].id");

    // Removed with `delete=true`, and by deleting the user.
    let r = http
        .json(
            "POST",
            &format!("{members_path}?delete=true"),
            &token,
            &json!([{"id": uid}]),
        )
        .await;
    assert_eq!(r.status, 204);
    assert_eq!(
        ok(http
            .get(&format!("/api/v2/users/{uid}/queues"), &token)
            .await)["total"],
        0
    );
    assert_eq!(
        ok(http
            .get(&format!("/api/v2/routing/queues/{q}"), &token)
            .await)["memberCount"],
        count
    );
    http.json("POST", &members_path, &token, &json!([{"id": uid}]))
        .await;
    assert_eq!(
        delete(&http, &format!("/api/v2/users/{uid}"), &token)
            .await
            .status,
        200
    );
    let after = ok(http
        .get(&format!("{members_path}?pageSize=100"), &token)
        .await);
    assert!(!member_ids(&after).contains(&uid));
    sim.shutdown().await;
}

#[tokio::test]
async fn stations_read_back_as_written() {
    let sim = start().await;
    let http = Http::for_sim(&sim);
    let token = sim.issue_token(None);
    let users = ok(http.get("/api/v2/users?pageSize=3", &token).await);
    let a = users["entities"][1]["id"].as_str().unwrap().to_string();
    let b = users["entities"][2]["id"].as_str().unwrap().to_string();
    let station = "44444444-4444-4444-8444-444444444444";
    let get = |u: String| {
        let http = http.clone();
        let token = token.clone();
        async move {
            ok(http
                .get(&format!("/api/v2/users/{u}/station"), &token)
                .await)
        }
    };
    // Seeded users have a default station, which is the effective one.
    let s = get(a.clone()).await;
    assert!(s.get("associatedStation").is_none());
    assert_eq!(s["effectiveStation"]["id"], s["defaultStation"]["id"]);
    assert_eq!(s["defaultStation"]["defaultUser"]["id"], a.as_str());

    let r = http
        .send(
            "PUT",
            &format!("/api/v2/users/{a}/station/associatedstation/{station}"),
            &[("authorization", &format!("Bearer {token}"))],
            None,
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.text());
    let s = get(a.clone()).await;
    assert_eq!(s["associatedStation"]["id"], station);
    assert_eq!(s["associatedStation"]["associatedUser"]["id"], a.as_str());
    assert!(s["associatedStation"]["associatedDate"].is_string());
    assert_eq!(s["effectiveStation"]["id"], station);
    // Its name is the one the station's own answer gives.
    let own = ok(http
        .get(&format!("/api/v2/stations/{station}"), &token)
        .await);
    assert_eq!(s["associatedStation"]["name"], own["name"]);

    // The station moves to another user; the first one keeps it as the last associated.
    let r = http
        .send(
            "PUT",
            &format!("/api/v2/users/{b}/station/associatedstation/{station}"),
            &[("authorization", &format!("Bearer {token}"))],
            None,
        )
        .await;
    assert_eq!(r.status, 204);
    let s = get(a.clone()).await;
    assert!(s.get("associatedStation").is_none());
    assert_eq!(s["lastAssociatedStation"]["id"], station);
    assert_eq!(get(b.clone()).await["associatedStation"]["id"], station);
    let user = ok(http
        .get(&format!("/api/v2/users/{b}?expand=station"), &token)
        .await);
    assert_eq!(user["station"]["associatedStation"]["id"], station);

    assert_eq!(
        delete(
            &http,
            &format!("/api/v2/users/{b}/station/associatedstation"),
            &token
        )
        .await
        .status,
        204
    );
    assert!(get(b.clone()).await.get("associatedStation").is_none());
    // The default station: set, then removed.
    let r = http
        .send(
            "PUT",
            &format!("/api/v2/users/{b}/station/defaultstation/{station}"),
            &[("authorization", &format!("Bearer {token}"))],
            None,
        )
        .await;
    assert_eq!(r.status, 204);
    assert_eq!(get(b.clone()).await["defaultStation"]["id"], station);
    assert_eq!(
        delete(
            &http,
            &format!("/api/v2/users/{b}/station/defaultstation"),
            &token
        )
        .await
        .status,
        204
    );
    let s = get(b.clone()).await;
    assert!(s.get("defaultStation").is_none() && s.get("effectiveStation").is_none());
    sim.shutdown().await;
}
