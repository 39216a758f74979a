//! Hostile and careless input: NUL characters, non-object bodies, unknown fields, foreign resource
//! ids, refused
//! origins, oversized heads, undecodable credentials, request ids, escaped emoji, startup secrets,
//! slow and idle connections, and the test databases left behind.

use std::time::Duration;

use chatcloud::http::state::AppState;
use reqwest::header::HeaderValue;
use reqwest::Method;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::{config, open_p2p, post_message, send, Settings, TestApp, OPERATOR_KEY};

#[tokio::test]
async fn nul_characters_are_refused_in_bodies_paths_and_queries() {
    let app = TestApp::spawn().await;
    let site = app.resource("site.com", false).await;
    let alice = app.user(&site, "alice", "user").await;
    let bob = app.user(&site, "bob", "user").await;
    let conversation = open_p2p(&app, &alice, &bob).await;

    send(
        app.post("/api/v1/users")
            .header("x-api-key", &site.api_key)
            .header("x-api-secret", &site.api_secret)
            .json(&json!({ "username": "carol", "email": "carol\u{0}@example.com" })),
    )
    .await
    .assert_error(400, "invalid_body");
    let messages = format!("/api/v1/p2p/conversations/{conversation}/messages");
    send(
        app.as_user(&alice, Method::POST, &messages)
            .json(&json!({ "content": { "text": "hi\u{0}" } })),
    )
    .await
    .assert_error(400, "invalid_body");
    send(
        app.as_user(&alice, Method::POST, &messages)
            .json(&json!({ "content": { "text": "hi" }, "extra\u{0}": 1 })),
    )
    .await
    .assert_error(400, "invalid_body");
    send(app.as_user(&alice, Method::GET, "/api/v1/users/abc%00"))
        .await
        .assert_error(400, "invalid_path");
    send(app.as_user(
        &alice,
        Method::GET,
        "/api/v1/p2p/conversations/%00/messages",
    ))
    .await
    .assert_error(400, "invalid_path");
    send(app.as_user(&alice, Method::GET, &format!("{messages}?before=%00")))
        .await
        .assert_error(400, "invalid_query");
    // Nothing was stored on the way.
    let history = send(app.as_user(&alice, Method::GET, &messages)).await;
    assert_eq!(history.data(200)["data"], json!([]));
}

#[tokio::test]
async fn bodies_must_be_json_objects() {
    let app = TestApp::spawn().await;
    let site = app.resource("site.com", false).await;
    let admin = app.user(&site, "admin", "admin").await;
    let alice = app.user(&site, "alice", "user").await;
    let path = format!("/api/v1/users/{}", alice.id);
    for body in [
        json!(["staff", null]),
        json!("staff"),
        json!(null),
        json!(7),
    ] {
        send(app.as_user(&admin, Method::PATCH, &path).json(&body))
            .await
            .assert_error(400, "invalid_body");
    }
    let user = send(app.as_user(&admin, Method::GET, &path)).await;
    assert_eq!(user.data(200)["role"], "user", "the role did not change");
}

