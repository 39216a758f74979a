//! The admin panel and user administration.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{open_p2p, post_message, send, Reply, TestApp, TestResource, TestUser};

struct Panel {
    app: TestApp,
    site: TestResource,
    alice: TestUser,
    bob: TestUser,
    staff: TestUser,
    moderator: TestUser,
    admin: TestUser,
    chat: String,
    ticket: String,
}

impl Panel {
    async fn new() -> Panel {
        let app = TestApp::spawn().await;
        let site = app.resource("site.com", false).await;
        let alice = app.user(&site, "alice", "user").await;
        let bob = app.user(&site, "bob", "user").await;
        let staff = app.user(&site, "staff1", "staff").await;
        let moderator = app.user(&site, "mod1", "moderator").await;
        let admin = app.user(&site, "admin1", "admin").await;
        let chat = open_p2p(&app, &alice, &bob).await;
        post_message(
            &app,
            &alice,
            &format!("/api/v1/p2p/conversations/{chat}/messages"),
            "secret plans",
        )
        .await
        .data(201);
        let opened = send(
            app.as_user(&alice, Method::POST, "/api/v1/support/conversations")
                .json(&json!({ "subject": "Help", "initialMessage": "hi" })),
        )
        .await;
        let ticket = opened.data(201)["id"].as_str().expect("id").to_owned();
        Panel {
            app,
            site,
            alice,
            bob,
            staff,
            moderator,
            admin,
            chat,
            ticket,
        }
    }

    async fn get(&self, user: &TestUser, path: &str) -> Reply {
        send(self.app.as_user(user, Method::GET, path)).await
    }
}

