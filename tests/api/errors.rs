//! The error envelope on every kind of bad request.

use reqwest::Method;
use serde_json::json;

use crate::helpers::{send, TestApp};

#[tokio::test]
async fn unknown_routes_are_404_and_wrong_methods_405_in_the_envelope() {
    let app = TestApp::spawn().await;
    send(app.get("/api/v1/nothing-here"))
        .await
        .assert_error(404, "not_found");
    send(app.get("/nowhere"))
        .await
        .assert_error(404, "not_found");
    send(app.request(Method::DELETE, "/api/v1/users/chat-token"))
        .await
        .assert_error(405, "method_not_allowed");
    send(app.request(Method::PUT, "/api/v1/users"))
        .await
        .assert_error(405, "method_not_allowed");
}

#[tokio::test]
async fn malformed_json_and_wrong_types_are_400() {
    let app = TestApp::spawn().await;
    let site = app.resource("site.com", true).await;
    let post = || app.post("/api/v1/users").header("x-api-key", &site.api_key);
    send(
        post()
            .header("content-type", "application/json")
            .body("{not json"),
    )
    .await
    .assert_error(400, "invalid_body");
    send(post().body(""))
        .await
        .assert_error(400, "invalid_body");
    send(post().json(&json!([1, 2])))
        .await
        .assert_error(400, "invalid_body");
    send(post().json(&json!({ "username": ["x"], "email": "a@b.co" })))
        .await
        .assert_error(400, "invalid_body");
}

#[tokio::test]
async fn json_without_a_content_type_is_accepted() {
    let app = TestApp::spawn().await;
    let site = app.resource("site.com", true).await;
    let reply = send(
        app.post("/api/v1/users")
            .header("x-api-key", &site.api_key)
            .body(r#"{"username":"john_doe","email":"john@example.com"}"#),
    )
    .await;
    assert_eq!(reply.data(201)["username"], "john_doe");
}

#[tokio::test]
async fn bodies_over_64_kib_are_413() {
    let app = TestApp::spawn().await;
    let site = app.resource("site.com", true).await;
    let big = json!({ "username": "john_doe", "email": "john@example.com", "padding": "x".repeat(70 * 1024) });
    send(
        app.post("/api/v1/users")
            .header("x-api-key", &site.api_key)
            .json(&big),
    )
    .await
    .assert_error(413, "payload_too_large");
    // Just under the limit is fine (whitespace is valid JSON, and no field the route does not
    // know).
    let fits = format!(
        r#"{{"username": "john_doe",{}"email": "john@example.com"}}"#,
        " ".repeat(60 * 1024)
    );
    send(
        app.post("/api/v1/users")
            .header("x-api-key", &site.api_key)
            .body(fits),
    )
    .await
    .data(201);
}

#[tokio::test]
async fn undecodable_path_parameters_are_400_in_the_envelope() {
    let app = TestApp::spawn().await;
    let site = app.resource("site.com", false).await;
    let alice = app.user(&site, "alice", "user").await;
    send(app.as_user(&alice, Method::GET, "/api/v1/users/%FF%FE"))
        .await
        .assert_error(400, "invalid_path");
    send(app.as_user(
        &alice,
        Method::GET,
        "/api/v1/p2p/conversations/%FF/messages",
    ))
    .await
    .assert_error(400, "invalid_path");
}
