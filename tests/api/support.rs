//! Support tickets: the customer side, the staff side, the status life cycle.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{post_message, send, Reply, TestApp, TestResource, TestUser};

struct Desk {
    app: TestApp,
    site: TestResource,
    customer: TestUser,
    staff: TestUser,
}

impl Desk {
    async fn new() -> Desk {
        let app = TestApp::spawn().await;
        let site = app.resource("site.com", false).await;
        let customer = app.user(&site, "customer", "user").await;
        let staff = app.user(&site, "agent", "staff").await;
        Desk {
            app,
            site,
            customer,
            staff,
        }
    }

    async fn open(&self, user: &TestUser, body: Value) -> Reply {
        send(
            self.app
                .as_user(user, Method::POST, "/api/v1/support/conversations")
                .json(&body),
        )
        .await
    }

    async fn ticket(&self, subject: &str, priority: &str) -> String {
        let reply = self
            .open(
                &self.customer,
                json!({ "subject": subject, "priority": priority, "initialMessage": "help" }),
            )
            .await;
        reply.data(201)["id"].as_str().expect("id").to_owned()
    }

    fn path(id: &str, tail: &str) -> String {
        format!("/api/v1/support/conversations/{id}{tail}")
    }

    async fn get(&self, user: &TestUser, path: &str) -> Reply {
        send(self.app.as_user(user, Method::GET, path)).await
    }

    async fn patch(&self, user: &TestUser, id: &str, body: Value) -> Reply {
        send(
            self.app
                .as_user(user, Method::PATCH, &Self::path(id, ""))
                .json(&body),
        )
        .await
    }

    async fn status(&self, id: &str) -> Value {
        self.get(&self.staff, &Self::path(id, "")).await.data(200)["status"].clone()
    }
}

#[tokio::test]
async fn seed_example_opens_a_ticket_with_its_first_message() {
    let desk = Desk::new().await;
    let reply = desk
        .open(&desk.customer, json!({ "subject": "My payment is not working", "priority": "high", "category": "billing", "initialMessage": "Need help..." }))
        .await;
    let data = reply.data(201);
    assert!(data["id"].as_str().is_some_and(|id| id.len() == 24));
    assert_eq!(data["subject"], "My payment is not working");
    assert_eq!(data["status"], "open");
    assert_eq!(data["priority"], "high");
    assert_eq!(data["category"], "billing");
    assert_eq!(data["messageCount"], 1);
    assert_eq!(data["createdBy"], desk.customer.id.as_str());
    assert_eq!(data["assigneeId"], Value::Null);
    assert_eq!(data["unreadCount"], 0);
    assert_eq!(data["lastSeq"], 1);
    assert_eq!(data["lastReadSeq"], 1);
    assert_eq!(data["lastMessage"]["content"]["text"], "Need help...");
    assert_eq!(data["lastMessage"]["isStaff"], false);
    assert!(data["createdAt"].as_str().is_some_and(|t| t.ends_with('Z')));

    let id = data["id"].as_str().expect("id");
    let staff_view = desk.get(&desk.staff, &Desk::path(id, "")).await;
    assert_eq!(
        staff_view.data(200)["unreadCount"],
        1,
        "the staff have one unread message"
    );
}

#[tokio::test]
async fn defaults_and_validation() {
    let desk = Desk::new().await;
    let plain = desk
        .open(&desk.customer, json!({ "subject": "Question" }))
        .await;
    let data = plain.data(201);
    assert_eq!(data["priority"], "medium");
    assert_eq!(data["messageCount"], 0);
    assert_eq!(data["category"], Value::Null);
    assert_eq!(data["lastMessageAt"], Value::Null);
    for bad in [
        json!({}),
        json!({ "subject": "" }),
        json!({ "subject": "   " }),
        json!({ "subject": "x".repeat(201) }),
        json!({ "subject": "ok", "priority": "urgent" }),
        json!({ "subject": "ok", "category": "c".repeat(51) }),
        json!({ "subject": "ok", "initialMessage": " " }),
        json!({ "subject": "ok", "initialMessage": "x".repeat(10_001) }),
    ] {
        desk.open(&desk.customer, bad)
            .await
            .assert_error(400, "invalid_body");
    }
    let mine = desk
        .get(&desk.customer, "/api/v1/support/conversations")
        .await;
    assert_eq!(
        mine.data(200)["total"],
        1,
        "refused tickets were not stored"
    );
}

