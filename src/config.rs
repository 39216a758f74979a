//! Server configuration: every setting is a flag with a `CHATCLOUD_*` environment variable.

use std::net::SocketAddr;

use crate::store::SqliteSync;

/// Settings of `chatcloud serve` (and the database of the other commands).
#[derive(Clone, clap::Args)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "CHATCLOUD_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,

    #[command(flatten)]
    pub database: DatabaseConfig,

    /// HMAC key of chat tokens (UTF-8). Unset: one is generated once and kept in the database.
    #[arg(long, env = "CHATCLOUD_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,

    /// NATS server that carries real-time events between server processes (unset: one process).
    #[arg(long, env = "CHATCLOUD_NATS_URL")]
    pub nats_url: Option<String>,

    /// Key of the operator API (`x-operator-key`). Unset: the operator API answers 404.
    #[arg(long, env = "CHATCLOUD_OPERATOR_KEY", hide_env_values = true)]
    pub operator_key: Option<String>,

    /// Requests per minute per API key (all users of a site together).
    #[arg(long, env = "CHATCLOUD_RATE_LIMIT_PER_KEY", default_value_t = 60_000)]
    pub rate_limit_per_key: u32,

    /// Requests per minute per user.
    #[arg(long, env = "CHATCLOUD_RATE_LIMIT_PER_USER", default_value_t = 1_200)]
    pub rate_limit_per_user: u32,

    /// Seconds between WebSocket heartbeats (ping, token re-check, presence refresh).
    #[arg(long, env = "CHATCLOUD_WS_HEARTBEAT", default_value_t = 30)]
    pub ws_heartbeat_secs: u64,

    /// Seconds a request may take, body upload included, before it is answered 503.
    #[arg(long, env = "CHATCLOUD_REQUEST_TIMEOUT", default_value_t = 30)]
    pub request_timeout_secs: u64,
}

/// Where the data lives.
#[derive(Clone, clap::Args)]
pub struct DatabaseConfig {
    /// `sqlite://FILE` (embedded, the default) or `postgres://...`.
    #[arg(
        long = "database-url",
        env = "CHATCLOUD_DATABASE_URL",
        default_value = "sqlite://chatcloud.db"
    )]
    pub url: String,

    /// SQLite durability: `full` syncs every commit to disk before it is acknowledged; `normal`
    /// may lose the last commits on power loss (never on a process crash).
    #[arg(
        long,
        env = "CHATCLOUD_SQLITE_SYNC",
        value_enum,
        default_value = "full"
    )]
    pub sqlite_sync: SqliteSync,
}
