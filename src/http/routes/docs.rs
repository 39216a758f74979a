//! The OpenAPI document and the human-readable reference page rendered from it. The page and
//! its renderer are served from the binary: no request of the page leaves this server.

use std::sync::Arc;

use axum::http::header;
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::Value;

use crate::http::state::AppState;

/// Where the vendored renderer is served. The version is in the path, so the file may be cached
/// for good.
pub const RENDERER_PATH: &str = "/docs/redoc-2.5.4.standalone.js";

/// Redoc's standalone bundle, vendored from the npm package `redoc@2.5.4`
/// (`bundles/redoc.standalone.js`; licence beside it in `assets/`).
const RENDERER: &str = include_str!("../../../assets/redoc-2.5.4.standalone.js");

pub fn router(openapi: Value) -> Router<AppState> {
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
        .route(RENDERER_PATH, get(renderer))
        .route("/docs/widget.md", get(|| guide(WIDGET_GUIDE)))
        .route("/docs/console.md", get(|| guide(CONSOLE_GUIDE)))
        .route("/docs/integration.md", get(|| guide(INTEGRATION_GUIDE)))
}

/// The guides of the widget, the console and the integration, as in the repository's docs/,
/// served as text.
const WIDGET_GUIDE: &str = include_str!("../../../docs/WIDGET.md");
const CONSOLE_GUIDE: &str = include_str!("../../../docs/CONSOLE.md");
const INTEGRATION_GUIDE: &str = include_str!("../../../docs/INTEGRATION.md");

async fn guide(text: &'static str) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text)
}

async fn renderer() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        RENDERER,
    )
}

/// Redoc renders the OpenAPI document in the reader's browser, from this server alone. A bar
/// above it links what else this server serves for browsers: the integration guide, the widget
/// and the agent console.
const DOCS_PAGE: &str = r#"<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>ChatCloud API reference</title>
  <meta name="viewport" content="width=device-width, initial-scale=1">
</head>
<body>
  <nav aria-label="ChatCloud" style="font-family: sans-serif; padding: 8px 16px; border-bottom: 1px solid #ddd">
    <strong>ChatCloud</strong> ·
    <a href="/docs/integration.md">Integration guide: chat on your page in five minutes</a> ·
    <a href="/console">Agent console</a> ·
    <a href="/docs/widget.md">The drop-in widget (/widget.js)</a> ·
    <a href="/docs/console.md">The agent console's guide</a> ·
    <a href="/api/v1/openapi.json">OpenAPI document</a>
  </nav>
  <redoc spec-url="/api/v1/openapi.json"></redoc>
  <noscript>The reference needs JavaScript; the raw document is at <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>.</noscript>
  <script src="/docs/redoc-2.5.4.standalone.js"></script>
</body>
</html>
"#;
