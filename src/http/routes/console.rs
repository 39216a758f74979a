//! The agent console, `/console`: a page and one minified script built from `clients/console`
//! and committed, embedded here so that the binary serves them without Node. The console calls
//! the API from the server's own origin, which every resource accepts (see
//! `extract::foreign_origin`).

use std::sync::LazyLock;

use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::Response;
use axum::routing::get;
use axum::Router;

use super::widget::{etag_of, revalidated};
use crate::http::state::AppState;

/// The console's page (a source file: it only loads the script).
pub const CONSOLE_HTML: &[u8] = include_bytes!("../../../clients/console/src/console.html");
/// The committed bundle (`npm run build` in `clients/console`; CI checks it matches its sources).
pub const CONSOLE_JS: &[u8] = include_bytes!("../../../clients/console/dist/console.js");

static HTML_ETAG: LazyLock<HeaderValue> = LazyLock::new(|| etag_of(CONSOLE_HTML));
static JS_ETAG: LazyLock<HeaderValue> = LazyLock::new(|| etag_of(CONSOLE_JS));

/// The page talks to its own server only, and no other site may frame it.
const CSP: &str = "default-src 'self'; connect-src 'self'; img-src 'self' data:; \
    style-src 'self' 'unsafe-inline'; \
    frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/console", get(console_html))
        .route("/console/console.js", get(console_js))
}

async fn console_html(request_headers: HeaderMap) -> Response {
    let extra = [
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        ),
        (
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ),
    ];
    let content_type = HeaderValue::from_static("text/html; charset=utf-8");
    revalidated(
        &request_headers,
        &HTML_ETAG,
        content_type,
        extra,
        CONSOLE_HTML,
    )
}

async fn console_js(request_headers: HeaderMap) -> Response {
    let content_type = HeaderValue::from_static("text/javascript; charset=utf-8");
    revalidated(&request_headers, &JS_ETAG, content_type, [], CONSOLE_JS)
}
