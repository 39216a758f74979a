//! The `chatcloud` binary as a new user runs it: first start, demo keys, `resource create`.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

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
pub struct Server {
    child: Child,
    pub base: String,
    pub printed: Vec<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn serve(database_url: &str) -> Server {
    serve_with(database_url, &[], Stdio::null())
}

/// `chatcloud serve` on `database_url` with more `args`, its stderr going to `stderr`.
fn serve_with(database_url: &str, args: &[&str], stderr: Stdio) -> Server {
    serve_env(database_url, args, &[], stderr)
}

/// `serve_with` with more environment variables.
fn serve_env(database_url: &str, args: &[&str], envs: &[(&str, &str)], stderr: Stdio) -> Server {
    let mut child = chatcloud()
        .envs(envs.iter().copied())
        .args([
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--database-url",
            database_url,
        ])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(stderr)
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

pub fn printed_value(printed: &[String], label: &str) -> Option<String> {
    printed
        .iter()
        .find_map(|line| line.trim().strip_prefix(label).map(|v| v.trim().to_owned()))
}

/// Creates a user of the open demo resource with the key alone, and gets their chat token.
async fn demo_user(
    client: &reqwest::Client,
    base: &str,
    api_key: &str,
    body: Value,
) -> (String, String) {
    let created = send(
        client
            .post(format!("{base}/api/v1/users"))
            .header("x-api-key", api_key)
            .json(&body),
    )
    .await;
    let user_id = created.data(201)["id"].as_str().expect("id").to_owned();
    let token = send(
        client
            .post(format!("{base}/api/v1/users/chat-token"))
            .header("x-api-key", api_key)
            .json(&json!({ "userId": user_id })),
    )
    .await;
    let chat_token = token.data(200)["chatToken"]
        .as_str()
        .expect("token")
        .to_owned();
    (user_id, chat_token)
}

#[tokio::test]
async fn first_start_creates_the_demo_resource_and_the_seed_flow_works() {
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}", dir.path().join("demo.db").display());
    let server = serve(&url);
    let api_key = printed_value(&server.printed, "x-api-key:").expect("demo key printed");
    assert!(printed_value(&server.printed, "x-api-secret:").is_some());

    let client = reqwest::Client::new();
    let (user_id, chat_token) = demo_user(
        &client,
        &server.base,
        &api_key,
        json!({ "resourceId": "localhost", "username": "john_doe", "email": "john@example.com" }),
    )
    .await;
    drop(server);

    // A restart prints no keys again, only how to get new ones, and the generated token key
    // was kept.
    let again = serve(&url);
    assert_eq!(printed_value(&again.printed, "x-api-key:"), None);
    assert!(
        again
            .printed
            .iter()
            .any(|line| line.contains("chatcloud resource rotate-keys localhost")),
        "{:?}",
        again.printed
    );
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

/// `chatcloud resource <args> --database-url <url>`: its JSON output, or its stderr as the error.
fn resource_command(args: &[&str], url: &str) -> Result<Value, String> {
    let output = chatcloud()
        .arg("resource")
        .args(args)
        .args(["--database-url", url])
        .output()
        .expect("runs");
    if output.status.success() {
        Ok(serde_json::from_slice(&output.stdout).expect("JSON on stdout"))
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    }
}

#[tokio::test]
async fn resource_set_turns_users_editing_their_own_profile_off_and_on() {
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}", dir.path().join("profile.db").display());
    let created = resource_command(
        &["create", "site.com", "--open", "--no-self-profile-edit"],
        &url,
    )
    .expect("created");
    assert_eq!(created["selfProfileEdit"], false);
    let key = created["apiKey"].as_str().expect("key").to_owned();
    let client = reqwest::Client::new();
    let edit = |base: &str, token: &str| {
        client
            .patch(format!("{base}/api/v1/users/me"))
            .header("x-api-key", &key)
            .bearer_auth(token)
            .json(&json!({ "displayName": "Ana" }))
    };
    let token = {
        let server = serve(&url);
        let user = send(
            client
                .post(format!("{}/api/v1/users", server.base))
                .header("x-api-key", &key)
                .json(&json!({ "username": "ana", "email": "ana@site.com" })),
        )
        .await;
        let user_id = user.data(201)["id"].as_str().expect("id").to_owned();
        let token = send(
            client
                .post(format!("{}/api/v1/users/chat-token", server.base))
                .header("x-api-key", &key)
                .json(&json!({ "userId": user_id })),
        )
        .await;
        let token = token.data(200)["chatToken"]
            .as_str()
            .expect("token")
            .to_owned();
        send(edit(&server.base, &token))
            .await
            .assert_error(403, "forbidden");
        token
    };
    let set =
        resource_command(&["set", "site.com", "--self-profile-edit", "true"], &url).expect("set");
    assert_eq!(set["selfProfileEdit"], true);
    assert!(
        resource_command(&["set", "nope.com", "--self-profile-edit", "true"], &url)
            .expect_err("unknown")
            .contains("not found")
    );
    let server = serve(&url);
    let edited = send(edit(&server.base, &token)).await;
    assert_eq!(edited.data(200)["displayName"], "Ana");
}

#[tokio::test]
async fn resource_list_show_and_rotate_keys_never_print_old_keys() {
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}", dir.path().join("keys.db").display());
    let created = resource_command(&["create", "site.com", "--open"], &url).expect("created");
    resource_command(&["create", "other.com"], &url).expect("created");
    let old_key = created["apiKey"].as_str().expect("key").to_owned();

