//! P2P chat: conversations, messages, history cursors, read state, edit, delete, archive.

use futures_util::future::join_all;
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{open_p2p, post_message, send, TestApp, TestResource, TestUser};

struct Chat {
    app: TestApp,
    site: TestResource,
    alice: TestUser,
    bob: TestUser,
    conversation: String,
}

impl Chat {
    async fn new() -> Chat {
        let app = TestApp::spawn().await;
        let site = app.resource("site.com", false).await;
        let alice = app.user(&site, "alice", "user").await;
        let bob = app.user(&site, "bob", "user").await;
        let conversation = open_p2p(&app, &alice, &bob).await;
        Chat {
            app,
            site,
            alice,
            bob,
            conversation,
        }
    }

    fn path(&self, tail: &str) -> String {
        format!("/api/v1/p2p/conversations/{}{}", self.conversation, tail)
    }

    async fn say(&self, user: &TestUser, text: &str) -> Value {
        post_message(&self.app, user, &self.path("/messages"), text)
            .await
            .data(201)
            .clone()
    }

    async fn get(&self, user: &TestUser, tail: &str) -> crate::helpers::Reply {
        send(self.app.as_user(user, Method::GET, &self.path(tail))).await
    }
}

#[tokio::test]
async fn seed_example_creates_one_conversation_per_pair() {
    let chat = Chat::new().await;
    let app = &chat.app;
    let reply = send(
        app.as_user(&chat.bob, Method::POST, "/api/v1/p2p/conversations")
            .json(&json!({ "otherParticipantId": chat.alice.id })),
    )
    .await;
    let data = reply.data(200);
    assert_eq!(
        data["id"],
        chat.conversation.as_str(),
        "either order finds the same pair"
    );
    assert_eq!(data["participantOne"], chat.alice.id.as_str());
    assert_eq!(data["participantTwo"], chat.bob.id.as_str());
    assert_eq!(data["status"], "active");
    assert_eq!(data["lastSeq"], 0);
    assert_eq!(data["lastReadSeq"], 0);
    assert_eq!(data["lastMessage"], Value::Null);
    assert_eq!(data["lastMessageAt"], Value::Null);
}

#[tokio::test]
async fn first_open_is_201() {
    let app = TestApp::spawn().await;
    let site = app.resource("site.com", false).await;
    let alice = app.user(&site, "alice", "user").await;
    let bob = app.user(&site, "bob", "user").await;
    let reply = send(
        app.as_user(&alice, Method::POST, "/api/v1/p2p/conversations")
            .json(&json!({ "otherParticipantId": bob.id })),
    )
    .await;
    assert_eq!(reply.data(201)["messageCount"], 0);
}

#[tokio::test]
async fn concurrent_opens_of_one_pair_make_one_conversation() {
    let app = TestApp::spawn().await;
    let site = app.resource("site.com", false).await;
    let alice = app.user(&site, "alice", "user").await;
    let bob = app.user(&site, "bob", "user").await;
    let opens = (0..16).map(|i| {
        let (me, other) = if i % 2 == 0 {
            (&alice, &bob)
        } else {
            (&bob, &alice)
        };
        open_p2p(&app, me, other)
    });
    let ids = join_all(opens).await;
    assert!(ids.windows(2).all(|pair| pair[0] == pair[1]), "{ids:?}");
    let list = send(app.as_user(&alice, Method::GET, "/api/v1/p2p/conversations")).await;
    assert_eq!(list.data(200)["total"], 1);
}

