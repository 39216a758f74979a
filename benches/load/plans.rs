//! What each task of an HTTP load sends: one list of calls per task, cycled through.

use serde_json::json;

use crate::http_load::Call;
use crate::setup::{Fixture, HISTORY_CONVERSATIONS, HISTORY_PAGE};

const API: &str = "/api/v1";

/// Sends over every conversation: task `w` of `concurrency` takes the conversations `w`,
/// `w + concurrency`, ... and writes into each from both sides in turn.
pub fn send(fixture: &Fixture, concurrency: usize) -> Vec<Vec<Call>> {
    let body = json!({ "content": { "text": "load" } });
    (0..concurrency)
        .map(|task| {
            fixture
                .conversations
                .iter()
                .cycle()
                .skip(task)
                .step_by(concurrency)
                .take(fixture.conversations.len().div_ceil(concurrency))
                .flat_map(|conversation| {
                    [conversation.one, conversation.two].map(|sender| {
                        Call::post(
                            format!("{API}/p2p/conversations/{}/messages", conversation.id),
                            &body,
                        )
                        .with_user(&fixture.api.api_key, &fixture.users[sender].token)
                    })
                })
                .collect()
        })
        .collect()
}

/// Each task lists the conversations of its own user (8 each).
pub fn list(fixture: &Fixture, concurrency: usize) -> Vec<Vec<Call>> {
    per_task(concurrency, |task| {
        let user = &fixture.users[task % fixture.users.len()];
        Call::get(format!("{API}/p2p/conversations?page=1&limit=20"))
            .with_user(&fixture.api.api_key, &user.token)
    })
}

/// Each task reads the newest page of one of the conversations filled at setup.
pub fn history(fixture: &Fixture, concurrency: usize) -> Vec<Vec<Call>> {
    per_task(concurrency, |task| {
        let conversation = &fixture.conversations[task % HISTORY_CONVERSATIONS];
        Call::get(format!(
            "{API}/p2p/conversations/{}/messages?limit={HISTORY_PAGE}",
            conversation.id
        ))
        .with_user(&fixture.api.api_key, &fixture.users[conversation.one].token)
    })
}

/// Each task asks the unread count of its own conversation.
pub fn unread(fixture: &Fixture, concurrency: usize) -> Vec<Vec<Call>> {
    per_task(concurrency, |task| {
        let conversation = &fixture.conversations[task % fixture.conversations.len()];
        Call::get(format!(
            "{API}/p2p/conversations/{}/unread-count",
            conversation.id
        ))
        .with_user(&fixture.api.api_key, &fixture.users[conversation.two].token)
    })
}

/// Every task asks the resource's stats with the admin's token.
pub fn stats(fixture: &Fixture, concurrency: usize) -> Vec<Vec<Call>> {
    per_task(concurrency, |_| {
        Call::get(format!("{API}/admin-panel/stats"))
            .with_user(&fixture.api.api_key, &fixture.admin.token)
    })
}

/// One fixed call per task.
pub fn same_call(call: Call, concurrency: usize) -> Vec<Vec<Call>> {
    per_task(concurrency, |_| call.clone())
}

fn per_task(concurrency: usize, call_of_task: impl Fn(usize) -> Call) -> Vec<Vec<Call>> {
    (0..concurrency)
        .map(|task| vec![call_of_task(task)])
        .collect()
}
