//! `GET /users/me/unread`: the caller's unread messages over P2P chats and tickets in one answer,
//! each entry equal to that conversation's own `unread-count`.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{open_p2p, post_message, send, TestApp, TestUser};

async fn unread(app: &TestApp, user: &TestUser) -> Value {
    send(app.as_user(user, Method::GET, "/api/v1/users/me/unread"))
        .await
        .data(200)
        .clone()
}

async fn unread_count(app: &TestApp, user: &TestUser, path: &str) -> Value {
    send(app.as_user(user, Method::GET, &format!("{path}/unread-count")))
        .await
        .data(200)
        .clone()
}

#[tokio::test]
async fn unread_starts_empty_and_needs_a_token() {
    let app = TestApp::spawn().await;
    let site = app.resource("site.com", false).await;
    let alice = app.user(&site, "alice", "user").await;
    assert_eq!(
        unread(&app, &alice).await,
        json!({ "total": 0, "conversations": [], "tickets": [],
                "conversationsTotal": 0, "ticketsTotal": 0 })
    );
    send(
        app.get("/api/v1/users/me/unread")
            .header("x-api-key", &site.api_key),
    )
    .await
    .assert_error(401, "missing_token");
}

#[tokio::test]
async fn unread_sums_p2p_conversations_per_side() {
    let app = TestApp::spawn().await;
    let site = app.resource("site.com", false).await;
    let alice = app.user(&site, "alice", "user").await;
    let bob = app.user(&site, "bob", "user").await;
    let carol = app.user(&site, "carol", "user").await;
    let with_bob = format!(
        "/api/v1/p2p/conversations/{}",
        open_p2p(&app, &alice, &bob).await
    );
    let with_carol = format!(
        "/api/v1/p2p/conversations/{}",
        open_p2p(&app, &carol, &alice).await
    );
    for text in ["one", "two"] {
        post_message(&app, &bob, &format!("{with_bob}/messages"), text)
            .await
            .data(201);
    }
    post_message(&app, &carol, &format!("{with_carol}/messages"), "hi")
        .await
        .data(201);

    let mine = unread(&app, &alice).await;
    assert_eq!(mine["total"], 3);
    assert_eq!(mine["conversationsTotal"], 3);
    assert_eq!(mine["ticketsTotal"], 0);
    // Newest activity first, each entry as the conversation's own route answers it.
    let entries = mine["conversations"].as_array().expect("list");
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0], unread_count(&app, &alice, &with_carol).await);
    assert_eq!(entries[1], unread_count(&app, &alice, &with_bob).await);
    assert_eq!(entries[1]["unreadCount"], 2);
    assert_eq!(entries[1]["lastSeq"], 2);

    // The senders have nothing unread: sending reads what came before.
    assert_eq!(unread(&app, &bob).await["total"], 0);
    assert_eq!(unread(&app, &carol).await["total"], 0);

    // Reading one conversation takes it off the list; replying reads the other.
    send(
        app.as_user(&alice, Method::POST, &format!("{with_bob}/mark-as-read"))
            .json(&json!({ "upToSeq": 1 })),
    )
    .await
    .data(200);
    let mine = unread(&app, &alice).await;
    assert_eq!(mine["total"], 2);
    post_message(&app, &alice, &format!("{with_carol}/messages"), "back")
        .await
        .data(201);
    let mine = unread(&app, &alice).await;
    assert_eq!(mine["total"], 1);
    assert_eq!(mine["conversations"].as_array().map(Vec::len), Some(1));
    assert_eq!(unread(&app, &carol).await["total"], 1);
}

#[tokio::test]
async fn unread_counts_tickets_for_the_customer_and_for_staff() {
    let app = TestApp::spawn().await;
    let site = app.resource("site.com", false).await;
    let customer = app.user(&site, "customer", "user").await;
    let other = app.user(&site, "other", "user").await;
    let agent = app.user(&site, "agent", "staff").await;
    let open = |user: &TestUser, subject: &str| {
        app.as_user(user, Method::POST, "/api/v1/support/conversations")
            .json(&json!({ "subject": subject, "initialMessage": "help" }))
    };
    let first = send(open(&customer, "first")).await.data(201)["id"].clone();
    let second = send(open(&other, "second")).await.data(201)["id"].clone();
    let first = format!(
        "/api/v1/support/conversations/{}",
        first.as_str().expect("id")
    );
    let second = format!(
        "/api/v1/support/conversations/{}",
        second.as_str().expect("id")
    );

    // Staff see every customer's ticket with the staff side's unread count.
    let staff = unread(&app, &agent).await;
    assert_eq!(staff["total"], 2);
    assert_eq!(staff["ticketsTotal"], 2);
    assert_eq!(
        staff["tickets"][0],
        unread_count(&app, &agent, &second).await
    );
    assert_eq!(
        staff["tickets"][1],
        unread_count(&app, &agent, &first).await
    );
    assert_eq!(unread(&app, &customer).await["total"], 0);

    // A staff reply reads the ticket for the staff and is unread for its customer only.
    post_message(&app, &agent, &format!("{first}/messages"), "on it")
        .await
        .data(201);
    let staff = unread(&app, &agent).await;
    assert_eq!(staff["total"], 1);
    let mine = unread(&app, &customer).await;
    assert_eq!(mine["total"], 1);
    assert_eq!(
        mine["tickets"],
        json!([unread_count(&app, &customer, &first).await])
    );
    assert_eq!(unread(&app, &other).await["total"], 0);

    // A staff member's own ticket counts once, on their customer side.
    let own = send(open(&agent, "mine")).await.data(201)["id"].clone();
    let own = format!(
        "/api/v1/support/conversations/{}",
        own.as_str().expect("id")
    );
    let staff = unread(&app, &agent).await;
    assert_eq!(staff["total"], 1);
    post_message(&app, &customer, &format!("{first}/messages"), "thanks")
        .await
        .data(201);
    let staff = unread(&app, &agent).await;
    assert_eq!(staff["total"], 2);
    assert_eq!(
        staff["tickets"][0],
        unread_count(&app, &agent, &first).await
    );
    assert_eq!(unread_count(&app, &agent, &own).await["unreadCount"], 0);
}

#[tokio::test]
async fn unread_stays_within_the_resource() {
    let app = TestApp::spawn().await;
    let site = app.resource("site.com", false).await;
    let elsewhere = app.resource("other.com", false).await;
    let agent = app.user(&site, "agent", "admin").await;
    let stranger = app.user(&elsewhere, "stranger", "user").await;
    send(
        app.as_user(&stranger, Method::POST, "/api/v1/support/conversations")
            .json(&json!({ "subject": "hello", "initialMessage": "help" })),
    )
    .await
    .data(201);
    assert_eq!(unread(&app, &agent).await["total"], 0);
    assert_eq!(unread(&app, &stranger).await["total"], 0);
}
