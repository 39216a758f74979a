//! Real-time: the WebSocket handshake, who receives which event, typing, presence, revocation.

use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use reqwest::Method;
use serde_json::{json, Value};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::helpers::{open_p2p, post_message, send, Settings, TestApp, TestUser};

pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

pub async fn connect(app: &TestApp, user: &TestUser) -> Socket {
    let (mut socket, _) = tokio_tungstenite::connect_async(app.ws_url(user))
        .await
        .expect("WebSocket handshake");
    let ready = next_raw(&mut socket).await;
    assert_eq!(
        ready,
        json!({ "type": "connection.ready", "data": { "userId": user.id } })
    );
    socket
}

/// The next event other than presence (whose timing depends on when sockets register).
async fn next_event(socket: &mut Socket) -> Value {
    loop {
        let event = next_raw(socket).await;
        if event["type"] != "presence" {
            return event;
        }
    }
}

/// The next event of any type, skipping pings; panics after 5 s.
pub async fn next_raw(socket: &mut Socket) -> Value {
    let wait = async {
        loop {
            match socket.next().await {
                Some(Ok(Message::Text(text))) => {
                    return serde_json::from_str(&text).expect("JSON event")
                }
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                other => panic!("socket ended: {other:?}"),
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(5), wait)
        .await
        .expect("an event within 5 s")
}

/// Asserts that `event` is the marker of `conversation` (its creation or its message).
#[track_caller]
fn assert_marker(event: &Value, conversation: &str) {
    let data = &event["data"];
    assert!(
        data["id"] == conversation || data["conversationId"] == conversation,
        "expected the marker of {conversation}, got {event}"
    );
}

/// Sends an event to `to` only, so that it is the next thing `to` sees: proof that nothing else
/// reached them before it.
async fn marker(app: &TestApp, from: &TestUser, to: &TestUser) -> String {
    let conversation = open_p2p(app, from, to).await;
    post_message(
        app,
        from,
        &format!("/api/v1/p2p/conversations/{conversation}/messages"),
        "marker",
    )
    .await
    .data(201);
    conversation
}

#[tokio::test]
async fn handshake_checks_key_token_origin_and_upgrade() {
    let app = TestApp::spawn().await;
    let site = app.resource("site.com", false).await;
    let alice = app.user(&site, "alice", "user").await;
    let get = |query: String| send(app.get(&format!("/api/v1/ws?{query}")));
    get(format!("apiKey={}", alice.api_key))
        .await
        .assert_error(401, "missing_token");
    get(format!("token={}", alice.token))
        .await
        .assert_error(401, "missing_api_key");
    get(format!("token={}&apiKey=pk_nope", alice.token))
        .await
        .assert_error(401, "invalid_api_key");
    get(format!("token=garbage&apiKey={}", alice.api_key))
        .await
        .assert_error(401, "invalid_token");
    get(format!("token={}&apiKey={}", alice.token, alice.api_key))
        .await
        .assert_error(400, "websocket_required");
    send(
        app.get(&format!(
            "/api/v1/ws?token={}&apiKey={}",
            alice.token, alice.api_key
        ))
        .header("origin", "https://evil.example"),
    )
    .await
    .assert_error(403, "origin_not_allowed");
}

#[tokio::test]
async fn messages_reach_participants_and_moderators_only() {
    let app = TestApp::spawn().await;
    let site = app.resource("site.com", false).await;
    let alice = app.user(&site, "alice", "user").await;
    let bob = app.user(&site, "bob", "user").await;
    let carol = app.user(&site, "carol", "user").await;
    let staff = app.user(&site, "staff1", "staff").await;
    let moderator = app.user(&site, "mod1", "moderator").await;
    let other_site = app.resource("other.com", false).await;
    let stranger = app.user(&other_site, "root", "superadmin").await;
    let mut sockets = Vec::new();
    for user in [&bob, &carol, &staff, &moderator, &stranger] {
        sockets.push(connect(&app, user).await);
    }
    let conversation = open_p2p(&app, &alice, &bob).await;
    let sent = post_message(
        &app,
        &alice,
        &format!("/api/v1/p2p/conversations/{conversation}/messages"),
        "hi bob",
    )
    .await;
    let sent = sent.data(201).clone();

    let created = next_event(&mut sockets[0]).await;
    assert_eq!(created["type"], "conversation.created");
    assert_eq!(created["data"]["id"], conversation.as_str());
    let new = next_event(&mut sockets[0]).await;
    assert_eq!(new["type"], "message.new");
    assert_eq!(new["data"]["id"], sent["id"]);
    assert_eq!(new["data"]["seq"], 1);
    assert_eq!(new["data"]["content"]["text"], "hi bob");
    assert_eq!(
        next_event(&mut sockets[3]).await["type"],
        "conversation.created",
        "moderators see P2P"
    );
    assert_eq!(next_event(&mut sockets[3]).await["type"], "message.new");

    // Carol, staff and the other resource's superadmin got nothing before their marker.
    for (i, user) in [(1, &carol), (2, &staff)] {
        let marker_conversation = marker(&app, &alice, user).await;
        assert_marker(&next_event(&mut sockets[i]).await, &marker_conversation);
    }
    let other = app.user(&other_site, "other", "user").await;
    let marker_conversation = marker(&app, &other, &stranger).await;
    assert_marker(&next_event(&mut sockets[4]).await, &marker_conversation);
}

#[tokio::test]
async fn edits_deletes_reads_and_archives_are_pushed() {
    let app = TestApp::spawn().await;
    let site = app.resource("site.com", false).await;
    let alice = app.user(&site, "alice", "user").await;
    let bob = app.user(&site, "bob", "user").await;
    let conversation = open_p2p(&app, &alice, &bob).await;
    let path = format!("/api/v1/p2p/conversations/{conversation}");
    let mut socket = connect(&app, &alice).await;
    let message = post_message(&app, &alice, &format!("{path}/messages"), "helo").await;
    let message_id = message.data(201)["id"].as_str().expect("id").to_owned();
    assert_eq!(
        next_event(&mut socket).await["type"],
        "message.new",
        "the sender's other devices hear it too"
    );

    send(app.as_user(&bob, Method::POST, &format!("{path}/mark-as-read")))
        .await
        .data(200);
    let read = next_event(&mut socket).await;
    assert_eq!(read["type"], "conversation.read");
    assert_eq!(
        read["data"],
        json!({ "conversationId": conversation, "userId": bob.id, "lastReadSeq": 1, "unreadCount": 0 })
    );

    send(
        app.as_user(
            &alice,
            Method::PATCH,
            &format!("{path}/messages/{message_id}"),
        )
        .json(&json!({ "content": { "text": "hello" } })),
    )
    .await
    .data(200);
    let updated = next_event(&mut socket).await;
    assert_eq!(updated["type"], "message.updated");
    assert_eq!(updated["data"]["content"]["text"], "hello");

    send(app.as_user(
        &alice,
        Method::DELETE,
        &format!("{path}/messages/{message_id}"),
    ))
    .await
    .data(200);
    let deleted = next_event(&mut socket).await;
    assert_eq!(deleted["type"], "message.deleted");
    assert!(deleted["data"]["deletedAt"].is_string());

    send(app.as_user(&bob, Method::POST, &format!("{path}/archive")))
        .await
        .data(200);
    let archived = next_event(&mut socket).await;
    assert_eq!(archived["type"], "conversation.updated");
    assert_eq!(archived["data"]["status"], "archived");
}

#[tokio::test]
async fn ticket_events_reach_the_customer_and_the_staff() {
    let app = TestApp::spawn().await;
    let site = app.resource("site.com", false).await;
    let customer = app.user(&site, "customer", "user").await;
    let other = app.user(&site, "other", "user").await;
    let staff = app.user(&site, "agent", "staff").await;
    let mut staff_socket = connect(&app, &staff).await;
    let mut customer_socket = connect(&app, &customer).await;
    let mut other_socket = connect(&app, &other).await;
    let opened = send(
        app.as_user(&customer, Method::POST, "/api/v1/support/conversations")
            .json(&json!({ "subject": "Help", "initialMessage": "hi" })),
    )
    .await;
    let ticket = opened.data(201)["id"].as_str().expect("id").to_owned();
    let created = next_event(&mut staff_socket).await;
    assert_eq!(created["type"], "ticket.created");
    assert_eq!(created["data"]["id"], ticket.as_str());
    assert_eq!(
        next_event(&mut customer_socket).await["type"],
        "ticket.created"
    );

    post_message(
        &app,
        &staff,
        &format!("/api/v1/support/conversations/{ticket}/messages"),
        "on it",
    )
    .await
    .data(201);
    let reply = next_event(&mut customer_socket).await;
    assert_eq!(reply["type"], "message.new");
    assert_eq!(reply["data"]["isStaff"], true);
    let moved = next_event(&mut customer_socket).await;
    assert_eq!(moved["type"], "ticket.updated");
    assert_eq!(moved["data"]["status"], "pending");

    let marker_conversation = marker(&app, &customer, &other).await;
    assert_marker(&next_event(&mut other_socket).await, &marker_conversation);
}

/// Reads change nothing, so they tell nobody anything: the next event a participant or a staff
/// member sees after others read a conversation and a ticket is the marker.
#[tokio::test]
async fn reading_a_conversation_or_a_ticket_publishes_nothing() {
    let app = TestApp::spawn().await;
    let site = app.resource("site.com", false).await;
    let alice = app.user(&site, "alice", "user").await;
    let bob = app.user(&site, "bob", "user").await;
    let carol = app.user(&site, "carol", "user").await;
    let staff = app.user(&site, "agent", "staff").await;
    let conversation = open_p2p(&app, &alice, &bob).await;
    let ticket = send(
        app.as_user(&alice, Method::POST, "/api/v1/support/conversations")
            .json(&json!({ "subject": "Help" })),
    )
    .await
    .data(201)["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let mut bob_socket = connect(&app, &bob).await;
    let mut staff_socket = connect(&app, &staff).await;
    for path in [
        format!("/api/v1/p2p/conversations/{conversation}"),
        format!("/api/v1/support/conversations/{ticket}"),
    ] {
        send(app.as_user(&alice, Method::GET, &path))
            .await
            .data(200);
    }
    send(app.as_user(
        &staff,
        Method::GET,
        &format!("/api/v1/support/conversations/{ticket}"),
    ))
    .await
    .data(200);
    let to_bob = marker(&app, &carol, &bob).await;
    assert_marker(&next_event(&mut bob_socket).await, &to_bob);
    let to_staff = marker(&app, &carol, &staff).await;
    assert_marker(&next_event(&mut staff_socket).await, &to_staff);
}

#[tokio::test]
async fn typing_is_relayed_to_the_others_who_may_see_the_conversation() {
    let app = TestApp::spawn().await;
    let site = app.resource("site.com", false).await;
    let alice = app.user(&site, "alice", "user").await;
    let bob = app.user(&site, "bob", "user").await;
    let carol = app.user(&site, "carol", "user").await;
    let conversation = open_p2p(&app, &alice, &bob).await;
    let mut alice_socket = connect(&app, &alice).await;
    let mut bob_socket = connect(&app, &bob).await;
    let mut carol_socket = connect(&app, &carol).await;
    let typing =
        json!({ "type": "typing", "data": { "conversationId": conversation } }).to_string();
    alice_socket
        .send(Message::Text(typing.clone().into()))
        .await
        .expect("send");
    let relayed = next_event(&mut bob_socket).await;
    assert_eq!(
        relayed,
        json!({ "type": "typing", "data": { "conversationId": conversation, "userId": alice.id } })
    );

    carol_socket
        .send(Message::Text(typing.into()))
        .await
        .expect("send");
    let refused = next_event(&mut carol_socket).await;
    assert_eq!(refused["type"], "error");
    assert_eq!(refused["data"]["code"], "not_found");
    carol_socket
        .send(Message::Text("{\"type\":\"dance\"}".into()))
        .await
        .expect("send");
    assert_eq!(
        next_event(&mut carol_socket).await["data"]["code"],
        "invalid_body"
    );

    // Alice heard neither her own typing nor Carol's attempt.
    let marker_conversation = marker(&app, &bob, &alice).await;
    assert_marker(&next_event(&mut alice_socket).await, &marker_conversation);
}

#[tokio::test]
async fn presence_follows_connections() {
    let app = TestApp::spawn().await;
    let site = app.resource("site.com", false).await;
    let alice = app.user(&site, "alice", "user").await;
    let bob = app.user(&site, "bob", "user").await;
    let carol = app.user(&site, "carol", "user").await;
    open_p2p(&app, &alice, &bob).await;
    let presence_of = |viewer: &TestUser, id: &str| {
        send(app.as_user(viewer, Method::GET, &format!("/api/v1/users/{id}/presence")))
    };

    let before = presence_of(&bob, &alice.id).await;
    assert_eq!(before.data(200)["online"], false);
    assert_eq!(before.data(200)["lastSeenAt"], Value::Null);
    presence_of(&carol, &alice.id)
        .await
        .assert_error(404, "not_found");

    let mut bob_socket = connect(&app, &bob).await;
    let alice_socket = connect(&app, &alice).await;
    let online = next_raw(&mut bob_socket).await;
    assert_eq!(
        online,
        json!({ "type": "presence", "data": { "userId": alice.id, "online": true } })
    );
    assert_eq!(presence_of(&bob, &alice.id).await.data(200)["online"], true);

    drop(alice_socket);
    let offline = next_raw(&mut bob_socket).await;
    assert_eq!(offline["data"]["online"], false);
    let after = presence_of(&bob, &alice.id).await;
    assert_eq!(after.data(200)["online"], false);
    assert!(after.data(200)["lastSeenAt"].is_string());
}

#[tokio::test]
async fn revoking_tokens_closes_open_sockets() {
    let app = TestApp::spawn_with(Settings {
        ws_heartbeat_secs: 1,
        ..Settings::default()
    })
    .await;
    let site = app.resource("site.com", false).await;
    let alice = app.user(&site, "alice", "user").await;
    let mut socket = connect(&app, &alice).await;
    send(app.as_user(
        &alice,
        Method::POST,
        &format!("/api/v1/users/{}/revoke-tokens", alice.id),
    ))
    .await
    .data(200);
    let ended = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            match socket.next().await {
                Some(Ok(Message::Ping(_) | Message::Text(_))) => continue,
                _ => return,
            }
        }
    })
    .await;
    assert!(ended.is_ok(), "the socket closed within a few heartbeats");
}