/// Every body route refuses a field it does not know, at any depth, naming its path, and changes
/// nothing; the same body without it (with the key's own `resourceId`) succeeds.
#[tokio::test]
async fn unknown_body_fields_are_refused_by_name_on_every_route() {
    let app = TestApp::spawn().await;
    let site = app.resource("site.com", false).await;
    let alice = app.user(&site, "alice", "user").await;
    let bob = app.user(&site, "bob", "user").await;
    let carol = app.user(&site, "carol", "user").await;
    let admin = app.user(&site, "admin1", "admin").await;
    let staff = app.user(&site, "staff1", "staff").await;
    let chat = open_p2p(&app, &alice, &bob).await;
    let message = post_message(
        &app,
        &alice,
        &format!("/api/v1/p2p/conversations/{chat}/messages"),
        "first",
    )
    .await
    .data(201)["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let ticket = send(
        app.as_user(&alice, Method::POST, "/api/v1/support/conversations")
            .json(&json!({ "subject": "Help" })),
    )
    .await
    .data(201)["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let with_secret = |method: Method, path: &str| {
        app.request(method, path)
            .header("x-api-key", &site.api_key)
            .header("x-api-secret", &site.api_secret)
    };
    // (request, a valid body, where the unknown field goes: None for the top level)
    let routes = [
        (
            with_secret(Method::POST, "/api/v1/users"),
            json!({ "username": "dave", "email": "dave@example.com" }),
            None,
        ),
        (
            with_secret(Method::POST, "/api/v1/users/chat-token"),
            json!({ "userId": bob.id }),
            None,
        ),
        (
            app.as_user(&admin, Method::PATCH, &format!("/api/v1/users/{}", bob.id)),
            json!({ "role": "user" }),
            None,
        ),
        (
            with_secret(Method::PUT, "/api/v1/users/by-external-id/site-7"),
            json!({ "username": "erin", "email": "erin@example.com", "displayName": "Erin" }),
            None,
        ),
        (
            with_secret(Method::POST, "/api/v1/users/chat-token"),
            json!({ "externalId": "site-8", "user": { "username": "fay", "email": "fay@example.com" } }),
            Some("user"),
        ),
        (
            app.as_user(&alice, Method::PATCH, "/api/v1/users/me"),
            json!({ "displayName": "Alice" }),
            None,
        ),
        (
            app.as_user(
                &admin,
                Method::PATCH,
                &format!("/api/v1/users/{}", staff.id),
            ),
            json!({ "permissions": { "canSendMessage": true } }),
            Some("permissions"),
        ),
        (
            app.as_user(&alice, Method::POST, "/api/v1/p2p/conversations"),
            json!({ "otherParticipantId": carol.id }),
            None,
        ),
        (
            app.as_user(
                &alice,
                Method::PATCH,
                &format!("/api/v1/p2p/conversations/{chat}"),
            ),
            json!({ "metadata": { "topic": "bikes" } }),
            None,
        ),
        (
            app.as_user(
                &alice,
                Method::POST,
                &format!("/api/v1/p2p/conversations/{chat}/messages"),
            ),
            json!({ "content": { "text": "hi" } }),
            Some("content"),
        ),
        (
            app.as_user(
                &alice,
                Method::PATCH,
                &format!("/api/v1/p2p/conversations/{chat}/messages/{message}"),
            ),
            json!({ "content": { "text": "edited" } }),
            Some("content"),
        ),
        (
            app.as_user(
                &bob,
                Method::POST,
                &format!("/api/v1/p2p/conversations/{chat}/mark-as-read"),
            ),
            json!({}),
            None,
        ),
        (
            app.as_user(&alice, Method::POST, "/api/v1/support/conversations"),
            json!({ "subject": "More help" }),
            None,
        ),
        (
            app.as_user(
                &admin,
                Method::PATCH,
                &format!("/api/v1/support/conversations/{ticket}"),
            ),
            json!({ "priority": "high" }),
            None,
        ),
        (
            app.as_user(
                &alice,
                Method::POST,
                &format!("/api/v1/support/conversations/{ticket}/messages"),
            ),
            json!({ "content": { "text": "hello" } }),
            Some("content"),
        ),
        (
            app.as_user(
                &admin,
                Method::POST,
                &format!("/api/v1/support/conversations/{ticket}/mark-as-read"),
            ),
            json!({}),
            None,
        ),
    ];
    for (request, body, nested) in routes {
        let mut bad = body.clone();
        let expected = match nested {
            Some(object) => {
                bad[object]["attachments"] = json!([]);
                format!("{object}.attachments")
            }
            None => {
                bad["attachments"] = json!([]);
                "attachments".to_owned()
            }
        };
        let retry = request.try_clone().expect("clonable");
        let refused = send(request.json(&bad)).await;
        refused.assert_error(400, "unknown_field");
        assert!(
            refused.body["message"]
                .as_str()
                .is_some_and(|m| m.contains(&format!("`{expected}`"))),
            "{}",
            refused.body
        );
        let mut good = body;
        good["resourceId"] = json!("site.com");
        let accepted = send(retry.json(&good)).await;
        assert!(accepted.status.is_success(), "{good}: {}", accepted.body);
    }
    // Nothing of the refused requests happened: one message and one edit, two tickets.
    let history = send(app.as_user(
        &bob,
        Method::GET,
        &format!("/api/v1/p2p/conversations/{chat}/messages"),
    ))
    .await;
    let texts: Vec<&str> = history.data(200)["data"]
        .as_array()
        .expect("page")
        .iter()
        .filter_map(|m| m["content"]["text"].as_str())
        .collect();
    assert_eq!(texts.len(), 2, "{texts:?}");
    send(
        app.post("/api/v1/resources")
            .header("x-operator-key", OPERATOR_KEY)
            .json(&json!({ "resourceId": "new.com", "plan": "gold" })),
    )
    .await
    .assert_error(400, "unknown_field");
}