#[tokio::test]
async fn customers_see_only_their_own_tickets() {
    let desk = Desk::new().await;
    let app = &desk.app;
    let id = desk.ticket("Mine", "low").await;
    let other = app.user(&desk.site, "other", "user").await;
    let other_site = app.resource("other.com", false).await;
    let foreign_staff = app.user(&other_site, "foreign", "superadmin").await;
    let own = desk.open(&other, json!({ "subject": "Theirs" })).await;
    own.data(201);

    for outsider in [&other, &foreign_staff] {
        for tail in ["", "/messages", "/unread-count"] {
            desk.get(outsider, &Desk::path(&id, tail))
                .await
                .assert_error(404, "not_found");
        }
        post_message(app, outsider, &Desk::path(&id, "/messages"), "hi")
            .await
            .assert_error(404, "not_found");
        send(app.as_user(outsider, Method::POST, &Desk::path(&id, "/mark-as-read")))
            .await
            .assert_error(404, "not_found");
        desk.patch(outsider, &id, json!({ "status": "closed" }))
            .await
            .assert_error(404, "not_found");
    }
    let list = desk.get(&other, "/api/v1/support/conversations").await;
    let data = list.data(200);
    assert_eq!(data["total"], 1);
    assert_eq!(data["data"][0]["subject"], "Theirs");
    // A P2P route does not open a ticket, nor the other way round.
    desk.get(&desk.customer, &format!("/api/v1/p2p/conversations/{id}"))
        .await
        .assert_error(404, "not_found");
    assert_eq!(desk.status(&id).await, "open", "nothing changed");
}

#[tokio::test]
async fn customers_may_only_close() {
    let desk = Desk::new().await;
    let id = desk.ticket("Help", "low").await;
    for body in [
        json!({ "priority": "high" }),
        json!({ "assigneeId": desk.staff.id }),
        json!({ "status": "resolved" }),
        json!({ "category": "billing" }),
        json!({ "status": "closed", "priority": "high" }),
    ] {
        desk.patch(&desk.customer, &id, body)
            .await
            .assert_error(403, "forbidden");
    }
    assert_eq!(desk.status(&id).await, "open");
    let closed = desk
        .patch(&desk.customer, &id, json!({ "status": "closed" }))
        .await;
    assert_eq!(closed.data(200)["status"], "closed");
}

#[tokio::test]
async fn status_moves_with_replies_and_closed_is_final() {
    let desk = Desk::new().await;
    let app = &desk.app;
    let id = desk.ticket("Help", "high").await;
    let messages = Desk::path(&id, "/messages");

    let reply = post_message(app, &desk.staff, &messages, "On it").await;
    assert_eq!(reply.data(201)["isStaff"], true);
    assert_eq!(
        desk.status(&id).await,
        "pending",
        "a staff reply waits for the customer"
    );
    post_message(app, &desk.customer, &messages, "Thanks, still broken")
        .await
        .data(201);
    assert_eq!(
        desk.status(&id).await,
        "open",
        "a customer reply goes back to the staff"
    );
    post_message(app, &desk.customer, &messages, "Hello?")
        .await
        .data(201);
    assert_eq!(desk.status(&id).await, "open");

    desk.patch(&desk.staff, &id, json!({ "status": "resolved" }))
        .await
        .data(200);
    post_message(app, &desk.staff, &messages, "Fixed")
        .await
        .data(201);
    assert_eq!(
        desk.status(&id).await,
        "resolved",
        "staff replies leave resolved alone"
    );
    post_message(app, &desk.customer, &messages, "No it is not")
        .await
        .data(201);
    assert_eq!(desk.status(&id).await, "open", "a customer reply reopens");

    desk.patch(&desk.staff, &id, json!({ "status": "closed" }))
        .await
        .data(200);
    post_message(app, &desk.customer, &messages, "wait")
        .await
        .assert_error(403, "forbidden");
    post_message(app, &desk.staff, &messages, "wait")
        .await
        .assert_error(403, "forbidden");
    desk.patch(&desk.staff, &id, json!({ "status": "open" }))
        .await
        .assert_error(403, "forbidden");
    desk.patch(&desk.staff, &id, json!({ "status": "active" }))
        .await
        .assert_error(400, "invalid_body");
    assert_eq!(
        desk.get(&desk.staff, &Desk::path(&id, "")).await.data(200)["messageCount"],
        6
    );
}

#[tokio::test]
async fn assignee_must_be_staff_of_the_resource() {
    let desk = Desk::new().await;
    let app = &desk.app;
    let id = desk.ticket("Help", "high").await;
    let other_site = app.resource("other.com", false).await;
    let foreign = app.user(&other_site, "foreign", "staff").await;
    for assignee in [
        desk.customer.id.as_str(),
        foreign.id.as_str(),
        "0123456789abcdef01234567",
    ] {
        desk.patch(&desk.staff, &id, json!({ "assigneeId": assignee }))
            .await
            .assert_error(400, "invalid_body");
    }
    let assigned = desk
        .patch(
            &desk.staff,
            &id,
            json!({ "assigneeId": desk.staff.id, "priority": "low", "category": "billing" }),
        )
        .await;
    let data = assigned.data(200);
    assert_eq!(data["assigneeId"], desk.staff.id.as_str());
    assert_eq!(data["priority"], "low");
    assert_eq!(data["category"], "billing");
    let cleared = desk
        .patch(
            &desk.staff,
            &id,
            json!({ "assigneeId": null, "category": null }),
        )
        .await;
    assert_eq!(cleared.data(200)["assigneeId"], Value::Null);
    assert_eq!(cleared.data(200)["category"], Value::Null);
    assert_eq!(cleared.data(200)["priority"], "low", "absent fields stay");
}

