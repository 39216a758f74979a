//! P2P chat: one conversation per pair of users, its messages and read state. The routes both
//! conversation types have come from `conversation_routes!`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::conversations::{conversation_routes, metadata_or_empty, ContentInput};
use crate::domain::conversation::{ChatStatus, ConversationType};
use crate::domain::message::{Message, MessageText};
use crate::domain::metadata::Metadata;
use crate::domain::page::{Page, PageQuery};
use crate::http::envelope::{envelope, Data, Envelope};
use crate::http::error::{AppError, ErrorBody};
use crate::http::extract::{Caller, Json, Path, Query};
use crate::http::message_body_limit;
use crate::http::state::AppState;
use crate::http::view::{
    conversation_view, conversation_views, ConversationView, P2pConversationView,
};
use crate::service::{self, messages::Edit};

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
        .routes(routes!(update_conversation))
        .routes(routes!(archive))
        .routes(routes!(unarchive))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateConversation {
    /// Must be the API key's resource if given.
    pub resource_id: Option<String>,
    /// Replaces the conversation's metadata: a JSON object, at most 50 keys and 4 KiB.
    #[schema(value_type = Object)]
    pub metadata: Value,
}

/// Change a conversation's metadata (its participants, or moderators and above).
#[utoipa::path(patch, path = "/p2p/conversations/{id}", tag = "p2p",
    security(("apiKey" = [], "bearer" = [])),
    params(("id" = String, Path)),
    request_body = UpdateConversation,
    responses(
        (status = 200, body = Envelope<P2pConversationView>),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    ))]
async fn update_conversation(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Json(body): Json<UpdateConversation>,
) -> Result<Data<ConversationView>, AppError> {
    let actor = caller.actor(&state);
    let chat = actor
        .conversation(ConversationType::P2p, &service::conversation_id(&id)?)
        .await?;
    let metadata = Metadata::parse(body.metadata)?;
    let chat = actor.set_chat_metadata(chat, metadata).await?;
    Ok(Data(conversation_view(&state.store, chat).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateConversation {
    /// Must be the API key's resource if given.
    pub resource_id: Option<String>,
    /// The other user's id, or `ext:<externalId>` (the site's own id for them).
    pub other_participant_id: String,
    /// The site's own data on a new conversation (an existing one keeps its own): a JSON object,
    /// at most 50 keys and 4 KiB.
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
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
    let metadata = metadata_or_empty(body.metadata)?;
    let other = service::user_ref(&body.other_participant_id)?;
    let (chat, created) = actor.open_chat(other, metadata).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(envelope(
        status,
        conversation_view(&state.store, chat).await?,
    ))
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
    let views = conversation_views(&state.store, &caller.user, chats).await?;
    Ok(Data(Page::new(views, total, page)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EditMessage {
    /// Must be the API key's resource if given.
    pub resource_id: Option<String>,
    pub content: ContentInput,
    /// Replaces the message's metadata if given.
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
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
    let edit = Edit {
        text: MessageText::parse(body.content.text)?,
        metadata: body.metadata.map(Metadata::parse).transpose()?,
    };
    let message_id = service::message_id(&message_id)?;
    Ok(Data(actor.edit(&chat, &message_id, edit).await?))
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
    Ok(Data(conversation_view(&state.store, chat).await?))
}
