//! The HTTP server: an accept loop over hyper with a header-read timeout, an idle timeout, and a
//! graceful shutdown that ends within a deadline whatever the clients do.
//!
//! `axum::serve` offers neither timeout. hyper has a header-read timer, but it starts as soon as
//! hyper waits for the next request head, idle time between keep-alive requests included; the
//! timer below starts the header clock at the first byte of a request instead, so an idle
//! connection gets the idle timeout and a slow request head the header-read timeout.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::extract::ConnectInfo;
use axum::middleware::AddExtension;
use axum::{Extension, Router};
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tower::Layer;

/// How long connections may take, and how long a shutdown waits for them.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    /// From connecting, or from the first byte of a later request, to the end of its headers.
    pub header_read: Duration,
    /// Between the end of a response and the first byte of the next request.
    pub idle: Duration,
    /// How long a shutdown waits for open requests and WebSockets.
    pub drain: Duration,
}

/// Serves `router` on `listener` until `shutdown` completes; then stops accepting, cancels
/// `stopping` (idle connections close, WebSockets are told 1001), and waits at most
/// `timeouts.drain` for the open connections and the WebSocket `sessions` before returning.
pub async fn run(
    listener: TcpListener,
    router: Router,
    timeouts: Timeouts,
    stopping: CancellationToken,
    sessions: TaskTracker,
    shutdown: impl Future<Output = ()>,
) {
    let connections = TaskTracker::new();
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        let (stream, peer) = match accepted {
            Ok(accepted) => accepted,
            Err(error) => {
                // Out of file descriptors, most likely: let open connections finish some work.
                tracing::warn!(%error, "accepting a connection failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let service = Extension(ConnectInfo(peer)).layer(router.clone());
        connections.spawn(serve_connection(
            stream,
            TowerToHyperService::new(service),
            timeouts,
            stopping.clone(),
        ));
    }
    drop(listener);
    stopping.cancel();
    connections.close();
    sessions.close();
    let drained = async {
        connections.wait().await;
        sessions.wait().await;
    };
    if tokio::time::timeout(timeouts.drain, drained).await.is_err() {
        tracing::warn!(
            connections = connections.len(),
            websockets = sessions.len(),
            "shutdown deadline reached; dropping what is still open"
        );
    }
}

/// The router of one connection, which knows the client's address.
type ConnectionService = TowerToHyperService<AddExtension<Router, ConnectInfo<SocketAddr>>>;

async fn serve_connection(
    stream: TcpStream,
    service: ConnectionService,
    timeouts: Timeouts,
    stopping: CancellationToken,
) {
    let bytes_read = Arc::new(AtomicU64::new(0));
    let io = CountingIo {
        stream,
        bytes_read: Arc::clone(&bytes_read),
    };
    let connection = http1::Builder::new()
        .timer(HeadTimer {
            bytes_read,
            timeouts,
            first_head: Arc::new(AtomicBool::new(true)),
        })
        .header_read_timeout(timeouts.header_read)
        .serve_connection(TokioIo::new(io), service)
        .with_upgrades();
    tokio::pin!(connection);
    tokio::select! {
        result = connection.as_mut() => return log_end(result),
        () = stopping.cancelled() => connection.as_mut().graceful_shutdown(),
    }
    log_end(connection.await);
}

fn log_end(result: Result<(), hyper::Error>) {
    if let Err(error) = result {
        tracing::debug!(%error, "connection ended");
    }
}

/// The TCP stream, counting the bytes read so that `HeadTimer` sees a request begin.
struct CountingIo {
    stream: TcpStream,
    bytes_read: Arc<AtomicU64>,
}

impl AsyncRead for CountingIo {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.stream).poll_read(cx, buf);
        let read = buf.filled().len() - before;
        if read > 0 {
            self.bytes_read.fetch_add(read as u64, Ordering::Relaxed);
        }
        polled
    }
}

impl AsyncWrite for CountingIo {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

/// hyper's timer of one connection, which hyper uses only for the header-read timeout: the first
/// request head gets `header_read` from connecting; later ones wait up to `idle` for a first byte,
/// then get `header_read` from it.
struct HeadTimer {
    bytes_read: Arc<AtomicU64>,
    timeouts: Timeouts,
    first_head: Arc<AtomicBool>,
}

impl hyper::rt::Timer for HeadTimer {
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn hyper::rt::Sleep>> {
        self.sleep_until(Instant::now() + duration)
    }

    fn sleep_until(&self, deadline: Instant) -> Pin<Box<dyn hyper::rt::Sleep>> {
        let sleep = Box::pin(tokio::time::sleep_until(deadline.into()));
        if self.first_head.swap(false, Ordering::Relaxed) {
            return Box::pin(HeadSleep {
                sleep,
                waiting_for: None,
            });
        }
        let mut idle = HeadSleep {
            sleep,
            waiting_for: Some(FirstByte {
                bytes_read: Arc::clone(&self.bytes_read),
                seen: self.bytes_read.load(Ordering::Relaxed),
                header_read: self.timeouts.header_read,
            }),
        };
        idle.sleep
            .as_mut()
            .reset((Instant::now() + self.timeouts.idle).into());
        Box::pin(idle)
    }
}

/// A header-read deadline, idle until the first byte of a request if `waiting_for` is set.
struct HeadSleep {
    sleep: Pin<Box<tokio::time::Sleep>>,
    waiting_for: Option<FirstByte>,
}

struct FirstByte {
    bytes_read: Arc<AtomicU64>,
    seen: u64,
    header_read: Duration,
}

impl Future for HeadSleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // hyper polls this each time the connection wakes while a head is incomplete, so a first
        // byte is noticed as it arrives.
        let started = self
            .waiting_for
            .as_ref()
            .is_some_and(|wait| wait.bytes_read.load(Ordering::Relaxed) != wait.seen);
        if started {
            if let Some(wait) = self.waiting_for.take() {
                let deadline = tokio::time::Instant::now() + wait.header_read;
                self.sleep.as_mut().reset(deadline);
            }
        }
        self.sleep.as_mut().poll(cx)
    }
}

impl hyper::rt::Sleep for HeadSleep {}
