//! Latency of the hot read paths and of sending, over HTTP, against a database seeded to a given
//! size (default 100,000 conversations and 1,000,000 messages): SQLite in a temporary directory,
//! or an empty PostgreSQL database given with `--database-url`.
//!
//! `cargo bench --bench scale` (or `cargo bench --bench scale -- 10000 100000` for
//! conversations and messages); `--serve` keeps the server running afterwards, with the operator
//! API on, for the load benchmark. Results and their reading are in docs/BENCHMARKS.md.

use std::time::{Duration, Instant};

use chatcloud::config::{Config, DatabaseConfig};
use chatcloud::domain::time::now_ms;
use chatcloud::http::state::AppState;
use chatcloud::store::SqliteSync;
use chatcloud::tenants::{self, CreateResource};
use serde_json::{json, Value};

const USERS: i64 = 20_000;
/// Conversations of one "heavy" user on top of the regular ones.
const HEAVY_EXTRA: i64 = 2_000;
const SAMPLES: usize = 300;
/// The operator key of `--serve`.
const OPERATOR_KEY: &str = "scale-bench-operator-key";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let numbers: Vec<i64> = args.iter().filter_map(|a| a.parse().ok()).collect();
    let conversations = numbers.first().copied().unwrap_or(100_000);
    let messages = numbers.get(1).copied().unwrap_or(1_000_000);
    let per_conversation = (messages / conversations).max(1);
    let serve = args.iter().any(|a| a == "--serve");
    let postgres_url = args
        .iter()
        .position(|a| a == "--database-url")
        .and_then(|at| args.get(at + 1).cloned());

    let dir = tempfile::tempdir()?;
    let url = postgres_url
        .unwrap_or_else(|| format!("sqlite://{}", dir.path().join("bench.db").display()));
    let config = Config {
        bind: "127.0.0.1:0".parse()?,
        metrics_bind: None,
        metrics_token: None,
        database: DatabaseConfig {
            url: url.clone(),
            sqlite_sync: SqliteSync::Full,
        },
        jwt_secret: Some("bench-token-key-of-at-least-32-bytes".into()),
        nats_url: None,
        operator_key: serve.then(|| OPERATOR_KEY.into()),
        rate_limit_per_key: u32::MAX,
        rate_limit_per_user: u32::MAX,
        rate_limit_per_secret: u32::MAX,
        rate_limit_per_address: u32::MAX,
        trusted_proxies: Vec::new(),
        request_timeout_secs: 30,
        ws_heartbeat_secs: 30,
        ws_max_connections: 16_000,
        ws_write_timeout_secs: 10,
        header_read_timeout_secs: 10,
        idle_timeout_secs: 60,
        shutdown_timeout_secs: 10,
    };
    let state = AppState::new(&config).await?;
    let site = tenants::create_resource(
        &state.store,
        CreateResource {
            resource_id: "bench.com".into(),
            token_issuance: Default::default(),
            allowed_origins: vec![],
            self_profile_edit: true,
        },
    )
    .await?;
    let started = Instant::now();
    seed(&url, conversations, per_conversation).await?;
    println!(
        "seeded {conversations} conversations (+{HEAVY_EXTRA} for one heavy user), {} messages, {USERS} users in {:.1} s",
        conversations * per_conversation,
        started.elapsed().as_secs_f64()
    );

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}/api/v1", listener.local_addr()?);
    tokio::spawn(chatcloud::http::serve(
        listener,
        state,
        std::future::pending(),
    ));
    let client = reqwest::Client::new();
    let key = site.api_key.clone();
    let secret = site.api_secret.clone();
    let post = |path: &str, body: Value| {
        client
            .post(format!("{base}{path}"))
            .header("x-api-key", &key)
            .header("x-api-secret", &secret)
            .json(&body)
    };
    let admin: Value = post(
        "/users",
        json!({ "username": "bench_admin", "email": "admin@bench.com", "role": "admin" }),
    )
    .send()
    .await?
    .json()
    .await?;
    let token_of = |user_id: String| {
        let request = post("/users/chat-token", json!({ "userId": user_id }));
        async move {
            let reply: Value = request.send().await?.json().await?;
            anyhow::Ok(
                reply["data"]["chatToken"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            )
        }
    };
    let admin_token = token_of(admin["data"]["id"].as_str().unwrap_or_default().into()).await?;
    let staff: Value = post(
        "/users",
        json!({ "username": "bench_staff", "email": "staff@bench.com", "role": "staff" }),
    )
    .send()
    .await?
    .json()
    .await?;
    let staff_token = token_of(staff["data"]["id"].as_str().unwrap_or_default().into()).await?;
    let heavy_token = token_of(user_id(0)).await?;
    let typical_token = token_of(user_id(USERS / 2)).await?;
    let conversation = conversation_id(0);
    let middle = message_id(0, per_conversation / 2 + 1, per_conversation);

    println!("\n| request | p50 ms | p95 ms | p99 ms |\n|---|---|---|---|");
    let get = |path: String, token: String| {
        let request = client
            .get(format!("{base}{path}"))
            .header("x-api-key", &key)
            .bearer_auth(token);
        async move {
            let response = request.send().await?;
            anyhow::ensure!(response.status().is_success(), "{}", response.status());
            response.bytes().await?;
            anyhow::Ok(())
        }
    };
    let cases = [
        (
            "GET /admin-panel/stats",
            "/admin-panel/stats".to_owned(),
            &admin_token,
        ),
        (
            "GET /p2p/conversations (typical user, 10 conversations)",
            "/p2p/conversations?page=1&limit=20".to_owned(),
            &typical_token,
        ),
        (
            "GET /p2p/conversations (heavy user, 2,010 conversations)",
            "/p2p/conversations?page=1&limit=20".to_owned(),
            &heavy_token,
        ),
        (
            "GET /p2p/conversations page 50 (heavy user)",
            "/p2p/conversations?page=50&limit=20".to_owned(),
            &heavy_token,
        ),
        (
            "GET .../messages?limit=50 (newest)",
            format!("/p2p/conversations/{conversation}/messages?limit=50"),
            &heavy_token,
        ),
        (
            "GET .../messages?before=<id>&limit=50",
            format!("/p2p/conversations/{conversation}/messages?before={middle}&limit=50"),
            &heavy_token,
        ),
        (
            "GET .../messages?afterSeq=1&limit=50",
            format!("/p2p/conversations/{conversation}/messages?afterSeq=1&limit=50"),
            &heavy_token,
        ),
        (
            "GET /admin-panel/conversations page 1",
            "/admin-panel/conversations?page=1&limit=20".to_owned(),
            &admin_token,
        ),
        (
            "GET /admin-panel/conversations page 1 (staff view)",
            "/admin-panel/conversations?page=1&limit=20".to_owned(),
            &staff_token,
        ),
        (
            "GET /admin-panel/users/:heavy/conversations",
            format!("/admin-panel/users/{}/conversations", user_id(0)),
            &admin_token,
        ),
        (
            "GET /support/conversations (staff queue)",
            "/support/conversations?status=open".to_owned(),
            &admin_token,
        ),
    ];
    for (label, path, token) in cases {
        let mut samples = Vec::with_capacity(SAMPLES);
        for _ in 0..SAMPLES {
            let at = Instant::now();
            get(path.clone(), token.clone()).await?;
            samples.push(at.elapsed());
        }
        report(label, samples);
    }
    let mut samples = Vec::with_capacity(SAMPLES);
    for i in 0..SAMPLES {
        let request = client
            .post(format!("{base}/p2p/conversations/{conversation}/messages"))
            .header("x-api-key", &key)
            .bearer_auth(&heavy_token)
            .json(&json!({ "content": { "text": format!("bench {i}") } }));
        let at = Instant::now();
        let response = request.send().await?;
        anyhow::ensure!(response.status().as_u16() == 201, "{}", response.status());
        response.bytes().await?;
        samples.push(at.elapsed());
    }
    report("POST .../messages (one sender, synchronous=FULL)", samples);
    if serve {
        println!(
            "\nserving {} with operator key {OPERATOR_KEY} (process {}); Ctrl-C stops it",
            base.trim_end_matches("/api/v1"),
            std::process::id()
        );
        tokio::signal::ctrl_c().await?;
    }
    Ok(())
}

