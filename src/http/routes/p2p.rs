//! P2P chat: one conversation per pair of users, its messages and read state.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::messages::{self, HistoryQuery, MarkRead, ReadState, SendMessage, UnreadCount};
use crate::app::AppState;
use crate::domain::conversation::{Kind, Status};
use crate::domain::id::new_id;
use crate::domain::message::{validate_text, Message};
use crate::domain::page::{CursorPage, Page, PageQuery};
use crate::domain::role::Role;
use crate::domain::view::{ConversationView, P2pConversationView};
use crate::error::{AppError, ErrorBody, ErrorCode};
use crate::http::envelope::{envelope, Data, Envelope};
use crate::http::extract::{Caller, Json, OptionalJson, Path, Query};
use crate::http::message_body_limit;
use crate::realtime::event::{Audience, ConversationSummary, Event};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_conversation, list_conversations))
        .routes(routes!(get_conversation))
        .merge(
            OpenApiRouter::new()
                .routes(routes!(send_message, list_messages))
                .routes(routes!(edit_message, delete_message))
                .layer(message_body_limit()),
        )
        .routes(routes!(mark_as_read))
        .routes(routes!(unread_count))
        .routes(routes!(archive))
        .routes(routes!(unarchive))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateConversation {
    /// Must be the API key's resource if given.
    pub resource_id: Option<String>,
    #[schema(pattern = "^[0-9a-f]{24}$")]
    pub other_participant_id: String,
}

/// Open the conversation with another user of the resource: 201 if new, 200 with the existing one
/// (there is one per pair, whoever opened it).
#[utoipa::path(post, path = "/p2p/conversations", tag = "p2p",
    security(("apiKey" = [], "bearer" = [])),
    request_body = CreateConversation,
    responses(
        (status = 201, body = Envelope<P2pConversationView>),
        (status = 200, description = "the pair's existing conversation", body = Envelope<P2pConversationView>),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, description = "the other user may not receive messages", body = ErrorBody),
        (status = 404, body = ErrorBody),
    ))]
async fn create_conversation(
    State(state): State<AppState>,
    caller: Caller,
    Json(body): Json<CreateConversation>,
) -> Result<Response, AppError> {
    if body.other_participant_id == caller.user.id {
        return Err(AppError::bad_request(
            "a conversation needs another participant",
        ));
    }
    let other = state
        .store
        .find_user(caller.resource_id(), &body.other_participant_id)
        .await?
        .ok_or(AppError::NotFound("user"))?;
    if !other.permissions.can_receive_message {
        return Err(AppError::forbidden("this user may not receive messages"));
    }
    let (conversation, created) = state
        .store
        .open_p2p(caller.resource_id(), &new_id(), &caller.user.id, &other.id)
        .await?;
    let access = conversation
        .access(&caller.user)
        .ok_or(AppError::NotFound("conversation"))?;
    let status = if created {
        let event = Event::ConversationCreated(ConversationSummary::from(&conversation));
        state
            .bus
            .publish(&Audience::of(&conversation), &event)
            .await;
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(envelope(
        status,
        ConversationView::new(conversation, access),
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    pub page: Option<i64>,
    pub limit: Option<i64>,
    /// `active` or `archived`.
    pub status: Option<Status>,
}

/// The caller's conversations, newest activity first.
#[utoipa::path(get, path = "/p2p/conversations", tag = "p2p", operation_id = "p2p_list_conversations",
    security(("apiKey" = [], "bearer" = [])),
    params(ListQuery),
    responses(
        (status = 200, body = Envelope<Page<P2pConversationView>>),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
    ))]
async fn list_conversations(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<ListQuery>,
) -> Result<Data<Page<ConversationView>>, AppError> {
    let page = PageQuery::check(query.page, query.limit)?;
    if query.status.is_some_and(|status| !status.fits(Kind::P2p)) {
        return Err(AppError::invalid_query("status must be active or archived"));
    }
    let (conversations, total) = state
        .store
        .list_p2p(caller.resource_id(), &caller.user.id, query.status, page)
        .await?;
    let views = ConversationView::visible_to(conversations, &caller.user);
    Ok(Data(Page::new(views, total, page)))
}

/// One conversation (participants; moderators and above read any of their resource).
#[utoipa::path(get, path = "/p2p/conversations/{id}", tag = "p2p",
    security(("apiKey" = [], "bearer" = [])),
    params(("id" = String, Path)),
    responses(
        (status = 200, body = Envelope<P2pConversationView>),
        (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
    ))]
