//! Identity that fits real sites: the site's own user ids (`externalId`, `ext:` paths, upserts),
//! profiles (display name, avatar), user metadata and who sees it, `GET /users?ids=`, and the
//! `user.updated` event.

use reqwest::{Method, RequestBuilder};
use serde_json::{json, Value};

use crate::helpers::{open_p2p, post_message, send, site_user, TestApp, TestResource};
use crate::ws::{connect, next_raw, Socket};

/// A request with the resource's key and secret (the site's server).
fn server(app: &TestApp, site: &TestResource, method: Method, path: &str) -> RequestBuilder {
    app.request(method, path)
        .header("x-api-key", &site.api_key)
        .header("x-api-secret", &site.api_secret)
}

fn put_external(app: &TestApp, site: &TestResource, external_id: &str) -> RequestBuilder {
    server(
        app,
        site,
        Method::PUT,
        &format!("/api/v1/users/by-external-id/{external_id}"),
    )
}

/// The resource's user count, as the site's server lists them.
async fn user_count(app: &TestApp, site: &TestResource) -> i64 {
    let reply = send(server(app, site, Method::GET, "/api/v1/users")).await;
    reply.data(200)["total"].as_i64().expect("total")
}

#[tokio::test]
async fn put_by_external_id_creates_then_updates_the_same_user() {
    let app = TestApp::spawn().await;
    let site = app.resource("site.com", false).await;
    let created = send(put_external(&app, &site, "u-42").json(&json!({
        "username": "ana",
        "email": "ana@example.com",
        "displayName": "Ana Lima",
        "avatarUrl": "https://cdn.site.com/ana.png",
        "metadata": { "plan": "gold", "seats": 3 },
    })))
    .await;
    let user = created.data(201).clone();
    assert_eq!(user["externalId"], "u-42");
    assert_eq!(user["displayName"], "Ana Lima");
    assert_eq!(user["avatarUrl"], "https://cdn.site.com/ana.png");
    assert_eq!(user["metadata"], json!({ "plan": "gold", "seats": 3 }));
    assert_eq!(user["role"], "user");

    // Same call again: 200, same user. Fields left out stay; a new email is taken.
    let again = send(put_external(&app, &site, "u-42").json(&json!({
        "username": "ana",
        "email": "ana.lima@example.com",
        "displayName": "Ana L.",
    })))
    .await;
    let updated = again.data(200).clone();
    assert_eq!(updated["id"], user["id"]);
    assert_eq!(updated["email"], "ana.lima@example.com");
    assert_eq!(updated["displayName"], "Ana L.");
    assert_eq!(updated["avatarUrl"], "https://cdn.site.com/ana.png");
    assert_eq!(updated["metadata"], json!({ "plan": "gold", "seats": 3 }));

    // `null` clears.
    let cleared = send(put_external(&app, &site, "u-42").json(&json!({
        "username": "ana",
        "email": "ana.lima@example.com",
        "avatarUrl": null,
        "metadata": null,
    })))
    .await;
    let cleared = cleared.data(200);
    assert_eq!(cleared["avatarUrl"], Value::Null);
    assert_eq!(cleared["metadata"], json!({}));
    assert_eq!(cleared["displayName"], "Ana L.");

    // GET on the same path, and `ext:` on the id routes.
    let found = send(server(
        &app,
        &site,
        Method::GET,
        "/api/v1/users/by-external-id/u-42",
    ))
    .await;
    assert_eq!(found.data(200)["id"], user["id"]);
    assert_eq!(found.data(200)["email"], "ana.lima@example.com");
    send(
        app.get("/api/v1/users/by-external-id/u-42")
            .header("x-api-key", &site.api_key),
    )
    .await
    .assert_error(401, "missing_token");
    send(server(
        &app,
        &site,
        Method::GET,
        "/api/v1/users/by-external-id/nobody",
    ))
    .await
    .assert_error(404, "not_found");
    assert_eq!(user_count(&app, &site).await, 1);
}

