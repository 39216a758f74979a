//! CORS from the resources' allowedOrigins (contract §8).
//!
//! A preflight carries no API key, so it is answered for any origin that some resource allows.
//! The real request is checked against its own key's resource by the `Tenant` extractor
//! (403 `origin_not_allowed`). `x-api-secret` is deliberately not an allowed header: the secret
//! belongs on the site's server, never in a browser.

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::http::error::{AppError, ErrorCode};
use crate::http::state::AppState;

const ALLOW_METHODS: &str = "GET, POST, PATCH, DELETE, OPTIONS";
const ALLOW_HEADERS: &str = "authorization, content-type, x-api-key, idempotency-key";
const EXPOSE_HEADERS: &str =
    "retry-after, x-ratelimit-limit, x-ratelimit-remaining, x-ratelimit-reset, x-request-id";

/// Middleware: answers preflights (inside the rate limit, so that they are counted and carry its
/// headers like any request without credentials).
pub async fn preflight(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let is_preflight = request.method() == Method::OPTIONS
        && request
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    match request.headers().get(header::ORIGIN).cloned() {
        Some(origin) if is_preflight => answer_preflight(&state, origin).await,
        _ => next.run(request).await,
    }
}

/// Middleware: allows the request's origin to read the response, unless the response refuses
/// that origin (a refused origin must not be told it may read).
pub async fn allow_origin(request: Request, next: Next) -> Response {
    let origin = request.headers().get(header::ORIGIN).cloned();
    let mut response = next.run(request).await;
    let refused = response
        .extensions()
        .get::<ErrorCode>()
        .is_some_and(|code| *code == ErrorCode::OriginNotAllowed);
    if let (Some(origin), false) = (origin, refused) {
        let headers = response.headers_mut();
        allow(headers, origin);
        headers.insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static(EXPOSE_HEADERS),
        );
    }
    response
}

async fn answer_preflight(state: &AppState, origin: HeaderValue) -> Response {
    let allowed = match origin.to_str() {
        Ok(origin) => state.store.some_resource_allows_origin(origin).await,
        Err(_) => Ok(false),
    };
    match allowed {
        Ok(true) => {
            let mut response = StatusCode::NO_CONTENT.into_response();
            let headers = response.headers_mut();
            allow(headers, origin);
            headers.insert(
                header::ACCESS_CONTROL_ALLOW_METHODS,
                HeaderValue::from_static(ALLOW_METHODS),
            );
            headers.insert(
                header::ACCESS_CONTROL_ALLOW_HEADERS,
                HeaderValue::from_static(ALLOW_HEADERS),
            );
            headers.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from(600));
            response
        }
        Ok(false) => AppError::Forbidden {
            message: "this origin is not allowed by any resource".into(),
            code: ErrorCode::OriginNotAllowed,
        }
        .into_response(),
        Err(error) => AppError::from(error).into_response(),
    }
}

fn allow(headers: &mut HeaderMap, origin: HeaderValue) {
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    headers.insert(header::VARY, HeaderValue::from_static("origin"));
}
