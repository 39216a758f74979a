//! The `chatcloud` binary as a new user runs it: first start, demo keys, `resource create`.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use serde_json::{json, Value};

use crate::helpers::send;

fn chatcloud() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_chatcloud"));
    for var in [
        "CHATCLOUD_OPERATOR_KEY",
        "CHATCLOUD_JWT_SECRET",
        "CHATCLOUD_DATABASE_URL",
        "CHATCLOUD_BIND",
    ] {
        command.env_remove(var);
    }
    command
}

/// A running `chatcloud serve` and what it printed before listening.
struct Server {
    child: Child,
    base: String,
    printed: Vec<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(database_url: &str) -> Server {
    let mut child = chatcloud()
        .args([
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--database-url",
            database_url,
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("chatcloud serve starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut printed = Vec::new();
    let mut base = None;
    for line in BufReader::new(stdout).lines() {
        let line = line.expect("line");
        if let Some(address) = line.strip_prefix("ChatCloud listening on ") {
            base = Some(address.to_owned());
            break;
        }
        printed.push(line);
    }
    Server {
        child,
        base: base.expect("the server printed its address"),
        printed,
    }
}

fn printed_value(printed: &[String], label: &str) -> Option<String> {
    printed
        .iter()
        .find_map(|line| line.trim().strip_prefix(label).map(|v| v.trim().to_owned()))
}

#[tokio::test]
async fn first_start_creates_the_demo_resource_and_the_seed_flow_works() {
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}", dir.path().join("demo.db").display());
    let server = serve(&url);
    let api_key = printed_value(&server.printed, "x-api-key:").expect("demo key printed");
    assert!(printed_value(&server.printed, "x-api-secret:").is_some());

    let client = reqwest::Client::new();
    let created = send(
        client
            .post(format!("{}/api/v1/users", server.base))
            .header("x-api-key", &api_key)
            .json(&json!({ "resourceId": "localhost", "username": "john_doe", "email": "john@example.com" })),
    )
    .await;
    let user_id = created.data(201)["id"].as_str().expect("id").to_owned();
    let token = send(
        client
            .post(format!("{}/api/v1/users/chat-token", server.base))
            .header("x-api-key", &api_key)
            .json(&json!({ "userId": user_id })),
    )
    .await;
    let chat_token = token.data(200)["chatToken"]
        .as_str()
        .expect("token")
        .to_owned();
    drop(server);

    // A restart prints no keys again, and the generated token key was kept.
    let again = serve(&url);
    assert_eq!(printed_value(&again.printed, "x-api-key:"), None);
    let me = send(
        client
            .get(format!("{}/api/v1/users/me", again.base))
            .header("x-api-key", &api_key)
            .bearer_auth(&chat_token),
    )
    .await;
    assert_eq!(me.data(200)["id"], user_id.as_str());
}

#[test]
fn resource_create_prints_the_new_resource_with_its_keys() {
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}", dir.path().join("cli.db").display());
    let output = chatcloud()
        .args([
            "resource",
            "create",
            "site.com",
            "--open",
            "--allowed-origin",
            "https://site.com",
        ])
        .args(["--database-url", &url])
        .output()
        .expect("runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let created: Value = serde_json::from_slice(&output.stdout).expect("JSON on stdout");
    assert_eq!(created["resourceId"], "site.com");
    assert_eq!(created["tokenIssuance"], "open");
    assert_eq!(created["allowedOrigins"], json!(["https://site.com"]));
    assert!(created["apiKey"]
        .as_str()
        .is_some_and(|k| k.starts_with("pk_")));

    let duplicate = chatcloud()
        .args(["resource", "create", "site.com", "--database-url", &url])
        .output()
        .expect("runs");
    assert!(!duplicate.status.success());
    assert!(String::from_utf8_lossy(&duplicate.stderr).contains("already exists"));
}