#[tokio::test]
async fn put_by_external_id_is_authorised_like_post_users() {
    let app = TestApp::spawn().await;
    let secret_site = app.resource("secret.com", false).await;
    let body = json!({ "username": "bea", "email": "bea@example.com" });
    send(
        app.request(Method::PUT, "/api/v1/users/by-external-id/b1")
            .header("x-api-key", &secret_site.api_key)
            .json(&body),
    )
    .await
    .assert_error(403, "secret_required");
    assert_eq!(user_count(&app, &secret_site).await, 0);

    let open = app.resource("open.com", true).await;
    let key_only = |external_id: &str| {
        app.request(
            Method::PUT,
            &format!("/api/v1/users/by-external-id/{external_id}"),
        )
        .header("x-api-key", &open.api_key)
    };
    // Open: the key alone creates and updates plain users.
    send(key_only("b1").json(&body)).await.data(201);
    let renamed = send(key_only("b1").json(&json!({
        "username": "bea", "email": "bea@example.com", "displayName": "Bea"
    })))
    .await;
    assert_eq!(renamed.data(200)["displayName"], "Bea");
    // ...but not elevated roles, nor an elevated user that exists.
    send(key_only("b2").json(&json!({
        "username": "boss", "email": "boss@example.com", "role": "admin"
    })))
    .await
    .assert_error(403, "secret_required");
    send(key_only("b1").json(&json!({
        "username": "bea", "email": "bea@example.com", "role": "staff"
    })))
    .await
    .assert_error(403, "secret_required");
    let staff = send(put_external(&app, &open, "s1").json(&json!({
        "username": "sam", "email": "sam@example.com", "role": "staff", "displayName": "Sam"
    })))
    .await;
    assert_eq!(staff.data(201)["role"], "staff");
    send(key_only("s1").json(&json!({
        "username": "sam", "email": "sam@example.com", "displayName": "Not Sam"
    })))
    .await
    .assert_error(403, "secret_required");
    let sam = send(put_external(&app, &open, "s1").json(&json!({
        "username": "sam", "email": "sam@example.com"
    })))
    .await;
    let sam = sam.data(200);
    assert_eq!(sam["displayName"], "Sam");
    assert_eq!(sam["role"], "staff", "a role left out stays");
    assert_eq!(user_count(&app, &open).await, 2);
}

#[tokio::test]
async fn concurrent_puts_of_one_external_id_make_one_user() {
    let app = TestApp::spawn().await;
    let site = app.resource("site.com", false).await;
    let puts = (0..16).map(|i| {
        send(put_external(&app, &site, "race").json(&json!({
            "username": "racer",
            "email": "racer@example.com",
            "metadata": { "attempt": i },
        })))
    });
    let replies = futures_util::future::join_all(puts).await;
    let mut created = 0;
    let mut ids = Vec::new();
    for reply in &replies {
        match reply.status.as_u16() {
            201 => created += 1,
            200 => {}
            other => panic!("status {other}: {}", reply.body),
        }
        ids.push(reply.body["data"]["id"].clone());
    }
    assert_eq!(created, 1);
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    assert_eq!(user_count(&app, &site).await, 1);
}

#[tokio::test]
async fn ids_and_external_ids_of_another_resource_never_resolve() {
    let app = TestApp::spawn().await;
    let site = app.resource("site.com", false).await;
    let other = app.resource("other.com", false).await;
    let ana = site_user(
        &app,
        &site,
        "42",
        json!({ "username": "ana", "email": "a@x.com" }),
    )
    .await;
    let admin = app.user(&other, "root", "superadmin").await;
    let outsider = app.user(&other, "olga", "user").await;

    send(server(
        &app,
        &other,
        Method::GET,
        "/api/v1/users/by-external-id/42",
    ))
    .await
    .assert_error(404, "not_found");
    send(
        server(&app, &other, Method::POST, "/api/v1/users/chat-token")
            .json(&json!({ "externalId": "42" })),
    )
    .await
    .assert_error(404, "not_found");
    for path in [
        "/api/v1/users/ext:42".to_owned(),
        format!("/api/v1/users/{}", ana.id),
        "/api/v1/users/ext:42/presence".to_owned(),
        "/api/v1/admin-panel/users/ext:42/conversations".to_owned(),
    ] {
        send(app.as_user(&admin, Method::GET, &path))
            .await
            .assert_error(404, "not_found");
    }
    send(
        server(&app, &other, Method::PATCH, "/api/v1/users/ext:42")
            .json(&json!({ "displayName": "Hijacked" })),
    )
    .await
    .assert_error(404, "not_found");
    send(server(
        &app,
        &other,
        Method::POST,
        "/api/v1/users/ext:42/revoke-tokens",
    ))
    .await
    .assert_error(404, "not_found");
    let listed = send(app.as_user(
        &outsider,
        Method::GET,
        &format!("/api/v1/users?ids={},ext:42", ana.id),
    ))
    .await;
    assert_eq!(listed.data(200), &json!([]));
    // The other resource has its own "42": another user.
    let theirs = send(put_external(&app, &other, "42").json(&json!({
        "username": "ana", "email": "a@x.com"
    })))
    .await;
    assert_ne!(theirs.data(201)["id"], json!(ana.id));
    // And ana was not touched.
    let me = send(app.as_user(&ana, Method::GET, "/api/v1/users/me")).await;
    assert_eq!(me.data(200)["displayName"], Value::Null);
}