async fn get_conversation(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Data<ConversationView>, AppError> {
    let (conversation, access) = messages::load(&state, &caller, Kind::P2p, &id).await?;
    Ok(Data(ConversationView::new(conversation, access)))
}

/// Send a message. `clientMessageId` (or an `Idempotency-Key` header) makes retries safe.
#[utoipa::path(post, path = "/p2p/conversations/{id}/messages", tag = "p2p", operation_id = "p2p_send_message",
    security(("apiKey" = [], "bearer" = [])),
    params(("id" = String, Path)),
    request_body = SendMessage,
    responses(
        (status = 201, body = Envelope<Message>),
        (status = 200, description = "repeat of an earlier clientMessageId", body = Envelope<Message>),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, description = "archived, or a permission is missing", body = ErrorBody),
        (status = 404, body = ErrorBody),
    ))]
async fn send_message(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    Json(body): Json<SendMessage>,
) -> Result<Response, AppError> {
    let (conversation, access) = messages::load(&state, &caller, Kind::P2p, &id).await?;
    if let Some(side) = access.side() {
        let recipient_id = conversation.participant(side.other()).unwrap_or_default();
        let recipient = state
            .store
            .find_user(caller.resource_id(), recipient_id)
            .await?;
        if recipient.is_some_and(|user| !user.permissions.can_receive_message) {
            return Err(AppError::forbidden(
                "the recipient may not receive messages",
            ));
        }
    }
    messages::send(&state, &caller, &conversation, access, &headers, body).await
}

/// History, oldest first: the newest `limit` messages, or a page `before`/`after` a message id,
/// or `afterSeq` (catch-up).
#[utoipa::path(get, path = "/p2p/conversations/{id}/messages", tag = "p2p", operation_id = "p2p_list_messages",
    security(("apiKey" = [], "bearer" = [])),
    params(("id" = String, Path), HistoryQuery),
    responses(
        (status = 200, body = Envelope<CursorPage<Message>>),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ))]
async fn list_messages(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Query(query): Query<HistoryQuery>,
) -> Result<Data<CursorPage<Message>>, AppError> {
    let (conversation, _) = messages::load(&state, &caller, Kind::P2p, &id).await?;
    Ok(Data(messages::history(&state, &conversation, query).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EditMessage {
    /// Must be the API key's resource if given.
    pub resource_id: Option<String>,
    pub content: messages::ContentInput,
}

/// Edit one's own message (canEditMessage); sets `editedAt`.
#[utoipa::path(patch, path = "/p2p/conversations/{id}/messages/{messageId}", tag = "p2p",
    security(("apiKey" = [], "bearer" = [])),
    params(("id" = String, Path), ("messageId" = String, Path)),
    request_body = EditMessage,
    responses(
        (status = 200, body = Envelope<Message>),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    ))]
async fn edit_message(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, message_id)): Path<(String, String)>,
    Json(body): Json<EditMessage>,
) -> Result<Data<Message>, AppError> {
    let (conversation, access) = messages::load(&state, &caller, Kind::P2p, &id).await?;
    access.writer()?;
    let message = state
        .store
        .find_message(&conversation.id, &message_id)
        .await?
        .ok_or(AppError::NotFound("message"))?;
    if message.sender_id != caller.user.id {
        return Err(AppError::forbidden("only the sender may edit a message"));
    }
    if !caller.user.permissions.can_edit_message {
        return Err(AppError::forbidden("this user may not edit messages"));
    }
    if conversation.status.is_read_only() {
        return Err(AppError::forbidden("this conversation is archived"));
    }
    validate_text(&body.content.text)?;
    let edited = state
        .store
        .edit_message(&conversation.id, &message_id, &body.content.text)
        .await?
        .ok_or(AppError::BadRequest {
            message: "a deleted message cannot be edited".into(),
            code: ErrorCode::MessageDeleted,
        })?;
    let edited = edited.view(conversation.read_seq, false);
    let event = Event::MessageUpdated(edited.clone());
    state
        .bus
        .publish(&Audience::of(&conversation), &event)
        .await;
    Ok(Data(edited))
}

