//! WebSocket limits: message size, stuck clients, the per-process cap, client frame rate,
//! shutdown, and the close codes that tell an SDK what happened.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use reqwest::Method;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

use crate::helpers::{open_p2p, send, Settings, TestApp};
use crate::ws::{close_code, connect, next_raw};

#[tokio::test]
async fn client_messages_over_16_kib_are_closed_with_1009() {
    let app = TestApp::spawn().await;
    let site = app.resource("site.com", false).await;
    let alice = app.user(&site, "alice", "user").await;
    let mut socket = connect(&app, &alice).await;

    // 16 KiB fits (and is answered as the unknown event it is).
    let fits = format!("{:<16384}", "x");
    socket.send(Message::Text(fits.into())).await.expect("send");
    assert_eq!(next_raw(&mut socket).await["data"]["code"], "invalid_body");

    let too_big = format!("{:<16385}", "x");
    socket
        .send(Message::Text(too_big.into()))
        .await
        .expect("send");
    assert_eq!(
        close_code(&mut socket).await,
        (1009, "message too big".to_owned())
    );
}

#[tokio::test]
async fn sockets_over_the_process_cap_are_closed_with_1013() {
    let app = TestApp::spawn_with(Settings {
        ws_max_connections: 1,
        ..Settings::default()
    })
    .await;
    let site = app.resource("site.com", false).await;
    let alice = app.user(&site, "alice", "user").await;
    let bob = app.user(&site, "bob", "user").await;
    let _held = connect(&app, &alice).await;
    let (mut refused, _) = tokio_tungstenite::connect_async(app.ws_url(&bob))
        .await
        .expect("handshake");
    assert_eq!(
        close_code(&mut refused).await,
        (1013, "try again later".to_owned())
    );
}

/// A client that stops reading while events pile up is dropped after the write timeout, and its
/// place in the caps is freed (no heartbeat needed: it is an hour here).
#[tokio::test]
async fn a_client_that_stops_reading_is_dropped_and_frees_its_place() {
    let app = TestApp::spawn_with(Settings {
        ws_max_connections: 1,
        ws_write_timeout_secs: 1,
        ws_heartbeat_secs: 3600,
        ..Settings::default()
    })
    .await;
    let site = app.resource("site.com", false).await;
    let alice = app.user(&site, "alice", "user").await;
    let bob = app.user(&site, "bob", "user").await;
    let conversation = open_p2p(&app, &bob, &alice).await;
    // Alice connects, then never reads again.
    let stuck = connect(&app, &alice).await;

    // About 12 MB of events: more than the socket buffers on both sides hold.
    let text = "\u{1F600}".repeat(10_000);
    let path = format!("/api/v1/p2p/conversations/{conversation}/messages");
    for _ in 0..300 {
        send(
            app.as_user(&bob, Method::POST, &path)
                .json(&json!({ "content": { "text": text } })),
        )
        .await
        .data(201);
    }

    let freed = async {
        loop {
            let (mut socket, _) = tokio_tungstenite::connect_async(app.ws_url(&bob))
                .await
                .expect("handshake");
            if let Some(Ok(Message::Text(_))) = socket.next().await {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(30), freed)
        .await
        .expect("the stuck socket's place was freed");
    drop(stuck);
}

#[tokio::test]
async fn client_frames_are_rate_limited_whatever_they_hold() {
    let app = TestApp::spawn_with(Settings {
        rate_limit_per_user: 3,
        ..Settings::default()
    })
    .await;
    let site = app.resource("site.com", false).await;
    let alice = app.user(&site, "alice", "user").await;
    // The handshake is the first request of the minute.
    let mut socket = connect(&app, &alice).await;
    for _ in 0..5 {
        socket
            .send(Message::Text("not an event".into()))
            .await
            .expect("send");
    }
    socket.send(Message::Close(None)).await.expect("close");
    let mut codes = Vec::new();
    while let Some(Ok(message)) = socket.next().await {
        if let Message::Text(text) = message {
            let event: Value = serde_json::from_str(&text).expect("JSON");
            codes.push(event["data"]["code"].as_str().expect("code").to_owned());
        }
    }
    assert_eq!(
        codes,
        ["invalid_body", "invalid_body", "rate_limited"],
        "two answered, one refusal, then silence"
    );
}

#[tokio::test]
async fn a_nul_in_a_typing_frame_is_an_error_frame() {
    let app = TestApp::spawn().await;
    let site = app.resource("site.com", false).await;
    let alice = app.user(&site, "alice", "user").await;
    let mut socket = connect(&app, &alice).await;
    let typing = json!({ "type": "typing", "data": { "conversationId": "abc\u{0}" } });
    socket
        .send(Message::Text(typing.to_string().into()))
        .await
        .expect("send");
    let reply = next_raw(&mut socket).await;
    assert_eq!(reply["type"], "error");
    assert_eq!(reply["data"]["code"], "invalid_body");
}

#[tokio::test]
async fn shutdown_closes_sockets_with_1001() {
    let mut app = TestApp::spawn().await;
    let site = app.resource("site.com", false).await;
    let alice = app.user(&site, "alice", "user").await;
    let mut socket = connect(&app, &alice).await;
    app.shut_down();
    assert_eq!(
        close_code(&mut socket).await,
        (1001, "going away".to_owned())
    );
}
