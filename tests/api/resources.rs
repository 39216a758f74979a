//! The operator API: resources and key rotation.

use serde_json::json;

use crate::helpers::{send, Settings, TestApp, OPERATOR_KEY};

#[tokio::test]
async fn operator_creates_a_resource_and_sees_its_keys_once() {
    let app = TestApp::spawn().await;
    let reply = send(app.post("/api/v1/resources").header("x-operator-key", OPERATOR_KEY).json(
        &json!({ "resourceId": "site.com", "tokenIssuance": "open", "allowedOrigins": ["https://site.com"] }),
    ))
    .await;
    let data = reply.data(201);
    assert_eq!(data["resourceId"], "site.com");
    assert_eq!(data["tokenIssuance"], "open");
    assert_eq!(data["allowedOrigins"], json!(["https://site.com"]));
    assert!(data["apiKey"]
        .as_str()
        .is_some_and(|k| k.starts_with("pk_") && k.len() == 35));
    assert!(data["apiSecret"]
        .as_str()
        .is_some_and(|k| k.starts_with("sk_") && k.len() == 51));
    assert!(data["createdAt"]
        .as_str()
        .is_some_and(|t| t.ends_with('Z') && t.len() == 24));
}

#[tokio::test]
async fn resource_defaults_to_secret_issuance() {
    let app = TestApp::spawn().await;
    let reply = send(
        app.post("/api/v1/resources")
            .header("x-operator-key", OPERATOR_KEY)
            .json(&json!({ "resourceId": "site.com" })),
    )
    .await;
    assert_eq!(reply.data(201)["tokenIssuance"], "secret");
}

#[tokio::test]
async fn duplicate_resource_is_409() {
    let app = TestApp::spawn().await;
    app.resource("site.com", true).await;
    let reply = send(
        app.post("/api/v1/resources")
            .header("x-operator-key", OPERATOR_KEY)
            .json(&json!({ "resourceId": "site.com" })),
    )
    .await;
    reply.assert_error(409, "conflict");
}

#[tokio::test]
async fn operator_api_refuses_missing_and_wrong_keys() {
    let app = TestApp::spawn().await;
    let body = json!({ "resourceId": "site.com" });
    send(app.post("/api/v1/resources").json(&body))
        .await
        .assert_error(401, "missing_operator_key");
    send(
        app.post("/api/v1/resources")
            .header("x-operator-key", "nope")
            .json(&body),
    )
    .await
    .assert_error(401, "invalid_operator_key");
}

#[tokio::test]
async fn operator_api_is_off_without_an_operator_key() {
    let app = TestApp::spawn_with(Settings {
        operator_key: None,
        ..Settings::default()
    })
    .await;
    send(
        app.post("/api/v1/resources")
            .header("x-operator-key", "anything")
            .json(&json!({ "resourceId": "site.com" })),
    )
    .await
    .assert_error(404, "not_found");
}

#[tokio::test]
async fn invalid_resource_bodies_are_400() {
    let app = TestApp::spawn().await;
    for body in [
        json!({ "resourceId": "" }),
        json!({ "resourceId": "a/b" }),
        json!({ "resourceId": "site.com", "tokenIssuance": "sometimes" }),
        json!({ "resourceId": "site.com", "allowedOrigins": ["site.com"] }),
        json!({ "tokenIssuance": "open" }),
    ] {
        send(
            app.post("/api/v1/resources")
                .header("x-operator-key", OPERATOR_KEY)
                .json(&body),
        )
        .await
        .assert_error(400, "invalid_body");
    }
}

#[tokio::test]
async fn rotating_keys_stops_the_old_ones_at_once() {
    let app = TestApp::spawn().await;
    let site = app.resource("site.com", false).await;
    let alice = app.user(&site, "alice", "user").await;

    let rotated = send(
        app.post("/api/v1/resources/site.com/rotate-keys")
            .header("x-api-secret", &site.api_secret),
    )
    .await;
    let data = rotated.data(200).clone();
    let new_key = data["apiKey"].as_str().expect("apiKey");
    assert_ne!(new_key, site.api_key);

    send(
        app.get("/api/v1/users/me")
            .header("x-api-key", &site.api_key)
            .bearer_auth(&alice.token),
    )
    .await
    .assert_error(401, "invalid_api_key");
    let me = send(
        app.get("/api/v1/users/me")
            .header("x-api-key", new_key)
            .bearer_auth(&alice.token),
    )
    .await;
    assert_eq!(me.data(200)["id"], alice.id.as_str());

    // The old secret no longer rotates; the operator still can.
    send(
        app.post("/api/v1/resources/site.com/rotate-keys")
            .header("x-api-secret", &site.api_secret),
    )
    .await
    .assert_error(403, "secret_required");
    send(
        app.post("/api/v1/resources/site.com/rotate-keys")
            .header("x-operator-key", OPERATOR_KEY),
    )
    .await
    .data(200);
}

#[tokio::test]
async fn rotating_needs_a_credential_of_that_resource() {
    let app = TestApp::spawn().await;
    app.resource("site.com", false).await;
    let other = app.resource("other.com", false).await;
    send(app.post("/api/v1/resources/site.com/rotate-keys"))
        .await
        .assert_error(403, "secret_required");
    send(
        app.post("/api/v1/resources/site.com/rotate-keys")
            .header("x-api-secret", &other.api_secret),
    )
    .await
    .assert_error(403, "secret_required");
    send(
        app.post("/api/v1/resources/site.com/rotate-keys")
            .header("x-operator-key", "wrong"),
    )
    .await
    .assert_error(401, "invalid_operator_key");
    send(
        app.post("/api/v1/resources/nope.com/rotate-keys")
            .header("x-operator-key", OPERATOR_KEY),
    )
    .await
    .assert_error(404, "not_found");
}
