//! The test harness: a real server on port 0 over a fresh database per test.
//!
//! SQLite by default (a new file in a temporary directory); with
//! `CHATCLOUD_TEST_DATABASE_URL=postgres://...` each test gets a fresh PostgreSQL database, dropped
//! when the test ends.

use chatcloud::config::{Config, DatabaseConfig};
use chatcloud::domain::id::new_id;
use chatcloud::http::state::AppState;
use chatcloud::store::SqliteSync;
use reqwest::{Method, RequestBuilder, StatusCode};
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

pub const OPERATOR_KEY: &str = "test-operator-key";
pub const JWT_SECRET: &str = "test-jwt-secret-of-the-api-suite-32+";

pub struct TestApp {
    pub base: String,
    pub database_url: String,
    pub client: reqwest::Client,
    shutdown: Option<oneshot::Sender<()>>,
    /// The PostgreSQL database this app created, dropped with it.
    _postgres_database: Option<PostgresDatabase>,
    _dir: tempfile::TempDir,
}

/// A resource made through the operator API, with its clear-text credentials.
#[derive(Clone)]
pub struct TestResource {
    pub api_key: String,
    pub api_secret: String,
}

/// A user with a valid chat token.
#[derive(Clone)]
pub struct TestUser {
    pub id: String,
    pub token: String,
    pub api_key: String,
}

/// A response's status and JSON body (`Value::Null` for an empty or non-JSON body).
pub struct Reply {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Reply {
    /// Asserts an error envelope with this status and code.
    #[track_caller]
    pub fn assert_error(&self, status: u16, code: &str) {
        assert_eq!(self.status.as_u16(), status, "body: {}", self.body);
        assert_eq!(self.body["success"], json!(false), "body: {}", self.body);
        assert_eq!(self.body["code"], json!(code), "body: {}", self.body);
        assert!(self.body["message"].as_str().is_some_and(|m| !m.is_empty()));
    }

