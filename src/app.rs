//! Wiring: the shared state, building the router, serving on a listener.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use tokio::net::TcpListener;

use crate::auth::jwt::JwtKeys;
use crate::auth::keys::random_hex;
use crate::config::Config;
use crate::http;
use crate::http::metrics::Metrics;
use crate::http::rate_limit::RateLimiter;
use crate::realtime::bus::Bus;
use crate::realtime::hub::Hub;
use crate::store::Store;

/// Cheap handles shared by every request.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub jwt: Arc<JwtKeys>,
    pub operator_key: Option<Arc<str>>,
    pub metrics: Arc<Metrics>,
    pub key_limiter: Arc<RateLimiter>,
    pub user_limiter: Arc<RateLimiter>,
    pub request_time_limit: Duration,
    pub hub: Arc<Hub>,
    pub bus: Bus,
    /// How often WebSocket sessions ping, re-check their user and refresh presence.
    pub heartbeat: Duration,
}

impl AppState {
    /// Connects the store and loads (or creates) the token key.
    pub async fn new(config: &Config) -> anyhow::Result<AppState> {
        let store = Store::connect(&config.database.url, config.database.sqlite_sync).await?;
        let jwt_secret = match &config.jwt_secret {
            Some(secret) => secret.clone(),
            None => store
                .setting_or_insert("jwt_secret", &random_hex(32))
                .await
                .context("loading the token key")?,
        };
        let hub = Arc::new(Hub::default());
        Ok(AppState {
            store,
            jwt: Arc::new(JwtKeys::new(&jwt_secret)),
            operator_key: config.operator_key.as_deref().map(Arc::from),
            metrics: Arc::new(Metrics::default()),
            key_limiter: Arc::new(RateLimiter::per_minute(config.rate_limit_per_key)),
            user_limiter: Arc::new(RateLimiter::per_minute(config.rate_limit_per_user)),
            request_time_limit: Duration::from_secs(config.request_timeout_secs.max(1)),
            bus: Bus::connect(Arc::clone(&hub), config.nats_url.as_deref()).await?,
            hub,
            heartbeat: Duration::from_secs(config.ws_heartbeat_secs.max(1)),
        })
    }
}

/// Serves the API on `listener` until `shutdown` completes. Tests pass a port-0 listener.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    tokio::spawn(prune_activity_periodically(state.store.clone()));
    let router = http::router(state);
    let service = router.into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, service)
        .with_graceful_shutdown(shutdown)
        .await
        .context("serving HTTP")
}

/// Drops expired activity buckets every ten minutes (they only serve "the last 24 hours").
async fn prune_activity_periodically(store: Store) {
    let mut tick = tokio::time::interval(Duration::from_secs(600));
    loop {
        tick.tick().await;
        if let Err(error) = store.prune_activity(crate::domain::time::now_ms()).await {
            tracing::warn!(%error, "pruning activity buckets failed");
        }
    }
}