fn report(label: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q) as usize].as_secs_f64() * 1000.0;
    println!(
        "| {label} | {:.2} | {:.2} | {:.2} |",
        at(0.5),
        at(0.95),
        at(0.99)
    );
}

fn user_id(n: i64) -> String {
    format!("{:024x}", 0x1_0000_0000_i64 + n)
}

fn conversation_id(n: i64) -> String {
    format!("{:024x}", 0x2_0000_0000_i64 + n)
}

fn message_id(conversation: i64, seq: i64, per_conversation: i64) -> String {
    format!(
        "{:024x}",
        0x3_0000_0000_i64 + conversation * per_conversation + seq - 1
    )
}

/// Bulk-loads users, conversations, messages and the counters that the server would have kept,
/// with set-returning SQL (seconds instead of a million API calls). The statements are written
/// once; `Sql` supplies what the two dialects spell differently.
async fn seed(url: &str, conversations: i64, per_conversation: i64) -> anyhow::Result<()> {
    let sql = if url.starts_with("postgres") {
        Sql::Postgres
    } else {
        Sql::Sqlite
    };
    let statements = seed_statements(sql, conversations, per_conversation);
    let url = url.to_owned();
    tokio::task::spawn_blocking(move || match sql {
        Sql::Sqlite => {
            let path = url.strip_prefix("sqlite://").unwrap_or(&url);
            let conn = rusqlite::Connection::open(path)?;
            for statement in statements {
                conn.execute_batch(&statement)?;
            }
            anyhow::Ok(())
        }
        Sql::Postgres => {
            let mut client = postgres::Client::connect(&url, postgres::NoTls)?;
            for statement in statements {
                client.batch_execute(&statement)?;
            }
            // A running PostgreSQL has statistics (autovacuum gathers them within minutes of a
            // bulk load); plan with them, as production would.
            client.batch_execute("analyze")?;
            anyhow::Ok(())
        }
    })
    .await?
}

