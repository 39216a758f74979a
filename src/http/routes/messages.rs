//! What P2P conversations and support tickets share: finding a conversation the caller may see,
//! sending, history, read state. The P2P and support routers call these with their kind.

use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::app::AppState;
use crate::domain::conversation::{Access, Conversation, Kind};
use crate::domain::id::{is_id, new_id};
use crate::domain::message::{validate_text, Message};
use crate::domain::page::CursorPage;
use crate::error::{AppError, ErrorCode};
use crate::http::envelope::envelope;
use crate::http::extract::Caller;
use crate::realtime::event::{Audience, ConversationSummary, Event, ReadReceipt};
use crate::store::{HistoryFrom, NewMessage};

/// The conversation `id` of `kind` and how the caller stands to it; 404 if it does not exist,
/// is of the other kind, or the caller may not see it.
pub async fn load(
    state: &AppState,
    caller: &Caller,
    kind: Kind,
    id: &str,
) -> Result<(Conversation, Access), AppError> {
    let not_found = || AppError::NotFound("conversation");
    if !is_id(id) {
        return Err(not_found());
    }
    let conversation = state
        .store
        .find_conversation(caller.resource_id(), id)
        .await?
        .filter(|conversation| conversation.kind == kind)
        .ok_or_else(not_found)?;
    let access = conversation.access(&caller.user).ok_or_else(not_found)?;
    Ok((conversation, access))
}

/// `{"content": {"text": ...}, "clientMessageId"?: ...}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SendMessage {
    /// Must be the API key's resource if given.
    pub resource_id: Option<String>,
    pub content: ContentInput,
    /// Makes retries safe: a second send with the same id returns the first message (200).
    #[schema(min_length = 1, max_length = 100)]
    pub client_message_id: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContentInput {
    #[schema(min_length = 1, max_length = 10000)]
    pub text: String,
}

/// Sends a message as the caller's side: 201 with the message, or 200 with the first one for an
/// idempotent repeat. The caller checks kind-specific rules first.
pub async fn send(
    state: &AppState,
    caller: &Caller,
    conversation: &Conversation,
    access: Access,
    headers: &HeaderMap,
    body: SendMessage,
) -> Result<Response, AppError> {
    let side = access.writer()?;
    if !caller.user.permissions.can_send_message {
        return Err(AppError::forbidden("this user may not send messages"));
    }
    validate_text(&body.content.text)?;
    let header_key = headers
        .get("idempotency-key")
        .map(|value| {
            value
                .to_str()
                .map_err(|_| AppError::bad_request("bad Idempotency-Key"))
        })
        .transpose()?;
    let client_message_id = body.client_message_id.as_deref().or(header_key);
    if client_message_id.is_some_and(|id| id.is_empty() || id.len() > 100) {
        return Err(AppError::bad_request(
            "clientMessageId must be 1 to 100 characters",
        ));
    }
    let sent = state
        .store
        .send_message(NewMessage {
            id: new_id(),
            conversation_id: conversation.id.clone(),
            sender_id: caller.user.id.clone(),
            side,
            text: body.content.text,
            client_message_id: client_message_id.map(str::to_owned),
        })
        .await?;
    let committed = &sent.conversation;
    let is_ticket = committed.kind == Kind::Support;
    let message = sent.message.view(committed.read_seq, is_ticket);
    if sent.repeated {
        return Ok(envelope(StatusCode::OK, message));
    }
    let audience = Audience::of(committed);
    state
        .bus
        .publish(&audience, &Event::MessageNew(message.clone()))
        .await;
    if is_ticket && committed.status != conversation.status {
        let summary = ConversationSummary::from(committed);
        state
            .bus
            .publish(&audience, &Event::TicketUpdated(summary))
            .await;
    }
    Ok(envelope(StatusCode::CREATED, message))
}

/// History cursors (contract §1): at most one of `before`, `after`, `afterSeq`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    /// 1..=100, default 50.
    pub limit: Option<i64>,
    /// Messages older than this message id.
    pub before: Option<String>,
    /// Messages newer than this message id.
    pub after: Option<String>,
    /// Messages with a seq above this one (catch-up after a gap or a reconnect).
    pub after_seq: Option<i64>,
}