#[tokio::test]
async fn opening_with_oneself_unknown_or_foreign_users_fails() {
    let chat = Chat::new().await;
    let app = &chat.app;
    let other_site = app.resource("other.com", false).await;
    let stranger = app.user(&other_site, "carol", "user").await;
    let open = |other: &str| {
        send(
            app.as_user(&chat.alice, Method::POST, "/api/v1/p2p/conversations")
                .json(&json!({ "otherParticipantId": other })),
        )
    };
    open(&chat.alice.id).await.assert_error(400, "invalid_body");
    open("0123456789abcdef01234567")
        .await
        .assert_error(404, "not_found");
    open(&stranger.id).await.assert_error(404, "not_found");
    send(
        app.as_user(&chat.alice, Method::POST, "/api/v1/p2p/conversations")
            .json(&json!({})),
    )
    .await
    .assert_error(400, "invalid_body");
}

#[tokio::test]
async fn users_who_may_not_receive_cannot_be_messaged() {
    let app = TestApp::spawn().await;
    let site = app.resource("site.com", false).await;
    let alice = app.user(&site, "alice", "user").await;
    let quiet = app
        .user_with(
            &site,
            "quiet",
            "staff",
            json!({ "canReceiveMessage": false }),
        )
        .await;
    send(
        app.as_user(&alice, Method::POST, "/api/v1/p2p/conversations")
            .json(&json!({ "otherParticipantId": quiet.id })),
    )
    .await
    .assert_error(403, "forbidden");
}

#[tokio::test]
async fn seed_example_sends_a_message_and_updates_the_conversation() {
    let chat = Chat::new().await;
    let message = chat.say(&chat.alice, "How are you?").await;
    assert!(message["id"].as_str().is_some_and(|id| id.len() == 24));
    assert_eq!(message["conversationId"], chat.conversation.as_str());
    assert_eq!(message["senderId"], chat.alice.id.as_str());
    assert_eq!(message["content"], json!({ "text": "How are you?" }));
    assert_eq!(message["isRead"], false);
    assert_eq!(message["seq"], 1);
    assert_eq!(message["editedAt"], Value::Null);
    assert_eq!(message["deletedAt"], Value::Null);
    assert!(message["createdAt"]
        .as_str()
        .is_some_and(|t| t.ends_with('Z')));

    let seen_by_bob = chat.get(&chat.bob, "").await;
    let data = seen_by_bob.data(200);
    assert_eq!(data["messageCount"], 1);
    assert_eq!(data["unreadCountP1"], 0);
    assert_eq!(data["unreadCountP2"], 1);
    assert_eq!(data["lastSeq"], 1);
    assert_eq!(data["lastReadSeq"], 0, "bob has not read it");
    assert_eq!(data["lastMessage"]["id"], message["id"]);
    assert_eq!(data["lastMessageAt"], message["createdAt"]);
    let seen_by_alice = chat.get(&chat.alice, "").await;
    assert_eq!(
        seen_by_alice.data(200)["lastReadSeq"],
        1,
        "sending moves the sender's watermark"
    );
}

#[tokio::test]
async fn message_text_is_validated_and_stored_as_sent() {
    let chat = Chat::new().await;
    let path = chat.path("/messages");
    for bad in [
        json!({ "content": { "text": "" } }),
        json!({ "content": { "text": "  \n " } }),
        json!({ "content": {} }),
        json!({ "content": { "text": 5 } }),
    ] {
        send(
            chat.app
                .as_user(&chat.alice, Method::POST, &path)
                .json(&bad),
        )
        .await
        .assert_error(400, "invalid_body");
    }
    send(
        chat.app
            .as_user(&chat.alice, Method::POST, &path)
            .json(&json!({ "text": "hi" })),
    )
    .await
    .assert_error(400, "unknown_field");
    let too_long = "é".repeat(10_001);
    post_message(&chat.app, &chat.alice, &path, &too_long)
        .await
        .assert_error(400, "invalid_body");
    let longest = "é".repeat(10_000);
    assert_eq!(
        chat.say(&chat.alice, &longest).await["content"]["text"],
        longest.as_str()
    );
    assert_eq!(
        chat.say(&chat.alice, "  padded  ").await["content"]["text"],
        "  padded  "
    );
    assert_eq!(
        chat.get(&chat.alice, "").await.data(200)["messageCount"],
        2,
        "the refused sends stored nothing"
    );
}

