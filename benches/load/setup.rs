//! Everything the loads need, made through the API: a fresh resource (operator API), its users,
//! their chat tokens and conversations.

use anyhow::{ensure, Context};
use futures_util::{stream, StreamExt, TryStreamExt};
use serde_json::{json, Value};

/// Users of the conversation graph.
const USERS: usize = 64;
/// Each user opens a conversation with the next few users (wrapping around), so every user is
/// in twice as many: 64 users x 4 = 256 conversations, 8 per user.
const PARTNERS_AHEAD: usize = 4;
/// Conversations filled to a full history page for the history load.
pub const HISTORY_CONVERSATIONS: usize = 16;
pub const HISTORY_PAGE: usize = 50;
/// Setup requests in flight at once.
const SETUP_CONCURRENCY: usize = 16;

/// The API of the benchmark's own resource, with its key and secret.
pub struct Api {
    client: reqwest::Client,
    base: String,
    pub api_key: String,
    api_secret: String,
}

/// A user and their chat token.
pub struct Member {
    pub id: String,
    pub token: String,
}

/// A P2P conversation between two of the fixture's users (indexes into `Fixture::users`).
pub struct Conversation {
    pub id: String,
    pub one: usize,
    pub two: usize,
}

/// The users, conversations and admin the loads run on.
pub struct Fixture {
    pub api: Api,
    pub admin: Member,
    pub users: Vec<Member>,
    pub conversations: Vec<Conversation>,
}

impl Api {
    /// Creates a fresh resource (secret mode) with the operator key.
    pub async fn provision(url: &str, operator_key: &str) -> anyhow::Result<Api> {
        let client = reqwest::Client::new();
        let base = format!("{}/api/v1", url.trim_end_matches('/'));
        let since_epoch = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?;
        let resource_id = format!("loadbench-{}", since_epoch.as_millis());
        let response = client
            .post(format!("{base}/resources"))
            .header("x-operator-key", operator_key)
            .json(&json!({ "resourceId": resource_id }))
            .send()
            .await
            .with_context(|| format!("reaching the server at {url}"))?;
        let created = data_of(response).await.context("creating the resource")?;
        let field = |name: &str| created[name].as_str().unwrap_or_default().to_owned();
        Ok(Api {
            client,
            base,
            api_key: field("apiKey"),
            api_secret: field("apiSecret"),
        })
    }

    /// POSTs `body` as the site's server (key and secret), or as a user with `token`.
    async fn post(&self, path: &str, body: Value, token: Option<&str>) -> anyhow::Result<Value> {
        let request = self
            .client
            .post(format!("{}{path}", self.base))
            .header("x-api-key", &self.api_key)
            .json(&body);
        let request = match token {
            Some(token) => request.bearer_auth(token),
            None => request.header("x-api-secret", &self.api_secret),
        };
        data_of(request.send().await?)
            .await
            .with_context(|| format!("POST {path}"))
    }

    /// Creates a user with `role` and issues their chat token.
    pub async fn member(&self, username: &str, role: &str) -> anyhow::Result<Member> {
        let user = self
            .post(
                "/users",
                json!({ "username": username, "email": format!("{username}@load.test"), "role": role }),
                None,
            )
            .await?;
        let id = user["id"].as_str().unwrap_or_default().to_owned();
        let token = self
            .post("/users/chat-token", json!({ "userId": id }), None)
            .await?["chatToken"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        Ok(Member { id, token })
    }

    /// `count` plain users named `{prefix}_{i}`, with their tokens, in order.
    pub async fn members(&self, prefix: &str, count: usize) -> anyhow::Result<Vec<Member>> {
        stream::iter(0..count)
            .map(|i| async move { self.member(&format!("{prefix}_{i}"), "user").await })
            .buffered(SETUP_CONCURRENCY)
            .try_collect()
            .await
    }

    async fn open_conversation(&self, one: &Member, two: &Member) -> anyhow::Result<String> {
        let conversation = self
            .post(
                "/p2p/conversations",
                json!({ "otherParticipantId": two.id }),
                Some(&one.token),
            )
            .await?;
        Ok(conversation["id"].as_str().unwrap_or_default().to_owned())
    }

    async fn send(&self, conversation: &str, sender: &Member, text: &str) -> anyhow::Result<()> {
        self.post(
            &format!("/p2p/conversations/{conversation}/messages"),
            json!({ "content": { "text": text } }),
            Some(&sender.token),
        )
        .await?;
        Ok(())
    }
}

/// The envelope's `data`, or an error with the server's message.
async fn data_of(response: reqwest::Response) -> anyhow::Result<Value> {
    let status = response.status();
    let body: Value = response.json().await?;
    ensure!(status.is_success(), "{status}: {body}");
    Ok(body["data"].clone())
}

/// Creates the users, their conversations and an admin, and fills the history conversations.
pub async fn fixture(api: Api) -> anyhow::Result<Fixture> {
    let admin = api.member("load_admin", "admin").await?;
    let users = api.members("load_user", USERS).await?;
    let pairs: Vec<(usize, usize)> = (0..USERS)
        .flat_map(|one| (1..=PARTNERS_AHEAD).map(move |ahead| (one, (one + ahead) % USERS)))
        .collect();
    let conversations = stream::iter(pairs)
        .map(|(one, two)| {
            let (api, users) = (&api, &users);
            async move {
                let id = api.open_conversation(&users[one], &users[two]).await?;
                anyhow::Ok(Conversation { id, one, two })
            }
        })
        .buffered(SETUP_CONCURRENCY)
        .try_collect::<Vec<_>>()
        .await?;
    let (api_ref, users_ref) = (&api, &users);
    stream::iter(&conversations[..HISTORY_CONVERSATIONS])
        .flat_map(|conversation| {
            stream::iter(0..HISTORY_PAGE).map(move |i| {
                let sender = if i % 2 == 0 {
                    conversation.one
                } else {
                    conversation.two
                };
                api_ref.send(&conversation.id, &users_ref[sender], "history")
            })
        })
        .buffer_unordered(SETUP_CONCURRENCY)
        .try_collect::<()>()
        .await?;
    Ok(Fixture {
        api,
        admin,
        users,
        conversations,
    })
}