#[tokio::test]
async fn chat_token_takes_an_external_id_and_upserts_in_one_call() {
    let app = TestApp::spawn().await;
    let site = app.resource("site.com", false).await;
    let token_request = |body: Value| {
        send(server(&app, &site, Method::POST, "/api/v1/users/chat-token").json(&body))
    };
    token_request(json!({ "externalId": "u1" }))
        .await
        .assert_error(404, "not_found");
    let user = json!({ "username": "ana", "email": "ana@example.com", "displayName": "Ana" });
    let first = token_request(json!({ "externalId": "u1", "user": user })).await;
    let first = first.data(200).clone();
    let token = first["chatToken"].as_str().expect("token");
    let me = send(
        app.get("/api/v1/users/me")
            .header("x-api-key", &site.api_key)
            .bearer_auth(token),
    )
    .await;
    assert_eq!(me.data(200)["externalId"], "u1");
    assert_eq!(me.data(200)["displayName"], "Ana");
    assert_eq!(me.data(200)["id"], first["user"]["id"]);

    let second = token_request(json!({
        "externalId": "u1",
        "user": { "username": "ana", "email": "ana@example.com", "displayName": "Ana Lima" },
    }))
    .await;
    assert_eq!(second.data(200)["user"]["id"], first["user"]["id"]);
    let by_external = token_request(json!({ "externalId": "u1" })).await;
    assert_eq!(by_external.data(200)["user"]["id"], first["user"]["id"]);
    let found = send(server(&app, &site, Method::GET, "/api/v1/users/ext:u1")).await;
    // GET /users/{id} needs a chat token: the secret alone is not a caller there.
    found.assert_error(401, "missing_token");
    let found = send(server(
        &app,
        &site,
        Method::GET,
        "/api/v1/users/by-external-id/u1",
    ))
    .await;
    assert_eq!(found.data(200)["displayName"], "Ana Lima");

    // Malformed combinations are 400 and write nothing.
    let user_id = first["user"]["id"].clone();
    for body in [
        json!({}),
        json!({ "userId": user_id, "externalId": "u1" }),
        json!({ "userId": user_id, "user": { "username": "zed", "email": "zed@example.com" } }),
        json!({ "externalId": "u/2", "user": { "username": "zed", "email": "zed@example.com" } }),
        json!({ "externalId": "u2", "user": { "username": "zed", "email": "zed@example.com", "externalId": "u3" } }),
    ] {
        token_request(body).await.assert_error(400, "invalid_body");
    }
    token_request(json!({ "externalId": "u2", "user": { "username": "zed", "email": "zed@example.com", "nickname": "z" } }))
        .await
        .assert_error(400, "unknown_field");
    // Without the secret on a secret resource: refused, nothing created.
    send(
        app.post("/api/v1/users/chat-token")
            .header("x-api-key", &site.api_key)
            .json(&json!({ "externalId": "u2", "user": { "username": "zed", "email": "zed@example.com" } })),
    )
    .await
    .assert_error(403, "secret_required");
    assert_eq!(user_count(&app, &site).await, 1);

    // Open resource: the key alone upserts and tokens plain users, not elevated ones.
    let open = app.resource("open.com", true).await;
    let key_only = |body: Value| {
        send(
            app.post("/api/v1/users/chat-token")
                .header("x-api-key", &open.api_key)
                .json(&body),
        )
    };
    key_only(
        json!({ "externalId": "v1", "user": { "username": "vic", "email": "vic@example.com" } }),
    )
    .await
    .data(200);
    key_only(json!({ "externalId": "v2", "user": { "username": "val", "email": "val@example.com", "role": "staff" } }))
        .await
        .assert_error(403, "secret_required");
    assert_eq!(user_count(&app, &open).await, 1);
}

