//! Liveness, readiness and metrics for operators.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde_json::json;

use crate::auth::keys::constant_time_eq;
use crate::http::envelope::{envelope, Data};
use crate::http::error::{AppError, ErrorCode};
use crate::http::extract::{bearer, AuthorizationHeader};
use crate::http::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
}

/// `/metrics`, on the API's listener or on its own (`CHATCLOUD_METRICS_BIND`).
pub fn metrics_router() -> Router<AppState> {
    Router::new().route("/metrics", get(metrics))
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

/// Prometheus text format; with `CHATCLOUD_METRICS_TOKEN`, only for `Authorization: Bearer
/// <token>`.
async fn metrics(
    State(state): State<AppState>,
    AuthorizationHeader(given): AuthorizationHeader,
) -> Result<Response, AppError> {
    if let Some(expected) = &state.metrics_token {
        let token = given
            .as_deref()
            .map(|value| bearer(value).unwrap_or_default().trim());
        match token {
            None => {
                return Err(AppError::unauthorized(
                    "Authorization: Bearer <metrics token> is required",
                    ErrorCode::MissingToken,
                ))
            }
            Some(token) if !constant_time_eq(token, expected) => {
                return Err(AppError::unauthorized(
                    "the metrics token is not valid",
                    ErrorCode::InvalidToken,
                ))
            }
            Some(_) => {}
        }
    }
    let content_type = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    Ok((
        [(header::CONTENT_TYPE, content_type)],
        state.metrics.render(),
    )
        .into_response())
}
