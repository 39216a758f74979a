//! Chat tokens: issuance rules and every way a token can be refused.

use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use reqwest::Method;
use serde_json::json;

use crate::helpers::{send, TestApp, JWT_SECRET};

fn now() -> i64 {
    chatcloud::domain::time::now_ms() / 1000
}

#[tokio::test]
async fn seed_example_issues_a_30_day_token_in_open_mode() {
    let app = TestApp::spawn().await;
    let site = app.resource("site.com", true).await;
    let created = send(
        app.post("/api/v1/users")
            .header("x-api-key", &site.api_key)
            .json(&json!({ "resourceId": "site.com", "username": "john_doe", "email": "john@example.com" })),
    )
    .await;
    let user_id = created.data(201)["id"].as_str().expect("id").to_owned();
    let reply = send(
        app.post("/api/v1/users/chat-token")
            .header("x-api-key", &site.api_key)
            .json(&json!({ "userId": user_id })),
    )
    .await;
    let data = reply.data(200);
    assert_eq!(
        data["user"],
        json!({ "id": user_id, "username": "john_doe", "role": "user" })
    );
    let token = data["chatToken"].as_str().expect("token");
    use base64::Engine;
    let payload = token.split('.').nth(1).expect("payload");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .expect("base64");
    let claims: serde_json::Value = serde_json::from_slice(&bytes).expect("claims");
    assert_eq!(claims["sub"], user_id.as_str());
    assert_eq!(claims["rid"], "site.com");
    assert_eq!(
        claims["exp"].as_i64().unwrap_or(0) - claims["iat"].as_i64().unwrap_or(0),
        30 * 24 * 3600
    );
    assert!(claims["jti"].as_str().is_some());
    assert!(data["expiresAt"]
        .as_str()
        .is_some_and(|t| t.ends_with(".000Z")));

    let me = send(
        app.get("/api/v1/users/me")
            .header("x-api-key", &site.api_key)
            .bearer_auth(token),
    )
    .await;
    assert_eq!(me.data(200)["id"], user_id.as_str());
}

#[tokio::test]
async fn tokens_for_elevated_users_or_secret_resources_need_the_secret() {
    let app = TestApp::spawn().await;
    let open = app.resource("open.com", true).await;
    let closed = app.resource("closed.com", false).await;
    let staff = app.user(&open, "staff1", "staff").await;
    let plain = app.user(&closed, "plain", "user").await;
    let ask = |key: &str, user_id: &str| {
        send(
            app.post("/api/v1/users/chat-token")
                .header("x-api-key", key)
                .json(&json!({ "userId": user_id })),
        )
    };
    ask(&open.api_key, &staff.id)
        .await
        .assert_error(403, "secret_required");
    ask(&closed.api_key, &plain.id)
        .await
        .assert_error(403, "secret_required");
    ask(&open.api_key, "0123456789abcdef01234567")
        .await
        .assert_error(404, "not_found");
}

#[tokio::test]
async fn missing_and_malformed_tokens_are_401() {
    let app = TestApp::spawn().await;
    let site = app.resource("site.com", false).await;
    send(
        app.get("/api/v1/users/me")
            .header("x-api-key", &site.api_key),
    )
    .await
    .assert_error(401, "missing_token");
    for authorization in ["Bearer", "Bearer garbage", "Basic abc", "Bearer a.b.c"] {
        send(
            app.get("/api/v1/users/me")
                .header("x-api-key", &site.api_key)
                .header("authorization", authorization),
        )
        .await
        .assert_error(401, "invalid_token");
    }
}

#[tokio::test]
async fn api_key_is_required_and_checked_before_the_token() {
    let app = TestApp::spawn().await;
    let site = app.resource("site.com", false).await;
    let alice = app.user(&site, "alice", "user").await;
    send(app.get("/api/v1/users/me").bearer_auth(&alice.token))
        .await
        .assert_error(401, "missing_api_key");
    send(
        app.get("/api/v1/users/me")
            .header("x-api-key", "pk_nope")
            .bearer_auth(&alice.token),
    )
    .await
    .assert_error(401, "invalid_api_key");
}

#[tokio::test]
async fn a_token_of_another_resource_is_invalid() {
    let app = TestApp::spawn().await;
    let site = app.resource("site.com", false).await;
    let other = app.resource("other.com", false).await;
    let alice = app.user(&site, "alice", "user").await;
    send(
        app.get("/api/v1/users/me")
            .header("x-api-key", &other.api_key)
            .bearer_auth(&alice.token),
    )
    .await
    .assert_error(401, "invalid_token");
}

