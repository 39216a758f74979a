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

use crate::app::AppState;
use crate::error::AppError;

const ALLOW_METHODS: &str = "GET, POST, PATCH, DELETE, OPTIONS";
const ALLOW_HEADERS: &str = "authorization, content-type, x-api-key, idempotency-key";
const EXPOSE_HEADERS: &str =
    "retry-after, x-ratelimit-limit, x-ratelimit-remaining, x-ratelimit-reset, x-request-id";

pub async fn cors(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Some(origin) = request.headers().get(header::ORIGIN).cloned() else {
        return next.run(request).await;
    };
    let is_preflight = request.method() == Method::OPTIONS
        && request
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    if is_preflight {
        return preflight(&state, origin).await;
    }
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    allow_origin(headers, origin);
    headers.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static(EXPOSE_HEADERS),
    );
    response
}

async fn preflight(state: &AppState, origin: HeaderValue) -> Response {
    let allowed = match origin.to_str() {
        Ok(origin) => state.store.some_resource_allows_origin(origin).await,
        Err(_) => Ok(false),
    };
    match allowed {
        Ok(true) => {
            let mut response = StatusCode::NO_CONTENT.into_response();
            let headers = response.headers_mut();
            allow_origin(headers, origin);
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
            code: "origin_not_allowed",
        }
        .into_response(),
        Err(error) => error.into_response(),
    }
}

fn allow_origin(headers: &mut HeaderMap, origin: HeaderValue) {
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    headers.insert(header::VARY, HeaderValue::from_static("origin"));
}