#[tokio::test]
async fn ext_paths_work_on_every_user_route() {
    let app = TestApp::spawn().await;
    let site = app.resource("site.com", false).await;
    let ana = site_user(
        &app,
        &site,
        "ana@site",
        json!({ "username": "ana", "email": "a@x.com" }),
    )
    .await;
    let admin = app.user(&site, "root", "superadmin").await;
    let viewed = send(app.as_user(&admin, Method::GET, "/api/v1/users/ext:ana@site")).await;
    assert_eq!(viewed.data(200)["id"], json!(ana.id));
    let presence =
        send(app.as_user(&admin, Method::GET, "/api/v1/users/ext:ana@site/presence")).await;
    assert_eq!(presence.data(200)["userId"], json!(ana.id));
    let conversations = send(app.as_user(
        &admin,
        Method::GET,
        "/api/v1/admin-panel/users/ext:ana@site/conversations",
    ))
    .await;
    assert_eq!(conversations.data(200)["total"], 0);
    let patched = send(
        app.as_user(&admin, Method::PATCH, "/api/v1/users/ext:ana@site")
            .json(&json!({ "displayName": "Ana", "role": "staff" })),
    )
    .await;
    assert_eq!(patched.data(200)["id"], json!(ana.id));
    assert_eq!(patched.data(200)["role"], "staff");
    let revoked = send(server(
        &app,
        &site,
        Method::POST,
        "/api/v1/users/ext:ana@site/revoke-tokens",
    ))
    .await;
    assert_eq!(revoked.data(200)["userId"], json!(ana.id));
    send(app.as_user(&ana, Method::GET, "/api/v1/users/me"))
        .await
        .assert_error(401, "invalid_token");
    send(app.as_user(&admin, Method::GET, "/api/v1/users/ext:nobody"))
        .await
        .assert_error(404, "not_found");
    // PATCH can link an existing user to the site's id, and unlink it.
    let linked = send(
        server(
            &app,
            &site,
            Method::PATCH,
            &format!("/api/v1/users/{}", admin.id),
        )
        .json(&json!({ "externalId": "root-1" })),
    )
    .await;
    assert_eq!(linked.data(200)["externalId"], "root-1");
    send(
        server(&app, &site, Method::PATCH, "/api/v1/users/ext:root-1")
            .json(&json!({ "externalId": "ana@site" })),
    )
    .await
    .assert_error(409, "conflict");
    let unlinked = send(
        server(&app, &site, Method::PATCH, "/api/v1/users/ext:root-1")
            .json(&json!({ "externalId": null })),
    )
    .await;
    assert_eq!(unlinked.data(200)["externalId"], Value::Null);
}

