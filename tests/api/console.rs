//! The agent console, `/console`: its page and script are served, and requests from the server's
//! own origin (where the console runs) are accepted for every resource, whatever its
//! allowedOrigins, on the REST and the WebSocket paths alike.

use serde_json::json;

use crate::helpers::{send, TestApp};

const SCRIPT: &[u8] = include_bytes!("../../clients/console/dist/console.js");

#[tokio::test]
async fn console_page_and_script_are_served() {
    let app = TestApp::spawn().await;
    let page = app.get("/console").send().await.expect("console");
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["content-type"], "text/html; charset=utf-8");
    let policy = page.headers()["content-security-policy"]
        .to_str()
        .expect("a CSP")
        .to_owned();
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
    let etag = page.headers()["etag"].to_str().expect("an ETag").to_owned();
    let html = page.text().await.expect("body");
    assert!(
        html.contains("<script src=\"/console/console.js\""),
        "{html}"
    );
    let unchanged = app
        .get("/console")
        .header("if-none-match", &etag)
        .send()
        .await
        .expect("revalidate");
    assert_eq!(unchanged.status(), 304);

    let script = app.get("/console/console.js").send().await.expect("script");
    assert_eq!(script.status(), 200);
    assert_eq!(
        script.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
    assert_eq!(
        &script.bytes().await.expect("body")[..],
        SCRIPT,
        "the served script is the committed bundle"
    );
}

#[tokio::test]
async fn the_docs_page_links_the_console_and_the_guides() {
    let app = TestApp::spawn().await;
    let page = app.get("/docs").send().await.expect("docs");
    let html = page.text().await.expect("body");
    for link in [
        "/console",
        "/docs/widget.md",
        "/docs/console.md",
        "/docs/integration.md",
    ] {
        assert!(
            html.contains(&format!("href=\"{link}\"")),
            "{link} in {html}"
        );
    }
    for (path, title) in [
        ("/docs/widget.md", "# The drop-in widget"),
        ("/docs/console.md", "# The agent console"),
        ("/docs/integration.md", "# Integration guide"),
    ] {
        let guide = app.get(path).send().await.expect("guide");
        assert_eq!(guide.status(), 200);
        assert!(guide.text().await.expect("body").starts_with(title));
    }
}

#[tokio::test]
async fn the_servers_own_origin_is_accepted_for_every_resource() {
    let app = TestApp::spawn().await;
    // The resource allows https://site.com only.
    let site = app.resource("site.com", false).await;
    let staff = app.user(&site, "agent", "staff").await;
    let host = app.base.trim_start_matches("http://").to_owned();
    let me = |origin: &str| {
        app.get("/api/v1/users/me")
            .header("x-api-key", &site.api_key)
            .bearer_auth(&staff.token)
            .header("origin", origin)
    };
    send(me("https://evil.example"))
        .await
        .assert_error(403, "origin_not_allowed");
    // Another port of the same host is another origin.
    send(me("http://127.0.0.1:1"))
        .await
        .assert_error(403, "origin_not_allowed");
    for own in [format!("http://{host}"), format!("https://{host}")] {
        let reply = send(me(&own)).await;
        assert_eq!(reply.data(200)["id"], json!(staff.id));
        assert_eq!(reply.headers["access-control-allow-origin"], own.as_str());
    }

    // The WebSocket handshake: the own origin upgrades, another is refused.
    let handshake = |origin: String| {
        let mut request =
            tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(
                app.ws_url(&staff),
            )
            .expect("request");
        request
            .headers_mut()
            .insert("origin", origin.parse().expect("header value"));
        tokio_tungstenite::connect_async(request)
    };
    let (socket, response) = handshake(format!("http://{host}"))
        .await
        .expect("the console's origin upgrades");
    assert_eq!(response.status(), 101);
    drop(socket);
    match handshake("https://evil.example".into()).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status(), 403)
        }
        other => panic!(
            "another origin must be refused, got {:?}",
            other.map(|_| ())
        ),
    }
}