    let listed = resource_command(&["list"], &url).expect("listed");
    let ids: Vec<&str> = listed
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|r| r["resourceId"].as_str())
        .collect();
    assert_eq!(ids, ["site.com", "other.com"]);
    let shown = resource_command(&["show", "site.com"], &url).expect("shown");
    assert_eq!(shown["tokenIssuance"], "open");
    assert_eq!(shown["stats"]["totalUsers"], 0);
    for printed in [listed.to_string(), shown.to_string()] {
        assert!(
            !printed.contains("apiKey")
                && !printed.contains("apiSecret")
                && !printed.contains(&old_key),
            "{printed}"
        );
    }
    assert!(resource_command(&["show", "nope.com"], &url)
        .expect_err("unknown")
        .contains("not found"));

    let rotated = resource_command(&["rotate-keys", "site.com"], &url).expect("rotated");
    let new_key = rotated["apiKey"].as_str().expect("key");
    assert_ne!(new_key, old_key);
    assert!(rotated["apiSecret"]
        .as_str()
        .is_some_and(|s| s.starts_with("sk_")));
    assert!(resource_command(&["rotate-keys", "nope.com"], &url).is_err());

    // A server on that database takes the new key and refuses the old one.
    let server = serve(&url);
    let client = reqwest::Client::new();
    let with_key = |key: &str| {
        client
            .post(format!("{}/api/v1/users", server.base))
            .header("x-api-key", key)
            .json(&json!({ "username": "alice", "email": "alice@site.com" }))
    };
    send(with_key(&old_key))
        .await
        .assert_error(401, "invalid_api_key");
    send(with_key(new_key)).await.data(201);
}

#[tokio::test]
async fn token_prints_a_chat_token_the_server_accepts() {
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}", dir.path().join("token.db").display());
    let site = resource_command(&["create", "site.com"], &url).expect("created");
    let server = serve(&url);
    let client = reqwest::Client::new();
    let created = send(
        client
            .post(format!("{}/api/v1/users", server.base))
            .header("x-api-key", site["apiKey"].as_str().expect("key"))
            .header("x-api-secret", site["apiSecret"].as_str().expect("secret"))
            .json(&json!({ "username": "agent", "email": "agent@site.com", "role": "staff" })),
    )
    .await;
    let user_id = created.data(201)["id"].as_str().expect("id").to_owned();

    let token = |args: &[&str]| {
        chatcloud()
            .arg("token")
            .args(args)
            .args(["--database-url", &url])
            .output()
            .expect("runs")
    };
    let printed = token(&["site.com", &user_id]);
    assert!(
        printed.status.success(),
        "{}",
        String::from_utf8_lossy(&printed.stderr)
    );
    let printed: Value = serde_json::from_slice(&printed.stdout).expect("JSON");
    assert_eq!(printed["user"]["role"], "staff");
    let me = send(
        client
            .get(format!("{}/api/v1/users/me", server.base))
            .header("x-api-key", site["apiKey"].as_str().expect("key"))
            .bearer_auth(printed["chatToken"].as_str().expect("token")),
    )
    .await;
    assert_eq!(me.data(200)["id"], user_id.as_str());
    // Another resource's user, or none, gets no token.
    assert!(!token(&["other.com", &user_id]).status.success());
    assert!(!token(&["site.com", "0123456789abcdef01234567"])
        .status
        .success());
}

/// Waits for `child` to exit; panics (after killing it) if it has not within 20 s.
fn exit_status(child: &mut Child) -> ExitStatus {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the process did not exit within 20 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn startup_refuses_an_empty_or_short_token_key_and_an_empty_operator_key() {
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}", dir.path().join("keys.db").display());
    for (variable, value) in [
        ("CHATCLOUD_JWT_SECRET", ""),
        ("CHATCLOUD_JWT_SECRET", "short"),
        ("CHATCLOUD_OPERATOR_KEY", ""),
    ] {
        let mut child = chatcloud()
            .env(variable, value)
            .args(["serve", "--bind", "127.0.0.1:0", "--database-url", &url])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("runs");
        assert!(!exit_status(&mut child).success(), "{variable}={value:?}");
        let mut stderr = String::new();
        child
            .stderr
            .take()
            .expect("stderr")
            .read_to_string(&mut stderr)
            .expect("read");
        assert!(
            stderr.contains(variable) && stderr.contains("openssl rand"),
            "{stderr}"
        );
    }
}

