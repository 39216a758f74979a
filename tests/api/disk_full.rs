//! A full disk under SQLite: writes are refused with 503 `storage_full`, nothing acknowledged is
//! lost, `/readyz` says not ready while writes fail, and writing resumes by itself when space
//! returns. The database lives on a small tmpfs the test mounts (it needs root; without it the
//! test reports itself skipped, and fails when `CHATCLOUD_REQUIRE_DISK_FULL=1`, as in CI).

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use futures_util::future::join_all;
use reqwest::Method;
use serde_json::json;

use crate::helpers::{open_p2p, send, Settings, TestApp, TestUser};

/// A tmpfs mounted for the test, unmounted when dropped.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(size: &str) -> Option<SmallDisk> {
        let dir = tempfile::tempdir().expect("temp dir");
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .status()
            .is_ok_and(|status| status.success());
        mounted.then_some(SmallDisk { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount")
            .arg("-l")
            .arg(self.dir.path())
            .status();
    }
}

/// Fills the file system of `dir` with a file until only `spare` bytes are left; returns the
/// file.
fn fill(dir: &Path, name: &str, spare: u64) -> PathBuf {
    let path = dir.join(name);
    let mut file = std::fs::File::create(&path).expect("filler");
    let chunk = vec![1u8; 16 * 1024];
    while file
        .write_all(&chunk)
        .and_then(|()| file.sync_all())
        .is_ok()
    {}
    while file
        .write_all(&[1u8; 512])
        .and_then(|()| file.sync_all())
        .is_ok()
    {}
    let full = file.metadata().expect("filler size").len();
    file.set_len(full.saturating_sub(spare))
        .expect("leave some space");
    path
}

async fn app_on(file: &Path) -> TestApp {
    TestApp::spawn_with(Settings {
        database_url: Some(format!("sqlite://{}", file.display())),
        ..Settings::default()
    })
    .await
}

/// Every message text of the conversation, paged oldest first; asserts seq is gapless.
async fn history(app: &TestApp, user: &TestUser, conversation: &str) -> Vec<String> {
    let mut texts = Vec::new();
    let mut after = 0;
    loop {
        let path =
            format!("/api/v1/p2p/conversations/{conversation}/messages?afterSeq={after}&limit=100");
        let reply = send(app.as_user(user, Method::GET, &path)).await;
        let page = reply.data(200)["data"].as_array().expect("page").clone();
        if page.is_empty() {
            return texts;
        }
        for message in page {
            after += 1;
            assert_eq!(message["seq"], after, "seq is gapless");
            texts.push(
                message["content"]["text"]
                    .as_str()
                    .expect("text")
                    .to_owned(),
            );
        }
    }
}

#[tokio::test]
async fn a_full_disk_refuses_writes_and_loses_nothing_acknowledged() {
    let Some(disk) = SmallDisk::mount("3m") else {
        assert!(
            std::env::var("CHATCLOUD_REQUIRE_DISK_FULL").is_err(),
            "the disk-full test needs to mount a tmpfs (run as root)"
        );
        eprintln!("skipped: mounting a tmpfs needs root");
        return;
    };
    let file = disk.path().join("chat.db");
    let mut app = app_on(&file).await;
    let resource = app.resource("disk.example", false).await;
    let alice = app.user(&resource, "alice", "user").await;
    let bob = app.user(&resource, "bob", "user").await;
    let conversation = open_p2p(&app, &alice, &bob).await;
    let path = format!("/api/v1/p2p/conversations/{conversation}/messages");
    let padding = "x".repeat(900);

    // Room for a few dozen messages, then none.
    let filler = fill(disk.path(), "filler", 128 * 1024);
    let mut acknowledged = BTreeSet::new();
    let mut refused = 0;
    let mut round = 0;
    while refused < 20 && round < 200 {
        let sends = (0..16).map(|n| {
            let text = format!("round {round} message {n} {padding}");
            let request = app
                .as_user(&alice, Method::POST, &path)
                .json(&json!({ "content": { "text": text } }));
            async move { (text, send(request).await) }
        });
        for (text, reply) in join_all(sends).await {
            match reply.status.as_u16() {
                201 => {
                    acknowledged.insert(text);
                }
                _ => {
                    reply.assert_error(503, "storage_full");
                    refused += 1;
                }
            }
        }
        round += 1;
    }
    assert!(refused >= 20, "the full disk never refused a write");
    assert!(
        !acknowledged.is_empty(),
        "some writes fitted before the disk was full"
    );
    // Not a byte left: writes fail, and the server says it is not ready.
    let last_bytes = fill(disk.path(), "last-bytes", 0);
    let refused = send(
        app.as_user(&alice, Method::POST, &path)
            .json(&json!({ "content": { "text": padding } })),
    )
    .await;
    refused.assert_error(503, "storage_full");
    let ready = send(app.get("/readyz")).await;
    ready.assert_error(503, "not_ready");

    // Space returns: writing resumes without a restart.
    std::fs::remove_file(filler).expect("remove filler");
    std::fs::remove_file(last_bytes).expect("remove filler");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if send(app.get("/readyz")).await.status.as_u16() == 200 {
            break;
        }
        assert!(Instant::now() < deadline, "never ready again");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let after = send(
        app.as_user(&bob, Method::POST, &path)
            .json(&json!({ "content": { "text": "space is back" } })),
    )
    .await;
    after.data(201);
    acknowledged.insert("space is back".to_owned());

    let stored: BTreeSet<String> = history(&app, &bob, &conversation)
        .await
        .into_iter()
        .collect();
    assert_eq!(
        stored, acknowledged,
        "exactly the acknowledged messages are stored"
    );

    // And they survive a restart.
    app.shut_down();
    drop(app);
    let app = app_on(&file).await;
    let stored: BTreeSet<String> = history(&app, &bob, &conversation)
        .await
        .into_iter()
        .collect();
    assert_eq!(stored, acknowledged, "after a restart too");
}