#[tokio::test]
async fn invalid_profiles_metadata_and_external_ids_are_400_and_change_nothing() {
    let app = TestApp::spawn().await;
    let site = app.resource("site.com", false).await;
    let base = json!({ "username": "ana", "email": "ana@example.com" });
    let with = |field: &str, value: Value| {
        let mut body = base.clone();
        body[field] = value;
        body
    };
    let many_keys: serde_json::Map<String, Value> =
        (0..51).map(|i| (format!("k{i}"), json!(i))).collect();
    let fifty_keys: serde_json::Map<String, Value> =
        (0..50).map(|i| (format!("k{i}"), json!(i))).collect();
    let bad_bodies = [
        with("displayName", json!("")),
        with("displayName", json!("   ")),
        with("displayName", json!("x".repeat(101))),
        with("avatarUrl", json!("http://cdn.site.com/a.png")),
        with("avatarUrl", json!("javascript:alert(1)")),
        with(
            "avatarUrl",
            json!(format!("https://cdn.site.com/{}", "a".repeat(2048))),
        ),
        with("metadata", json!([1, 2])),
        with("metadata", json!("plan=gold")),
        with("metadata", Value::Object(many_keys)),
        with("metadata", json!({ "blob": "x".repeat(4096) })),
        with("externalId", json!("a,b")),
    ];
    for body in &bad_bodies {
        send(server(&app, &site, Method::POST, "/api/v1/users").json(body))
            .await
            .assert_error(400, "invalid_body");
        send(put_external(&app, &site, "u1").json(body))
            .await
            .assert_error(400, "invalid_body");
    }
    for external_id in ["a,b", &"x".repeat(129), "a%20b"] {
        send(put_external(&app, &site, external_id).json(&base))
            .await
            .assert_error(400, "invalid_body");
    }
    assert_eq!(user_count(&app, &site).await, 0);
    // The limits themselves are accepted.
    let at_limits = json!({
        "username": "ana",
        "email": "ana@example.com",
        "displayName": "é".repeat(100),
        "metadata": fifty_keys,
    });
    send(put_external(&app, &site, &"x".repeat(128)).json(&at_limits))
        .await
        .data(201);
    // An update refused for one field changes no other.
    send(put_external(&app, &site, &"x".repeat(128)).json(&json!({
        "username": "ana", "email": "new@example.com", "avatarUrl": "ftp://x"
    })))
    .await
    .assert_error(400, "invalid_body");
    let user = send(server(
        &app,
        &site,
        Method::GET,
        &format!("/api/v1/users/by-external-id/{}", "x".repeat(128)),
    ))
    .await;
    assert_eq!(user.data(200)["email"], "ana@example.com");
    // A username or email of another user is 409 naming it, on create and on update alike.
    send(put_external(&app, &site, "u2").json(&json!({
        "username": "bob", "email": "bob@example.com"
    })))
    .await
    .data(201);
    let clash = send(put_external(&app, &site, "u2").json(&json!({
        "username": "ANA", "email": "bob@example.com"
    })))
    .await;
    clash.assert_error(409, "conflict");
    assert!(clash.body["message"]
        .as_str()
        .is_some_and(|m| m.contains("username")));
    let clash = send(
        server(&app, &site, Method::POST, "/api/v1/users").json(&json!({
            "username": "carl", "email": "carl@example.com", "externalId": "u2"
        })),
    )
    .await;
    clash.assert_error(409, "conflict");
    assert!(clash.body["message"]
        .as_str()
        .is_some_and(|m| m.contains("externalId")));
    assert_eq!(user_count(&app, &site).await, 2);
}

#[tokio::test]
async fn users_edit_their_own_profile_unless_the_resource_turns_it_off() {
    let app = TestApp::spawn().await;
    let site = app.resource("site.com", false).await;
    let ana = app.user(&site, "ana", "user").await;
    let edited = send(
        app.as_user(&ana, Method::PATCH, "/api/v1/users/me")
            .json(&json!({ "displayName": "Ana", "avatarUrl": "https://cdn.site.com/a.png" })),
    )
    .await;
    assert_eq!(edited.data(200)["displayName"], "Ana");
    assert_eq!(edited.data(200)["avatarUrl"], "https://cdn.site.com/a.png");
    let cleared = send(
        app.as_user(&ana, Method::PATCH, "/api/v1/users/me")
            .json(&json!({ "avatarUrl": null })),
    )
    .await;
    assert_eq!(cleared.data(200)["avatarUrl"], Value::Null);
    assert_eq!(cleared.data(200)["displayName"], "Ana");
    // Metadata is the site's: not editable by the user.
    send(
        app.as_user(&ana, Method::PATCH, "/api/v1/users/me")
            .json(&json!({ "metadata": { "plan": "gold" } })),
    )
    .await
    .assert_error(400, "unknown_field");
    send(
        app.as_user(&ana, Method::PATCH, "/api/v1/users/me")
            .json(&json!({ "displayName": "" })),
    )
    .await
    .assert_error(400, "invalid_body");

    let locked = send(
        app.post("/api/v1/resources")
            .header("x-operator-key", crate::helpers::OPERATOR_KEY)
            .json(&json!({ "resourceId": "locked.com", "selfProfileEdit": false })),
    )
    .await;
    let locked = locked.data(201).clone();
    assert_eq!(locked["selfProfileEdit"], false);
    let locked = TestResource {
        api_key: locked["apiKey"].as_str().expect("key").into(),
        api_secret: locked["apiSecret"].as_str().expect("secret").into(),
    };
    let bea = app.user(&locked, "bea", "user").await;
    send(
        app.as_user(&bea, Method::PATCH, "/api/v1/users/me")
            .json(&json!({ "displayName": "B" })),
    )
    .await
    .assert_error(403, "forbidden");
    let me = send(app.as_user(&bea, Method::GET, "/api/v1/users/me")).await;
    assert_eq!(me.data(200)["displayName"], Value::Null);
    // The site's server still can.
    let set = send(
        server(
            &app,
            &locked,
            Method::PATCH,
            &format!("/api/v1/users/{}", bea.id),
        )
        .json(&json!({ "displayName": "Bea" })),
    )
    .await;
    assert_eq!(set.data(200)["displayName"], "Bea");
}