#[tokio::test]
async fn a_foreign_resource_id_in_a_body_is_403_on_every_route() {
    let app = TestApp::spawn().await;
    let site = app.resource("site.com", false).await;
    let alice = app.user(&site, "alice", "user").await;
    let bob = app.user(&site, "bob", "user").await;
    let conversation = open_p2p(&app, &alice, &bob).await;
    let foreign = |path: &str, body: serde_json::Value| {
        let mut body = body;
        body["resourceId"] = json!("other.com");
        send(app.as_user(&alice, Method::POST, path).json(&body))
    };
    foreign(
        "/api/v1/p2p/conversations",
        json!({ "otherParticipantId": bob.id }),
    )
    .await
    .assert_error(403, "resource_mismatch");
    foreign(
        &format!("/api/v1/p2p/conversations/{conversation}/messages"),
        json!({ "content": { "text": "hi" } }),
    )
    .await
    .assert_error(403, "resource_mismatch");
    foreign(
        "/api/v1/support/conversations",
        json!({ "subject": "Help" }),
    )
    .await
    .assert_error(403, "resource_mismatch");
    // Its own resource id is fine.
    send(
        app.as_user(&alice, Method::POST, "/api/v1/support/conversations")
            .json(&json!({ "subject": "Help", "resourceId": "site.com" })),
    )
    .await
    .data(201);
}

#[tokio::test]
async fn a_refused_origin_is_not_allowed_to_read_the_answer() {
    let app = TestApp::spawn().await;
    let site = app.resource("site.com", false).await;
    let alice = app.user(&site, "alice", "user").await;
    let refused = send(
        app.as_user(&alice, Method::GET, "/api/v1/users/me")
            .header("origin", "https://evil.example"),
    )
    .await;
    refused.assert_error(403, "origin_not_allowed");
    assert!(!refused.headers.contains_key("access-control-allow-origin"));
    let preflight = send(
        app.request(Method::OPTIONS, "/api/v1/users/me")
            .header("origin", "https://evil.example")
            .header("access-control-request-method", "GET"),
    )
    .await;
    preflight.assert_error(403, "origin_not_allowed");
    assert!(!preflight
        .headers
        .contains_key("access-control-allow-origin"));
    let allowed = send(
        app.as_user(&alice, Method::GET, "/api/v1/users/me")
            .header("origin", "https://site.com"),
    )
    .await;
    assert_eq!(
        allowed.headers["access-control-allow-origin"],
        "https://site.com"
    );
}

#[tokio::test]
async fn oversized_request_targets_and_headers_are_answered_in_the_envelope() {
    let app = TestApp::spawn().await;
    send(app.get(&format!("/api/v1/users/{}", "a".repeat(9 * 1024))))
        .await
        .assert_error(414, "uri_too_long");
    send(
        app.get("/api/v1/users/me")
            .header("x-padding", "a".repeat(40 * 1024)),
    )
    .await
    .assert_error(431, "headers_too_large");
}

#[tokio::test]
async fn undecodable_credentials_are_invalid_not_missing() {
    let app = TestApp::spawn().await;
    let site = app.resource("site.com", false).await;
    let garbage = HeaderValue::from_bytes(b"pk_\xff\xfe").expect("obs-text header");
    send(
        app.get("/api/v1/users/me")
            .header("x-api-key", garbage.clone()),
    )
    .await
    .assert_error(401, "invalid_api_key");
    send(
        app.get("/api/v1/users/me")
            .header("x-api-key", &site.api_key)
            .header("authorization", garbage.clone()),
    )
    .await
    .assert_error(401, "invalid_token");
    send(
        app.post("/api/v1/resources")
            .header("x-operator-key", garbage)
            .json(&json!({ "resourceId": "x.com" })),
    )
    .await
    .assert_error(401, "invalid_operator_key");
}

#[tokio::test]
async fn a_wrong_operator_key_on_rotate_keys_is_the_operator_keys_error() {
    let app = TestApp::spawn().await;
    app.resource("site.com", false).await;
    let rotate = |key: &str| {
        send(
            app.post("/api/v1/resources/site.com/rotate-keys")
                .header("x-operator-key", key),
        )
    };
    rotate("wrong")
        .await
        .assert_error(401, "invalid_operator_key");
    rotate(OPERATOR_KEY).await.data(200);
}

#[tokio::test]
async fn bidi_controls_are_refused_in_emails() {
    let app = TestApp::spawn().await;
    let site = app.resource("site.com", false).await;
    for email in ["ali\u{202E}ce@example.com", "alice@exa\u{2066}mple.com"] {
        send(
            app.post("/api/v1/users")
                .header("x-api-key", &site.api_key)
                .header("x-api-secret", &site.api_secret)
                .json(&json!({ "username": "alice", "email": email })),
        )
        .await
        .assert_error(400, "invalid_body");
    }
}

#[tokio::test]
async fn overlong_request_ids_are_replaced() {
    let app = TestApp::spawn().await;
    let kept = send(app.get("/healthz").header("x-request-id", "trace-42")).await;
    assert_eq!(kept.headers["x-request-id"], "trace-42");
    let long = "x".repeat(200);
    let replaced = send(app.get("/healthz").header("x-request-id", &long)).await;
    let id = replaced.headers["x-request-id"].to_str().expect("ASCII");
    assert!(id != long && !id.is_empty() && id.len() <= 128, "{id}");
}