#[tokio::test]
async fn staff_run_the_queue_from_the_api() {
    let desk = Desk::new().await;
    let app = &desk.app;
    let _low = desk.ticket("Typo on the page", "low").await;
    let urgent = desk.ticket("Payment failed", "high").await;
    let other = app.user(&desk.site, "second", "user").await;
    let taken = desk
        .open(
            &other,
            json!({ "subject": "Refund", "priority": "high", "category": "billing" }),
        )
        .await;
    let taken = taken.data(201)["id"].as_str().expect("id").to_owned();
    let colleague = app.user(&desk.site, "colleague", "moderator").await;
    desk.patch(&colleague, &taken, json!({ "assigneeId": colleague.id }))
        .await
        .data(200);

    // Find open high-priority tickets.
    let queue = desk
        .get(
            &desk.staff,
            "/api/v1/support/conversations?status=open&priority=high",
        )
        .await;
    let data = queue.data(200);
    assert_eq!(data["total"], 2);
    let unassigned: Vec<&Value> = data["data"]
        .as_array()
        .expect("data")
        .iter()
        .filter(|t| t["assigneeId"].is_null())
        .collect();
    assert_eq!(unassigned.len(), 1);
    assert_eq!(unassigned[0]["id"], urgent.as_str());
    let by_assignee = desk
        .get(
            &desk.staff,
            &format!("/api/v1/support/conversations?assigneeId={}", colleague.id),
        )
        .await;
    assert_eq!(by_assignee.data(200)["data"][0]["id"], taken.as_str());
    let by_category = desk
        .get(
            &desk.staff,
            "/api/v1/support/conversations?category=billing",
        )
        .await;
    assert_eq!(by_category.data(200)["total"], 1);

    // Take it, read it, answer, resolve.
    desk.patch(&desk.staff, &urgent, json!({ "assigneeId": desk.staff.id }))
        .await
        .data(200);
    let history = desk
        .get(&desk.staff, &Desk::path(&urgent, "/messages"))
        .await;
    assert_eq!(history.data(200)["data"][0]["content"]["text"], "help");
    send(app.as_user(
        &desk.staff,
        Method::POST,
        &Desk::path(&urgent, "/mark-as-read"),
    ))
    .await
    .data(200);
    post_message(
        app,
        &desk.staff,
        &Desk::path(&urgent, "/messages"),
        "Retry now, please",
    )
    .await
    .data(201);
    let resolved = desk
        .patch(&desk.staff, &urgent, json!({ "status": "resolved" }))
        .await;
    assert_eq!(resolved.data(200)["status"], "resolved");
    let left = desk
        .get(
            &desk.staff,
            "/api/v1/support/conversations?status=open&priority=high",
        )
        .await;
    assert_eq!(left.data(200)["total"], 1);

    for query in ["status=active", "priority=urgent", "page=0"] {
        desk.get(
            &desk.staff,
            &format!("/api/v1/support/conversations?{query}"),
        )
        .await
        .assert_error(400, "invalid_query");
    }
}

#[tokio::test]
async fn read_state_for_the_customer_and_the_staff_as_a_whole() {
    let desk = Desk::new().await;
    let app = &desk.app;
    let id = desk.ticket("Help", "medium").await;
    let second_agent = app.user(&desk.site, "agent2", "admin").await;
    post_message(
        app,
        &desk.customer,
        &Desk::path(&id, "/messages"),
        "more detail",
    )
    .await
    .data(201);

    for agent in [&desk.staff, &second_agent] {
        let unread = desk.get(agent, &Desk::path(&id, "/unread-count")).await;
        assert_eq!(unread.data(200)["unreadCount"], 2);
    }
    let marked = send(app.as_user(
        &second_agent,
        Method::POST,
        &Desk::path(&id, "/mark-as-read"),
    ))
    .await;
    assert_eq!(marked.data(200)["unreadCount"], 0);
    assert_eq!(
        desk.get(&desk.staff, &Desk::path(&id, "/unread-count"))
            .await
            .data(200)["unreadCount"],
        0,
        "one agent reads for the staff"
    );
    let history = desk
        .get(&desk.customer, &Desk::path(&id, "/messages"))
        .await;
    assert!(history.data(200)["data"]
        .as_array()
        .expect("data")
        .iter()
        .all(|m| m["isRead"] == true && m["isStaff"] == false));

    let answer = post_message(app, &desk.staff, &Desk::path(&id, "/messages"), "answer").await;
    assert_eq!(answer.data(201)["seq"], 3);
    assert_eq!(
        desk.get(&desk.customer, &Desk::path(&id, "/unread-count"))
            .await
            .data(200)["unreadCount"],
        1
    );
    let list = desk
        .get(&desk.customer, "/api/v1/support/conversations")
        .await;
    assert_eq!(list.data(200)["data"][0]["unreadCount"], 1);
    let caught_up = desk
        .get(&desk.customer, &Desk::path(&id, "/messages?afterSeq=2"))
        .await;
    let data = caught_up.data(200);
    assert_eq!(data["data"].as_array().map(Vec::len), Some(1));
    assert_eq!(data["data"][0]["senderId"], desk.staff.id.as_str());
    assert_eq!(data["data"][0]["isStaff"], true);
}
