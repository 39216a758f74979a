//! Command line of the load benchmark.

use std::time::Duration;

use clap::{Parser, ValueEnum};

/// Load benchmark of a running ChatCloud server: sets up its own resource through the operator
/// API, then measures throughput, latency and the server's memory (docs/BENCHMARKS.md).
#[derive(Parser)]
pub struct Args {
    /// Base URL of the running server.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    pub url: String,

    /// The server's operator key (`CHATCLOUD_OPERATOR_KEY`), to create the benchmark's resource.
    #[arg(long, env = "CHATCLOUD_OPERATOR_KEY", hide_env_values = true)]
    pub operator_key: String,

    /// Process id of the server, to sample its memory from /proc (unset: no memory column).
    #[arg(long)]
    pub server_pid: Option<u32>,

    /// Loads to run, comma-separated (default: all).
    #[arg(long, value_enum, value_delimiter = ',')]
    pub only: Vec<Load>,

    /// Seconds measured per run, after the warm-up.
    #[arg(long, default_value_t = 10.0)]
    pub duration: f64,

    /// Seconds of load before each run's measurement starts.
    #[arg(long, default_value_t = 2.0)]
    pub warmup: f64,

    /// Concurrencies of the send load.
    #[arg(long, value_delimiter = ',', default_value = "1,16,64,256")]
    pub send_concurrency: Vec<usize>,

    /// Concurrency of the read loads and of the bare axum route.
    #[arg(long, default_value_t = 64)]
    pub read_concurrency: usize,

    /// Messages per second sent during the WebSocket latency run.
    #[arg(long, default_value_t = 1_000)]
    pub ws_rate: u32,

    /// Idle WebSocket connections to open (default: what both processes' open-file limits allow,
    /// less headroom).
    #[arg(long)]
    pub idle_connections: Option<usize>,

    /// A PostgreSQL server's database URL: run `ANALYZE` on it after the setup, as autovacuum
    /// does on a deployed PostgreSQL (it plans its queries from those statistics).
    #[arg(long)]
    pub analyze: Option<String>,

    /// Threads of the load generator's runtime (it shares the machine with the server).
    #[arg(long, default_value_t = 1)]
    pub threads: usize,

    /// Passed by `cargo bench`; ignored.
    #[arg(long, hide = true)]
    bench: bool,
}

impl Args {
    pub fn warmup(&self) -> Duration {
        Duration::from_secs_f64(self.warmup)
    }

    pub fn duration(&self) -> Duration {
        Duration::from_secs_f64(self.duration)
    }

    pub fn runs(&self, load: Load) -> bool {
        self.only.is_empty() || self.only.contains(&load)
    }
}

/// One kind of load.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Load {
    /// POST .../messages at each send concurrency, over many conversations.
    Send,
    /// GET /p2p/conversations.
    List,
    /// GET .../messages?limit=50 on conversations of at least 50 messages.
    History,
    /// GET .../unread-count.
    Unread,
    /// GET /admin-panel/stats with an admin's token.
    Stats,
    /// GET /healthz: the server's router and middleware without the store.
    Health,
    /// Send over HTTP, receive `message.new` over a WebSocket, at a paced rate.
    WsLatency,
    /// Many idle WebSocket connections, and the server memory each costs.
    WsIdle,
    /// A bare axum JSON route served by this process, for scale.
    Bare,
}