#[tokio::test]
async fn metadata_is_seen_by_the_user_elevated_roles_and_the_server_only() {
    let app = TestApp::spawn().await;
    let site = app.resource("site.com", false).await;
    let ana = site_user(
        &app,
        &site,
        "ana",
        json!({ "username": "ana", "email": "ana@example.com", "displayName": "Ana",
                "avatarUrl": "https://cdn.site.com/a.png", "metadata": { "tier": "vip" } }),
    )
    .await;
    let bob = app.user(&site, "bob", "user").await;
    let moderator = app.user(&site, "mod", "moderator").await;
    let path = format!("/api/v1/users/{}", ana.id);
    let own = send(app.as_user(&ana, Method::GET, "/api/v1/users/me")).await;
    assert_eq!(own.data(200)["metadata"], json!({ "tier": "vip" }));
    let elevated = send(app.as_user(&moderator, Method::GET, &path)).await;
    assert_eq!(elevated.data(200)["metadata"], json!({ "tier": "vip" }));
    let by_server = send(server(
        &app,
        &site,
        Method::GET,
        "/api/v1/users/by-external-id/ana",
    ))
    .await;
    assert_eq!(by_server.data(200)["metadata"], json!({ "tier": "vip" }));
    let listed = send(server(&app, &site, Method::GET, "/api/v1/users?q=ana")).await;
    assert_eq!(
        listed.data(200)["data"][0]["metadata"],
        json!({ "tier": "vip" })
    );

    let public = send(app.as_user(&bob, Method::GET, &path)).await;
    let public = public.data(200);
    assert!(public.get("metadata").is_none(), "{public}");
    assert!(public.get("email").is_none(), "{public}");
    assert!(public.get("externalId").is_none(), "{public}");
    assert_eq!(public["displayName"], "Ana");
    assert_eq!(public["avatarUrl"], "https://cdn.site.com/a.png");
    let public = send(app.as_user(&bob, Method::GET, "/api/v1/users/ext:ana")).await;
    assert!(public.data(200).get("metadata").is_none());
    let public = send(app.as_user(&bob, Method::GET, "/api/v1/users/by-external-id/ana")).await;
    assert!(public.data(200).get("metadata").is_none());
}

#[tokio::test]
async fn users_by_ids_answers_public_profiles_within_bounds() {
    let app = TestApp::spawn().await;
    let site = app.resource("site.com", false).await;
    let ana = site_user(
        &app,
        &site,
        "ana",
        json!({ "username": "ana", "email": "ana@example.com", "displayName": "Ana",
                "metadata": { "tier": "vip" } }),
    )
    .await;
    let bob = app.user(&site, "bob", "user").await;
    let unknown = "0123456789abcdef01234567";
    let listed = send(app.as_user(
        &bob,
        Method::GET,
        &format!("/api/v1/users?ids={},{unknown},ext:ana,{}", bob.id, ana.id),
    ))
    .await;
    assert_eq!(
        listed.data(200),
        &json!([
            { "id": bob.id, "username": "bob", "displayName": null, "avatarUrl": null },
            { "id": ana.id, "username": "ana", "displayName": "Ana", "avatarUrl": null },
        ])
    );
    let hundred = vec![bob.id.as_str(); 100].join(",");
    let at_limit =
        send(app.as_user(&bob, Method::GET, &format!("/api/v1/users?ids={hundred}"))).await;
    assert_eq!(at_limit.data(200).as_array().map(Vec::len), Some(1));
    let too_many = format!("{hundred},{}", ana.id);
    send(app.as_user(&bob, Method::GET, &format!("/api/v1/users?ids={too_many}")))
        .await
        .assert_error(400, "invalid_query");
    for query in [
        "ids=",
        "ids=nope",
        "ids=a,,b",
        &format!("ids={}&page=1", bob.id),
    ] {
        send(app.as_user(&bob, Method::GET, &format!("/api/v1/users?{query}")))
            .await
            .assert_error(400, "invalid_query");
    }
    send(
        app.get(&format!("/api/v1/users?ids={}", bob.id))
            .header("x-api-key", &site.api_key),
    )
    .await
    .assert_error(401, "missing_token");
    // The list itself stays for administrators.
    send(app.as_user(&bob, Method::GET, "/api/v1/users"))
        .await
        .assert_error(403, "forbidden");
}

