//! The shared state every request and background job uses, built from the configuration.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::auth::jwt::JwtKeys;
use crate::auth::keys::random_hex;
use crate::config::Config;
use crate::http::metrics::Metrics;
use crate::http::rate_limit::Limits;
use crate::realtime::bus::Bus;
use crate::realtime::hub::Hub;
use crate::server::Timeouts;
use crate::store::Store;

/// What every request shares; cloning it (once per extractor) is one reference count.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// The handles behind `AppState`.
pub struct Shared {
    pub store: Store,
    pub jwt: Arc<JwtKeys>,
    pub operator_key: Option<Arc<str>>,
    pub metrics: Arc<Metrics>,
    /// The bearer token `/metrics` requires, if any.
    pub metrics_token: Option<Arc<str>>,
    /// `/metrics` has a listener of its own and is not on the API's.
    pub metrics_separate: bool,
    pub limits: Arc<Limits>,
    pub request_time_limit: Duration,
    pub hub: Arc<Hub>,
    pub bus: Bus,
    /// How often WebSocket sessions ping, re-check their user and refresh presence.
    pub heartbeat: Duration,
    /// How long a WebSocket write may take before the client is dropped as stuck.
    pub ws_write_timeout: Duration,
    /// The WebSocket sessions, which a shutdown waits for.
    pub sessions: TaskTracker,
    /// Cancelled when the server begins to shut down.
    pub shutdown: CancellationToken,
    pub timeouts: Timeouts,
}

impl AppState {
    /// Connects the store and loads (or creates) the token key.
    pub async fn new(config: &Config) -> anyhow::Result<AppState> {
        check_secrets(config)?;
        let store = Store::connect(&config.database.url, config.database.sqlite_sync).await?;
        let jwt_secret = token_key(&store, config.jwt_secret.as_deref()).await?;
        let hub = Arc::new(Hub::new(config.ws_max_connections));
        let bus = Bus::connect(Arc::clone(&hub), &store, config.nats_url.as_deref()).await?;
        let metrics = Arc::new(Metrics::new(&hub, &bus, &store));
        Ok(AppState(Arc::new(Shared {
            store,
            jwt: Arc::new(JwtKeys::new(&jwt_secret)),
            operator_key: config.operator_key.as_deref().map(Arc::from),
            metrics,
            metrics_token: config.metrics_token.as_deref().map(Arc::from),
            metrics_separate: config.metrics_bind.is_some(),
            limits: Arc::new(Limits::new(config)),
            request_time_limit: Duration::from_secs(config.request_timeout_secs.max(1)),
            bus,
            hub,
            heartbeat: Duration::from_secs(config.ws_heartbeat_secs.max(1)),
            ws_write_timeout: Duration::from_secs(config.ws_write_timeout_secs.max(1)),
            sessions: TaskTracker::new(),
            shutdown: CancellationToken::new(),
            timeouts: Timeouts {
                header_read: Duration::from_secs(config.header_read_timeout_secs.max(1)),
                idle: Duration::from_secs(config.idle_timeout_secs.max(1)),
                drain: Duration::from_secs(config.shutdown_timeout_secs),
            },
        })))
    }
}

/// The key of chat tokens: the configured one, else the one generated on the first start and
/// kept in the database.
pub async fn token_key(store: &Store, configured: Option<&str>) -> anyhow::Result<String> {
    match configured {
        Some(secret) => Ok(secret.to_owned()),
        None => store
            .setting_or_insert("jwt_secret", &random_hex(32))
            .await
            .context("loading the token key"),
    }
}

/// Shortest accepted token key: an HS256 key shorter than the hash is weaker than the hash.
const MIN_JWT_SECRET_BYTES: usize = 32;

/// Refuses configured secrets that would let anyone forge tokens or call the operator API.
fn check_secrets(config: &Config) -> anyhow::Result<()> {
    if let Some(secret) = &config.jwt_secret {
        anyhow::ensure!(
            secret.len() >= MIN_JWT_SECRET_BYTES,
            "CHATCLOUD_JWT_SECRET (--jwt-secret) is {} bytes long; it must be at least {} random \
             bytes (e.g. the output of `openssl rand -hex 32`), or unset so that a key is \
             generated once and kept in the database",
            secret.len(),
            MIN_JWT_SECRET_BYTES
        );
    }
    if let Some(token) = &config.metrics_token {
        anyhow::ensure!(
            !token.trim().is_empty(),
            "CHATCLOUD_METRICS_TOKEN (--metrics-token) is empty; set it to a long random value \
             (e.g. the output of `openssl rand -hex 32`), or unset it to serve /metrics without one"
        );
    }
    if let Some(key) = &config.operator_key {
        anyhow::ensure!(
            !key.trim().is_empty(),
            "CHATCLOUD_OPERATOR_KEY (--operator-key) is empty; set it to a long random value \
             (e.g. the output of `openssl rand -hex 32`), or unset it to turn the operator API off"
        );
    }
    Ok(())
}

/// Drops expired activity buckets every ten minutes (they only serve "the last 24 hours").
pub async fn prune_activity_periodically(store: Store) {
    let mut tick = tokio::time::interval(Duration::from_secs(600));
    loop {
        tick.tick().await;
        if let Err(error) = store.prune_activity(crate::domain::time::now_ms()).await {
            tracing::warn!(%error, "pruning activity buckets failed");
        }
    }
}