/// SIGTERM ends the process within the drain timeout, even with a request whose headers never
/// finish (and a header timeout far longer than the drain); logs carry no colour codes when
/// stderr is not a terminal.
#[tokio::test]
async fn sigterm_exits_within_the_drain_timeout_whatever_the_clients_do() {
    use tokio::io::AsyncWriteExt;
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}", dir.path().join("term.db").display());
    let mut server = serve_with(
        &url,
        &[
            "--shutdown-timeout-secs",
            "1",
            "--header-read-timeout-secs",
            "600",
        ],
        Stdio::piped(),
    );
    send(reqwest::Client::new().get(format!("{}/healthz", server.base)))
        .await
        .data(200);
    let mut half_sent = tokio::net::TcpStream::connect(server.base.trim_start_matches("http://"))
        .await
        .expect("connect");
    half_sent
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .await
        .expect("write");

    let stderr = stop_and_read_stderr(&mut server);
    assert!(stderr.contains("shutting down"), "{stderr}");
    assert!(!stderr.contains('\u{1b}'), "colour codes in {stderr}");
}

/// `kill -9` in the middle of concurrent sends: after a restart every acknowledged message is
/// there, seq has no gap, and the counters agree with the messages.
#[tokio::test]
async fn a_killed_server_keeps_every_acknowledged_message() {
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}", dir.path().join("crash.db").display());
    let mut server = serve(&url);
    let api_key = printed_value(&server.printed, "x-api-key:").expect("demo key printed");
    let client = reqwest::Client::new();
    let base = server.base.clone();
    let user = |name: &'static str| {
        let (client, base, api_key) = (client.clone(), base.clone(), api_key.clone());
        async move {
            let email = format!("{name}@example.com");
            let created = send(
                client
                    .post(format!("{base}/api/v1/users"))
                    .header("x-api-key", &api_key)
                    .json(&json!({ "username": name, "email": email })),
            )
            .await;
            let id = created.data(201)["id"].as_str().expect("id").to_owned();
            let token = send(
                client
                    .post(format!("{base}/api/v1/users/chat-token"))
                    .header("x-api-key", &api_key)
                    .json(&json!({ "userId": id })),
            )
            .await;
            (
                id,
                token.data(200)["chatToken"]
                    .as_str()
                    .expect("token")
                    .to_owned(),
            )
        }
    };
    let (_, alice) = user("alice").await;
    let (bob_id, bob) = user("bob").await;
    let opened = send(
        client
            .post(format!("{base}/api/v1/p2p/conversations"))
            .header("x-api-key", &api_key)
            .bearer_auth(&alice)
            .json(&json!({ "otherParticipantId": bob_id })),
    )
    .await;
    let conversation = opened.data(201)["id"].as_str().expect("id").to_owned();
    let path = format!("/api/v1/p2p/conversations/{conversation}/messages");

    let acknowledged = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let senders: Vec<_> = (0..16)
        .map(|sender| {
            let (client, url, key, token) = (
                client.clone(),
                format!("{base}{path}"),
                api_key.clone(),
                alice.clone(),
            );
            let acknowledged = std::sync::Arc::clone(&acknowledged);
            tokio::spawn(async move {
                for n in 0.. {
                    let text = format!("sender {sender} message {n}");
                    let sent = client
                        .post(&url)
                        .header("x-api-key", &key)
                        .bearer_auth(&token)
                        .json(&json!({ "content": { "text": text } }))
                        .send()
                        .await;
                    match sent {
                        Ok(response) if response.status().as_u16() == 201 => {
                            acknowledged.lock().expect("lock").push(text);
                        }
                        _ => return,
                    }
                }
            })
        })
        .collect();
    // Kill once a few hundred messages are in, with sends still in flight.
    let deadline = Instant::now() + Duration::from_secs(60);
    while acknowledged.lock().expect("lock").len() < 300 {
        assert!(Instant::now() < deadline, "the sends did not get going");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.child.kill().expect("kill -9");
    let _ = server.child.wait();
    for sender in senders {
        let _ = sender.await;
    }
    let acknowledged = acknowledged.lock().expect("lock").clone();

    let server = serve(&url);
    let read = |path: String| {
        client
            .get(format!("{}{path}", server.base))
            .header("x-api-key", &api_key)
            .bearer_auth(&bob)
    };
    let mut stored = std::collections::HashSet::new();
    let mut last_seq = 0;
    loop {
        let page = send(read(format!("{path}?afterSeq={last_seq}&limit=100"))).await;
        let messages = page.data(200)["data"].as_array().expect("page").clone();
        if messages.is_empty() {
            break;
        }
        for message in messages {
            last_seq += 1;
            assert_eq!(message["seq"], last_seq, "seq has no gap");
            stored.insert(
                message["content"]["text"]
                    .as_str()
                    .expect("text")
                    .to_owned(),
            );
        }
    }
    for text in &acknowledged {
        assert!(stored.contains(text), "acknowledged {text:?} was lost");
    }
    let details = send(read(format!("/api/v1/p2p/conversations/{conversation}"))).await;
    assert_eq!(details.data(200)["messageCount"], last_seq);
    let unread = send(read(format!(
        "/api/v1/p2p/conversations/{conversation}/unread-count"
    )))
    .await;
    assert_eq!(unread.data(200)["unreadCount"], last_seq);
}

