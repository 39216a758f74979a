//! Idle WebSocket connections: open many, keep them answering pings, and see what each costs the
//! server in resident memory.

use std::time::Duration;

use futures_util::{stream, StreamExt};
use tokio::task::JoinSet;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

use crate::memory;
use crate::setup::Api;
use crate::ws_client;

/// Sockets one user may hold on one server process (`MAX_CONNECTIONS_PER_USER` of the server).
const SOCKETS_PER_USER: usize = 32;
/// Handshakes in flight at once.
const CONNECT_CONCURRENCY: usize = 64;
/// Open files kept free in each process for everything else (database, listener, HTTP clients).
pub const FD_HEADROOM: u64 = 1_000;
/// Time for the server's memory to settle before each reading.
const SETTLE: Duration = Duration::from_secs(2);
/// The client's sockets only answer pings: small buffers keep the generator's own memory low.
const CLIENT_READ_BUFFER: usize = 4 * 1024;

/// What the run measured.
pub struct IdleRun {
    pub wanted: usize,
    /// Connections that reached `connection.ready`, and those still open at the second reading.
    pub opened: usize,
    pub still_open: usize,
    pub rss_before_kib: Option<u64>,
    pub rss_after_kib: Option<u64>,
}

impl IdleRun {
    /// Server memory per open connection, in KiB.
    pub fn per_connection_kib(&self) -> Option<f64> {
        let grown = self.rss_after_kib?.checked_sub(self.rss_before_kib?)?;
        (self.still_open > 0).then(|| grown as f64 / self.still_open as f64)
    }
}

/// How many connections both processes' open-file limits allow, less headroom.
pub fn default_count(server_pid: Option<u32>) -> usize {
    let own = memory::open_file_limit("self");
    let server = server_pid.and_then(|pid| memory::open_file_limit(&pid.to_string()));
    let limit = own.into_iter().chain(server).min().unwrap_or(1_024);
    usize::try_from(limit.saturating_sub(FD_HEADROOM)).unwrap_or(usize::MAX)
}

pub async fn run(
    api: &Api,
    ws_base: &str,
    server_pid: Option<u32>,
    wanted: usize,
) -> anyhow::Result<IdleRun> {
    let users = api
        .members("idle", wanted.div_ceil(SOCKETS_PER_USER))
        .await?;
    tokio::time::sleep(SETTLE).await;
    let rss_before_kib = memory::rss_kib(server_pid);
    let config = WebSocketConfig::default()
        .read_buffer_size(CLIENT_READ_BUFFER)
        .write_buffer_size(0);
    let mut open = JoinSet::new();
    let mut handshakes = stream::iter(0..wanted)
        .map(|i| {
            let token = &users[i / SOCKETS_PER_USER].token;
            ws_client::connect(ws_base, &api.api_key, token, Some(config))
        })
        .buffer_unordered(CONNECT_CONCURRENCY);
    let mut first_error = None;
    while let Some(handshake) = handshakes.next().await {
        match handshake {
            // Reading answers the server's pings; the task ends when the socket closes.
            Ok(mut socket) => {
                open.spawn(async move { while let Some(Ok(_)) = socket.next().await {} });
            }
            Err(error) => {
                first_error.get_or_insert(error);
            }
        }
    }
    let opened = open.len();
    if let Some(error) = first_error {
        println!(
            "idle WebSocket connections: {} of {wanted} failed, the first with: {error:#}",
            wanted - opened
        );
    }
    tokio::time::sleep(SETTLE).await;
    let rss_after_kib = memory::rss_kib(server_pid);
    while open.try_join_next().is_some() {}
    let still_open = open.len();
    open.shutdown().await;
    Ok(IdleRun {
        wanted,
        opened,
        still_open,
        rss_before_kib,
        rss_after_kib,
    })
}
