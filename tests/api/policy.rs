//! The access policy against the SQL that lists conversations: for every user of every role,
//! each list route returns exactly the conversations the policy lets that user see (and, for
//! "my conversations" lists, take part in), checked against the one-conversation route, which
//! asks the policy directly.

use std::collections::BTreeSet;

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{open_p2p, send, TestApp, TestUser};

/// Every page of a list route, as ids.
async fn list_ids(app: &TestApp, user: &TestUser, path: &str) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    for page in 1.. {
        let separator = if path.contains('?') { '&' } else { '?' };
        let url = format!("{path}{separator}page={page}&limit=100");
        let reply = send(app.as_user(user, Method::GET, &url)).await;
        let data = reply.data(200);
        let items = data["data"].as_array().expect("a page");
        ids.extend(
            items
                .iter()
                .map(|item| item["id"].as_str().expect("id").to_owned()),
        );
        if page >= data["totalPages"].as_i64().expect("totalPages") {
            assert_eq!(
                ids.len() as i64,
                data["total"].as_i64().expect("total"),
                "{path}"
            );
            break;
        }
    }
    ids
}

/// How `user` sees one conversation through its own route: `None` if invisible (404), else the
/// view (`lastReadSeq` is null for an observing moderator).
async fn seen(app: &TestApp, user: &TestUser, base: &str, id: &str) -> Option<Value> {
    let reply = send(app.as_user(user, Method::GET, &format!("{base}/{id}"))).await;
    match reply.status.as_u16() {
        200 => Some(reply.data(200).clone()),
        404 => None,
        other => panic!("GET {base}/{id}: {other} {}", reply.body),
    }
}

#[tokio::test]
async fn every_list_holds_exactly_what_the_policy_grants() {
    let app = TestApp::spawn().await;
    let site = app.resource("site.com", false).await;
    let other_site = app.resource("other.com", false).await;
    let mut users = Vec::new();
    for (name, role) in [
        ("alice", "user"),
        ("bob", "user"),
        ("carol", "user"),
        ("staff1", "staff"),
        ("staff2", "staff"),
        ("mod1", "moderator"),
        ("admin1", "admin"),
        ("root1", "superadmin"),
    ] {
        users.push(app.user(&site, name, role).await);
    }
    let outsider = app.user(&other_site, "alice", "superadmin").await;
    let [alice, bob, carol, staff1, staff2, moderator, ..] = &users[..] else {
        unreachable!()
    };
    let chats = [
        open_p2p(&app, alice, bob).await,
        open_p2p(&app, bob, carol).await,
        open_p2p(&app, staff1, alice).await,
        open_p2p(&app, moderator, staff2).await,
    ];
    let mut tickets = Vec::new();
    for (customer, subject) in [(alice, "a"), (carol, "c"), (staff2, "s")] {
        let reply = send(
            app.as_user(customer, Method::POST, "/api/v1/support/conversations")
                .json(&json!({ "subject": subject })),
        )
        .await;
        tickets.push(reply.data(201)["id"].as_str().expect("id").to_owned());
    }
    // A conversation of another resource is never visible, whoever asks.
    let foreign = open_p2p(&app, &outsider, &app.user(&other_site, "bob", "user").await).await;

    for user in users.iter().chain([&outsider]) {
        let mut visible_chats = BTreeSet::new();
        let mut member_chats = BTreeSet::new();
        for id in chats.iter().chain([&foreign]) {
            if let Some(view) = seen(&app, user, "/api/v1/p2p/conversations", id).await {
                visible_chats.insert(id.clone());
                if !view["lastReadSeq"].is_null() {
                    member_chats.insert(id.clone());
                }
            }
        }
        let mut visible_tickets = BTreeSet::new();
        for id in &tickets {
            if seen(&app, user, "/api/v1/support/conversations", id)
                .await
                .is_some()
            {
                visible_tickets.insert(id.clone());
            }
        }
        let who = &user.id;
        assert_eq!(
            list_ids(&app, user, "/api/v1/p2p/conversations").await,
            member_chats,
            "{who}: the P2P list is the chats they take part in"
        );
        assert_eq!(
            list_ids(&app, user, "/api/v1/support/conversations").await,
            visible_tickets,
            "{who}: the ticket list is the tickets they may see"
        );
        let panel = send(app.as_user(user, Method::GET, "/api/v1/admin-panel/conversations")).await;
        if panel.status == 200 {
            let everything: BTreeSet<String> =
                visible_chats.union(&visible_tickets).cloned().collect();
            assert_eq!(
                list_ids(&app, user, "/api/v1/admin-panel/conversations").await,
                everything,
                "{who}: the admin panel lists everything they may see"
            );
        } else {
            panel.assert_error(403, "forbidden");
        }
    }
    // The policy's cells, seen from outside: customers see their own ticket only, staff every
    // ticket, and only moderators and above observe chats they are not in.
    let count = |user: &TestUser| {
        let (app, chats, tickets) = (&app, &chats, &tickets);
        let user = user.clone();
        async move {
            let mut n = (0, 0);
            for id in chats {
                n.0 += usize::from(
                    seen(app, &user, "/api/v1/p2p/conversations", id)
                        .await
                        .is_some(),
                );
            }
            for id in tickets {
                n.1 += usize::from(
                    seen(app, &user, "/api/v1/support/conversations", id)
                        .await
                        .is_some(),
                );
            }
            n
        }
    };
    assert_eq!(count(alice).await, (2, 1));
    assert_eq!(count(carol).await, (1, 1));
    assert_eq!(count(staff1).await, (1, 3));
    assert_eq!(count(moderator).await, (4, 3));
    assert_eq!(count(&outsider).await, (0, 0));
}
