//! The drop-in chat and support widget, `/widget.js`: one minified script built from
//! `clients/widget` and committed, embedded here so that the binary serves it without Node.

use std::sync::LazyLock;

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use sha2::{Digest, Sha256};

use crate::http::state::AppState;

/// The committed bundle (`npm run build` in `clients/widget`; CI checks it matches its sources).
pub const WIDGET_JS: &[u8] = include_bytes!("../../../clients/widget/dist/widget.js");

/// A strong validator of `body`: the start of its SHA-256, so a new build changes it.
pub(super) fn etag_of(body: &[u8]) -> HeaderValue {
    let digest = Sha256::digest(body);
    let hex: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
    HeaderValue::from_str(&format!("\"{hex}\"")).expect("hex is a valid header value")
}

static ETAG: LazyLock<HeaderValue> = LazyLock::new(|| etag_of(WIDGET_JS));

/// Pages keep the script five minutes, then revalidate it (a 304 while it is unchanged), so a
/// server upgrade reaches every page within minutes.
const CACHE_CONTROL: &str = "public, max-age=300, must-revalidate";

pub fn router() -> Router<AppState> {
    Router::new().route("/widget.js", get(widget_js))
}

async fn widget_js(request_headers: HeaderMap) -> Response {
    // Host pages of any origin load it with a plain script tag.
    let extra = [(
        header::HeaderName::from_static("cross-origin-resource-policy"),
        HeaderValue::from_static("cross-origin"),
    )];
    let content_type = HeaderValue::from_static("text/javascript; charset=utf-8");
    revalidated(&request_headers, &ETAG, content_type, extra, WIDGET_JS)
}

/// A built asset: 304 when `If-None-Match` names its ETag, else the body, cacheable for five
/// minutes and revalidated, with `extra` headers either way.
pub(super) fn revalidated<const N: usize>(
    request_headers: &HeaderMap,
    etag: &HeaderValue,
    content_type: HeaderValue,
    extra: [(header::HeaderName, HeaderValue); N],
    body: &'static [u8],
) -> Response {
    let unchanged = request_headers
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|tags| {
            tags.split(',')
                .map(|tag| tag.trim().trim_start_matches("W/"))
                .any(|tag| tag == "*" || tag.as_bytes() == etag.as_bytes())
        });
    let headers = [
        (header::ETAG, etag.clone()),
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static(CACHE_CONTROL),
        ),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
    ];
    if unchanged {
        return (StatusCode::NOT_MODIFIED, headers, extra).into_response();
    }
    (headers, extra, [(header::CONTENT_TYPE, content_type)], body).into_response()
}