/// The next event that is not presence.
async fn next_event(socket: &mut Socket) -> Value {
    loop {
        let event = next_raw(socket).await;
        if event["type"] != "presence" {
            return event;
        }
    }
}

#[tokio::test]
async fn a_profile_change_reaches_those_who_share_a_conversation() {
    let app = TestApp::spawn().await;
    let site = app.resource("site.com", false).await;
    let ana = app.user(&site, "ana", "user").await;
    let bob = app.user(&site, "bob", "user").await;
    let carol = app.user(&site, "carol", "user").await;
    let staff = app.user(&site, "staff1", "staff").await;
    let chat = open_p2p(&app, &ana, &bob).await;
    let mut bob_socket = connect(&app, &bob).await;
    let mut carol_socket = connect(&app, &carol).await;
    let mut staff_socket = connect(&app, &staff).await;

    // Ana has no ticket yet: bob hears of it, staff and carol do not.
    send(
        app.as_user(&ana, Method::PATCH, "/api/v1/users/me")
            .json(&json!({ "displayName": "Ana" })),
    )
    .await
    .data(200);
    let expected = json!({
        "type": "user.updated",
        "data": { "id": ana.id, "username": "ana", "displayName": "Ana", "avatarUrl": null },
    });
    assert_eq!(next_event(&mut bob_socket).await, expected);

    // A metadata-only change is no profile change: nothing is sent. Then a ticket makes the
    // staff share a conversation with ana.
    send(
        server(
            &app,
            &site,
            Method::PATCH,
            &format!("/api/v1/users/{}", ana.id),
        )
        .json(&json!({ "metadata": { "tier": "vip" } })),
    )
    .await
    .data(200);
    let ticket = send(
        app.as_user(&ana, Method::POST, "/api/v1/support/conversations")
            .json(&json!({ "subject": "Help" })),
    )
    .await;
    let ticket = ticket.data(201)["id"].as_str().expect("id").to_owned();
    let created = next_event(&mut staff_socket).await;
    assert_eq!(created["type"], "ticket.created", "{created}");
    assert_eq!(created["data"]["id"], json!(ticket));

    send(
        server(
            &app,
            &site,
            Method::PATCH,
            &format!("/api/v1/users/{}", ana.id),
        )
        .json(&json!({ "avatarUrl": "https://cdn.site.com/ana.png" })),
    )
    .await
    .data(200);
    let expected = json!({
        "type": "user.updated",
        "data": { "id": ana.id, "username": "ana", "displayName": "Ana",
                  "avatarUrl": "https://cdn.site.com/ana.png" },
    });
    // Bob's next event is the avatar change (not the metadata change); so is the staff's.
    assert_eq!(next_event(&mut bob_socket).await, expected);
    assert_eq!(next_event(&mut staff_socket).await, expected);

    // Carol shares nothing with ana: the first event she gets is a marker sent after all this.
    post_message(
        &app,
        &bob,
        &format!("/api/v1/p2p/conversations/{chat}/messages"),
        "after",
    )
    .await
    .data(201);
    let marker = open_p2p(&app, &bob, &carol).await;
    let first = next_event(&mut carol_socket).await;
    assert_eq!(first["type"], "conversation.created", "{first}");
    assert_eq!(first["data"]["id"], json!(marker));
}
