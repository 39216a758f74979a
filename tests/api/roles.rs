//! The role matrix of `docs/API.md`, performed cell by cell: the docs are the test's table.

use reqwest::Method;
use serde_json::json;

use crate::helpers::{open_p2p, post_message, send, TestApp, TestResource, TestUser};

const ROLES: [&str; 5] = ["user", "staff", "moderator", "admin", "superadmin"];

/// The rows of the role matrix: action, then the expected status per role.
fn matrix() -> Vec<(String, [u16; 5])> {
    let docs = include_str!("../../docs/API.md");
    let header = "| action | user | staff | moderator | admin | superadmin |";
    let start = docs
        .find(header)
        .expect("the role matrix is in docs/API.md");
    docs[start..]
        .lines()
        .skip(2)
        .take_while(|line| line.starts_with('|'))
        .map(|line| {
            let cells: Vec<&str> = line
                .split('|')
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .collect();
            let statuses: Vec<u16> = cells[1..]
                .iter()
                .map(|c| c.parse().expect("a status"))
                .collect();
            (
                cells[0].to_owned(),
                statuses.try_into().expect("five roles"),
            )
        })
        .collect()
}

/// What the cells act on: users and conversations none of the actors own.
struct World {
    app: TestApp,
    site: TestResource,
    alice: TestUser,
    bob: TestUser,
    chat: String,
    customer: TestUser,
    ticket: String,
    counter: std::sync::atomic::AtomicUsize,
}

impl World {
    async fn new() -> World {
        let app = TestApp::spawn().await;
        let site = app.resource("site.com", false).await;
        let alice = app.user(&site, "alice", "user").await;
        let bob = app.user(&site, "bob", "user").await;
        let chat = open_p2p(&app, &alice, &bob).await;
        let customer = app.user(&site, "customer", "user").await;
        let opened = send(
            app.as_user(&customer, Method::POST, "/api/v1/support/conversations")
                .json(&json!({ "subject": "Help", "initialMessage": "hi" })),
        )
        .await;
        let ticket = opened.data(201)["id"].as_str().expect("id").to_owned();
        World {
            app,
            site,
            alice,
            bob,
            chat,
            customer,
            ticket,
            counter: Default::default(),
        }
    }

    fn unique(&self, prefix: &str) -> String {
        let n = self
            .counter
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        format!("{prefix}{n}")
    }

    async fn alice_message(&self) -> String {
        let reply = post_message(
            &self.app,
            &self.alice,
            &format!("/api/v1/p2p/conversations/{}/messages", self.chat),
            "x",
        )
        .await;
        reply.data(201)["id"].as_str().expect("id").to_owned()
    }