fn ids(page: &Value) -> Vec<&str> {
    page["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|c| c["id"].as_str().unwrap_or(""))
        .collect()
}

#[tokio::test]
async fn seed_example_lists_p2p_and_support_together() {
    let panel = Panel::new().await;
    let reply = panel
        .get(
            &panel.moderator,
            "/api/v1/admin-panel/conversations?page=1&limit=20",
        )
        .await;
    let data = reply.data(200);
    assert_eq!(data["total"], 2);
    assert_eq!(
        ids(data),
        [panel.ticket.as_str(), panel.chat.as_str()],
        "newest activity first"
    );
    assert_eq!(data["data"][0]["type"], "support");
    assert_eq!(data["data"][1]["type"], "p2p");
    assert_eq!(
        data["data"][1]["lastMessage"]["content"]["text"],
        "secret plans"
    );
    assert_eq!(data["totalPages"], 1);

    let only_p2p = panel
        .get(&panel.admin, "/api/v1/admin-panel/conversations?type=p2p")
        .await;
    assert_eq!(ids(only_p2p.data(200)), [panel.chat.as_str()]);
    let open = panel
        .get(
            &panel.admin,
            "/api/v1/admin-panel/conversations?status=open",
        )
        .await;
    assert_eq!(ids(open.data(200)), [panel.ticket.as_str()]);
    let of_bob = panel
        .get(
            &panel.admin,
            &format!("/api/v1/admin-panel/conversations?userId={}", panel.bob.id),
        )
        .await;
    assert_eq!(ids(of_bob.data(200)), [panel.chat.as_str()]);
    for query in ["type=group", "status=lost", "limit=500"] {
        panel
            .get(
                &panel.admin,
                &format!("/api/v1/admin-panel/conversations?{query}"),
            )
            .await
            .assert_error(400, "invalid_query");
    }
}

#[tokio::test]
async fn plain_users_get_403_with_a_clear_message() {
    let panel = Panel::new().await;
    for path in [
        "/api/v1/admin-panel/conversations",
        "/api/v1/admin-panel/stats",
    ] {
        let reply = panel.get(&panel.alice, path).await;
        reply.assert_error(403, "forbidden");
        assert!(reply.body["message"]
            .as_str()
            .is_some_and(|m| m.contains("elevated role")));
    }
}

#[tokio::test]
async fn staff_see_tickets_and_their_own_chats_only() {
    let panel = Panel::new().await;
    let own_chat = open_p2p(&panel.app, &panel.staff, &panel.bob).await;
    let reply = panel
        .get(&panel.staff, "/api/v1/admin-panel/conversations")
        .await;
    let listed = ids(reply.data(200));
    assert!(listed.contains(&panel.ticket.as_str()) && listed.contains(&own_chat.as_str()));
    assert!(
        !listed.contains(&panel.chat.as_str()),
        "alice and bob's chat is private to staff"
    );
    assert_eq!(reply.data(200)["total"], 2);
    let of_alice = panel
        .get(
            &panel.staff,
            &format!(
                "/api/v1/admin-panel/conversations?userId={}",
                panel.alice.id
            ),
        )
        .await;
    assert_eq!(
        ids(of_alice.data(200)),
        [panel.ticket.as_str()],
        "her ticket, not her chat"
    );
    assert_eq!(of_alice.data(200)["total"], 1);
    let her_chats = panel
        .get(
            &panel.staff,
            &format!(
                "/api/v1/admin-panel/conversations?type=p2p&userId={}",
                panel.alice.id
            ),
        )
        .await;
    assert_eq!(her_chats.data(200)["total"], 0);
}

#[tokio::test]
async fn one_users_conversations_for_admins_only() {
    let panel = Panel::new().await;
    let path = format!(
        "/api/v1/admin-panel/users/{}/conversations?page=1&limit=20",
        panel.alice.id
    );
    let reply = panel.get(&panel.admin, &path).await;
    let data = reply.data(200);
    assert_eq!(data["total"], 2, "alice's chat and her ticket");
    panel
        .get(&panel.moderator, &path)
        .await
        .assert_error(403, "forbidden");
    panel
        .get(
            &panel.admin,
            "/api/v1/admin-panel/users/0123456789abcdef01234567/conversations",
        )
        .await
        .assert_error(404, "not_found");
    let other_site = panel.app.resource("other.com", false).await;
    let stranger = panel.app.user(&other_site, "stranger", "user").await;
    panel
        .get(
            &panel.admin,
            &format!("/api/v1/admin-panel/users/{}/conversations", stranger.id),
        )
        .await
        .assert_error(404, "not_found");
}

#[tokio::test]
async fn stats_agree_with_a_recount_after_a_mixed_workload() {
    let panel = Panel::new().await;
    let app = &panel.app;
    let chat = format!("/api/v1/p2p/conversations/{}", panel.chat);
    let ticket = format!("/api/v1/support/conversations/{}", panel.ticket);
    for i in 0..5 {
        post_message(
            app,
            &panel.bob,
            &format!("{chat}/messages"),
            &format!("b{i}"),
        )
        .await
        .data(201);
    }
    send(
        app.as_user(&panel.alice, Method::POST, &format!("{chat}/mark-as-read"))
            .json(&json!({ "upToSeq": 3 })),
    )
    .await
    .data(200);
    post_message(app, &panel.staff, &format!("{ticket}/messages"), "answer")
        .await
        .data(201);
    send(
        app.as_user(&panel.admin, Method::PATCH, &ticket)
            .json(&json!({ "status": "resolved" })),
    )
    .await
    .data(200);
    for subject in ["A", "B", "C"] {
        let opened = send(
            app.as_user(&panel.bob, Method::POST, "/api/v1/support/conversations")
                .json(&json!({ "subject": subject })),
        )
        .await;
        let id = opened.data(201)["id"].as_str().expect("id").to_owned();
        if subject == "B" {
            send(
                app.as_user(
                    &panel.bob,
                    Method::PATCH,
                    &format!("/api/v1/support/conversations/{id}"),
                )
                .json(&json!({ "status": "closed" })),
            )
            .await
            .data(200);
        }
    }
    let carol = app.user(&panel.site, "carol", "user").await;
    let other = open_p2p(app, &carol, &panel.alice).await;
    post_message(
        app,
        &carol,
        &format!("/api/v1/p2p/conversations/{other}/messages"),
        "yo",
    )
    .await
    .data(201);
    let deleted = post_message(
        app,
        &carol,
        &format!("/api/v1/p2p/conversations/{other}/messages"),
        "oops",
    )
    .await;
    let deleted = deleted.data(201)["id"].as_str().expect("id").to_owned();
    send(app.as_user(
        &carol,
        Method::DELETE,
        &format!("/api/v1/p2p/conversations/{other}/messages/{deleted}"),
    ))
    .await
    .data(200);
    send(app.as_user(
        &panel.alice,
        Method::POST,
        &format!("/api/v1/p2p/conversations/{other}/archive"),
    ))
    .await
    .data(200);
    // Noise in another resource must not count here.
    let elsewhere = app.resource("other.com", false).await;
    let (x, y) = (
        app.user(&elsewhere, "xavier", "user").await,
        app.user(&elsewhere, "yolanda", "user").await,
    );
    let noise = open_p2p(app, &x, &y).await;
    post_message(
        app,
        &x,
        &format!("/api/v1/p2p/conversations/{noise}/messages"),
        "n",
    )
    .await
    .data(201);

    let archived = panel
        .get(
            &panel.admin,
            "/api/v1/admin-panel/conversations?status=archived",
        )
        .await;
    assert_eq!(ids(archived.data(200)), [other.as_str()]);
    assert_eq!(archived.data(200)["total"], 1);
    let active = panel
        .get(
            &panel.admin,
            "/api/v1/admin-panel/conversations?type=p2p&status=active",
        )
        .await;
    assert_eq!(active.data(200)["total"], 1);
    let resolved = panel
        .get(
            &panel.staff,
            "/api/v1/admin-panel/conversations?status=resolved",
        )
        .await;
    assert_eq!(resolved.data(200)["total"], 1);

    let reply = panel.get(&panel.staff, "/api/v1/admin-panel/stats").await;
    let stats = reply.data(200).clone();
    let recount = recount(&app.database_url, "site.com").await;
    for (field, value) in recount.as_object().expect("object") {
        assert_eq!(
            &stats[field], value,
            "{field}: stats {stats} vs recount {recount}"
        );
    }
    // And the figures themselves, from what this test did.
    assert_eq!(stats["totalUsers"], 6);
    assert_eq!(stats["p2pConversations"], 2);
    assert_eq!(stats["supportTickets"], 4);
    assert_eq!(stats["openTickets"], 2);
    assert_eq!(stats["resolvedTickets"], 1);
    assert_eq!(stats["closedTickets"], 1);
    assert_eq!(stats["totalConversations"], 6);
    assert_eq!(stats["totalMessages"], 10);
    assert_eq!(stats["messagesLast24h"], 10);
    assert_eq!(stats["activeUsersLast24h"], 4);
}

/// The stats computed from scratch by scanning the tables.
async fn recount(url: &str, resource: &str) -> Value {
    let count = |sql: &'static str| {
        let (url, resource) = (url.to_owned(), resource.to_owned());
        async move {
            tokio::task::spawn_blocking(move || count_rows(&url, sql, &resource))
                .await
                .expect(sql)
        }
    };
    json!({
        "totalUsers": count("select count(*) from users where resource_id = $1").await,
        "p2pConversations": count("select count(*) from conversations where resource_id = $1 and kind = 'p2p'").await,
        "supportTickets": count("select count(*) from conversations where resource_id = $1 and kind = 'support'").await,
        "openTickets": count("select count(*) from conversations where resource_id = $1 and status = 'open'").await,
        "pendingTickets": count("select count(*) from conversations where resource_id = $1 and status = 'pending'").await,
        "resolvedTickets": count("select count(*) from conversations where resource_id = $1 and status = 'resolved'").await,
        "closedTickets": count("select count(*) from conversations where resource_id = $1 and status = 'closed'").await,
        "totalMessages": count("select count(*) from messages m join conversations c on c.id = m.conversation_id where c.resource_id = $1").await,
        "unreadMessages": count("select cast(coalesce(sum(unread_one + unread_two), 0) as bigint) from conversations where resource_id = $1").await,
        "activeUsersLast24h": count("select count(distinct m.sender_id) from messages m join conversations c on c.id = m.conversation_id where c.resource_id = $1").await,
    })
}

