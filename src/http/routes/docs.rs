//! The OpenAPI document and the human-readable reference page rendered from it.

use std::sync::Arc;

use axum::response::Html;
use axum::routing::get;
use axum::{Json, Router};
use utoipa::openapi::OpenApi;

use crate::app::AppState;

pub fn router(openapi: OpenApi) -> Router<AppState> {
    let openapi = Arc::new(openapi);
    Router::new()
        .route(
            "/api/v1/openapi.json",
            get(move || {
                let openapi = Arc::clone(&openapi);
                async move { Json(openapi) }
            }),
        )
        .route("/docs", get(|| async { Html(DOCS_PAGE) }))
}

/// Redoc renders the OpenAPI document in the reader's browser.
const DOCS_PAGE: &str = r#"<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>ChatCloud API reference</title>
  <meta name="viewport" content="width=device-width, initial-scale=1">
</head>
<body>
  <redoc spec-url="/api/v1/openapi.json"></redoc>
  <noscript>The reference needs JavaScript; the raw document is at <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>.</noscript>
  <script src="https://cdn.redoc.ly/redoc/v2.1.5/bundles/redoc.standalone.js"></script>
</body>
</html>
"#;