#[tokio::test]
async fn client_message_id_makes_retries_idempotent() {
    let chat = Chat::new().await;
    let path = chat.path("/messages");
    let body = json!({ "content": { "text": "once" }, "clientMessageId": "c-1" });
    let first = send(
        chat.app
            .as_user(&chat.alice, Method::POST, &path)
            .json(&body),
    )
    .await;
    let first = first.data(201).clone();
    let again = send(
        chat.app
            .as_user(&chat.alice, Method::POST, &path)
            .json(&body),
    )
    .await;
    assert_eq!(again.data(200)["id"], first["id"]);
    let by_header = send(
        chat.app
            .as_user(&chat.alice, Method::POST, &path)
            .header("idempotency-key", "c-2")
            .json(&json!({ "content": { "text": "twice?" } })),
    )
    .await;
    let id = by_header.data(201)["id"].clone();
    let repeat = send(
        chat.app
            .as_user(&chat.alice, Method::POST, &path)
            .header("idempotency-key", "c-2")
            .json(&json!({ "content": { "text": "twice?" } })),
    )
    .await;
    assert_eq!(repeat.data(200)["id"], id);
    assert_eq!(chat.get(&chat.alice, "").await.data(200)["messageCount"], 2);
}

#[tokio::test]
async fn concurrent_senders_lose_nothing_and_counts_stay_exact() {
    let chat = Chat::new().await;
    let path = chat.path("/messages");
    let senders = (0..8).map(|client| {
        let (app, alice, path) = (&chat.app, &chat.alice, &path);
        async move {
            for i in 0..50 {
                post_message(app, alice, path, &format!("client {client} message {i}"))
                    .await
                    .data(201);
            }
        }
    });
    join_all(senders).await;

    let seen = chat.get(&chat.bob, "").await;
    let data = seen.data(200);
    assert_eq!(data["messageCount"], 400);
    assert_eq!(data["unreadCountP2"], 400);
    assert_eq!(data["lastSeq"], 400);
    let unread = chat.get(&chat.bob, "/unread-count").await;
    assert_eq!(unread.data(200)["unreadCount"], 400);

    // Walk the whole history backwards: 400 distinct messages, seq 1..=400 without gaps.
    let mut seqs = Vec::new();
    let mut texts = std::collections::HashSet::new();
    let mut cursor: Option<String> = None;
    loop {
        let tail = match &cursor {
            Some(id) => format!("/messages?limit=100&before={id}"),
            None => "/messages?limit=100".to_owned(),
        };
        let page = chat.get(&chat.bob, &tail).await;
        let page = page.data(200).clone();
        let messages = page["data"].as_array().expect("data").clone();
        for message in messages.iter().rev() {
            seqs.push(message["seq"].as_i64().expect("seq"));
            texts.insert(
                message["content"]["text"]
                    .as_str()
                    .expect("text")
                    .to_owned(),
            );
        }
        cursor = messages
            .first()
            .map(|m| m["id"].as_str().expect("id").to_owned());
        if page["hasMore"] != true {
            break;
        }
    }
    seqs.reverse();
    assert_eq!(seqs, (1..=400).collect::<Vec<i64>>());
    assert_eq!(texts.len(), 400);
}

