//! The served OpenAPI document is complete and true, `/docs` needs no other host, and
//! `/metrics` has every family and can be protected.

use std::collections::BTreeSet;

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{open_p2p, post_message, send, Settings, TestApp};

async fn document(app: &TestApp) -> Value {
    send(app.get("/api/v1/openapi.json")).await.body
}

fn operations(document: &Value) -> Vec<(String, String, &Value)> {
    let mut found = Vec::new();
    for (path, item) in document["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("path item") {
            found.push((path.clone(), method.clone(), operation));
        }
    }
    found
}

/// Every error code in the table of docs/API.md.
fn documented_codes() -> BTreeSet<String> {
    let docs = include_str!("../../docs/API.md");
    let start = docs
        .find("## Status codes and error codes")
        .expect("the error table is in docs/API.md");
    docs[start..]
        .lines()
        .skip_while(|line| !line.starts_with('|'))
        .take_while(|line| line.starts_with('|'))
        .filter_map(|line| line.split('|').nth(2))
        .flat_map(|codes| codes.split('`').skip(1).step_by(2).map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn every_operation_has_a_unique_id_a_summary_and_every_error_status() {
    let app = TestApp::spawn().await;
    let document = document(&app).await;
    assert!(document["openapi"]
        .as_str()
        .is_some_and(|v| v.starts_with("3.1")));
    let mut ids = BTreeSet::new();
    for (path, method, operation) in operations(&document) {
        let name = format!("{method} {path}");
        let id = operation["operationId"].as_str().expect("operationId");
        assert!(
            ids.insert(id.to_owned()),
            "{name}: operationId {id} repeated"
        );
        assert!(
            operation["summary"].as_str().is_some_and(|s| !s.is_empty()),
            "{name}: no summary"
        );
        let responses = operation["responses"].as_object().expect("responses");
        for (status, response) in responses {
            let described = response["description"]
                .as_str()
                .is_some_and(|d| !d.is_empty())
                || response["$ref"]
                    .as_str()
                    .is_some_and(|r| r.starts_with("#/components/responses/"));
            assert!(described, "{name} {status}: no description");
            if response.get("$ref").is_none() {
                assert!(
                    response["headers"].get("x-request-id").is_some(),
                    "{name} {status}: x-request-id undocumented"
                );
            }
        }
        for status in ["429", "500", "503"] {
            assert!(responses.contains_key(status), "{name}: no {status}");
        }
        if operation.get("requestBody").is_some() {
            assert!(responses.contains_key("413"), "{name}: no 413");
            assert!(responses.contains_key("400"), "{name}: no 400");
        }
        if path.contains('{') {
            assert!(responses.contains_key("404"), "{name}: no 404");
        }
    }
    for (name, _) in document["components"]["responses"]
        .as_object()
        .expect("shared responses")
    {
        let response = &document["components"]["responses"][name];
        assert!(
            response["content"]["application/json"]["schema"]["$ref"]
                == "#/components/schemas/ErrorBody"
        );
        assert!(response["headers"].get("x-ratelimit-remaining").is_some());
    }
}

#[tokio::test]
async fn the_error_code_enum_is_the_documented_table() {
    let app = TestApp::spawn().await;
    let document = document(&app).await;
    let schemas = &document["components"]["schemas"];
    assert_eq!(
        schemas["ErrorBody"]["properties"]["code"]["$ref"],
        "#/components/schemas/ErrorCode"
    );
    let codes: BTreeSet<String> = schemas["ErrorCode"]["enum"]
        .as_array()
        .expect("an enum")
        .iter()
        .map(|code| code.as_str().expect("string").to_owned())
        .collect();
    assert_eq!(codes, documented_codes());
}

#[tokio::test]
async fn parameters_declare_their_bounds_and_patterns() {
    let app = TestApp::spawn().await;
    let document = document(&app).await;
    let parameter = |path: &str, method: &str, name: &str| -> Value {
        document["paths"][path][method]["parameters"]
            .as_array()
            .expect("parameters")
            .iter()
            .find(|p| p["name"] == name)
            .unwrap_or_else(|| panic!("{method} {path} has no {name}"))["schema"]
            .clone()
    };
    let limit = parameter("/api/v1/p2p/conversations", "get", "limit");
    assert_eq!(
        (limit["minimum"].as_i64(), limit["maximum"].as_i64()),
        (Some(1), Some(100))
    );
    let page = parameter("/api/v1/users", "get", "page");
    assert_eq!(page["minimum"].as_i64(), Some(1));
    let id = parameter("/api/v1/p2p/conversations/{id}", "get", "id");
    assert_eq!(id["pattern"], "^[0-9a-f]{24}$");
    let user = &document["components"]["schemas"]["User"]["properties"];
    assert_eq!(user["createdAt"]["format"], "date-time");
}

/// The keys of `value` fit the object schema `name`: every required one there, none unknown
/// where the schema forbids others.
fn fits(document: &Value, name: &str, value: &Value) -> bool {
    let schema = &document["components"]["schemas"][name];
    let object = value.as_object().expect("an object");
    let properties = schema["properties"].as_object().expect("properties");
    let required = schema["required"].as_array().cloned().unwrap_or_default();
    required
        .iter()
        .all(|key| object.contains_key(key.as_str().expect("key")))
        && (schema["additionalProperties"] != false
            || object.keys().all(|key| properties.contains_key(key)))
}

#[tokio::test]
async fn a_user_as_seen_by_a_plain_user_and_by_an_admin_fits_the_documented_schema() {
    let app = TestApp::spawn().await;
    let document = document(&app).await;
    let schema = &document["paths"]["/api/v1/users/{id}"]["get"]["responses"]["200"]["content"]
        ["application/json"]["schema"];
    let view = schema["properties"]["data"]["$ref"]
        .as_str()
        .or(schema["$ref"].as_str())
        .expect("a named schema");
    assert!(
        view.ends_with("Envelope_UserView") || view.ends_with("UserView"),
        "{view}"
    );
    let one_of = &document["components"]["schemas"]["UserView"]["oneOf"];
    assert_eq!(one_of.as_array().map(Vec::len), Some(2), "{one_of}");

    let site = app.resource("site.com", true).await;
    let alice = app.user(&site, "alice", "user").await;
    let bob = app.user(&site, "bob", "user").await;
    let admin = app.user(&site, "admin", "admin").await;
    let path = format!("/api/v1/users/{}", bob.id);
    let seen_by_alice = send(app.as_user(&alice, Method::GET, &path)).await;
    let seen_by_admin = send(app.as_user(&admin, Method::GET, &path)).await;
    let public = seen_by_alice.data(200);
    let full = seen_by_admin.data(200);
    // Exactly one branch of the oneOf fits each.
    assert!(fits(&document, "PublicUser", public) && !fits(&document, "User", public));
    assert!(fits(&document, "User", full) && !fits(&document, "PublicUser", full));
}

#[tokio::test]
async fn identity_routes_and_user_paths_are_described() {
    let app = TestApp::spawn().await;
    let document = document(&app).await;
    let paths = &document["paths"];
    let by_external = &paths["/api/v1/users/by-external-id/{externalId}"];
    assert!(by_external["put"].is_object() && by_external["get"].is_object());
    assert!(paths["/api/v1/users/me"]["patch"].is_object());
    // A user in a path is an id or `ext:<externalId>`; a conversation only an id.
    let pattern = |path: &str, method: &str| {
        paths[path][method]["parameters"]
            .as_array()
            .and_then(|parameters| parameters.iter().find(|p| p["in"] == "path"))
            .map(|parameter| parameter["schema"]["pattern"].clone())
            .expect("a path parameter")
    };
    for (path, method) in [
        ("/api/v1/users/{id}", "get"),
        ("/api/v1/users/{id}", "patch"),
        ("/api/v1/users/{id}/revoke-tokens", "post"),
        ("/api/v1/users/{id}/presence", "get"),
        ("/api/v1/admin-panel/users/{userId}/conversations", "get"),
    ] {
        let pattern = pattern(path, method);
        assert!(
            pattern.as_str().is_some_and(|p| p.contains("ext:")),
            "{method} {path}: {pattern}"
        );
    }
    assert_eq!(
        pattern("/api/v1/p2p/conversations/{id}", "get"),
        json!("^[0-9a-f]{24}$")
    );
    let schemas = &document["components"]["schemas"];
    for body in ["CreateUser", "UpdateMe", "UpdateUser", "ChatTokenRequest"] {
        assert_eq!(
            schemas[body]["additionalProperties"],
            json!(false),
            "{body}"
        );
    }
    for field in ["externalId", "displayName", "avatarUrl", "metadata"] {
        assert!(
            schemas["CreateUser"]["properties"].get(field).is_some(),
            "{field}"
        );
        assert!(
            schemas["User"]["properties"].get(field).is_some(),
            "{field}"
        );
    }
    assert!(schemas["PublicUser"]["properties"]
        .get("metadata")
        .is_none());
    assert!(schemas["UserProfile"]["properties"]
        .get("displayName")
        .is_some());
}

#[tokio::test]
async fn websocket_frames_are_described() {
    let app = TestApp::spawn().await;
    let document = document(&app).await;
    let schemas = &document["components"]["schemas"];
    for name in ["Event", "ClientEvent", "SessionFrame", "Typing", "Presence"] {
        assert!(schemas.get(name).is_some(), "no schema {name}");
    }
    let described = serde_json::to_string(&schemas["Event"]).expect("json");
    for event in [
        "message.new",
        "conversation.read",
        "ticket.updated",
        "presence",
        "user.updated",
    ] {
        assert!(described.contains(event), "{event} not in Event");
    }
    let extension = &document["paths"]["/api/v1/ws"]["get"]["x-websocket"];
    assert_eq!(
        extension["clientToServer"]["$ref"],
        "#/components/schemas/ClientEvent"
    );
}

/// Every `src="..."` and `href="..."` of a page.
fn references(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attribute in ["src=\"", "href=\""] {
        for (start, _) in html.match_indices(attribute) {
            let rest = &html[start + attribute.len()..];
            if let Some(end) = rest.find('"') {
                found.push(rest[..end].to_owned());
            }
        }
    }
    found
}

#[tokio::test]
async fn the_docs_page_loads_nothing_from_other_hosts() {
    let app = TestApp::spawn().await;
    let page = app.get("/docs").send().await.expect("docs");
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("html");
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "{html}"
    );
    let references = references(&html);
    assert!(
        references.iter().any(|r| r.ends_with(".js")),
        "{references:?}"
    );
    for reference in references {
        assert!(
            reference.starts_with('/') && !reference.starts_with("//"),
            "{reference} is not on this server"
        );
        let asset = app.get(&reference).send().await.expect("asset");
        assert_eq!(asset.status(), 200, "{reference}");
        if reference.ends_with(".js") {
            let content_type = asset.headers()["content-type"].to_str().expect("ascii");
            assert!(
                content_type.starts_with("text/javascript"),
                "{content_type}"
            );
            assert!(asset.headers().contains_key("cache-control"));
            assert!(asset.bytes().await.expect("body").len() > 100_000);
        }
    }
}

async fn metrics_text(app: &TestApp) -> String {
    app.get("/metrics")
        .send()
        .await
        .expect("metrics")
        .text()
        .await
        .expect("text")
}

/// The value of the first sample line that starts with `prefix`.
fn sample(text: &str, prefix: &str) -> Option<f64> {
    text.lines()
        .find(|line| line.starts_with(prefix))
        .and_then(|line| line.rsplit(' ').next())
        .and_then(|value| value.parse().ok())
}

#[tokio::test]
async fn metrics_cover_the_process_websockets_events_the_store_and_nats() {
    let app = TestApp::spawn().await;
    let site = app.resource("site.com", true).await;
    let alice = app.user(&site, "alice", "user").await;
    let bob = app.user(&site, "bob", "user").await;
    let (_socket, _) = tokio_tungstenite::connect_async(app.ws_url(&bob))
        .await
        .expect("socket");
    let conversation = open_p2p(&app, &alice, &bob).await;
    let path = format!("/api/v1/p2p/conversations/{conversation}/messages");
    post_message(&app, &alice, &path, "hello").await.data(201);
    send(app.as_user(
        &alice,
        Method::GET,
        "/api/v1/p2p/conversations/ffffffffffffffffffffffff",
    ))
    .await
    .assert_error(404, "not_found");

    let text = metrics_text(&app).await;
    for family in [
        "chatcloud_process_cpu_seconds_total",
        "chatcloud_process_resident_memory_bytes",
        "chatcloud_process_open_fds",
        "chatcloud_process_max_fds",
        "chatcloud_websocket_connections",
        "chatcloud_realtime_events_published_total",
        "chatcloud_realtime_events_delivered_total",
        "chatcloud_realtime_events_dropped_total",
        "chatcloud_store_operation_duration_seconds",
        "chatcloud_store_operation_errors_total",
        "chatcloud_nats_connection_state",
    ] {
        assert!(
            text.contains(&format!("# TYPE {family}"))
                || text.contains(&format!("# TYPE {}", family.trim_end_matches("_total"))),
            "{family} missing:\n{text}"
        );
    }
    assert!(sample(&text, "chatcloud_process_resident_memory_bytes").is_some_and(|v| v > 1e6));
    assert!(sample(&text, "chatcloud_process_open_fds").is_some_and(|v| v >= 3.0));
    assert_eq!(sample(&text, "chatcloud_websocket_connections"), Some(1.0));
    assert!(sample(&text, "chatcloud_realtime_events_published_total").is_some_and(|v| v >= 1.0));
    assert_eq!(sample(&text, "chatcloud_nats_connection_state"), Some(-1.0));
    assert!(
        text.contains("chatcloud_store_operation_duration_seconds_count{kind=\"write\",operation=\"insert_user\"}"),
        "{text}"
    );
}

#[tokio::test]
async fn a_metrics_token_is_required_once_set() {
    let app = TestApp::spawn_with(Settings {
        metrics_token: Some("metrics-token-of-this-test".into()),
        ..Settings::default()
    })
    .await;
    send(app.get("/metrics"))
        .await
        .assert_error(401, "missing_token");
    send(app.get("/metrics").bearer_auth("wrong"))
        .await
        .assert_error(401, "invalid_token");
    let scrape = app
        .get("/metrics")
        .bearer_auth("metrics-token-of-this-test")
        .send()
        .await
        .expect("metrics");
    assert_eq!(scrape.status(), 200);
    assert!(scrape
        .text()
        .await
        .expect("text")
        .contains("chatcloud_process_open_fds"));
    // The API is unaffected.
    send(app.get("/healthz")).await.data(200);
}