    /// Performs `action` as `actor` and returns the status.
    async fn perform(&self, action: &str, actor: &TestUser) -> u16 {
        let app = &self.app;
        let chat = format!("/api/v1/p2p/conversations/{}", self.chat);
        let ticket = format!("/api/v1/support/conversations/{}", self.ticket);
        let request = match action {
            "`GET /admin-panel/conversations`" => {
                app.as_user(actor, Method::GET, "/api/v1/admin-panel/conversations")
            }
            "`GET /admin-panel/stats`" => {
                app.as_user(actor, Method::GET, "/api/v1/admin-panel/stats")
            }
            "`GET /admin-panel/users/:userId/conversations`" => app.as_user(
                actor,
                Method::GET,
                &format!("/api/v1/admin-panel/users/{}/conversations", self.alice.id),
            ),
            "`GET /users`" => app.as_user(actor, Method::GET, "/api/v1/users"),
            "`PATCH /users/:id` make a user staff" | "`PATCH /users/:id` make a user admin" => {
                let target = app.user(&self.site, &self.unique("target"), "user").await;
                let role = if action.ends_with("admin") {
                    "admin"
                } else {
                    "staff"
                };
                app.as_user(
                    actor,
                    Method::PATCH,
                    &format!("/api/v1/users/{}", target.id),
                )
                .json(&json!({ "role": role }))
            }
            "`PATCH /users/:id` change an admin" => {
                let target = app.user(&self.site, &self.unique("admin"), "admin").await;
                app.as_user(
                    actor,
                    Method::PATCH,
                    &format!("/api/v1/users/{}", target.id),
                )
                .json(&json!({ "permissions": { "canEditMessage": false } }))
            }
            "`POST /users` create a moderator" | "`POST /users` create an admin" => {
                let role = if action.ends_with("admin") {
                    "admin"
                } else {
                    "moderator"
                };
                let name = self.unique("new");
                app.as_user(actor, Method::POST, "/api/v1/users")
                    .json(&json!({ "username": name, "email": format!("{name}@example.com"), "role": role }))
            }
            "`POST /users/:id/revoke-tokens` of a user" => {
                let target = app.user(&self.site, &self.unique("revoked"), "user").await;
                app.as_user(
                    actor,
                    Method::POST,
                    &format!("/api/v1/users/{}/revoke-tokens", target.id),
                )
            }
            "`GET /users/:id` of a user" => app.as_user(
                actor,
                Method::GET,
                &format!("/api/v1/users/{}", self.alice.id),
            ),
            "`GET /p2p/conversations/:id` of others" => app.as_user(actor, Method::GET, &chat),
            "`GET /p2p/conversations/:id/messages` of others" => {
                app.as_user(actor, Method::GET, &format!("{chat}/messages"))
            }
            "`POST /p2p/conversations/:id/messages` to others" => app
                .as_user(actor, Method::POST, &format!("{chat}/messages"))
                .json(&json!({ "content": { "text": "x" } })),
            "`POST /p2p/conversations/:id/mark-as-read` of others" => {
                app.as_user(actor, Method::POST, &format!("{chat}/mark-as-read"))
            }
            "`DELETE /p2p/conversations/:id/messages/:messageId` of others" => {
                let message = self.alice_message().await;
                app.as_user(actor, Method::DELETE, &format!("{chat}/messages/{message}"))
            }
            "`PATCH /p2p/conversations/:id/messages/:messageId` of others" => {
                let message = self.alice_message().await;
                app.as_user(actor, Method::PATCH, &format!("{chat}/messages/{message}"))
                    .json(&json!({ "content": { "text": "y" } }))
            }
            "`POST /p2p/conversations/:id/archive` of others" => {
                let carol = app.user(&self.site, &self.unique("carol"), "user").await;
                let other = open_p2p(app, &self.bob, &carol).await;
                app.as_user(
                    actor,
                    Method::POST,
                    &format!("/api/v1/p2p/conversations/{other}/archive"),
                )
            }
            "`GET /support/conversations/:id` of a customer" => {
                app.as_user(actor, Method::GET, &ticket)
            }
            "`POST /support/conversations/:id/messages` of a customer" => app
                .as_user(actor, Method::POST, &format!("{ticket}/messages"))
                .json(&json!({ "content": { "text": "x" } })),
            "`PATCH /support/conversations/:id` resolve a customer's" => app
                .as_user(actor, Method::PATCH, &ticket)
                .json(&json!({ "status": "resolved" })),
            "`POST /support/conversations` open one's own ticket" => app
                .as_user(actor, Method::POST, "/api/v1/support/conversations")
                .json(&json!({ "subject": "Mine" })),
            other => panic!("the role matrix has a row the test does not know: {other}"),
        };
        send(request).await.status.as_u16()
    }
}

#[tokio::test]
async fn every_cell_of_the_documented_role_matrix_holds() {
    let world = World::new().await;
    let mut actors = Vec::new();
    for role in ROLES {
        actors.push(
            world
                .app
                .user(&world.site, &format!("actor_{role}"), role)
                .await,
        );
    }
    let rows = matrix();
    assert!(rows.len() >= 20, "the matrix lost rows: {}", rows.len());
    let mut wrong = Vec::new();
    for (action, expected) in &rows {
        for (i, actor) in actors.iter().enumerate() {
            let got = world.perform(action, actor).await;
            if got != expected[i] {
                wrong.push(format!(
                    "{action} as {}: expected {}, got {got}",
                    ROLES[i], expected[i]
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "cells that disagree with docs/API.md:\n{}",
        wrong.join("\n")
    );
    // The customer's own view was never disturbed by the actors.
    let own = send(world.app.as_user(
        &world.customer,
        Method::GET,
        &format!("/api/v1/support/conversations/{}", world.ticket),
    ))
    .await;
    assert_eq!(own.data(200)["createdBy"], world.customer.id.as_str());
}
