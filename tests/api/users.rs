//! Creating and reading users: issuance modes, roles, validation, tenancy.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{send, Reply, TestApp, TestResource};

async fn create(app: &TestApp, site: &TestResource, secret: bool, body: Value) -> Reply {
    let mut request = app.post("/api/v1/users").header("x-api-key", &site.api_key);
    if secret {
        request = request.header("x-api-secret", &site.api_secret);
    }
    send(request.json(&body)).await
}

#[tokio::test]
async fn seed_example_creates_a_user_in_an_open_resource() {
    let app = TestApp::spawn().await;
    let site = app.resource("site.com", true).await;
    let reply = create(
        &app,
        &site,
        false,
        json!({ "resourceId": "site.com", "username": "john_doe", "email": "john@example.com" }),
    )
    .await;
    let data = reply.data(201);
    assert!(data["id"].as_str().is_some_and(|id| id.len() == 24));
    assert_eq!(data["username"], "john_doe");
    assert_eq!(data["email"], "john@example.com");
    assert_eq!(data["role"], "user");
    assert_eq!(data["resourceId"], "site.com");
    assert_eq!(data["permissions"]["canSendMessage"], true);
}

#[tokio::test]
async fn open_mode_refuses_elevated_roles_and_permissions_without_the_secret() {
    let app = TestApp::spawn().await;
    let site = app.resource("site.com", true).await;
    create(
        &app,
        &site,
        false,
        json!({ "username": "boss", "email": "b@example.com", "role": "admin" }),
    )
    .await
    .assert_error(403, "secret_required");
    create(
        &app,
        &site,
        false,
        json!({ "username": "mod", "email": "m@example.com", "role": "moderator", "permissions": { "canEditMessage": false } }),
    )
    .await
    .assert_error(403, "secret_required");
    // With the secret both work, and permissions override the defaults.
    let reply = create(
        &app,
        &site,
        true,
        json!({ "username": "mod", "email": "m@example.com", "role": "moderator", "permissions": { "canEditMessage": false } }),
    )
    .await;
    let data = reply.data(201);
    assert_eq!(data["role"], "moderator");
    assert_eq!(data["permissions"]["canEditMessage"], false);
    assert_eq!(data["permissions"]["canDeleteMessage"], true);
}

#[tokio::test]
async fn secret_mode_needs_the_secret_even_for_plain_users() {
    let app = TestApp::spawn().await;
    let site = app.resource("site.com", false).await;
    create(
        &app,
        &site,
        false,
        json!({ "username": "john_doe", "email": "john@example.com" }),
    )
    .await
    .assert_error(403, "secret_required");
    create(
        &app,
        &site,
        true,
        json!({ "username": "john_doe", "email": "john@example.com" }),
    )
    .await
    .data(201);
}

#[tokio::test]
async fn a_wrong_secret_is_refused_even_where_none_is_needed() {
    let app = TestApp::spawn().await;
    let site = app.resource("site.com", true).await;
    let reply = send(
        app.post("/api/v1/users")
            .header("x-api-key", &site.api_key)
            .header("x-api-secret", "sk_wrong")
            .json(&json!({ "username": "john_doe", "email": "john@example.com" })),
    )
    .await;
    reply.assert_error(403, "secret_required");
}

#[tokio::test]
async fn permissions_for_role_user_are_400() {
    let app = TestApp::spawn().await;
    let site = app.resource("site.com", true).await;
    create(
        &app,
        &site,
        true,
        json!({ "username": "john_doe", "email": "john@example.com", "permissions": { "canSendMessage": false } }),
    )
    .await
    .assert_error(400, "invalid_body");
}

#[tokio::test]
async fn admins_create_users_within_the_hierarchy() {
    let app = TestApp::spawn().await;
    let site = app.resource("site.com", false).await;
    let admin = app.user(&site, "admin1", "admin").await;
    let superadmin = app.user(&site, "root1", "superadmin").await;
    let staff = app.user(&site, "staff1", "staff").await;
    let body = |name: &str, role: &str| json!({ "username": name, "email": format!("{name}@example.com"), "role": role });

    let by = |user: &crate::helpers::TestUser, body: Value| {
        send(app.as_user(user, Method::POST, "/api/v1/users").json(&body))
    };
    assert_eq!(
        by(&admin, body("mod1", "moderator")).await.data(201)["role"],
        "moderator"
    );
    by(&admin, body("admin2", "admin"))
        .await
        .assert_error(403, "forbidden");
    assert_eq!(
        by(&superadmin, body("admin3", "admin")).await.data(201)["role"],
        "admin"
    );
    by(&staff, body("user9", "user"))
        .await
        .assert_error(403, "secret_required");
}