/// A page of history, oldest first, with `hasMore` beyond it in the direction read.
pub async fn history(
    state: &AppState,
    conversation: &Conversation,
    query: HistoryQuery,
) -> Result<CursorPage<Message>, AppError> {
    let limit = query.limit.unwrap_or(50);
    if !(1..=100).contains(&limit) {
        return Err(AppError::invalid_query("limit must be between 1 and 100"));
    }
    let from = match (query.before, query.after, query.after_seq) {
        (None, None, None) => HistoryFrom::Latest,
        (Some(id), None, None) => HistoryFrom::Before(cursor_seq(state, conversation, &id).await?),
        (None, Some(id), None) => HistoryFrom::After(cursor_seq(state, conversation, &id).await?),
        (None, None, Some(seq)) if seq >= 0 => HistoryFrom::After(seq),
        (None, None, Some(_)) => return Err(AppError::invalid_query("afterSeq must be 0 or more")),
        _ => {
            return Err(AppError::invalid_query(
                "use at most one of before, after and afterSeq",
            ))
        }
    };
    let (messages, has_more) = state.store.history(&conversation.id, from, limit).await?;
    let is_ticket = conversation.kind == Kind::Support;
    Ok(CursorPage {
        data: messages
            .into_iter()
            .map(|message| message.view(conversation.read_seq, is_ticket))
            .collect(),
        has_more,
    })
}

async fn cursor_seq(
    state: &AppState,
    conversation: &Conversation,
    message_id: &str,
) -> Result<i64, AppError> {
    state
        .store
        .find_message(&conversation.id, message_id)
        .await?
        .map(|message| message.seq)
        .ok_or(AppError::BadRequest {
            message: "the cursor is not a message of this conversation".into(),
            code: ErrorCode::InvalidCursor,
        })
}

/// `{"upToSeq": n}` or `{"messageId": ...}`, or nothing (everything).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MarkRead {
    /// Must be the API key's resource if given.
    pub resource_id: Option<String>,
    #[schema(minimum = 0)]
    pub up_to_seq: Option<i64>,
    #[schema(pattern = "^[0-9a-f]{24}$")]
    pub message_id: Option<String>,
}

/// The caller's read state after marking.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReadState {
    pub conversation_id: String,
    pub unread_count: i64,
    pub last_read_seq: i64,
}

pub async fn mark_read(
    state: &AppState,
    caller: &Caller,
    conversation: &Conversation,
    access: Access,
    body: MarkRead,
) -> Result<ReadState, AppError> {
    let user_id = &caller.user.id;
    let side = access.writer()?;
    let up_to = match (body.up_to_seq, body.message_id) {
        (None, None) => None,
        (Some(seq), None) if seq >= 0 => Some(seq),
        (Some(_), None) => return Err(AppError::bad_request("upToSeq must be 0 or more")),
        (None, Some(id)) => Some(
            state
                .store
                .find_message(&conversation.id, &id)
                .await?
                .ok_or_else(|| {
                    AppError::bad_request("messageId is not a message of this conversation")
                })?
                .seq,
        ),
        (Some(_), Some(_)) => {
            return Err(AppError::bad_request("give upToSeq or messageId, not both"))
        }
    };
    let (unread_count, last_read_seq) =
        state.store.mark_read(&conversation.id, side, up_to).await?;
    let receipt = ReadReceipt {
        conversation_id: conversation.id.clone(),
        user_id: user_id.to_owned(),
        last_read_seq,
        unread_count,
    };
    state
        .bus
        .publish(
            &Audience::of(conversation),
            &Event::ConversationRead(receipt),
        )
        .await;
    Ok(ReadState {
        conversation_id: conversation.id.clone(),
        unread_count,
        last_read_seq,
    })
}

/// The caller's unread count.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UnreadCount {
    pub conversation_id: String,
    pub unread_count: i64,
    pub last_read_seq: i64,
    pub last_seq: i64,
}

pub fn unread_count(conversation: &Conversation, access: Access) -> Result<UnreadCount, AppError> {
    let side = access.side().ok_or_else(|| {
        AppError::forbidden("a moderator who is not a participant has no unread count here")
    })?;
    Ok(UnreadCount {
        conversation_id: conversation.id.clone(),
        unread_count: conversation.unread[side.index()],
        last_read_seq: conversation.read_seq[side.index()],
        last_seq: conversation.last_seq,
    })
}