#[derive(Clone, Copy)]
enum Sql {
    Sqlite,
    Postgres,
}

impl Sql {
    /// A CTE `n(i)` of the integers 0..count.
    fn numbers(self, count: &str) -> String {
        match self {
            Sql::Sqlite => {
                format!("n(i) as (select 0 union all select i + 1 from n where i < {count} - 1)")
            }
            Sql::Postgres => format!("n(i) as (select generate_series(0, {count} - 1))"),
        }
    }

    /// The id numbered `expr`: 24 hexadecimal digits.
    fn id(self, expr: &str) -> String {
        match self {
            Sql::Sqlite => format!("printf('%024x', {expr})"),
            Sql::Postgres => format!("lpad(to_hex(cast({expr} as bigint)), 24, '0')"),
        }
    }
}

fn seed_statements(sql: Sql, conversations: i64, per_conversation: i64) -> Vec<String> {
    let now = now_ms();
    let day_ago = now - 24 * 3_600_000;
    let user = |expr: &str| sql.id(&format!("4294967296 + {expr}"));
    let conversation = |expr: &str| sql.id(&format!("8589934592 + {expr}"));
    let message = |expr: &str| sql.id(&format!("12884901888 + {expr}"));
    vec![
        format!(
            "with recursive {n}
             insert into users (id, resource_id, username, email, username_key, email_key, role,
                 can_send_message, can_receive_message, can_delete_message, can_edit_message,
                 can_archive_conversation, created_at, updated_at, last_active_at)
             select {id}, 'bench.com', 'user' || i, 'user' || i || '@bench.com',
                 'user' || i, 'user' || i || '@bench.com', 'user', 1, 1, 1, 1, 1, {day_ago},
                 {day_ago}, {now} - i * 1000 from n",
            n = sql.numbers(&USERS.to_string()),
            id = user("i"),
        ),
        // Regular pairs (a, a + 1 + k) and the heavy user's pairs (0, 6 + k).
        format!(
            "with recursive {n},
             pairs(i, a, b) as (
                 select i, case when i < {conversations} then i % {USERS} else 0 end,
                        case when i < {conversations} then (i % {USERS} + 1 + i / {USERS}) % {USERS}
                             else 6 + i - {conversations} end from n)
             insert into conversations (id, resource_id, kind, status, participant_one,
                 participant_two, user_lo, user_hi, unread_two, read_seq_one, message_count,
                 last_seq, sent_one, last_message_id, last_message_at, last_activity_at, created_at,
                 updated_at)
             select {id}, 'bench.com', 'p2p', 'active', {a}, {b}, {lo}, {hi},
                 {per_conversation}, {per_conversation}, {per_conversation}, {per_conversation},
                 {per_conversation}, {last}, {day_ago} + i, {day_ago} + i, {day_ago}, {day_ago} + i
             from pairs",
            n = sql.numbers(&format!("{conversations} + {HEAVY_EXTRA}")),
            id = conversation("i"),
            a = user("a"),
            b = user("b"),
            lo = user("case when a < b then a else b end"),
            hi = user("case when a < b then b else a end"),
            last = message(&format!("i * {per_conversation} + {per_conversation} - 1")),
        ),
        format!(
            "with recursive {n}
             insert into messages (id, conversation_id, seq, sender_id, sender_side, text, created_at,
                 sent_one)
             select {id}, c.id, i % {per_conversation} + 1, c.participant_one, 1,
                 'message number ' || i, {day_ago} + i, i % {per_conversation} + 1
             from n join conversations c on c.id = {of}",
            n = sql.numbers(&format!("{conversations} * {per_conversation}")),
            id = message("i"),
            of = conversation(&format!("i / {per_conversation}")),
        ),
        format!(
            "insert into resource_stats (resource_id, shard, users, p2p_conversations, messages, unread_messages)
             values ('bench.com', 0, {USERS}, {conversations} + {HEAVY_EXTRA}, {conversations} * {per_conversation},
                     {conversations} * {per_conversation})"
        ),
        // A full day of activity buckets in every shard: the worst case of messagesLast24h.
        format!(
            "with recursive {n}
             insert into resource_activity (resource_id, bucket, shard, messages)
             select 'bench.com', {now} / 300000 - i / 16, i % 16, 1 from n",
            n = sql.numbers("288 * 16"),
        ),
    ]
}
