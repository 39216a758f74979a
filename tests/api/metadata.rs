//! The site's own data (`metadata`) on conversations, tickets and messages: set on create and on
//! change, returned with the object, bounded, and kept to who may change the object.

use reqwest::Method;
use serde_json::{json, Map, Value};

use crate::helpers::{send, TestApp, TestUser};

async fn patch(app: &TestApp, user: &TestUser, path: &str, body: Value) -> crate::helpers::Reply {
    send(app.as_user(user, Method::PATCH, path).json(&body)).await
}

#[tokio::test]
async fn chats_carry_metadata_from_creation_and_their_participants_change_it() {
    let app = TestApp::spawn().await;
    let site = app.resource("site.com", false).await;
    let alice = app.user(&site, "alice", "user").await;
    let bob = app.user(&site, "bob", "user").await;
    let carol = app.user(&site, "carol", "user").await;
    let moderator = app.user(&site, "mod1", "moderator").await;
    let opened = send(
        app.as_user(&alice, Method::POST, "/api/v1/p2p/conversations")
            .json(&json!({
                "otherParticipantId": bob.id, "metadata": {"listingId": "L-42", "price": 120}
            })),
    )
    .await;
    let chat = opened.data(201).clone();
    assert_eq!(chat["metadata"], json!({"listingId": "L-42", "price": 120}));
    let id = chat["id"].as_str().expect("id");
    let path = format!("/api/v1/p2p/conversations/{id}");

    // Opening the pair again answers the existing chat with its own metadata.
    let again = send(
        app.as_user(&bob, Method::POST, "/api/v1/p2p/conversations")
            .json(&json!({ "otherParticipantId": alice.id, "metadata": {"other": true} })),
    )
    .await;
    assert_eq!(again.data(200)["metadata"], chat["metadata"]);

    let changed = patch(
        &app,
        &bob,
        &path,
        json!({"metadata": {"listingId": "L-43"}}),
    )
    .await;
    assert_eq!(changed.data(200)["metadata"], json!({"listingId": "L-43"}));
    let seen = send(app.as_user(&alice, Method::GET, &path)).await;
    assert_eq!(seen.data(200)["metadata"], json!({"listingId": "L-43"}));
    let by_moderator = patch(&app, &moderator, &path, json!({"metadata": {}})).await;
    assert_eq!(by_moderator.data(200)["metadata"], json!({}));

    // Someone who cannot see the chat cannot change it, and nothing changes.
    patch(&app, &carol, &path, json!({"metadata": {"x": 1}}))
        .await
        .assert_error(404, "not_found");
    let list = send(app.as_user(&alice, Method::GET, "/api/v1/p2p/conversations")).await;
    assert_eq!(list.data(200)["data"][0]["metadata"], json!({}));
}

#[tokio::test]
async fn messages_carry_metadata_that_edits_replace_and_deletion_removes() {
    let app = TestApp::spawn().await;
    let site = app.resource("site.com", false).await;
    let alice = app.user(&site, "alice", "user").await;
    let bob = app.user(&site, "bob", "user").await;
    let chat = crate::helpers::open_p2p(&app, &alice, &bob).await;
    let messages = format!("/api/v1/p2p/conversations/{chat}/messages");
    let sent = send(app.as_user(&alice, Method::POST, &messages).json(&json!({
        "content": {"text": "offer"}, "metadata": {"offer": {"amount": 100, "currency": "EUR"}}
    })))
    .await;
    let message = sent.data(201).clone();
    assert_eq!(message["metadata"]["offer"]["amount"], json!(100));
    let plain = send(
        app.as_user(&alice, Method::POST, &messages)
            .json(&json!({"content": {"text": "no data"}})),
    )
    .await;
    assert_eq!(plain.data(201)["metadata"], json!({}));

    let message_path = format!("{messages}/{}", message["id"].as_str().expect("id"));
    let edited = patch(
        &app,
        &alice,
        &message_path,
        json!({"content": {"text": "better offer"}, "metadata": {"offer": {"amount": 90}}}),
    )
    .await;
    assert_eq!(
        edited.data(200)["metadata"],
        json!({"offer": {"amount": 90}})
    );
    let text_only = patch(
        &app,
        &alice,
        &message_path,
        json!({"content": {"text": "final"}}),
    )
    .await;
    assert_eq!(
        text_only.data(200)["metadata"],
        json!({"offer": {"amount": 90}}),
        "an edit without metadata keeps it"
    );
    let history = send(app.as_user(&bob, Method::GET, &messages)).await;
    assert_eq!(
        history.data(200)["data"][0]["metadata"],
        json!({"offer": {"amount": 90}})
    );

    let deleted = send(app.as_user(&alice, Method::DELETE, &message_path)).await;
    assert_eq!(deleted.data(200)["metadata"], json!({}));
    let history = send(app.as_user(&bob, Method::GET, &messages)).await;
    assert_eq!(history.data(200)["data"][0]["metadata"], json!({}));
}

