//! Server configuration: every setting is a flag with a `CHATCLOUD_*` environment variable.

use std::net::SocketAddr;

use ipnet::IpNet;

use crate::store::SqliteSync;

/// Settings of `chatcloud serve` (and the database of the other commands).
#[derive(Clone, clap::Args)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "CHATCLOUD_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,

    /// Serve `/metrics` on this address, with a listener of its own, and not on `bind`.
    #[arg(long, env = "CHATCLOUD_METRICS_BIND")]
    pub metrics_bind: Option<SocketAddr>,

    /// Require `Authorization: Bearer <token>` on `/metrics`.
    #[arg(long, env = "CHATCLOUD_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,

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

    /// Authenticated requests per minute per API key (all users of a site together).
    #[arg(long, env = "CHATCLOUD_RATE_LIMIT_PER_KEY", default_value_t = 60_000)]
    pub rate_limit_per_key: u32,

    /// Authenticated requests per minute per user.
    #[arg(long, env = "CHATCLOUD_RATE_LIMIT_PER_USER", default_value_t = 1_200)]
    pub rate_limit_per_user: u32,

    /// Requests per minute per site that carry its `x-api-secret` (the site's own server).
    #[arg(
        long,
        env = "CHATCLOUD_RATE_LIMIT_PER_SECRET",
        default_value_t = 60_000
    )]
    pub rate_limit_per_secret: u32,

    /// Requests per minute per client address that fail authentication or carry none.
    #[arg(long, env = "CHATCLOUD_RATE_LIMIT_PER_ADDRESS", default_value_t = 600)]
    pub rate_limit_per_address: u32,

    /// Proxies whose `X-Forwarded-For` is believed: comma-separated IPs or CIDRs.
    #[arg(long, env = "CHATCLOUD_TRUSTED_PROXIES", value_delimiter = ',', value_parser = parse_network)]
    pub trusted_proxies: Vec<IpNet>,

    /// Open WebSockets per server process; more are closed with 1013 "try again later".
    #[arg(long, env = "CHATCLOUD_WS_MAX_CONNECTIONS", default_value_t = 16_000)]
    pub ws_max_connections: usize,

    /// Seconds a WebSocket write may take before the client counts as stuck and is dropped.
    #[arg(long, env = "CHATCLOUD_WS_WRITE_TIMEOUT", default_value_t = 10)]
    pub ws_write_timeout_secs: u64,

    /// Seconds between WebSocket heartbeats (ping, token re-check, presence refresh).
    #[arg(long, env = "CHATCLOUD_WS_HEARTBEAT", default_value_t = 30)]
    pub ws_heartbeat_secs: u64,

    /// Seconds a request may take, body upload included, before it is answered 503.
    #[arg(long, env = "CHATCLOUD_REQUEST_TIMEOUT", default_value_t = 30)]
    pub request_timeout_secs: u64,

    /// Seconds a client has to send a request's headers (from connecting, or from the first byte
    /// of a later request on the connection).
    #[arg(long, env = "CHATCLOUD_HEADER_READ_TIMEOUT", default_value_t = 10)]
    pub header_read_timeout_secs: u64,

    /// Seconds an HTTP connection may stay idle between requests before it is closed.
    #[arg(long, env = "CHATCLOUD_IDLE_TIMEOUT", default_value_t = 60)]
    pub idle_timeout_secs: u64,

    /// Seconds a shutdown (SIGTERM, Ctrl-C) waits for open requests and sockets before exiting.
    #[arg(long, env = "CHATCLOUD_SHUTDOWN_TIMEOUT", default_value_t = 10)]
    pub shutdown_timeout_secs: u64,
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

/// An IP network (`10.0.0.0/8`) or a single address (`10.0.0.1`).
fn parse_network(text: &str) -> Result<IpNet, String> {
    let text = text.trim();
    text.parse::<IpNet>()
        .or_else(|_| text.parse::<std::net::IpAddr>().map(IpNet::from))
        .map_err(|_| format!("`{text}` is neither an IP address nor a CIDR network"))
}
