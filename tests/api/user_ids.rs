//! Text that is neither a user id (24 lowercase hex characters) nor `ext:<externalId>` names no
//! user: every route that takes a user answers it as it answers an unknown user.

use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use reqwest::Method;
use serde_json::json;

use crate::helpers::{send, TestApp, JWT_SECRET};

const NOT_AN_ID: &str = "not-a-user-id";

#[tokio::test]
async fn paths_that_name_no_user_are_404() {
    let app = TestApp::spawn().await;
    let site = app.resource("site.com", false).await;
    let alice = app.user(&site, "alice", "user").await;
    let admin = app.user(&site, "admin", "admin").await;
    for user in [&alice, &admin] {
        for path in ["/api/v1/users/{id}", "/api/v1/users/{id}/presence"] {
            let path = path.replace("{id}", NOT_AN_ID);
            send(app.as_user(user, Method::GET, &path))
                .await
                .assert_error(404, "not_found");
        }
    }
    let conversations = format!("/api/v1/admin-panel/users/{NOT_AN_ID}/conversations");
    send(app.as_user(&admin, Method::GET, &conversations))
        .await
        .assert_error(404, "not_found");
    let with_secret = |method: Method, path: &str| {
        app.request(method, path)
            .header("x-api-key", &site.api_key)
            .header("x-api-secret", &site.api_secret)
    };
    let user = format!("/api/v1/users/{NOT_AN_ID}");
    send(with_secret(Method::PATCH, &user).json(&json!({ "role": "staff" })))
        .await
        .assert_error(404, "not_found");
    send(with_secret(Method::POST, &format!("{user}/revoke-tokens")))
        .await
        .assert_error(404, "not_found");
}

#[tokio::test]
async fn body_fields_that_name_no_user_are_answered_as_unknown_users() {
    let app = TestApp::spawn().await;
    let site = app.resource("site.com", false).await;
    let customer = app.user(&site, "customer", "user").await;
    let staff = app.user(&site, "agent", "staff").await;
    send(
        app.post("/api/v1/users/chat-token")
            .header("x-api-key", &site.api_key)
            .header("x-api-secret", &site.api_secret)
            .json(&json!({ "userId": NOT_AN_ID })),
    )
    .await
    .assert_error(404, "not_found");
    send(
        app.as_user(&customer, Method::POST, "/api/v1/p2p/conversations")
            .json(&json!({ "otherParticipantId": NOT_AN_ID })),
    )
    .await
    .assert_error(404, "not_found");
    let opened = send(
        app.as_user(&customer, Method::POST, "/api/v1/support/conversations")
            .json(&json!({ "subject": "Help" })),
    )
    .await;
    let ticket = format!(
        "/api/v1/support/conversations/{}",
        opened.data(201)["id"].as_str().expect("id")
    );
    let assign = json!({ "assigneeId": NOT_AN_ID });
    send(app.as_user(&staff, Method::PATCH, &ticket).json(&assign))
        .await
        .assert_error(400, "invalid_body");
    // The customer may not change the assignee at all, whoever it names.
    send(app.as_user(&customer, Method::PATCH, &ticket).json(&assign))
        .await
        .assert_error(403, "forbidden");
}

#[tokio::test]
async fn list_filters_that_name_no_user_match_nothing() {
    let app = TestApp::spawn().await;
    let site = app.resource("site.com", false).await;
    let customer = app.user(&site, "customer", "user").await;
    let admin = app.user(&site, "admin", "admin").await;
    send(
        app.as_user(&customer, Method::POST, "/api/v1/support/conversations")
            .json(&json!({ "subject": "Help" })),
    )
    .await
    .data(201);
    for path in [
        format!("/api/v1/support/conversations?assigneeId={NOT_AN_ID}"),
        format!("/api/v1/admin-panel/conversations?userId={NOT_AN_ID}"),
    ] {
        let page = send(app.as_user(&admin, Method::GET, &path)).await;
        let page = page.data(200);
        assert_eq!(page["data"], json!([]), "{path}");
        assert_eq!(page["total"], 0, "{path}");
    }
}

#[tokio::test]
async fn a_token_whose_subject_is_not_a_user_id_is_invalid() {
    let app = TestApp::spawn().await;
    let site = app.resource("site.com", false).await;
    let now = chatcloud::domain::time::now_ms() / 1000;
    let claims = json!({ "sub": NOT_AN_ID, "rid": "site.com", "iat": now, "exp": now + 100, "jti": "x", "ver": 0 });
    let key = EncodingKey::from_secret(JWT_SECRET.as_bytes());
    let token = encode(&Header::new(Algorithm::HS256), &claims, &key).expect("jwt");
    send(
        app.get("/api/v1/users/me")
            .header("x-api-key", &site.api_key)
            .bearer_auth(token),
    )
    .await
    .assert_error(401, "invalid_token");
}
