//! Liveness, readiness and metrics for operators.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde_json::json;

use crate::app::AppState;
use crate::error::AppError;
use crate::http::envelope::{envelope, Data};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
}

/// The process is up.
async fn healthz() -> Data<serde_json::Value> {
    Data(json!({ "status": "ok" }))
}

/// The store answers reads and takes writes; 503 `not_ready` otherwise (a full disk, say).
async fn readyz(State(state): State<AppState>) -> Response {
    match state.store.ready().await {
        Ok(()) => envelope(StatusCode::OK, json!({ "status": "ready" })),
        Err(error) => {
            tracing::warn!(%error, "store not ready");
            let body = json!({
                "success": false,
                "message": format!("store not ready: {error}"),
                "code": "not_ready",
            });
            (StatusCode::SERVICE_UNAVAILABLE, axum::Json(body)).into_response()
        }
    }
}

/// Prometheus text format.
async fn metrics(State(state): State<AppState>) -> Result<Response, AppError> {
    let content_type = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    Ok((
        [(header::CONTENT_TYPE, content_type)],
        state.metrics.render(),
    )
        .into_response())
}