#[tokio::test]
async fn history_cursors_page_without_gaps_or_repeats() {
    let chat = Chat::new().await;
    let mut ids = Vec::new();
    for i in 1..=7 {
        let sender = if i % 2 == 0 { &chat.bob } else { &chat.alice };
        ids.push(
            chat.say(sender, &format!("m{i}")).await["id"]
                .as_str()
                .expect("id")
                .to_owned(),
        );
    }
    let seqs = |reply: &crate::helpers::Reply| -> Vec<i64> {
        reply.data(200)["data"]
            .as_array()
            .expect("data")
            .iter()
            .map(|m| m["seq"].as_i64().unwrap_or(0))
            .collect()
    };
    let latest = chat.get(&chat.alice, "/messages?limit=3").await;
    assert_eq!(seqs(&latest), [5, 6, 7], "newest page, oldest first");
    assert_eq!(latest.data(200)["hasMore"], true);
    let older = chat
        .get(&chat.alice, &format!("/messages?limit=3&before={}", ids[4]))
        .await;
    assert_eq!(seqs(&older), [2, 3, 4]);
    let oldest = chat
        .get(&chat.alice, &format!("/messages?limit=3&before={}", ids[1]))
        .await;
    assert_eq!(seqs(&oldest), [1]);
    assert_eq!(oldest.data(200)["hasMore"], false);
    let newer = chat
        .get(&chat.alice, &format!("/messages?limit=2&after={}", ids[2]))
        .await;
    assert_eq!(seqs(&newer), [4, 5]);
    assert_eq!(newer.data(200)["hasMore"], true);
    let catch_up = chat.get(&chat.alice, "/messages?afterSeq=5").await;
    assert_eq!(seqs(&catch_up), [6, 7]);
    assert_eq!(catch_up.data(200)["hasMore"], false);
    let all = chat.get(&chat.alice, "/messages").await;
    assert_eq!(seqs(&all), [1, 2, 3, 4, 5, 6, 7], "default limit 50");
}

#[tokio::test]
async fn bad_history_queries_are_400() {
    let chat = Chat::new().await;
    chat.say(&chat.alice, "hi").await;
    let other = open_p2p(
        &chat.app,
        &chat.alice,
        &chat.app.user(&chat.site, "carol", "user").await,
    )
    .await;
    let foreign = post_message(
        &chat.app,
        &chat.alice,
        &format!("/api/v1/p2p/conversations/{other}/messages"),
        "x",
    )
    .await;
    let foreign_id = foreign.data(201)["id"].as_str().expect("id").to_owned();
    chat.get(&chat.alice, &format!("/messages?before={foreign_id}"))
        .await
        .assert_error(400, "invalid_cursor");
    chat.get(&chat.alice, "/messages?after=nope")
        .await
        .assert_error(400, "invalid_cursor");
    for query in [
        "limit=0",
        "limit=101",
        "limit=x",
        "afterSeq=-1",
        "before=a&after=b",
    ] {
        chat.get(&chat.alice, &format!("/messages?{query}"))
            .await
            .assert_error(400, "invalid_query");
    }
}

