//! P2P chat: one conversation per pair of users, its messages and read state. The routes both
//! conversation types have come from `conversation_routes!`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::conversations::{conversation_routes, ContentInput};
use crate::domain::conversation::{ChatStatus, ConversationType};
use crate::domain::message::{Message, MessageText};
use crate::domain::page::{Page, PageQuery};
use crate::error::{AppError, ErrorBody};
use crate::http::envelope::{envelope, Data, Envelope};
use crate::http::extract::{Caller, Json, Path, Query};
use crate::http::message_body_limit;
use crate::http::state::AppState;
use crate::http::view::{ConversationView, P2pConversationView};
use crate::service;

conversation_routes!(
    type = crate::domain::conversation::ConversationType::P2p,
    tag = "p2p",
    path = "/p2p/conversations",
    view = P2pConversationView,
);

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_conversation, list_conversations))
        .merge(shared::shared_routes())
        .merge(
            OpenApiRouter::new()
                .routes(routes!(edit_message, delete_message))
                .layer(message_body_limit()),
        )
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
    let actor = caller.actor(&state);
    let (chat, created) = actor.open_chat(&body.other_participant_id).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(envelope(status, ConversationView::from(chat)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    pub page: Option<i64>,
    pub limit: Option<i64>,
    pub status: Option<ChatStatus>,
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
    let (chats, total) = caller.actor(&state).chats(query.status, page).await?;
    let views = ConversationView::visible_to(chats, &caller.user);
    Ok(Data(Page::new(views, total, page)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EditMessage {
    /// Must be the API key's resource if given.
    pub resource_id: Option<String>,
    pub content: ContentInput,
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
    let actor = caller.actor(&state);
    let chat = actor
        .conversation(ConversationType::P2p, &service::conversation_id(&id)?)
        .await?;
    let text = MessageText::parse(body.content.text)?;
    let message_id = service::message_id(&message_id)?;
    Ok(Data(actor.edit(&chat, &message_id, text).await?))
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
    let actor = caller.actor(&state);
    let chat = actor
        .conversation(ConversationType::P2p, &service::conversation_id(&id)?)
        .await?;
    let message_id = service::message_id(&message_id)?;
    Ok(Data(actor.delete(&chat, &message_id).await?))
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
    set_status(state, caller, id, ChatStatus::Archived).await
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
    set_status(state, caller, id, ChatStatus::Active).await
}

async fn set_status(
    state: AppState,
    caller: Caller,
    id: String,
    status: ChatStatus,
) -> Result<Data<ConversationView>, AppError> {
    let actor = caller.actor(&state);
    let chat = actor
        .conversation(ConversationType::P2p, &service::conversation_id(&id)?)
        .await?;
    let chat = actor.set_chat_status(chat, status).await?;
    Ok(Data(ConversationView::from(chat)))
}