/// Delete a message (soft): one's own with canDeleteMessage, or any as moderator and above.
#[utoipa::path(delete, path = "/p2p/conversations/{id}/messages/{messageId}", tag = "p2p",
    security(("apiKey" = [], "bearer" = [])),
    params(("id" = String, Path), ("messageId" = String, Path)),
    responses(
        (status = 200, body = Envelope<Message>),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ))]
async fn delete_message(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, message_id)): Path<(String, String)>,
) -> Result<Data<Message>, AppError> {
    let (conversation, _) = messages::load(&state, &caller, Kind::P2p, &id).await?;
    let message = state
        .store
        .find_message(&conversation.id, &message_id)
        .await?
        .ok_or(AppError::NotFound("message"))?;
    let own = message.sender_id == caller.user.id && caller.user.permissions.can_delete_message;
    if !own && caller.user.role < Role::Moderator {
        return Err(AppError::forbidden(
            "only the sender (with canDeleteMessage) or a moderator may delete a message",
        ));
    }
    let deleted = state
        .store
        .delete_message(&conversation.id, &message_id)
        .await?
        .ok_or(AppError::NotFound("message"))?;
    let deleted = deleted.view(conversation.read_seq, false);
    let event = Event::MessageDeleted(deleted.clone());
    state
        .bus
        .publish(&Audience::of(&conversation), &event)
        .await;
    Ok(Data(deleted))
}

/// Mark messages read: all, or up to `upToSeq` / `messageId`. The watermark never moves back.
#[utoipa::path(post, path = "/p2p/conversations/{id}/mark-as-read", tag = "p2p", operation_id = "p2p_mark_as_read",
    security(("apiKey" = [], "bearer" = [])),
    params(("id" = String, Path)),
    request_body(content = Option<MarkRead>, description = "optional"),
    responses(
        (status = 200, body = Envelope<ReadState>),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    ))]
async fn mark_as_read(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    OptionalJson(body): OptionalJson<MarkRead>,
) -> Result<Data<ReadState>, AppError> {
    let (conversation, access) = messages::load(&state, &caller, Kind::P2p, &id).await?;
    Ok(Data(
        messages::mark_read(&state, &caller, &conversation, access, body).await?,
    ))
}

/// The caller's unread count in this conversation.
#[utoipa::path(get, path = "/p2p/conversations/{id}/unread-count", tag = "p2p", operation_id = "p2p_unread_count",
    security(("apiKey" = [], "bearer" = [])),
    params(("id" = String, Path)),
    responses(
        (status = 200, body = Envelope<UnreadCount>),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ))]
async fn unread_count(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Data<UnreadCount>, AppError> {
    let (conversation, access) = messages::load(&state, &caller, Kind::P2p, &id).await?;
    Ok(Data(messages::unread_count(&conversation, access)?))
}

/// Archive for both participants (canArchiveConversation, or moderator and above).
#[utoipa::path(post, path = "/p2p/conversations/{id}/archive", tag = "p2p",
    security(("apiKey" = [], "bearer" = [])),
    params(("id" = String, Path)),
    responses(
        (status = 200, body = Envelope<P2pConversationView>),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ))]
async fn archive(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Data<ConversationView>, AppError> {
    set_status(state, caller, id, Status::Archived).await
}

/// Unarchive (canArchiveConversation, or moderator and above).
#[utoipa::path(post, path = "/p2p/conversations/{id}/unarchive", tag = "p2p",
    security(("apiKey" = [], "bearer" = [])),
    params(("id" = String, Path)),
    responses(
        (status = 200, body = Envelope<P2pConversationView>),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ))]
async fn unarchive(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Data<ConversationView>, AppError> {
    set_status(state, caller, id, Status::Active).await
}

async fn set_status(
    state: AppState,
    caller: Caller,
    id: String,
    status: Status,
) -> Result<Data<ConversationView>, AppError> {
    let (conversation, access) = messages::load(&state, &caller, Kind::P2p, &id).await?;
    let participant_may =
        access.side().is_some() && caller.user.permissions.can_archive_conversation;
    if !participant_may && caller.user.role < Role::Moderator {
        return Err(AppError::forbidden(
            "archiving needs canArchiveConversation, or a moderator",
        ));
    }
    let conversation = state
        .store
        .set_p2p_status(caller.resource_id(), &conversation.id, status)
        .await?;
    let event = Event::ConversationUpdated(ConversationSummary::from(&conversation));
    state
        .bus
        .publish(&Audience::of(&conversation), &event)
        .await;
    Ok(Data(ConversationView::new(conversation, access)))
}