#[tokio::test]
async fn tampered_expired_and_alg_none_tokens_are_refused() {
    let app = TestApp::spawn().await;
    let site = app.resource("site.com", false).await;
    let alice = app.user(&site, "alice", "user").await;
    let bob = app.user(&site, "bob", "user").await;
    let me = |token: String| {
        send(
            app.get("/api/v1/users/me")
                .header("x-api-key", &site.api_key)
                .bearer_auth(token),
        )
    };

    // Signature of alice's token over bob's claims.
    let parts: Vec<&str> = alice.token.split('.').collect();
    let bob_parts: Vec<&str> = bob.token.split('.').collect();
    me(format!("{}.{}.{}", parts[0], bob_parts[1], parts[2]))
        .await
        .assert_error(401, "invalid_token");

    let claims = |iat: i64, exp: i64| json!({ "sub": alice.id, "rid": "site.com", "iat": iat, "exp": exp, "jti": "x", "ver": 0 });
    let key = EncodingKey::from_secret(JWT_SECRET.as_bytes());
    let expired = encode(
        &Header::new(Algorithm::HS256),
        &claims(now() - 100, now() - 10),
        &key,
    )
    .expect("jwt");
    me(expired).await.assert_error(401, "token_expired");

    let hs512 = encode(
        &Header::new(Algorithm::HS512),
        &claims(now(), now() + 100),
        &key,
    )
    .expect("jwt");
    me(hs512).await.assert_error(401, "invalid_token");

    use base64::Engine;
    let b64 = |v: serde_json::Value| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
    };
    let none = format!(
        "{}.{}.",
        b64(json!({ "alg": "none", "typ": "JWT" })),
        b64(claims(now(), now() + 100))
    );
    me(none).await.assert_error(401, "invalid_token");

    // The same claims signed right are accepted: the refusals above are about the token alone.
    let good = encode(
        &Header::new(Algorithm::HS256),
        &claims(now(), now() + 100),
        &key,
    )
    .expect("jwt");
    assert_eq!(me(good).await.data(200)["id"], alice.id.as_str());
}

#[tokio::test]
async fn revoking_tokens_invalidates_older_ones_only() {
    let app = TestApp::spawn().await;
    let site = app.resource("site.com", false).await;
    let alice = app.user(&site, "alice", "user").await;
    let admin = app.user(&site, "admin1", "admin").await;

    let reply = send(app.as_user(
        &admin,
        Method::POST,
        &format!("/api/v1/users/{}/revoke-tokens", alice.id),
    ))
    .await;
    assert_eq!(reply.data(200)["userId"], alice.id.as_str());
    send(app.as_user(&alice, Method::GET, "/api/v1/users/me"))
        .await
        .assert_error(401, "invalid_token");
    let fresh = app.token(&site, &alice.id).await;
    let me = send(
        app.get("/api/v1/users/me")
            .header("x-api-key", &site.api_key)
            .bearer_auth(fresh),
    )
    .await;
    assert_eq!(me.data(200)["id"], alice.id.as_str());
}

#[tokio::test]
async fn who_may_revoke_tokens() {
    let app = TestApp::spawn().await;
    let site = app.resource("site.com", false).await;
    let alice = app.user(&site, "alice", "user").await;
    let bob = app.user(&site, "bob", "user").await;
    let admin = app.user(&site, "admin1", "admin").await;
    let path = |id: &str| format!("/api/v1/users/{id}/revoke-tokens");

    send(app.as_user(&bob, Method::POST, &path(&alice.id)))
        .await
        .assert_error(403, "forbidden");
    send(app.as_user(&alice, Method::POST, &path(&admin.id)))
        .await
        .assert_error(403, "forbidden");
    send(
        app.post(&path(&alice.id))
            .header("x-api-key", &site.api_key),
    )
    .await
    .assert_error(403, "secret_required");
    // Bob's failed attempt changed nothing.
    send(app.as_user(&alice, Method::GET, "/api/v1/users/me"))
        .await
        .data(200);
    // The secret may; a user may revoke their own.
    send(
        app.post(&path(&bob.id))
            .header("x-api-key", &site.api_key)
            .header("x-api-secret", &site.api_secret),
    )
    .await
    .data(200);
    send(app.as_user(&alice, Method::POST, &path(&alice.id)))
        .await
        .data(200);
    send(app.as_user(&alice, Method::GET, "/api/v1/users/me"))
        .await
        .assert_error(401, "invalid_token");
}