/// Two server processes on one database: events reach sockets on the other node through NATS,
/// exactly once. Runs when `CHATCLOUD_TEST_NATS_URL` is set; says it is skipped otherwise, and
/// fails instead when `CHATCLOUD_REQUIRE_NATS=1` (CI sets both).
#[tokio::test]
async fn events_cross_server_processes_through_nats() {
    let Ok(nats_url) = std::env::var("CHATCLOUD_TEST_NATS_URL") else {
        assert!(
            std::env::var("CHATCLOUD_REQUIRE_NATS").as_deref() != Ok("1"),
            "CHATCLOUD_REQUIRE_NATS=1 but CHATCLOUD_TEST_NATS_URL is not set"
        );
        eprintln!("skipped: the two-node test needs CHATCLOUD_TEST_NATS_URL=nats://...");
        return;
    };
    let node_a = TestApp::spawn_with(Settings {
        nats_url: Some(nats_url.clone()),
        ..Settings::default()
    })
    .await;
    let node_b = TestApp::spawn_with(Settings {
        nats_url: Some(nats_url),
        database_url: Some(node_a.database_url.clone()),
        ..Settings::default()
    })
    .await;
    let site = node_a.resource("site.com", false).await;
    let alice = node_a.user(&site, "alice", "user").await;
    let bob = node_a.user(&site, "bob", "user").await;
    // Connected before the chat is opened, so its `conversation.created` reaches both sockets
    // before anything else (had it been opened first, its event could reach node B after
    // alice's socket, or not).
    let mut alice_on_b = connect(&node_b, &alice).await;
    let mut bob_on_a = connect(&node_a, &bob).await;
    let conversation = open_p2p(&node_a, &alice, &bob).await;
    for socket in [&mut alice_on_b, &mut bob_on_a] {
        let created = next_event(socket).await;
        assert_eq!(created["type"], "conversation.created");
        assert_eq!(created["data"]["id"], conversation.as_str());
    }

    let path = format!("/api/v1/p2p/conversations/{conversation}/messages");
    let sent = post_message(&node_a, &bob, &path, "across nodes").await;
    let event = next_event(&mut alice_on_b).await;
    assert_eq!(event["type"], "message.new");
    assert_eq!(event["data"]["id"], sent.data(201)["id"]);

    let typing =
        json!({ "type": "typing", "data": { "conversationId": conversation } }).to_string();
    alice_on_b
        .send(Message::Text(typing.into()))
        .await
        .expect("send");
    let relayed = next_event(&mut bob_on_a).await;
    assert_eq!(relayed["type"], "message.new", "bob's own message first");
    assert_eq!(next_event(&mut bob_on_a).await["type"], "typing");

    // Exactly once: the next thing alice hears is the next message, not a duplicate.
    let second = post_message(&node_b, &bob, &path, "second").await;
    let event = next_event(&mut alice_on_b).await;
    assert_eq!(event["data"]["id"], second.data(201)["id"]);

    // Both nodes cache bob; a revocation on node A applies there at once and reaches node B
    // (through NATS, or at the latest when its cache entry expires after a second).
    let me = |node: &TestApp| send(node.as_user(&bob, Method::GET, "/api/v1/users/me"));
    me(&node_b).await.data(200);
    let revoked = send(
        node_a
            .post(&format!("/api/v1/users/{}/revoke-tokens", bob.id))
            .header("x-api-key", &site.api_key)
            .header("x-api-secret", &site.api_secret),
    )
    .await;
    revoked.data(200);
    me(&node_a).await.assert_error(401, "invalid_token");
    let deadline = Instant::now() + Duration::from_secs(10);
    while me(&node_b).await.status.as_u16() != 401 {
        assert!(
            Instant::now() < deadline,
            "node B still accepts a revoked token"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn one_user_may_not_open_unbounded_sockets() {
    let app = TestApp::spawn().await;
    let site = app.resource("site.com", false).await;
    let alice = app.user(&site, "alice", "user").await;
    let mut sockets = Vec::new();
    for _ in 0..32 {
        sockets.push(connect(&app, &alice).await);
    }
    let (mut refused, _) = tokio_tungstenite::connect_async(app.ws_url(&alice))
        .await
        .expect("handshake");
    assert_eq!(
        close_code(&mut refused).await,
        (1008, "too many connections for this user".to_owned())
    );
    sockets.pop();
    // Closing one frees a place once the server has seen the close.
    let retry = async {
        loop {
            let (mut socket, _) = tokio_tungstenite::connect_async(app.ws_url(&alice))
                .await
                .expect("handshake");
            if let Some(Ok(Message::Text(_))) = socket.next().await {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(5), retry)
        .await
        .expect("a place was freed");
}

/// The code and reason of the close frame that ends `socket` (after any events); panics after
/// 30 s or if the socket ends without one.
pub async fn close_code(socket: &mut Socket) -> (u16, String) {
    let wait = async {
        loop {
            match socket.next().await {
                Some(Ok(Message::Close(Some(frame)))) => {
                    return (u16::from(frame.code), frame.reason.to_string())
                }
                Some(Ok(Message::Close(None))) | None => panic!("closed without a code"),
                Some(Ok(_)) => continue,
                Some(Err(error)) => panic!("socket failed: {error}"),
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(30), wait)
        .await
        .expect("a close frame within 30 s")
}