#[tokio::test]
async fn username_and_email_are_unique_per_resource_case_insensitively() {
    let app = TestApp::spawn().await;
    let site = app.resource("site.com", true).await;
    let other = app.resource("other.com", true).await;
    create(
        &app,
        &site,
        false,
        json!({ "username": "john_doe", "email": "john@example.com" }),
    )
    .await
    .data(201);
    let dup_name = create(
        &app,
        &site,
        false,
        json!({ "username": "John_Doe", "email": "x@example.com" }),
    )
    .await;
    dup_name.assert_error(409, "conflict");
    assert!(dup_name.body["message"]
        .as_str()
        .is_some_and(|m| m.contains("username")));
    let dup_email = create(
        &app,
        &site,
        false,
        json!({ "username": "johnny", "email": "JOHN@example.com" }),
    )
    .await;
    dup_email.assert_error(409, "conflict");
    assert!(dup_email.body["message"]
        .as_str()
        .is_some_and(|m| m.contains("email")));
    // Another resource has its own namespace.
    create(
        &app,
        &other,
        false,
        json!({ "username": "john_doe", "email": "john@example.com" }),
    )
    .await
    .data(201);
}

#[tokio::test]
async fn emails_differing_only_in_the_case_of_a_non_ascii_letter_are_one_address() {
    let app = TestApp::spawn().await;
    let site = app.resource("site.com", true).await;
    create(
        &app,
        &site,
        false,
        json!({ "username": "elodie", "email": "ÉLODIE@exemple.fr" }),
    )
    .await
    .data(201);
    let dup = create(
        &app,
        &site,
        false,
        json!({ "username": "elodie2", "email": "élodie@exemple.fr" }),
    )
    .await;
    dup.assert_error(409, "conflict");
    let found = send(
        app.get("/api/v1/users?q=%C3%A9lodie@")
            .header("x-api-key", &site.api_key)
            .header("x-api-secret", &site.api_secret),
    )
    .await;
    assert_eq!(found.data(200)["total"], 1, "search folds the case too");
}

#[tokio::test]
async fn invalid_user_bodies_are_400_and_create_nothing() {
    let app = TestApp::spawn().await;
    let site = app.resource("site.com", true).await;
    for body in [
        json!({ "username": "jo", "email": "jo@example.com" }),
        json!({ "username": "john doe", "email": "john@example.com" }),
        json!({ "username": "john_doe", "email": "not-an-email" }),
        json!({ "username": "john_doe" }),
        json!({ "username": "john_doe", "email": "john@example.com", "role": "king" }),
        json!({ "username": 42, "email": "john@example.com" }),
    ] {
        create(&app, &site, true, body)
            .await
            .assert_error(400, "invalid_body");
    }
    let misspelt = json!({ "username": "john_doe", "email": "john@example.com", "role": "staff", "permissions": { "canFly": true } });
    create(&app, &site, true, misspelt)
        .await
        .assert_error(400, "unknown_field");
    // None of them took the name.
    create(
        &app,
        &site,
        false,
        json!({ "username": "john_doe", "email": "john@example.com" }),
    )
    .await
    .data(201);
}

#[tokio::test]
async fn body_resource_id_must_match_the_key() {
    let app = TestApp::spawn().await;
    let site = app.resource("site.com", true).await;
    create(
        &app,
        &site,
        false,
        json!({ "resourceId": "other.com", "username": "john_doe", "email": "john@example.com" }),
    )
    .await
    .assert_error(403, "resource_mismatch");
}

#[tokio::test]
async fn users_me_and_by_id() {
    let app = TestApp::spawn().await;
    let site = app.resource("site.com", false).await;
    let alice = app.user(&site, "alice", "user").await;
    let bob = app.user(&site, "bob", "user").await;
    let staff = app.user(&site, "staff1", "staff").await;

    let me = send(app.as_user(&alice, Method::GET, "/api/v1/users/me")).await;
    assert_eq!(me.data(200)["username"], "alice");
    assert_eq!(me.data(200)["email"], "alice@example.com");

    // Another plain user sees the public profile only.
    let seen = send(app.as_user(&bob, Method::GET, &format!("/api/v1/users/{}", alice.id))).await;
    assert_eq!(seen.data(200)["username"], "alice");
    assert!(seen.data(200).get("email").is_none());
    // Staff see the whole user.
    let seen = send(app.as_user(&staff, Method::GET, &format!("/api/v1/users/{}", alice.id))).await;
    assert_eq!(seen.data(200)["email"], "alice@example.com");

    send(app.as_user(&bob, Method::GET, "/api/v1/users/0123456789abcdef01234567"))
        .await
        .assert_error(404, "not_found");
}

#[tokio::test]
async fn users_of_another_resource_are_404() {
    let app = TestApp::spawn().await;
    let site = app.resource("site.com", false).await;
    let other = app.resource("other.com", false).await;
    let alice = app.user(&site, "alice", "user").await;
    let mallory = app.user(&other, "mallory", "superadmin").await;
    send(app.as_user(
        &mallory,
        Method::GET,
        &format!("/api/v1/users/{}", alice.id),
    ))
    .await
    .assert_error(404, "not_found");
    // Nor can another resource's secret issue tokens for her.
    let reply = send(
        app.post("/api/v1/users/chat-token")
            .header("x-api-key", &other.api_key)
            .header("x-api-secret", &other.api_secret)
            .json(&json!({ "userId": alice.id })),
    )
    .await;
    reply.assert_error(404, "not_found");
}