    /// Asserts a success envelope with this status and returns its data.
    #[track_caller]
    pub fn data(&self, status: u16) -> &Value {
        assert_eq!(self.status.as_u16(), status, "body: {}", self.body);
        assert_eq!(self.body["success"], json!(true), "body: {}", self.body);
        &self.body["data"]
    }
}

pub struct Settings {
    pub operator_key: Option<String>,
    pub rate_limit_per_key: u32,
    pub rate_limit_per_user: u32,
    pub rate_limit_per_secret: u32,
    pub rate_limit_per_address: u32,
    pub trusted_proxies: Vec<String>,
    pub request_timeout_secs: u64,
    pub ws_heartbeat_secs: u64,
    pub ws_max_connections: usize,
    pub ws_write_timeout_secs: u64,
    pub header_read_timeout_secs: u64,
    pub idle_timeout_secs: u64,
    /// Real-time events through this NATS server instead of in process.
    pub nats_url: Option<String>,
    /// An existing database (another node of the same installation) instead of a fresh one.
    pub database_url: Option<String>,
    pub metrics_token: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            operator_key: Some(OPERATOR_KEY.into()),
            rate_limit_per_key: 1_000_000,
            rate_limit_per_user: 1_000_000,
            rate_limit_per_secret: 1_000_000,
            rate_limit_per_address: 1_000_000,
            trusted_proxies: Vec::new(),
            request_timeout_secs: 30,
            ws_heartbeat_secs: 30,
            ws_max_connections: 16_000,
            ws_write_timeout_secs: 10,
            header_read_timeout_secs: 10,
            idle_timeout_secs: 60,
            nats_url: None,
            database_url: None,
            metrics_token: None,
        }
    }
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(Settings::default()).await
    }

    pub async fn spawn_with(settings: Settings) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let (url, postgres_database) = match (
            settings.database_url.clone(),
            std::env::var("CHATCLOUD_TEST_DATABASE_URL"),
        ) {
            (Some(url), _) => (url, None),
            (None, Ok(admin_url)) => {
                let database = PostgresDatabase::create(&admin_url).await;
                (database.url(), Some(database))
            }
            (None, Err(_)) => (
                format!("sqlite://{}", dir.path().join("test.db").display()),
                None,
            ),
        };
        let state = AppState::new(&config(settings, &url))
            .await
            .expect("app state");
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let (shutdown, stop) = oneshot::channel::<()>();
        tokio::spawn(chatcloud::http::serve(listener, state, async {
            let _ = stop.await;
        }));
        TestApp {
            base,
            database_url: url,
            client: reqwest::Client::new(),
            shutdown: Some(shutdown),
            _postgres_database: postgres_database,
            _dir: dir,
        }
    }

    /// Starts the server's shutdown, as SIGTERM does.
    pub fn shut_down(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }

    /// The WebSocket URL of `user`.
    pub fn ws_url(&self, user: &TestUser) -> String {
        format!(
            "{}/api/v1/ws?token={}&apiKey={}",
            self.base.replace("http://", "ws://"),
            user.token,
            user.api_key
        )
    }

    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.client
            .request(method, format!("{}{}", self.base, path))
    }

    pub fn get(&self, path: &str) -> RequestBuilder {
        self.request(Method::GET, path)
    }

    pub fn post(&self, path: &str) -> RequestBuilder {
        self.request(Method::POST, path)
    }

    /// Creates a resource through the operator API.
    pub async fn resource(&self, id: &str, open: bool) -> TestResource {
        let issuance = if open { "open" } else { "secret" };
        let reply = send(
            self.post("/api/v1/resources")
                .header("x-operator-key", OPERATOR_KEY)
                .json(&json!({ "resourceId": id, "tokenIssuance": issuance, "allowedOrigins": ["https://site.com"] })),
        )
        .await;
        let data = reply.data(201);
        TestResource {
            api_key: data["apiKey"].as_str().expect("apiKey").into(),
            api_secret: data["apiSecret"].as_str().expect("apiSecret").into(),
        }
    }

    /// Creates a user of `role` with the resource's secret and gets their chat token.
    pub async fn user(&self, resource: &TestResource, username: &str, role: &str) -> TestUser {
        self.user_with(resource, username, role, Value::Null).await
    }

    /// Like `user`, with `permissions` (JSON object, or null for the defaults).
    pub async fn user_with(
        &self,
        resource: &TestResource,
        username: &str,
        role: &str,
        permissions: Value,
    ) -> TestUser {
        let mut body = json!({ "username": username, "email": format!("{username}@example.com"), "role": role });
        if !permissions.is_null() {
            body["permissions"] = permissions;
        }
        let created = send(
            self.post("/api/v1/users")
                .header("x-api-key", &resource.api_key)
                .header("x-api-secret", &resource.api_secret)
                .json(&body),
        )
        .await;
        let id = created.data(201)["id"].as_str().expect("id").to_owned();
        let token = self.token(resource, &id).await;
        TestUser {
            id,
            token,
            api_key: resource.api_key.clone(),
        }
    }

    /// A fresh chat token for `user_id`, issued with the secret.
    pub async fn token(&self, resource: &TestResource, user_id: &str) -> String {
        let reply = send(
            self.post("/api/v1/users/chat-token")
                .header("x-api-key", &resource.api_key)
                .header("x-api-secret", &resource.api_secret)
                .json(&json!({ "userId": user_id })),
        )
        .await;
        reply.data(200)["chatToken"]
            .as_str()
            .expect("chatToken")
            .to_owned()
    }

    /// A request as `user`: their API key and Bearer token.
    pub fn as_user(&self, user: &TestUser, method: Method, path: &str) -> RequestBuilder {
        self.request(method, path)
            .header("x-api-key", &user.api_key)
            .bearer_auth(&user.token)
    }
}

/// Sends a request and reads the reply.
pub async fn send(request: RequestBuilder) -> Reply {
    let response = request.send().await.expect("request sent");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.expect("body read");
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    Reply {
        status,
        headers,
        body,
    }
}