#[tokio::test]
async fn tickets_carry_metadata_that_only_staff_change() {
    let app = TestApp::spawn().await;
    let site = app.resource("site.com", false).await;
    let alice = app.user(&site, "alice", "user").await;
    let staff = app.user(&site, "staff1", "staff").await;
    let opened = send(
        app.as_user(&alice, Method::POST, "/api/v1/support/conversations")
            .json(&json!({"subject": "Refund", "metadata": {"orderId": "A-1"}})),
    )
    .await;
    let ticket = opened.data(201).clone();
    assert_eq!(ticket["metadata"], json!({"orderId": "A-1"}));
    let path = format!(
        "/api/v1/support/conversations/{}",
        ticket["id"].as_str().expect("id")
    );
    patch(
        &app,
        &alice,
        &path,
        json!({"metadata": {"orderId": "forged"}}),
    )
    .await
    .assert_error(403, "forbidden");
    let changed = patch(
        &app,
        &staff,
        &path,
        json!({"priority": "high", "metadata": {"orderId": "A-1", "refund": "approved"}}),
    )
    .await;
    assert_eq!(changed.data(200)["metadata"]["refund"], json!("approved"));
    let status_only = patch(&app, &staff, &path, json!({"status": "resolved"})).await;
    assert_eq!(
        status_only.data(200)["metadata"]["refund"],
        json!("approved"),
        "an update without metadata keeps it"
    );
}

#[tokio::test]
async fn metadata_beyond_its_limits_is_refused_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let site = app.resource("site.com", false).await;
    let alice = app.user(&site, "alice", "user").await;
    let bob = app.user(&site, "bob", "user").await;
    let chat = crate::helpers::open_p2p(&app, &alice, &bob).await;
    let path = format!("/api/v1/p2p/conversations/{chat}");
    let too_many: Map<String, Value> = (0..51).map(|i| (format!("k{i}"), json!(i))).collect();
    let fifty: Map<String, Value> = (0..50).map(|i| (format!("k{i}"), json!(i))).collect();
    for bad in [
        json!([1, 2]),
        json!("text"),
        json!(null),
        Value::Object(too_many),
        json!({"big": "x".repeat(4096)}),
    ] {
        patch(&app, &alice, &path, json!({ "metadata": bad }))
            .await
            .assert_error(400, "invalid_body");
    }
    let seen = send(app.as_user(&alice, Method::GET, &path)).await;
    assert_eq!(seen.data(200)["metadata"], json!({}));
    let at_limit = patch(
        &app,
        &alice,
        &path,
        json!({ "metadata": Value::Object(fifty) }),
    )
    .await;
    assert_eq!(
        at_limit.data(200)["metadata"].as_object().map(Map::len),
        Some(50)
    );
    let messages = format!("{path}/messages");
    send(app.as_user(&alice, Method::POST, &messages).json(&json!({
        "content": {"text": "hi"}, "metadata": {"big": "x".repeat(4096)}
    })))
    .await
    .assert_error(400, "invalid_body");
    let history = send(app.as_user(&alice, Method::GET, &messages)).await;
    assert_eq!(history.data(200)["data"], json!([]), "nothing was sent");
}