#[tokio::test]
async fn ten_thousand_emoji_escaped_as_surrogate_pairs_fit() {
    let app = TestApp::spawn().await;
    let site = app.resource("site.com", false).await;
    let alice = app.user(&site, "alice", "user").await;
    let bob = app.user(&site, "bob", "user").await;
    let conversation = open_p2p(&app, &alice, &bob).await;
    let text = "\\ud83d\\ude00".repeat(10_000);
    let body = format!(r#"{{"content":{{"text":"{text}"}}}}"#);
    let path = format!("/api/v1/p2p/conversations/{conversation}/messages");
    let reply = send(app.as_user(&alice, Method::POST, &path).body(body)).await;
    assert_eq!(
        reply.data(201)["content"]["text"]
            .as_str()
            .expect("text")
            .chars()
            .count(),
        10_000
    );
}

#[tokio::test]
async fn startup_refuses_short_token_keys_and_empty_operator_keys() {
    let url = "sqlite://unused.db";
    let mut short = config(Settings::default(), url);
    short.jwt_secret = Some("too-short".into());
    let error = AppState::new(&short).await.err().expect("refused");
    assert!(error.to_string().contains("at least 32"), "{error}");

    let mut empty = config(Settings::default(), url);
    empty.jwt_secret = Some(String::new());
    assert!(AppState::new(&empty).await.is_err());

    let mut no_operator = config(Settings::default(), url);
    no_operator.operator_key = Some(String::new());
    let error = AppState::new(&no_operator).await.err().expect("refused");
    assert!(
        error.to_string().contains("CHATCLOUD_OPERATOR_KEY"),
        "{error}"
    );
}

/// Reads until the server closes the connection; panics if it has not within 20 s.
async fn closed_by_server(stream: &mut TcpStream) {
    let mut buffer = [0u8; 4096];
    let closed = async {
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(_) => continue,
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(20), closed)
        .await
        .expect("the server closed the connection");
}

#[tokio::test]
async fn half_sent_headers_are_cut_off_after_the_header_timeout() {
    let app = TestApp::spawn_with(Settings {
        header_read_timeout_secs: 1,
        ..Settings::default()
    })
    .await;
    let mut stream = TcpStream::connect(app.base.trim_start_matches("http://"))
        .await
        .expect("connect");
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .await
        .expect("write");
    closed_by_server(&mut stream).await;
}

#[tokio::test]
async fn idle_connections_are_closed_after_the_idle_timeout() {
    let app = TestApp::spawn_with(Settings {
        idle_timeout_secs: 1,
        header_read_timeout_secs: 60,
        ..Settings::default()
    })
    .await;
    let mut stream = TcpStream::connect(app.base.trim_start_matches("http://"))
        .await
        .expect("connect");
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .expect("write");
    let mut buffer = [0u8; 4096];
    let read = stream.read(&mut buffer).await.expect("response");
    assert!(buffer[..read].starts_with(b"HTTP/1.1 200"));
    closed_by_server(&mut stream).await;
}

#[tokio::test]
async fn a_later_request_gets_the_header_timeout_from_its_first_byte() {
    let app = TestApp::spawn_with(Settings {
        idle_timeout_secs: 600,
        header_read_timeout_secs: 1,
        ..Settings::default()
    })
    .await;
    let mut stream = TcpStream::connect(app.base.trim_start_matches("http://"))
        .await
        .expect("connect");
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .expect("write");
    let mut buffer = [0u8; 4096];
    let read = stream.read(&mut buffer).await.expect("response");
    assert!(buffer[..read].starts_with(b"HTTP/1.1 200"));
    // Half of a second request: the header clock, not the ten-minute idle one, now runs.
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\n")
        .await
        .expect("write");
    closed_by_server(&mut stream).await;
}

#[tokio::test]
async fn test_databases_are_dropped_with_their_app() {
    let Ok(admin_url) = std::env::var("CHATCLOUD_TEST_DATABASE_URL") else {
        return; // SQLite: the temporary directory goes with the app.
    };
    let app = TestApp::spawn().await;
    let (_, name) = app.database_url.rsplit_once('/').expect("database name");
    let name = name.to_owned();
    drop(app);
    let query = name.clone();
    let left: i64 = tokio::task::spawn_blocking(move || {
        postgres::Client::connect(&admin_url, postgres::NoTls)
            .and_then(|mut client| {
                client.query_one(
                    "select count(*) from pg_database where datname = $1",
                    &[&query],
                )
            })
            .map(|row| row.get(0))
            .expect("query")
    })
    .await
    .expect("query");
    assert_eq!(left, 0, "{name} was left behind");
}
