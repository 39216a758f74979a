//! The drop-in widget's script, `/widget.js`: the committed bundle, cacheable and revalidated.

use crate::helpers::TestApp;

const BUNDLE: &[u8] = include_bytes!("../../clients/widget/dist/widget.js");

#[tokio::test]
async fn widget_js_is_the_committed_bundle_with_cache_validators() {
    let app = TestApp::spawn().await;
    // Host pages of any origin load it with a plain script tag.
    let response = app
        .get("/widget.js")
        .header("origin", "https://shop.example")
        .send()
        .await
        .expect("widget.js");
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    assert_eq!(
        headers["content-type"], "text/javascript; charset=utf-8",
        "a script's content type"
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["cross-origin-resource-policy"], "cross-origin");
    assert!(headers["cache-control"]
        .to_str()
        .expect("cache-control")
        .contains("max-age="));
    let etag = headers["etag"].to_str().expect("an ETag").to_owned();
    assert!(etag.starts_with('"') && etag.ends_with('"') && etag.len() > 10);
    let body = response.bytes().await.expect("body");
    assert_eq!(
        &body[..],
        BUNDLE,
        "the served script is the committed bundle"
    );
    assert!(!body.is_empty());

    // Revalidation: the same ETag answers 304 without a body; another answers the script.
    let unchanged = app
        .get("/widget.js")
        .header("if-none-match", &etag)
        .send()
        .await
        .expect("revalidate");
    assert_eq!(unchanged.status(), 304);
    assert_eq!(unchanged.headers()["etag"], etag.as_str());
    assert!(unchanged.bytes().await.expect("body").is_empty());
    let changed = app
        .get("/widget.js")
        .header("if-none-match", "\"an-older-build\"")
        .send()
        .await
        .expect("revalidate");
    assert_eq!(changed.status(), 200);
    assert_eq!(&changed.bytes().await.expect("body")[..], BUNDLE);

    // HEAD answers the headers alone.
    let head = app
        .request(reqwest::Method::HEAD, "/widget.js")
        .send()
        .await
        .expect("head");
    assert_eq!(head.status(), 200);
    assert_eq!(head.headers()["etag"], etag.as_str());
}
