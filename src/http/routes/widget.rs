//! The drop-in chat and support widget, `/widget.js`: one minified script built from
//! `clients/widget` and committed, embedded here so that the binary serves it without Node.

use std::sync::LazyLock;

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use sha2::{Digest, Sha256};

use crate::app::AppState;

/// The committed bundle (`npm run build` in `clients/widget`; CI checks it matches its sources).
pub const WIDGET_JS: &[u8] = include_bytes!("../../../clients/widget/dist/widget.js");

/// A strong validator: the start of the bundle's SHA-256, so a new build changes it.
static ETAG: LazyLock<HeaderValue> = LazyLock::new(|| {
    let digest = Sha256::digest(WIDGET_JS);
    let hex: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
    HeaderValue::from_str(&format!("\"{hex}\"")).expect("hex is a valid header value")
});

/// Pages keep the script five minutes, then revalidate it (a 304 while it is unchanged), so a
/// server upgrade reaches every page within minutes.
const CACHE_CONTROL: &str = "public, max-age=300, must-revalidate";

pub fn router() -> Router<AppState> {
    Router::new().route("/widget.js", get(widget_js))
}

async fn widget_js(request_headers: HeaderMap) -> Response {
    let etag = ETAG.clone();
    let unchanged = request_headers
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|tags| {
            tags.split(',')
                .map(|tag| tag.trim().trim_start_matches("W/"))
                .any(|tag| tag == "*" || tag.as_bytes() == etag.as_bytes())
        });
    let headers = [
        (header::ETAG, etag),
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static(CACHE_CONTROL),
        ),
        // Host pages of any origin load it with a plain script tag.
        (
            header::HeaderName::from_static("cross-origin-resource-policy"),
            HeaderValue::from_static("cross-origin"),
        ),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
    ];
    if unchanged {
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    let content_type = HeaderValue::from_static("text/javascript; charset=utf-8");
    (headers, [(header::CONTENT_TYPE, content_type)], WIDGET_JS).into_response()
}