#[tokio::test]
async fn admins_list_and_search_users() {
    let panel = Panel::new().await;
    let all = panel
        .get(&panel.admin, "/api/v1/users?page=1&limit=2")
        .await;
    let data = all.data(200);
    assert_eq!(data["total"], 5);
    assert_eq!(data["totalPages"], 3);
    assert_eq!(data["data"][0]["username"], "admin1", "newest first");
    let staff = panel.get(&panel.admin, "/api/v1/users?role=staff").await;
    assert_eq!(staff.data(200)["total"], 1);
    assert_eq!(staff.data(200)["data"][0]["username"], "staff1");
    let found = panel.get(&panel.admin, "/api/v1/users?q=LIC").await;
    assert_eq!(found.data(200)["total"], 1);
    assert_eq!(found.data(200)["data"][0]["username"], "alice");
    let by_email = panel.get(&panel.admin, "/api/v1/users?q=bob@").await;
    assert_eq!(by_email.data(200)["total"], 1);
    let wildcard = panel.get(&panel.admin, "/api/v1/users?q=%25").await;
    assert_eq!(
        wildcard.data(200)["total"],
        0,
        "LIKE wildcards are matched literally"
    );
    panel
        .get(&panel.admin, "/api/v1/users?role=king")
        .await
        .assert_error(400, "invalid_query");
    panel
        .get(&panel.moderator, "/api/v1/users")
        .await
        .assert_error(403, "forbidden");
    let with_secret = send(
        panel
            .app
            .get("/api/v1/users")
            .header("x-api-key", &panel.site.api_key)
            .header("x-api-secret", &panel.site.api_secret),
    )
    .await;
    assert_eq!(with_secret.data(200)["total"], 5);
    send(
        panel
            .app
            .get("/api/v1/users")
            .header("x-api-key", &panel.site.api_key),
    )
    .await
    .assert_error(403, "secret_required");
}

