//! The HTTP API: routes, extractors, envelopes and the middleware stack.

pub mod cors;
pub mod envelope;
pub mod error;
pub mod extract;
pub mod metrics;
pub mod openapi;
pub mod rate_limit;
pub mod routes;
pub mod state;
pub mod view;

use std::time::Duration;

use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::{middleware, Router};
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::domain::id::{new_id, UserId};
use crate::http::error::{AppError, ErrorCode};
use crate::server;
use state::AppState;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

/// Largest accepted request body (contract §8).
pub const BODY_LIMIT: usize = 64 * 1024;

/// Largest body of the routes that carry a message text: 10,000 characters that a client escapes
/// as `\uXXXX` surrogate pairs take 120,000 bytes, plus the JSON around them.
pub const MESSAGE_BODY_LIMIT: usize = 128 * 1024;

/// The body limit of the routes that carry a message text.
pub fn message_body_limit() -> DefaultBodyLimit {
    DefaultBodyLimit::max(MESSAGE_BODY_LIMIT)
}

/// Longest accepted request target (path and query). hyper itself answers a bare 414 past 64 KiB.
const MAX_URI_BYTES: usize = 8 * 1024;

/// Largest accepted header section. hyper itself answers a bare 431 past about 400 KiB or 100
/// headers.
const MAX_HEADER_BYTES: usize = 32 * 1024;

/// Longest `x-request-id` kept from a client; a longer or unprintable one is replaced.
const MAX_REQUEST_ID: usize = 128;

/// The whole application: every route under `/api/v1`, operator endpoints and the middleware.
pub fn router(state: AppState) -> Router {
    let (api, openapi) = OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .nest(
            "/api/v1",
            OpenApiRouter::new()
                .merge(routes::resources::router())
                .merge(routes::users::router())
                .merge(routes::user_admin::router())
                .merge(routes::presence::router())
                .merge(routes::p2p::router())
                .merge(routes::support::router())
                .merge(routes::admin::router())
                .merge(routes::ws::router()),
        )
        .split_for_parts();
    Router::new()
        .merge(api)
        .merge(routes::health::router())
        .merge(if state.metrics_separate {
            Router::new()
        } else {
            routes::health::metrics_router()
        })
        .merge(routes::docs::router(openapi::finish(openapi)))
        .merge(routes::widget::router())
        .merge(routes::console::router())
        .fallback(|| async { AppError::NotFound("route") })
        .method_not_allowed_fallback(|| async { AppError::MethodNotAllowed })
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(middleware::from_fn_with_state(state.clone(), time_limit))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            cors::preflight,
        ))
        .layer(middleware::from_fn(head_limits))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            rate_limit::limit,
        ))
        .layer(middleware::from_fn(cors::allow_origin))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            metrics::record,
        ))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_response(log_response),
        )
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(RequestIds))
        .layer(middleware::map_request(drop_unusable_request_id))
        .with_state(state)
}

/// `/metrics` alone, for its own listener: no other route, no API middleware.
pub fn metrics_router(state: AppState) -> Router {
    routes::health::metrics_router()
        .fallback(|| async { AppError::NotFound("route") })
        .with_state(state)
}

/// Answers an over-long request target (414) or header section (431) in the envelope, within
/// the larger limits at which hyper answers them itself without a body.
async fn head_limits(request: Request, next: Next) -> Response {
    let uri_bytes = request
        .uri()
        .path_and_query()
        .map_or(0, |target| target.as_str().len());
    if uri_bytes > MAX_URI_BYTES {
        return AppError::UriTooLong.into_response();
    }
    let header_bytes: usize = request
        .headers()
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + 4)
        .sum();
    if header_bytes > MAX_HEADER_BYTES {
        return AppError::HeadersTooLarge.into_response();
    }
    next.run(request).await
}

/// Removes a client-sent `x-request-id` that is too long or not printable ASCII, so that a fresh
/// one replaces it (it goes into every log line of the request).
async fn drop_unusable_request_id(mut request: Request) -> Request {
    let usable = request.headers().get("x-request-id").map(|id| {
        id.to_str()
            .is_ok_and(|id| !id.is_empty() && id.len() <= MAX_REQUEST_ID)
    });
    if usable == Some(false) {
        request.headers_mut().remove("x-request-id");
    }
    request
}

/// Ends requests that outlive the configured time limit (a stalled upload, a stuck database)
/// with 503 `timeout`, so no client can hold a connection and its resources indefinitely.
async fn time_limit(State(state): State<AppState>, request: Request, next: Next) -> Response {
    match tokio::time::timeout(state.request_time_limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => AppError::Timeout.into_response(),
    }
}

/// Request ids are ordinary ChatCloud ids (a client-sent `x-request-id` is kept).
#[derive(Clone)]
struct RequestIds;

impl MakeRequestId for RequestIds {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        HeaderValue::from_str(&new_id()).ok().map(RequestId::new)
    }
}

fn request_span(request: &Request) -> tracing::Span {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str);
    let request_id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    // `resource_id` and `user_id` are filled in by the extractors once known (`record_caller`),
    // `code` by `log_response` for an error.
    tracing::info_span!(
        "request",
        method = %request.method(),
        route,
        request_id,
        resource_id = tracing::field::Empty,
        user_id = tracing::field::Empty,
        code = tracing::field::Empty,
    )
}

/// The request line: status and latency, with the error code of a failed request in the span.
fn log_response(response: &Response, latency: Duration, span: &tracing::Span) {
    if let Some(code) = response.extensions().get::<ErrorCode>() {
        span.record("code", code.as_str());
    }
    tracing::info!(
        status = response.status().as_u16(),
        latency_ms = latency.as_secs_f64() * 1000.0,
        "finished processing request"
    );
}

/// Records who a request is for in its log span (the request line carries them).
pub fn record_caller(resource_id: &str, user_id: Option<&UserId>) {
    let span = tracing::Span::current();
    span.record("resource_id", resource_id);
    if let Some(user_id) = user_id {
        span.record("user_id", user_id.as_str());
    }
}

/// Serves the API on `listener` until `shutdown` completes, then drains open requests and
/// WebSockets for at most the shutdown timeout. Tests pass a port-0 listener.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) {
    tokio::spawn(state::prune_activity_periodically(state.store.clone()));
    let timeouts = state.timeouts;
    let stopping = state.shutdown.clone();
    let sessions = state.sessions.clone();
    let router = router(state);
    server::run(listener, router, timeouts, stopping, sessions, shutdown).await;
}

/// Serves `/metrics` alone on `listener` (`CHATCLOUD_METRICS_BIND`) until the API server
/// begins to shut down.
pub async fn serve_metrics(listener: TcpListener, state: AppState) {
    let timeouts = state.timeouts;
    let shutdown = state.shutdown.clone().cancelled_owned();
    let router = metrics_router(state);
    server::run(
        listener,
        router,
        timeouts,
        CancellationToken::new(),
        TaskTracker::new(),
        shutdown,
    )
    .await;
}