#[tokio::test]
async fn mark_as_read_all_or_up_to_a_point_and_never_backwards() {
    let chat = Chat::new().await;
    let mut ids = Vec::new();
    for i in 1..=5 {
        ids.push(
            chat.say(&chat.alice, &format!("m{i}")).await["id"]
                .as_str()
                .expect("id")
                .to_owned(),
        );
    }
    let mark = |body: Value| {
        send(
            chat.app
                .as_user(&chat.bob, Method::POST, &chat.path("/mark-as-read"))
                .json(&body),
        )
    };
    let partial = mark(json!({ "upToSeq": 2 })).await;
    assert_eq!(partial.data(200)["unreadCount"], 3);
    assert_eq!(partial.data(200)["lastReadSeq"], 2);
    let by_id = mark(json!({ "messageId": ids[3] })).await;
    assert_eq!(by_id.data(200)["unreadCount"], 1);
    let backwards = mark(json!({ "upToSeq": 1 })).await;
    assert_eq!(
        backwards.data(200)["lastReadSeq"],
        4,
        "a watermark never moves backwards"
    );
    assert_eq!(backwards.data(200)["unreadCount"], 1);
    let history = chat.get(&chat.alice, "/messages").await;
    let read: Vec<bool> = history.data(200)["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|m| m["isRead"] == true)
        .collect();
    assert_eq!(read, [true, true, true, true, false]);

    // No body: everything.
    let all = send(
        chat.app
            .as_user(&chat.bob, Method::POST, &chat.path("/mark-as-read")),
    )
    .await;
    assert_eq!(all.data(200)["unreadCount"], 0);
    assert_eq!(all.data(200)["lastReadSeq"], 5);
    let unread = chat.get(&chat.bob, "/unread-count").await;
    assert_eq!(
        unread.data(200)["conversationId"],
        chat.conversation.as_str()
    );
    assert_eq!(unread.data(200)["unreadCount"], 0);

    mark(json!({ "upToSeq": -1 }))
        .await
        .assert_error(400, "invalid_body");
    mark(json!({ "upToSeq": 1, "messageId": ids[0] }))
        .await
        .assert_error(400, "invalid_body");
    mark(json!({ "messageId": "0123456789abcdef01234567" }))
        .await
        .assert_error(400, "invalid_body");
}

#[tokio::test]
async fn unread_counts_are_never_capped() {
    let chat = Chat::new().await;
    for i in 0..120 {
        chat.say(&chat.alice, &format!("m{i}")).await;
    }
    assert_eq!(
        chat.get(&chat.bob, "/unread-count").await.data(200)["unreadCount"],
        120
    );
    let replied = chat.say(&chat.bob, "back").await;
    assert_eq!(replied["seq"], 121);
    assert_eq!(
        chat.get(&chat.bob, "/unread-count").await.data(200)["unreadCount"],
        0,
        "a reply reads everything before it"
    );
    assert_eq!(
        chat.get(&chat.alice, "/unread-count").await.data(200)["unreadCount"],
        1
    );
}

#[tokio::test]
async fn conversation_list_is_paged_by_latest_activity() {
    let app = TestApp::spawn().await;
    let site = app.resource("site.com", false).await;
    let alice = app.user(&site, "alice", "user").await;
    let mut partners = Vec::new();
    for name in ["bob", "carol", "dave"] {
        let partner = app.user(&site, name, "user").await;
        partners.push(open_p2p(&app, &alice, &partner).await);
    }
    // Carol's conversation gets the latest message: it comes first.
    post_message(
        &app,
        &alice,
        &format!("/api/v1/p2p/conversations/{}/messages", partners[1]),
        "hi",
    )
    .await
    .data(201);
    let page = send(app.as_user(
        &alice,
        Method::GET,
        "/api/v1/p2p/conversations?page=1&limit=2",
    ))
    .await;
    let data = page.data(200);
    assert_eq!(data["total"], 3);
    assert_eq!(data["totalPages"], 2);
    assert_eq!(data["page"], 1);
    assert_eq!(data["limit"], 2);
    let ids: Vec<&str> = data["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|c| c["id"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(ids, [partners[1].as_str(), partners[2].as_str()]);
    let second = send(app.as_user(
        &alice,
        Method::GET,
        "/api/v1/p2p/conversations?page=2&limit=2",
    ))
    .await;
    assert_eq!(second.data(200)["data"][0]["id"], partners[0].as_str());
    for query in ["page=0", "limit=0", "limit=101", "page=x", "status=open"] {
        send(app.as_user(
            &alice,
            Method::GET,
            &format!("/api/v1/p2p/conversations?{query}"),
        ))
        .await
        .assert_error(400, "invalid_query");
    }
    let archived = send(app.as_user(
        &alice,
        Method::GET,
        "/api/v1/p2p/conversations?status=archived",
    ))
    .await;
    assert_eq!(archived.data(200)["total"], 0);
}

#[tokio::test]
async fn only_participants_and_moderators_see_a_conversation() {
    let chat = Chat::new().await;
    let app = &chat.app;
    let carol = app.user(&chat.site, "carol", "user").await;
    let staff = app.user(&chat.site, "staff1", "staff").await;
    let moderator = app.user(&chat.site, "mod1", "moderator").await;
    let other_site = app.resource("other.com", false).await;
    let foreign_admin = app.user(&other_site, "root", "superadmin").await;
    let message = chat.say(&chat.alice, "private").await;
    let message_path = chat.path(&format!(
        "/messages/{}",
        message["id"].as_str().expect("id")
    ));

    for outsider in [&carol, &staff, &foreign_admin] {
        for tail in ["", "/messages", "/unread-count"] {
            chat.get(outsider, tail)
                .await
                .assert_error(404, "not_found");
        }
        post_message(app, outsider, &chat.path("/messages"), "hi")
            .await
            .assert_error(404, "not_found");
        send(app.as_user(outsider, Method::POST, &chat.path("/mark-as-read")))
            .await
            .assert_error(404, "not_found");
        send(app.as_user(outsider, Method::POST, &chat.path("/archive")))
            .await
            .assert_error(404, "not_found");
        send(app.as_user(outsider, Method::DELETE, &message_path))
            .await
            .assert_error(404, "not_found");
        send(
            app.as_user(outsider, Method::PATCH, &message_path)
                .json(&json!({ "content": { "text": "x" } })),
        )
        .await
        .assert_error(404, "not_found");
    }
    let carol_list = send(app.as_user(&carol, Method::GET, "/api/v1/p2p/conversations")).await;
    assert_eq!(carol_list.data(200)["total"], 0);

    // A moderator reads, but does not write.
    assert_eq!(
        chat.get(&moderator, "").await.data(200)["lastReadSeq"],
        Value::Null
    );
    assert_eq!(
        chat.get(&moderator, "/messages").await.data(200)["data"][0]["content"]["text"],
        "private"
    );
    post_message(app, &moderator, &chat.path("/messages"), "hi")
        .await
        .assert_error(403, "forbidden");
    send(app.as_user(&moderator, Method::POST, &chat.path("/mark-as-read")))
        .await
        .assert_error(403, "forbidden");
    assert_eq!(chat.get(&chat.alice, "").await.data(200)["messageCount"], 1);
}

#[tokio::test]
async fn editing_own_messages_only_with_permission() {
    let chat = Chat::new().await;
    let app = &chat.app;
    let message = chat.say(&chat.alice, "helo").await;
    let path = chat.path(&format!(
        "/messages/{}",
        message["id"].as_str().expect("id")
    ));
    let edit = |user: &TestUser, text: &str| {
        send(
            app.as_user(user, Method::PATCH, &path)
                .json(&json!({ "content": { "text": text } })),
        )
    };

    let edited = edit(&chat.alice, "hello").await;
    assert_eq!(edited.data(200)["content"]["text"], "hello");
    assert!(edited.data(200)["editedAt"].as_str().is_some());
    assert_eq!(edited.data(200)["seq"], 1);
    edit(&chat.bob, "hacked")
        .await
        .assert_error(403, "forbidden");
    edit(&chat.alice, " ")
        .await
        .assert_error(400, "invalid_body");
    send(
        app.as_user(
            &chat.alice,
            Method::PATCH,
            &chat.path("/messages/0123456789abcdef01234567"),
        )
        .json(&json!({ "content": { "text": "x" } })),
    )
    .await
    .assert_error(404, "not_found");

    let fixed = app
        .user_with(
            &chat.site,
            "fixed",
            "staff",
            json!({ "canEditMessage": false }),
        )
        .await;
    let conversation = open_p2p(app, &fixed, &chat.alice).await;
    let own = post_message(
        app,
        &fixed,
        &format!("/api/v1/p2p/conversations/{conversation}/messages"),
        "x",
    )
    .await;
    let own_id = own.data(201)["id"].as_str().expect("id").to_owned();
    send(
        app.as_user(
            &fixed,
            Method::PATCH,
            &format!("/api/v1/p2p/conversations/{conversation}/messages/{own_id}"),
        )
        .json(&json!({ "content": { "text": "y" } })),
    )
    .await
    .assert_error(403, "forbidden");
}

#[tokio::test]
async fn deleting_is_soft_and_moderators_may_delete_any() {
    let chat = Chat::new().await;
    let app = &chat.app;
    let moderator = app.user(&chat.site, "mod1", "moderator").await;
    let first = chat.say(&chat.alice, "oops").await;
    let second = chat.say(&chat.alice, "spam").await;
    let path = |m: &Value| chat.path(&format!("/messages/{}", m["id"].as_str().unwrap_or("")));

    send(app.as_user(&chat.bob, Method::DELETE, &path(&first)))
        .await
        .assert_error(403, "forbidden");
    let deleted = send(app.as_user(&chat.alice, Method::DELETE, &path(&first))).await;
    assert_eq!(deleted.data(200)["content"]["text"], "");
    assert!(deleted.data(200)["deletedAt"].as_str().is_some());
    let by_moderator = send(app.as_user(&moderator, Method::DELETE, &path(&second))).await;
    assert!(by_moderator.data(200)["deletedAt"].as_str().is_some());

    let history = chat.get(&chat.bob, "/messages").await;
    let messages = history.data(200)["data"].as_array().expect("data").clone();
    assert_eq!(messages.len(), 2, "deleted messages keep their place");
    assert!(messages
        .iter()
        .all(|m| m["content"]["text"] == "" && m["deletedAt"].is_string()));
    send(
        app.as_user(&chat.alice, Method::PATCH, &path(&first))
            .json(&json!({ "content": { "text": "back" } })),
    )
    .await
    .assert_error(400, "message_deleted");
}

#[tokio::test]
async fn archived_conversations_refuse_messages_until_unarchived() {
    let chat = Chat::new().await;
    let app = &chat.app;
    let archived = send(app.as_user(&chat.bob, Method::POST, &chat.path("/archive"))).await;
    assert_eq!(archived.data(200)["status"], "archived");
    assert_eq!(
        chat.get(&chat.alice, "").await.data(200)["status"],
        "archived",
        "archived for both"
    );
    post_message(app, &chat.alice, &chat.path("/messages"), "hello?")
        .await
        .assert_error(403, "forbidden");
    let listed = send(app.as_user(
        &chat.alice,
        Method::GET,
        "/api/v1/p2p/conversations?status=archived",
    ))
    .await;
    assert_eq!(listed.data(200)["total"], 1);
    let active = send(app.as_user(&chat.alice, Method::POST, &chat.path("/unarchive"))).await;
    assert_eq!(active.data(200)["status"], "active");
    chat.say(&chat.alice, "hello again").await;
}

#[tokio::test]
async fn archiving_needs_the_permission_or_a_moderator() {
    let chat = Chat::new().await;
    let app = &chat.app;
    let keeper = app
        .user_with(
            &chat.site,
            "keeper",
            "staff",
            json!({ "canArchiveConversation": false }),
        )
        .await;
    let conversation = open_p2p(app, &keeper, &chat.alice).await;
    let archive = format!("/api/v1/p2p/conversations/{conversation}/archive");
    send(app.as_user(&keeper, Method::POST, &archive))
        .await
        .assert_error(403, "forbidden");
    let moderator = app.user(&chat.site, "mod1", "moderator").await;
    assert_eq!(
        send(app.as_user(&moderator, Method::POST, &archive))
            .await
            .data(200)["status"],
        "archived"
    );
}

#[tokio::test]
async fn senders_without_can_send_message_are_refused() {
    let chat = Chat::new().await;
    let app = &chat.app;
    let mute = app
        .user_with(
            &chat.site,
            "mute",
            "staff",
            json!({ "canSendMessage": false }),
        )
        .await;
    let conversation = open_p2p(app, &mute, &chat.alice).await;
    post_message(
        app,
        &mute,
        &format!("/api/v1/p2p/conversations/{conversation}/messages"),
        "hi",
    )
    .await
    .assert_error(403, "forbidden");
}
