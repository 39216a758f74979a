//! A site that knows only its own user ids: it makes users and tokens by `externalId`, opens
//! conversations and assigns tickets with `ext:` ids, and renders names and avatars from the
//! conversations themselves (`participants`, `customer`, `assignee`) without storing one
//! ChatCloud id.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{send, site_user, TestApp, TestUser};

fn profile(user: &TestUser, username: &str, display_name: &str, avatar: Option<&str>) -> Value {
    json!({
        "id": user.id, "username": username, "displayName": display_name, "avatarUrl": avatar
    })
}

#[tokio::test]
async fn conversations_carry_the_profiles_of_the_people_in_them() {
    let app = TestApp::spawn().await;
    let site = app.resource("shop.example", false).await;
    let ana = site_user(
        &app,
        &site,
        "customer-17",
        json!({"username": "ana", "email": "ana@example.com", "displayName": "Ana Lima",
               "avatarUrl": "https://cdn.example.com/ana.png"}),
    )
    .await;
    let ben = site_user(
        &app,
        &site,
        "seller-4",
        json!({"username": "ben", "email": "ben@example.com", "displayName": "Ben's Bikes"}),
    )
    .await;
    let agent = site_user(
        &app,
        &site,
        "agent-1",
        json!({"username": "agent1", "email": "agent@example.com", "displayName": "Kim (support)",
               "role": "staff"}),
    )
    .await;
    let ana_profile = profile(
        &ana,
        "ana",
        "Ana Lima",
        Some("https://cdn.example.com/ana.png"),
    );
    let ben_profile = profile(&ben, "ben", "Ben's Bikes", None);

    // Ana opens the chat by the seller's external id.
    let opened = send(
        app.as_user(&ana, Method::POST, "/api/v1/p2p/conversations")
            .json(&json!({ "otherParticipantId": "ext:seller-4" })),
    )
    .await;
    let chat = opened.data(201).clone();
    assert_eq!(chat["participantTwo"], json!(ben.id));
    assert_eq!(chat["participants"], json!([ana_profile, ben_profile]));
    let listed = send(app.as_user(&ben, Method::GET, "/api/v1/p2p/conversations")).await;
    assert_eq!(
        listed.data(200)["data"][0]["participants"],
        json!([ana_profile, ben_profile])
    );
    send(
        app.as_user(&ana, Method::POST, "/api/v1/p2p/conversations")
            .json(&json!({ "otherParticipantId": "ext:nobody" })),
    )
    .await
    .assert_error(404, "not_found");

    // A ticket names its customer and, once assigned by external id, its assignee.
    let ticket = send(
        app.as_user(&ana, Method::POST, "/api/v1/support/conversations")
            .json(&json!({ "subject": "Where is my order?" })),
    )
    .await;
    let ticket = ticket.data(201).clone();
    assert_eq!(ticket["customer"], ana_profile);
    assert_eq!(ticket["assignee"], Value::Null);
    let path = format!(
        "/api/v1/support/conversations/{}",
        ticket["id"].as_str().expect("id")
    );
    let assigned = send(
        app.as_user(&agent, Method::PATCH, &path)
            .json(&json!({ "assigneeId": "ext:agent-1" })),
    )
    .await;
    let assigned = assigned.data(200);
    assert_eq!(assigned["assigneeId"], json!(agent.id));
    assert_eq!(
        assigned["assignee"],
        profile(&agent, "agent1", "Kim (support)", None)
    );
    send(
        app.as_user(&agent, Method::PATCH, &path)
            .json(&json!({ "assigneeId": "ext:customer-17" })),
    )
    .await
    .assert_error(400, "invalid_body");

    // A profile change shows in the next read.
    site_user(
        &app,
        &site,
        "seller-4",
        json!({"username": "ben", "email": "ben@example.com", "displayName": "Ben & Co"}),
    )
    .await;
    let chat_path = format!(
        "/api/v1/p2p/conversations/{}",
        chat["id"].as_str().expect("id")
    );
    let seen = send(app.as_user(&ana, Method::GET, &chat_path)).await;
    assert_eq!(
        seen.data(200)["participants"][1]["displayName"],
        json!("Ben & Co")
    );
    let queue = send(app.as_user(&agent, Method::GET, "/api/v1/support/conversations")).await;
    assert_eq!(queue.data(200)["data"][0]["customer"], ana_profile);
}
