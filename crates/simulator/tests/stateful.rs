//! Stateful flows: users, presence, permissions, roles, divisions, groups, queues; paging.

mod common;

use common::*;
use purecloud_simulator::DEFAULT_USER_ID;
use serde_json::{json, Value};

async fn home_division(http: &Http, token: &str) -> String {
    let v = http
        .get("/api/v2/authorization/divisions/home", token)
        .await
        .json();
    v["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn users_paging_crud_and_validation() {
    let sim = start().await;
    let http = Http::for_sim(&sim);
    let token = sim.issue_token(Some(DEFAULT_USER_ID));

    // Paging: 31 users (the default user and 30 seeded ones), 25 per page by default.
    let p1 = http.get("/api/v2/users", &token).await.json();
    assert_eq!(p1["pageSize"], 25);
    assert_eq!(p1["pageNumber"], 1);
    assert_eq!(p1["total"], 31);
    assert_eq!(p1["pageCount"], 2);
    assert_eq!(p1["entities"].as_array().unwrap().len(), 25);
    assert_eq!(p1["selfUri"], "/api/v2/users?pageSize=25&pageNumber=1");
    assert_eq!(p1["firstUri"], "/api/v2/users?pageSize=25&pageNumber=1");
    assert_eq!(p1["nextUri"], "/api/v2/users?pageSize=25&pageNumber=2");
    assert_eq!(p1["lastUri"], "/api/v2/users?pageSize=25&pageNumber=2");
    assert!(p1.get("previousUri").is_none());
    let p2 = http
        .get(p1["nextUri"].as_str().unwrap(), &token)
        .await
        .json();
    assert_eq!(p2["entities"].as_array().unwrap().len(), 6);
    assert_eq!(p2["previousUri"], "/api/v2/users?pageSize=25&pageNumber=1");
    assert!(p2.get("nextUri").is_none());
    let p = http
        .get("/api/v2/users?pageSize=10&pageNumber=4", &token)
        .await
        .json();
    assert_eq!(p["pageCount"], 4);
    assert_eq!(p["entities"].as_array().unwrap().len(), 1);
    assert_error(
        &http.get("/api/v2/users?pageSize=0", &token).await,
        400,
        "bad.request",
    );
    assert_error(
        &http.get("/api/v2/users?pageSize=abc", &token).await,
        400,
        "bad.request",
    );
    // All ids distinct, sorted by name.
    let names: Vec<String> = p1["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["name"].as_str().unwrap().to_lowercase())
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);

    // Get by id; unknown ids are 404.
    let some = &p1["entities"][3];
    let id = some["id"].as_str().unwrap();
    let u = http
        .get(&format!("/api/v2/users/{id}"), &token)
        .await
        .json();
    assert_eq!(&u, some);
    assert!(u.get("presence").is_none());
    let e = assert_error(
        &http
            .get("/api/v2/users/00000000-0000-4000-8000-000000000000", &token)
            .await,
        404,
        "not.found",
    );
    assert!(e["message"]
        .as_str()
        .unwrap()
        .contains("00000000-0000-4000-8000-000000000000"));
    // Filter by id.
    let f = http
        .get(&format!("/api/v2/users?id={id}"), &token)
        .await
        .json();
    assert_eq!(f["total"], 1);

    // Create.
    let division = home_division(&http, &token).await;
    let body = json!({"name": "Pat Example", "email": "pat.example@example.com", "divisionId": division, "title": "Agent",
        "addresses": [{"address": "+13175550100", "mediaType": "PHONE", "type": "WORK"}]});
    let r = http.json("POST", "/api/v2/users", &token, &body).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let created = r.json();
    let new_id = created["id"].as_str().unwrap().to_string();
    assert_eq!(created["name"], "Pat Example");
    assert_eq!(created["version"], 1);
    assert_eq!(created["division"]["id"], division.as_str());
    assert_eq!(created["selfUri"], format!("/api/v2/users/{new_id}"));
    assert_eq!(
        http.get(&format!("/api/v2/users/{new_id}"), &token)
            .await
            .json(),
        created
    );
    assert_eq!(http.get("/api/v2/users", &token).await.json()["total"], 32);
    // Duplicate email.
    assert_error(
        &http.json("POST", "/api/v2/users", &token, &body).await,
        409,
        "general.conflict",
    );
    // Invalid bodies name the field.
    let mut bad = body.clone();
    bad["addresses"][0]["type"] = json!("CARRIER_PIGEON");
    let e = assert_error(
        &http.json("POST", "/api/v2/users", &token, &bad).await,
        400,
        "bad.request",
    );
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("body.addresses[0].type"),
        "{e}"
    );
    assert_eq!(e["messageParams"]["field"], "body.addresses[0].type");
    let e = assert_error(
        &http
            .json(
                "POST",
                "/api/v2/users",
                &token,
                &json!({"name": "x", "divisionId": division}),
            )
            .await,
        400,
        "bad.request",
    );
    assert!(e["message"].as_str().unwrap().contains("body.email"), "{e}");
    let e = assert_error(
        &http
            .json(
                "POST",
                "/api/v2/users",
                &token,
                &json!({"name": 5, "email": "a@b.c", "divisionId": division}),
            )
            .await,
        400,
        "bad.request",
    );
    assert!(e["message"].as_str().unwrap().contains("body.name"), "{e}");

    // Patch with the current version; a stale version conflicts.
    let r = http
        .json(
            "PATCH",
            &format!("/api/v2/users/{new_id}"),
            &token,
            &json!({"version": 1, "title": "Senior Agent", "department": "Sales"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let patched = r.json();
    assert_eq!(patched["title"], "Senior Agent");
    assert_eq!(patched["version"], 2);
    assert_eq!(
        http.get(&format!("/api/v2/users/{new_id}"), &token)
            .await
            .json()["department"],
        "Sales"
    );
    assert_error(
        &http
            .json(
                "PATCH",
                &format!("/api/v2/users/{new_id}"),
                &token,
                &json!({"version": 1, "title": "x"}),
            )
            .await,
        409,
        "general.conflict",
    );
    assert_error(
        &http
            .json(
                "PATCH",
                &format!("/api/v2/users/{new_id}"),
                &token,
                &json!({"title": "x"}),
            )
            .await,
        400,
        "bad.request",
    );

    // Delete.
    let r = http
        .send(
            "DELETE",
            &format!("/api/v2/users/{new_id}"),
            &[("authorization", &format!("Bearer {token}"))],
            None,
        )
        .await;
    assert_eq!(r.status, 200);
    assert_error(
        &http.get(&format!("/api/v2/users/{new_id}"), &token).await,
        404,
        "not.found",
    );
    assert_eq!(http.get("/api/v2/users", &token).await.json()["total"], 31);
    sim.shutdown().await;
}

#[tokio::test]
async fn me_and_presence() {
    let sim = start().await;
    let http = Http::for_sim(&sim);
    let token = sim.issue_token(Some("sim.user@example.com"));
    let me = http.get("/api/v2/users/me", &token).await.json();
    assert_eq!(me["id"], DEFAULT_USER_ID);
    assert_eq!(me["email"], "sim.user@example.com");
    assert!(me.get("presence").is_none());
    let me = http
        .get("/api/v2/users/me?expand=presence", &token)
        .await
        .json();
    assert_eq!(
        me["presence"]["presenceDefinition"]["systemPresence"],
        "Available"
    );

    let base = format!("/api/v2/users/{DEFAULT_USER_ID}/presences/purecloud");
    let p = http.get(&base, &token).await.json();
    assert_eq!(p["source"], "PURECLOUD");
    assert_eq!(p["presenceDefinition"]["systemPresence"], "Available");
    // Change by system presence name.
    let r = http
        .json(
            "PATCH",
            &base,
            &token,
            &json!({"presenceDefinition": {"systemPresence": "Busy"}, "message": "In a meeting"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let busy = r.json();
    assert_eq!(busy["presenceDefinition"]["systemPresence"], "Busy");
    assert_eq!(busy["message"], "In a meeting");
    assert_eq!(http.get(&base, &token).await.json(), busy);
    // The same presence under its source id, and in /users/me?expand=presence.
    let by_source = http
        .get(
            &format!("/api/v2/users/{DEFAULT_USER_ID}/presences/PURECLOUD"),
            &token,
        )
        .await
        .json();
    assert_eq!(by_source, busy);
    let me = http
        .get("/api/v2/users/me?expand=presence", &token)
        .await
        .json();
    assert_eq!(me["presence"], busy);
    // Change by definition id.
    let available_id = p["presenceDefinition"]["id"].as_str().unwrap();
    let r = http
        .json(
            "PATCH",
            &format!("/api/v2/users/{DEFAULT_USER_ID}/presences/PURECLOUD"),
            &token,
            &json!({"presenceDefinition": {"id": available_id}}),
        )
        .await;
    assert_eq!(
        r.json()["presenceDefinition"]["systemPresence"],
        "Available"
    );
    // Unknown definition, unknown user.
    let e = assert_error(
        &http
            .json(
                "PATCH",
                &base,
                &token,
                &json!({"presenceDefinition": {"id": "nope"}}),
            )
            .await,
        400,
        "bad.request",
    );
    assert!(e["message"]
        .as_str()
        .unwrap()
        .contains("body.presenceDefinition.id"));
    assert_error(
        &http
            .get(
                "/api/v2/users/00000000-0000-4000-8000-000000000000/presences/purecloud",
                &token,
            )
            .await,
        404,
        "not.found",
    );
    // Presences are listed with expand on /users too.
    let l = http
        .get(
            &format!("/api/v2/users?id={DEFAULT_USER_ID}&expand=presence"),
            &token,
        )
        .await
        .json();
    assert_eq!(
        l["entities"][0]["presence"]["presenceDefinition"]["systemPresence"],
        "Available"
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn permissions_roles_divisions() {
    let sim = start().await;
    let http = Http::for_sim(&sim);
    let token = sim.issue_token(None);
    let p = http
        .get("/api/v2/authorization/permissions", &token)
        .await
        .json();
    assert_eq!(p["total"], 60);
    assert_eq!(p["pageCount"], 3);
    assert_eq!(p["entities"].as_array().unwrap().len(), 25);
    let p3 = http
        .get("/api/v2/authorization/permissions?pageNumber=3", &token)
        .await
        .json();
    assert_eq!(p3["entities"].as_array().unwrap().len(), 10);
    let routing = http
        .get(
            "/api/v2/authorization/permissions?queryType=domain&query=routing",
            &token,
        )
        .await
        .json();
    assert_eq!(routing["total"], 1);
    assert!(routing["entities"][0]["permissionMap"].is_object());

    // Roles.
    let roles = http
        .get("/api/v2/authorization/roles?pageSize=100", &token)
        .await
        .json();
    assert!(roles["total"].as_u64().unwrap() >= 5);
    let role = &roles["entities"][0];
    let rid = role["id"].as_str().unwrap();
    assert_eq!(
        &http
            .get(&format!("/api/v2/authorization/roles/{rid}"), &token)
            .await
            .json(),
        role
    );
    let r = http.json("POST", "/api/v2/authorization/roles", &token, &json!({"name": "Sim Testers", "description": "d", "permissions": ["routing:queue:view"]})).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let created = r.json();
    let new_id = created["id"].as_str().unwrap().to_string();
    assert_eq!(created["permissions"], json!(["routing:queue:view"]));
    assert_error(
        &http
            .json(
                "POST",
                "/api/v2/authorization/roles",
                &token,
                &json!({"name": "Sim Testers"}),
            )
            .await,
        409,
        "general.conflict",
    );
    let r = http
        .json(
            "PUT",
            &format!("/api/v2/authorization/roles/{new_id}"),
            &token,
            &json!({"name": "Sim Testers 2"}),
        )
        .await;
    assert_eq!(r.json()["name"], "Sim Testers 2");
    let found = http
        .get("/api/v2/authorization/roles?name=Sim%20Testers", &token)
        .await
        .json();
    assert_eq!(found["total"], 1);
    let r = http
        .send(
            "DELETE",
            &format!("/api/v2/authorization/roles/{new_id}"),
            &[("authorization", &format!("Bearer {token}"))],
            None,
        )
        .await;
    assert_eq!(r.status, 204);
    assert_error(
        &http
            .get(&format!("/api/v2/authorization/roles/{new_id}"), &token)
            .await,
        404,
        "not.found",
    );

    // Divisions.
    let divs = http
        .get("/api/v2/authorization/divisions", &token)
        .await
        .json();
    assert_eq!(divs["total"], 5);
    let home = home_division(&http, &token).await;
    let r = http
        .json(
            "POST",
            "/api/v2/authorization/divisions",
            &token,
            &json!({"name": "APAC", "description": "Asia Pacific"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let did = r.json()["id"].as_str().unwrap().to_string();
    assert_eq!(
        http.get(&format!("/api/v2/authorization/divisions/{did}"), &token)
            .await
            .json()["name"],
        "APAC"
    );
    let auth = format!("Bearer {token}");
    let r = http
        .send(
            "DELETE",
            &format!("/api/v2/authorization/divisions/{home}"),
            &[("authorization", &auth)],
            None,
        )
        .await;
    assert_error(&r, 400, "bad.request");
    let r = http
        .send(
            "DELETE",
            &format!("/api/v2/authorization/divisions/{did}"),
            &[("authorization", &auth)],
            None,
        )
        .await;
    assert_eq!(r.status, 204);
    assert_error(
        &http
            .get(&format!("/api/v2/authorization/divisions/{did}"), &token)
            .await,
        404,
        "not.found",
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn groups_and_queues() {
    let sim = start().await;
    let http = Http::for_sim(&sim);
    let token = sim.issue_token(Some(DEFAULT_USER_ID));
    let auth = format!("Bearer {token}");

    let groups = http.get("/api/v2/groups", &token).await.json();
    let before = groups["total"].as_u64().unwrap();
    assert!(before >= 5);
    let r = http
        .json("POST", "/api/v2/groups", &token, &json!({"name": "Night Shift", "type": "official", "rulesVisible": true, "visibility": "public", "ownerIds": [DEFAULT_USER_ID]}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let g = r.json();
    let gid = g["id"].as_str().unwrap().to_string();
    assert_eq!(g["owners"][0]["id"], DEFAULT_USER_ID);
    assert_eq!(g["version"], 1);
    assert_eq!(
        http.get(&format!("/api/v2/groups/{gid}"), &token)
            .await
            .json(),
        g
    );
    assert_eq!(
        http.get("/api/v2/groups", &token).await.json()["total"],
        before + 1
    );
    let e = assert_error(
        &http.json("POST", "/api/v2/groups", &token, &json!({"name": "x", "type": "official", "rulesVisible": true, "visibility": "everyone"})).await,
        400,
        "bad.request",
    );
    assert!(e["message"].as_str().unwrap().contains("body.visibility"));
    let r = http
        .json(
            "PUT",
            &format!("/api/v2/groups/{gid}"),
            &token,
            &json!({"version": 1, "description": "Overnight"}),
        )
        .await;
    assert_eq!(r.json()["description"], "Overnight");
    assert_eq!(r.json()["version"], 2);
    let r = http
        .send(
            "DELETE",
            &format!("/api/v2/groups/{gid}"),
            &[("authorization", &auth)],
            None,
        )
        .await;
    assert_eq!(r.status, 204);
    assert_error(
        &http.get(&format!("/api/v2/groups/{gid}"), &token).await,
        404,
        "not.found",
    );

    // Queues.
    let queues = http.get("/api/v2/routing/queues", &token).await.json();
    let n = queues["total"].as_u64().unwrap();
    assert!(n >= 5);
    let q0: &Value = &queues["entities"][0];
    assert!(q0["division"]["id"].is_string());
    let r = http.json("POST", "/api/v2/routing/queues", &token, &json!({"name": "Spanish Support", "description": "Soporte", "skillEvaluationMethod": "BEST"})).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let q = r.json();
    let qid = q["id"].as_str().unwrap().to_string();
    assert_eq!(q["skillEvaluationMethod"], "BEST");
    assert_eq!(q["memberCount"], 0);
    assert_eq!(q["createdBy"], DEFAULT_USER_ID);
    assert!(q["division"]["id"].is_string());
    let found = http
        .get("/api/v2/routing/queues?name=Spanish*", &token)
        .await
        .json();
    assert_eq!(found["total"], 1);
    assert_eq!(found["entities"][0]["id"], qid.as_str());
    let e = assert_error(
        &http
            .json(
                "POST",
                "/api/v2/routing/queues",
                &token,
                &json!({"name": "Bad", "skillEvaluationMethod": "SOME"}),
            )
            .await,
        400,
        "bad.request",
    );
    assert!(e["message"]
        .as_str()
        .unwrap()
        .contains("body.skillEvaluationMethod"));
    let r = http
        .json(
            "PUT",
            &format!("/api/v2/routing/queues/{qid}"),
            &token,
            &json!({"name": "Spanish Support", "description": "Updated"}),
        )
        .await;
    assert_eq!(r.json()["description"], "Updated");
    let r = http
        .send(
            "DELETE",
            &format!("/api/v2/routing/queues/{qid}"),
            &[("authorization", &auth)],
            None,
        )
        .await;
    assert_eq!(r.status, 204);
    assert_error(
        &http
            .get(&format!("/api/v2/routing/queues/{qid}"), &token)
            .await,
        404,
        "not.found",
    );
    assert_eq!(
        http.get("/api/v2/routing/queues", &token).await.json()["total"],
        n
    );

    // Reset restores the seeded state.
    http.json(
        "POST",
        "/api/v2/routing/queues",
        &token,
        &json!({"name": "Temp"}),
    )
    .await;
    sim.reset_state();
    assert_eq!(
        http.get("/api/v2/routing/queues", &token).await.json()["total"],
        n
    );
    sim.shutdown().await;
}