#[tokio::test]
async fn role_changes_apply_to_the_very_next_request() {
    let panel = Panel::new().await;
    let app = &panel.app;
    let superadmin = app.user(&panel.site, "root", "superadmin").await;
    panel
        .get(&panel.staff, "/api/v1/admin-panel/stats")
        .await
        .data(200);
    let demoted = send(
        app.as_user(
            &panel.admin,
            Method::PATCH,
            &format!("/api/v1/users/{}", panel.staff.id),
        )
        .json(&json!({ "role": "user" })),
    )
    .await;
    assert_eq!(demoted.data(200)["role"], "user");
    panel
        .get(&panel.staff, "/api/v1/admin-panel/stats")
        .await
        .assert_error(403, "forbidden");

    let promoted = send(
        app.as_user(
            &superadmin,
            Method::PATCH,
            &format!("/api/v1/users/{}", panel.bob.id),
        )
        .json(&json!({ "role": "admin" })),
    )
    .await;
    assert_eq!(promoted.data(200)["role"], "admin");
    panel
        .get(
            &panel.bob,
            &format!("/api/v1/admin-panel/users/{}/conversations", panel.alice.id),
        )
        .await
        .data(200);
    // Bob is now an admin: another admin may no longer touch him.
    send(
        app.as_user(
            &panel.admin,
            Method::PATCH,
            &format!("/api/v1/users/{}", panel.bob.id),
        )
        .json(&json!({ "role": "user" })),
    )
    .await
    .assert_error(403, "forbidden");
    send(
        app.as_user(
            &panel.admin,
            Method::PATCH,
            &format!("/api/v1/users/{}", superadmin.id),
        )
        .json(&json!({ "role": "user" })),
    )
    .await
    .assert_error(403, "forbidden");
    send(
        app.as_user(
            &panel.admin,
            Method::PATCH,
            &format!("/api/v1/users/{}", panel.alice.id),
        )
        .json(&json!({ "permissions": { "canSendMessage": false } })),
    )
    .await
    .assert_error(400, "invalid_body");
    send(
        app.as_user(
            &panel.admin,
            Method::PATCH,
            "/api/v1/users/0123456789abcdef01234567",
        )
        .json(&json!({ "role": "staff" })),
    )
    .await
    .assert_error(404, "not_found");
}

#[tokio::test]
async fn permission_changes_apply_at_once_and_merge() {
    let panel = Panel::new().await;
    let app = &panel.app;
    let chat = format!("/api/v1/p2p/conversations/{}/messages", panel.chat);
    let made_staff = send(
        app.as_user(
            &panel.admin,
            Method::PATCH,
            &format!("/api/v1/users/{}", panel.bob.id),
        )
        .json(&json!({ "role": "staff" })),
    )
    .await;
    made_staff.data(200);
    let muted = send(
        app.as_user(
            &panel.admin,
            Method::PATCH,
            &format!("/api/v1/users/{}", panel.bob.id),
        )
        .json(&json!({ "permissions": { "canReceiveMessage": false } })),
    )
    .await;
    let perms = muted.data(200)["permissions"].clone();
    assert_eq!(perms["canReceiveMessage"], false);
    assert_eq!(
        perms["canSendMessage"], true,
        "other flags keep their value"
    );
    post_message(app, &panel.alice, &chat, "are you there?")
        .await
        .assert_error(403, "forbidden");
    let silenced = send(
        app.as_user(
            &panel.admin,
            Method::PATCH,
            &format!("/api/v1/users/{}", panel.bob.id),
        )
        .json(&json!({ "permissions": { "canSendMessage": false } })),
    )
    .await;
    assert_eq!(
        silenced.data(200)["permissions"]["canReceiveMessage"],
        false,
        "merged, not replaced"
    );
    post_message(app, &panel.bob, &chat, "let me talk")
        .await
        .assert_error(403, "forbidden");
    let history = send(app.as_user(&panel.alice, Method::GET, &chat)).await;
    assert_eq!(
        history.data(200)["data"].as_array().map(Vec::len),
        Some(1),
        "nothing was stored"
    );
}

/// Runs a one-number query with `$1` bound to `resource`, straight on the test's database.
fn count_rows(url: &str, sql: &str, resource: &str) -> i64 {
    match url.strip_prefix("sqlite://") {
        Some(path) => rusqlite::Connection::open(path)
            .and_then(|conn| conn.query_row(sql, [resource], |row| row.get(0)))
            .expect(sql),
        None => postgres::Client::connect(url, postgres::NoTls)
            .and_then(|mut client| client.query_one(sql, &[&resource]))
            .map(|row| row.get(0))
            .expect(sql),
    }
}