/// The server settings of a test app on the database at `url`.
pub fn config(settings: Settings, url: &str) -> Config {
    Config {
        bind: "127.0.0.1:0".parse().expect("address"),
        metrics_bind: None,
        metrics_token: settings.metrics_token,
        database: DatabaseConfig {
            url: url.to_owned(),
            sqlite_sync: SqliteSync::Full,
        },
        jwt_secret: Some(JWT_SECRET.into()),
        nats_url: settings.nats_url,
        operator_key: settings.operator_key,
        rate_limit_per_key: settings.rate_limit_per_key,
        rate_limit_per_user: settings.rate_limit_per_user,
        rate_limit_per_secret: settings.rate_limit_per_secret,
        rate_limit_per_address: settings.rate_limit_per_address,
        trusted_proxies: settings
            .trusted_proxies
            .iter()
            .map(|network| network.parse().expect("CIDR"))
            .collect(),
        ws_heartbeat_secs: settings.ws_heartbeat_secs,
        ws_max_connections: settings.ws_max_connections,
        ws_write_timeout_secs: settings.ws_write_timeout_secs,
        request_timeout_secs: settings.request_timeout_secs,
        header_read_timeout_secs: settings.header_read_timeout_secs,
        idle_timeout_secs: settings.idle_timeout_secs,
        shutdown_timeout_secs: 10,
    }
}

/// A database of its own on the PostgreSQL server of `CHATCLOUD_TEST_DATABASE_URL`, dropped
/// when the test app that made it is, so that test runs leave nothing behind.
pub struct PostgresDatabase {
    admin_url: String,
    name: String,
}

impl PostgresDatabase {
    pub async fn create(admin_url: &str) -> PostgresDatabase {
        let name = format!("chatcloud_test_{}", new_id());
        let (url, statement) = (admin_url.to_owned(), format!("create database {name}"));
        tokio::task::spawn_blocking(move || administer(&url, &statement))
            .await
            .expect("create the test database");
        PostgresDatabase {
            admin_url: admin_url.to_owned(),
            name,
        }
    }

    pub fn url(&self) -> String {
        let (base, _) = self
            .admin_url
            .rsplit_once('/')
            .expect("database URL with a path");
        format!("{base}/{}", self.name)
    }
}

impl Drop for PostgresDatabase {
    fn drop(&mut self) {
        // Drop runs inside the test's runtime, where a blocking client may not run: use a thread.
        let admin_url = self.admin_url.clone();
        let statement = format!("drop database if exists {} with (force)", self.name);
        let dropped = std::thread::spawn(move || administer(&admin_url, &statement)).join();
        if dropped.is_err() && !std::thread::panicking() {
            panic!("dropping the test database failed");
        }
    }
}

/// Runs one statement on the PostgreSQL server of `admin_url`.
pub fn administer(admin_url: &str, statement: &str) {
    postgres::Client::connect(admin_url, postgres::NoTls)
        .expect("connect to the test PostgreSQL server")
        .batch_execute(statement)
        .expect("administer the test database");
}

/// Opens (or finds) the P2P conversation of `user` with `other` and returns its id.
pub async fn open_p2p(app: &TestApp, user: &TestUser, other: &TestUser) -> String {
    let reply = send(
        app.as_user(user, Method::POST, "/api/v1/p2p/conversations")
            .json(&json!({ "otherParticipantId": other.id })),
    )
    .await;
    assert!(reply.status.is_success(), "body: {}", reply.body);
    reply.body["data"]["id"].as_str().expect("id").to_owned()
}

/// Sends `text` as `user` to `path` (a conversation's or ticket's messages route).
pub async fn post_message(app: &TestApp, user: &TestUser, path: &str, text: &str) -> Reply {
    send(
        app.as_user(user, Method::POST, path)
            .json(&json!({ "content": { "text": text } })),
    )
    .await
}

/// A user and their chat token, made by the site's server in one `chat-token` call that creates
/// or updates the user by the site's own id.
pub async fn site_user(
    app: &TestApp,
    site: &TestResource,
    external_id: &str,
    user: Value,
) -> TestUser {
    let reply = send(
        app.request(Method::POST, "/api/v1/users/chat-token")
            .header("x-api-key", &site.api_key)
            .header("x-api-secret", &site.api_secret)
            .json(&json!({ "externalId": external_id, "user": user })),
    )
    .await;
    let data = reply.data(200);
    TestUser {
        id: data["user"]["id"].as_str().expect("id").to_owned(),
        token: data["chatToken"].as_str().expect("chatToken").to_owned(),
        api_key: site.api_key.clone(),
    }
}
