//! A bare axum route answering a small JSON, for scale: what the framework and the loopback
//! cost with no application behind them. It runs on its own runtime and threads, as a server
//! process would, so the load generator's runtime stays its own.

use std::net::SocketAddr;

use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;

pub const PATH: &str = "/json";

/// Starts the bare server on a loopback port; its address.
pub fn spawn() -> anyhow::Result<SocketAddr> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    std::thread::spawn(move || {
        runtime.block_on(async move {
            let app = Router::new().route(
                PATH,
                get(|| async { Json(json!({ "success": true, "data": { "ok": true } })) }),
            );
            let listener = tokio::net::TcpListener::from_std(listener)?;
            axum::serve(listener, app).await
        })
    });
    Ok(addr)
}