fn stop_and_read_stderr(server: &mut Server) -> String {
    let signalled = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(signalled.success());
    assert!(exit_status(&mut server.child).success());
    let mut stderr = String::new();
    server
        .child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr)
        .expect("read");
    stderr
}

/// `CHATCLOUD_LOG_FORMAT=json`: every line is a JSON object, and the request line carries the
/// route, the resource, the user and, for a failure, the error code.
#[tokio::test]
async fn json_logs_carry_the_resource_the_user_and_the_error_code() {
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}", dir.path().join("logs.db").display());
    let mut server = serve_env(
        &url,
        &[],
        &[("CHATCLOUD_LOG_FORMAT", "json"), ("RUST_LOG", "info")],
        Stdio::piped(),
    );
    let api_key = printed_value(&server.printed, "x-api-key:").expect("demo key printed");
    let client = reqwest::Client::new();
    let me = format!("{}/api/v1/users/me", server.base);
    send(client.get(&me).header("x-api-key", &api_key))
        .await
        .assert_error(401, "missing_token");
    let (user_id, chat_token) = demo_user(
        &client,
        &server.base,
        &api_key,
        json!({ "username": "logged", "email": "logged@example.com" }),
    )
    .await;
    send(
        client
            .get(&me)
            .header("x-api-key", &api_key)
            .bearer_auth(&chat_token),
    )
    .await
    .data(200);

    let stderr = stop_and_read_stderr(&mut server);
    let lines: Vec<Value> = stderr
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}")))
        .collect();
    let request_line = |status: u16| {
        lines
            .iter()
            .find(|line| {
                line["fields"]["message"] == "finished processing request"
                    && line["fields"]["status"] == status
                    && line["span"]["route"] == "/api/v1/users/me"
            })
            .unwrap_or_else(|| panic!("no {status} line for /users/me in {stderr}"))
    };
    let failed = &request_line(401)["span"];
    assert_eq!(failed["code"], "missing_token", "{failed}");
    assert_eq!(failed["resource_id"], "localhost", "{failed}");
    assert!(failed["request_id"]
        .as_str()
        .is_some_and(|id| !id.is_empty()));
    let succeeded = &request_line(200)["span"];
    assert_eq!(succeeded["user_id"], user_id.as_str(), "{succeeded}");
    assert_eq!(succeeded["resource_id"], "localhost", "{succeeded}");
    assert!(succeeded.get("code").is_none(), "{succeeded}");
}

/// `CHATCLOUD_METRICS_BIND`: `/metrics` is served on its own listener, and only there.
#[tokio::test]
async fn metrics_can_have_a_listener_of_their_own() {
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}", dir.path().join("metrics.db").display());
    let server = serve_env(
        &url,
        &[],
        &[("CHATCLOUD_METRICS_BIND", "127.0.0.1:0")],
        Stdio::null(),
    );
    let metrics_base =
        printed_value(&server.printed, "Metrics listening on").expect("metrics address printed");
    let client = reqwest::Client::new();
    let scrape = client
        .get(format!("{metrics_base}/metrics"))
        .send()
        .await
        .expect("scrape");
    assert_eq!(scrape.status(), 200);
    assert!(scrape
        .text()
        .await
        .expect("text")
        .contains("chatcloud_process_cpu_seconds_total"));
    send(client.get(format!("{}/metrics", server.base)))
        .await
        .assert_error(404, "not_found");
    send(client.get(format!("{metrics_base}/healthz")))
        .await
        .assert_error(404, "not_found");
    send(client.get(format!("{}/healthz", server.base)))
        .await
        .data(200);
}
