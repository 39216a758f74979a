//! Rate limits: three budgets that no one can spend for another (users, the site's server, and
//! everyone who fails authentication or carries none), exempt operational routes.

use reqwest::Method;
use serde_json::json;

use crate::helpers::{send, Reply, Settings, TestApp};

/// The `X-RateLimit-Limit` of a reply, if any.
fn limit_header(reply: &Reply) -> Option<u32> {
    reply
        .headers
        .get("x-ratelimit-limit")
        .map(|value| value.to_str().expect("ASCII").parse().expect("number"))
}

#[tokio::test]
async fn failed_authentication_is_limited_per_address_and_spends_nothing_of_the_site() {
    let app = TestApp::spawn_with(Settings {
        rate_limit_per_address: 3,
        rate_limit_per_key: 100,
        trusted_proxies: vec!["127.0.0.1/32".into()],
        ..Settings::default()
    })
    .await;
    let site = app.resource("site.com", false).await;
    let alice = app.user(&site, "alice", "user").await;
    let from = |address: &str| {
        app.get("/api/v1/users/me")
            .header("x-api-key", &site.api_key)
            .header("x-forwarded-for", address)
    };
    for _ in 0..3 {
        let reply = send(from("203.0.113.1")).await;
        reply.assert_error(401, "missing_token");
        assert_eq!(limit_header(&reply), Some(3), "the address budget");
        assert!(reply.headers.contains_key("x-ratelimit-reset"));
    }
    let refused = send(from("203.0.113.1")).await;
    refused.assert_error(429, "rate_limited");
    assert!(refused.headers.contains_key("retry-after"));

    // Another address, and the site's users, are untouched.
    send(from("203.0.113.2"))
        .await
        .assert_error(401, "missing_token");
    let reply = send(
        app.as_user(&alice, Method::GET, "/api/v1/users/me")
            .header("x-forwarded-for", "203.0.113.3"),
    )
    .await;
    reply.data(200);
    assert_eq!(limit_header(&reply), Some(100), "the site's budget");
}

#[tokio::test]
async fn unknown_keys_share_their_address_budget() {
    let app = TestApp::spawn_with(Settings {
        rate_limit_per_address: 3,
        ..Settings::default()
    })
    .await;
    for attempt in 0..3 {
        send(
            app.get("/api/v1/users/me")
                .header("x-api-key", format!("pk_made_up_{attempt}")),
        )
        .await
        .assert_error(401, "invalid_api_key");
    }
    send(
        app.get("/api/v1/users/me")
            .header("x-api-key", "pk_yet_another"),
    )
    .await
    .assert_error(429, "rate_limited");
}

#[tokio::test]
async fn forwarded_addresses_from_untrusted_peers_are_ignored() {
    let app = TestApp::spawn_with(Settings {
        rate_limit_per_address: 2,
        ..Settings::default()
    })
    .await;
    for address in ["198.51.100.1", "198.51.100.2"] {
        send(
            app.get("/api/v1/users/me")
                .header("x-forwarded-for", address),
        )
        .await
        .assert_error(401, "missing_api_key");
    }
    send(
        app.get("/api/v1/users/me")
            .header("x-forwarded-for", "198.51.100.3"),
    )
    .await
    .assert_error(429, "rate_limited");
}

#[tokio::test]
async fn each_user_and_each_site_have_their_own_budget() {
    let app = TestApp::spawn_with(Settings {
        rate_limit_per_user: 2,
        rate_limit_per_key: 3,
        ..Settings::default()
    })
    .await;
    let site = app.resource("site.com", false).await;
    let other_site = app.resource("other.com", false).await;
    let alice = app.user(&site, "alice", "user").await;
    let bob = app.user(&site, "bob", "user").await;
    let carol = app.user(&other_site, "carol", "user").await;
    let me = |user| send(app.as_user(user, Method::GET, "/api/v1/users/me"));

    me(&alice).await.data(200);
    me(&alice).await.data(200);
    me(&alice).await.assert_error(429, "rate_limited");
    // Alice's refused request spent nothing of the site's budget: bob has its last request.
    let reply = me(&bob).await;
    reply.data(200);
    assert_eq!(reply.headers["x-ratelimit-remaining"], "0");
    me(&bob).await.assert_error(429, "rate_limited");
    me(&carol).await.data(200);
}

#[tokio::test]
async fn the_sites_server_has_its_own_budget() {
    let app = TestApp::spawn_with(Settings {
        rate_limit_per_secret: 3,
        rate_limit_per_key: 1,
        rate_limit_per_address: 1,
        ..Settings::default()
    })
    .await;
    let site = app.resource("site.com", false).await;
    // Two users and a token: the secret budget, not the users' or the address's.
    let alice = app.user(&site, "alice", "user").await;
    let reply = send(
        app.post("/api/v1/users")
            .header("x-api-key", &site.api_key)
            .header("x-api-secret", &site.api_secret)
            .json(&json!({ "username": "bob", "email": "bob@example.com" })),
    )
    .await;
    reply.data(201);
    assert_eq!(limit_header(&reply), Some(3));
    send(
        app.post("/api/v1/users/chat-token")
            .header("x-api-key", &site.api_key)
            .header("x-api-secret", &site.api_secret)
            .json(&json!({ "userId": alice.id })),
    )
    .await
    .assert_error(429, "rate_limited");
    // The site's users still have theirs.
    send(app.as_user(&alice, Method::GET, "/api/v1/users/me"))
        .await
        .data(200);
}

#[tokio::test]
async fn operational_routes_are_exempt_and_carry_no_rate_limit_headers() {
    let app = TestApp::spawn_with(Settings {
        rate_limit_per_address: 1,
        ..Settings::default()
    })
    .await;
    send(app.get("/api/v1/users/me")).await;
    send(app.get("/api/v1/users/me"))
        .await
        .assert_error(429, "rate_limited");
    for path in ["/healthz", "/readyz", "/metrics", "/healthz"] {
        let response = app.get(path).send().await.expect("request sent");
        assert_eq!(response.status(), 200, "{path}");
        assert!(
            !response.headers().contains_key("x-ratelimit-limit"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn preflights_count_against_the_address_and_carry_the_headers() {
    let app = TestApp::spawn_with(Settings {
        rate_limit_per_address: 2,
        ..Settings::default()
    })
    .await;
    app.resource("site.com", true).await;
    let preflight = || {
        send(
            app.request(Method::OPTIONS, "/api/v1/users")
                .header("origin", "https://site.com")
                .header("access-control-request-method", "POST"),
        )
    };
    let reply = preflight().await;
    assert_eq!(reply.status, 204);
    assert_eq!(limit_header(&reply), Some(2));
    assert_eq!(reply.headers["x-ratelimit-remaining"], "1");
    preflight().await;
    preflight().await.assert_error(429, "rate_limited");
}
