//! Operating the service: health, metrics, OpenAPI, docs, CORS, rate limits, request ids.

use reqwest::Method;
use serde_json::json;

use crate::helpers::{send, Settings, TestApp};

#[tokio::test]
async fn health_and_readiness() {
    let app = TestApp::spawn().await;
    assert_eq!(send(app.get("/healthz")).await.data(200)["status"], "ok");
    assert_eq!(send(app.get("/readyz")).await.data(200)["status"], "ready");
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_status() {
    let app = TestApp::spawn().await;
    send(app.get("/api/v1/users/me"))
        .await
        .assert_error(401, "missing_api_key");
    let text = app
        .get("/metrics")
        .send()
        .await
        .expect("metrics")
        .text()
        .await
        .expect("text");
    assert!(
        text.contains(
            r#"chatcloud_http_requests_total{method="GET",route="/api/v1/users/me",status="401"} 1"#
        ),
        "{text}"
    );
    assert!(
        text.contains("chatcloud_http_request_duration_seconds_bucket"),
        "{text}"
    );
}

#[tokio::test]
async fn openapi_document_lists_every_api_route() {
    let app = TestApp::spawn().await;
    let doc = send(app.get("/api/v1/openapi.json")).await.body;
    assert!(doc["openapi"]
        .as_str()
        .is_some_and(|v| v.starts_with("3.1")));
    let paths = doc["paths"].as_object().expect("paths");
    for (path, method) in [
        ("/api/v1/resources", "post"),
        ("/api/v1/resources/{resourceId}/rotate-keys", "post"),
        ("/api/v1/users", "post"),
        ("/api/v1/users/chat-token", "post"),
        ("/api/v1/users/me", "get"),
        ("/api/v1/users/{id}", "get"),
        ("/api/v1/users/{id}/revoke-tokens", "post"),
        ("/api/v1/p2p/conversations", "post"),
        ("/api/v1/p2p/conversations", "get"),
        ("/api/v1/p2p/conversations/{id}", "get"),
        ("/api/v1/p2p/conversations/{id}/messages", "post"),
        ("/api/v1/p2p/conversations/{id}/messages", "get"),
        (
            "/api/v1/p2p/conversations/{id}/messages/{messageId}",
            "patch",
        ),
        (
            "/api/v1/p2p/conversations/{id}/messages/{messageId}",
            "delete",
        ),
        ("/api/v1/p2p/conversations/{id}/mark-as-read", "post"),
        ("/api/v1/p2p/conversations/{id}/unread-count", "get"),
        ("/api/v1/p2p/conversations/{id}/archive", "post"),
        ("/api/v1/p2p/conversations/{id}/unarchive", "post"),
        ("/api/v1/support/conversations", "post"),
        ("/api/v1/support/conversations", "get"),
        ("/api/v1/support/conversations/{id}", "get"),
        ("/api/v1/support/conversations/{id}", "patch"),
        ("/api/v1/support/conversations/{id}/messages", "post"),
        ("/api/v1/support/conversations/{id}/messages", "get"),
        ("/api/v1/support/conversations/{id}/mark-as-read", "post"),
        ("/api/v1/support/conversations/{id}/unread-count", "get"),
        ("/api/v1/admin-panel/conversations", "get"),
        ("/api/v1/admin-panel/stats", "get"),
        ("/api/v1/admin-panel/users/{userId}/conversations", "get"),
        ("/api/v1/users", "get"),
        ("/api/v1/users/{id}", "patch"),
        ("/api/v1/users/{id}/presence", "get"),
        ("/api/v1/ws", "get"),
    ] {
        assert!(
            paths.get(path).and_then(|p| p.get(method)).is_some(),
            "{method} {path} missing"
        );
    }
    let docs = app.get("/docs").send().await.expect("docs");
    assert_eq!(docs.status(), 200);
    assert!(docs
        .text()
        .await
        .expect("html")
        .contains("/api/v1/openapi.json"));
}

#[tokio::test]
async fn cors_follows_allowed_origins() {
    let app = TestApp::spawn().await;
    // Resources made by the helper allow https://site.com only.
    let site = app.resource("site.com", true).await;
    let preflight = |origin: &str| {
        app.request(Method::OPTIONS, "/api/v1/users")
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type, x-api-key")
    };
    let allowed = preflight("https://site.com")
        .send()
        .await
        .expect("preflight");
    assert_eq!(allowed.status(), 204);
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "https://site.com"
    );
    let allow_headers = allowed.headers()["access-control-allow-headers"]
        .to_str()
        .unwrap_or("");
    assert!(allow_headers.contains("x-api-key") && allow_headers.contains("authorization"));
    assert!(
        !allow_headers.contains("x-api-secret"),
        "the secret is for servers only"
    );
    send(preflight("https://evil.example"))
        .await
        .assert_error(403, "origin_not_allowed");

    let body = json!({ "username": "john_doe", "email": "john@example.com" });
    let from = |origin: &str| {
        app.post("/api/v1/users")
            .header("x-api-key", &site.api_key)
            .header("origin", origin)
            .json(&body)
    };
    send(from("https://evil.example"))
        .await
        .assert_error(403, "origin_not_allowed");
    let ok = send(from("https://site.com")).await;
    ok.data(201);
    assert_eq!(
        ok.headers["access-control-allow-origin"],
        "https://site.com"
    );
}

#[tokio::test]
async fn per_user_rate_limit_answers_429() {
    let app = TestApp::spawn_with(Settings {
        rate_limit_per_user: 2,
        ..Settings::default()
    })
    .await;
    let site = app.resource("site.com", false).await;
    let alice = app.user(&site, "alice", "user").await;
    let bob = app.user(&site, "bob", "user").await;
    send(app.as_user(&alice, Method::GET, "/api/v1/users/me"))
        .await
        .data(200);
    send(app.as_user(&alice, Method::GET, "/api/v1/users/me"))
        .await
        .data(200);
    let limited = send(app.as_user(&alice, Method::GET, "/api/v1/users/me")).await;
    limited.assert_error(429, "rate_limited");
    assert!(limited.headers.contains_key("retry-after"));
    send(app.as_user(&bob, Method::GET, "/api/v1/users/me"))
        .await
        .data(200);
}

#[tokio::test]
async fn every_response_has_a_request_id() {
    let app = TestApp::spawn().await;
    let reply = send(app.get("/healthz")).await;
    let id = reply.headers["x-request-id"].to_str().unwrap_or("");
    assert_eq!(id.len(), 24);
    let echoed = send(app.get("/healthz").header("x-request-id", "abc-123")).await;
    assert_eq!(echoed.headers["x-request-id"], "abc-123");
}

#[tokio::test]
async fn a_stalled_upload_is_cut_off_with_503() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = TestApp::spawn_with(Settings {
        request_timeout_secs: 1,
        ..Settings::default()
    })
    .await;
    let site = app.resource("site.com", true).await;
    let address = app.base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address)
        .await
        .expect("connect");
    let head = format!(
        "POST /api/v1/users HTTP/1.1\r\nhost: {address}\r\nx-api-key: {}\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{{\"user",
        site.api_key
    );
    stream.write_all(head.as_bytes()).await.expect("write");
    let mut answer = vec![0u8; 4096];
    let read = tokio::time::timeout(std::time::Duration::from_secs(10), stream.read(&mut answer))
        .await
        .expect("the server answered instead of waiting forever")
        .expect("read");
    let answer = String::from_utf8_lossy(&answer[..read]);
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(answer.contains(r#""code":"timeout""#), "{answer}");
}
