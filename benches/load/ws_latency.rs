//! Send-to-receive latency: one user listens on a WebSocket while the partners of their eight
//! conversations send over HTTP at a paced rate. Each message's text is the time just before its
//! POST (microseconds since the run began); the latency is the time its `message.new` arrives
//! less that.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use futures_util::StreamExt;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

use crate::http_load::{Call, Connection, Tally, Window};
use crate::setup::Fixture;
use crate::ws_client::{self, Socket};

/// Sending tasks, each on its own connection; together they keep the pace while some sends wait.
const SENDERS: u32 = 32;
/// How long to wait for the last events after the last send.
const DRAIN: Duration = Duration::from_secs(2);

/// A conversation to send into, as one of its participants.
struct Route {
    path: String,
    api_key: String,
    token: String,
}

/// What the run measured.
pub struct LatencyRun {
    /// Send-to-receive latencies of the messages received, and the failed sends.
    pub tally: Tally,
    pub sent: u64,
    /// Messages sent in the window whose event never arrived.
    pub lost: u64,
}

pub async fn run(
    addr: SocketAddr,
    ws_base: &str,
    fixture: &Fixture,
    rate: u32,
    window: Window,
) -> anyhow::Result<LatencyRun> {
    let listener = &fixture.users[0];
    let socket = ws_client::connect(ws_base, &fixture.api.api_key, &listener.token, None)
        .await
        .context("connecting the listening WebSocket")?;
    // Each of the listener's conversations, with the token of the partner who sends into it.
    let routes: Arc<Vec<Route>> = Arc::new(
        fixture
            .conversations
            .iter()
            .filter_map(|c| match (c.one, c.two) {
                (0, partner) | (partner, 0) => Some((c, partner)),
                _ => None,
            })
            .map(|(conversation, partner)| Route {
                path: format!("/api/v1/p2p/conversations/{}/messages", conversation.id),
                api_key: fixture.api.api_key.clone(),
                token: fixture.users[partner].token.clone(),
            })
            .collect(),
    );
    let origin = Instant::now();
    let received = Arc::new(AtomicU64::new(0));
    let (stop, stopped) = tokio::sync::oneshot::channel();
    let receiver = tokio::spawn(receive(
        socket,
        origin,
        window,
        Arc::clone(&received),
        stopped,
    ));
    let interval = Duration::from_secs(1) / rate.max(1);
    let senders: Vec<_> = (0..SENDERS)
        .map(|first| {
            let routes = Arc::clone(&routes);
            tokio::spawn(send_paced(addr, routes, origin, interval, first, window))
        })
        .collect();
    let mut send_errors = Tally::default();
    let mut sent = 0;
    for sender in senders {
        let (count, errors) = sender.await?;
        sent += count;
        send_errors.merge(errors);
    }
    let deadline = Instant::now() + DRAIN;
    while received.load(Ordering::Relaxed) < sent && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let _ = stop.send(());
    let mut tally = receiver.await??;
    let lost = sent.saturating_sub(tally.successes());
    tally.merge(send_errors);
    Ok(LatencyRun { tally, sent, lost })
}

/// Sender `first` of `SENDERS` sends messages `first`, `first + SENDERS`, ... each at its slot
/// (`origin + n * interval`), at once if late. Its count of successful sends in the window and
/// its failures.
async fn send_paced(
    addr: SocketAddr,
    routes: Arc<Vec<Route>>,
    origin: Instant,
    interval: Duration,
    first: u32,
    window: Window,
) -> (u64, Tally) {
    let mut connection = Connection::new(addr);
    let mut errors = Tally::default();
    let mut sent = 0;
    for n in (first..).step_by(SENDERS as usize) {
        let slot = origin + interval * n;
        if slot >= window.end {
            break;
        }
        tokio::time::sleep_until(slot.into()).await;
        let at = Instant::now();
        let stamp = u64::try_from((at - origin).as_micros()).unwrap_or(u64::MAX);
        let route = &routes[n as usize % routes.len()];
        let call = Call::post(
            &route.path,
            &json!({ "content": { "text": stamp.to_string() } }),
        )
        .with_user(&route.api_key, &route.token);
        let outcome = connection.send(&call).await;
        if !window.contains(at) {
            continue;
        }
        match outcome {
            Ok(status) if status.is_success() => sent += 1,
            Ok(status) => errors.record_error(status.as_str()),
            Err(_) => errors.record_error("connection error"),
        }
    }
    (sent, errors)
}

/// Reads events until stopped; the latencies of the messages sent in the window.
async fn receive(
    mut socket: Socket,
    origin: Instant,
    window: Window,
    received: Arc<AtomicU64>,
    mut stop: tokio::sync::oneshot::Receiver<()>,
) -> anyhow::Result<Tally> {
    let mut tally = Tally::default();
    loop {
        let frame = tokio::select! {
            _ = &mut stop => break,
            frame = socket.next() => frame,
        };
        let Some(frame) = frame else { break };
        let Message::Text(text) = frame? else {
            continue;
        };
        let arrived = Instant::now();
        let event: Value = serde_json::from_str(&text)?;
        if event["type"] != "message.new" {
            continue;
        }
        let stamp = event["data"]["content"]["text"]
            .as_str()
            .and_then(|text| text.parse().ok())
            .context("a message.new without the send time")?;
        let sent_at = origin + Duration::from_micros(stamp);
        if window.contains(sent_at) {
            tally.record_latency(arrived - sent_at);
            received.fetch_add(1, Ordering::Relaxed);
        }
    }
    Ok(tally)
}
