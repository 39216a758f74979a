//! What P2P conversations and support tickets share over HTTP: the routes each type declares
//! through `conversation_routes!` (one conversation, send, history, mark read, unread count),
//! and their request and response shapes. The operations behind them are `service::messages`.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use crate::domain::id::ConversationId;
use crate::domain::message::MessageText;
use crate::domain::metadata::Metadata;
use crate::domain::policy;
use crate::http::error::AppError;
use crate::service::messages::{ClientMessageId, HistoryCursor, Outgoing, ReadMark, ReadUpTo};
use crate::service::Visible;

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
    /// The site's own data on the message: a JSON object, at most 50 keys and 4 KiB.
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
}

impl SendMessage {
    /// The message to send; the body's `clientMessageId` wins over an `Idempotency-Key` header.
    pub fn parse(self, idempotency_key: Option<String>) -> Result<Outgoing, AppError> {
        let text = MessageText::parse(self.content.text)?;
        let client_message_id = self
            .client_message_id
            .or(idempotency_key)
            .map(ClientMessageId::parse)
            .transpose()?;
        Ok(Outgoing {
            text,
            client_message_id,
            metadata: metadata_or_empty(self.metadata)?,
        })
    }
}

/// The `metadata` a body gave, or `{}`.
pub fn metadata_or_empty(value: Option<Value>) -> Result<Metadata, AppError> {
    Ok(value.map(Metadata::parse).transpose()?.unwrap_or_default())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContentInput {
    #[schema(min_length = 1, max_length = 10000)]
    pub text: String,
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

impl HistoryQuery {
    /// The cursor and the page size.
    pub fn parse(self) -> Result<(HistoryCursor, i64), AppError> {
        let limit = self.limit.unwrap_or(50);
        if !(1..=100).contains(&limit) {
            return Err(AppError::invalid_query("limit must be between 1 and 100"));
        }
        let cursor = match (self.before, self.after, self.after_seq) {
            (None, None, None) => HistoryCursor::Latest,
            (Some(id), None, None) => HistoryCursor::before(&id)?,
            (None, Some(id), None) => HistoryCursor::after(&id)?,
            (None, None, Some(seq)) => HistoryCursor::AfterSeq(
                u64::try_from(seq)
                    .map_err(|_| AppError::invalid_query("afterSeq must be 0 or more"))?,
            ),
            _ => {
                return Err(AppError::invalid_query(
                    "use at most one of before, after and afterSeq",
                ))
            }
        };
        Ok((cursor, limit))
    }
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

impl MarkRead {
    pub fn parse(self) -> Result<ReadUpTo, AppError> {
        match (self.up_to_seq, self.message_id) {
            (None, None) => Ok(ReadUpTo::Everything),
            (Some(seq), None) => u64::try_from(seq)
                .map(ReadUpTo::Seq)
                .map_err(|_| AppError::bad_request("upToSeq must be 0 or more")),
            (None, Some(id)) => Ok(ReadUpTo::message(&id)?),
            (Some(_), Some(_)) => Err(AppError::bad_request("give upToSeq or messageId, not both")),
        }
    }
}

/// The caller's read state after marking.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReadState {
    pub conversation_id: ConversationId,
    pub unread_count: i64,
    pub last_read_seq: i64,
}

impl ReadState {
    pub fn new(conversation_id: &ConversationId, mark: ReadMark) -> ReadState {
        ReadState {
            conversation_id: conversation_id.clone(),
            unread_count: mark.unread_count,
            last_read_seq: mark.last_read_seq,
        }
    }
}

/// The caller's unread count.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UnreadCount {
    pub conversation_id: ConversationId,
    pub unread_count: i64,
    pub last_read_seq: i64,
    pub last_seq: i64,
}

impl UnreadCount {
    /// The caller's side's count in `target` (403 for an observing moderator).
    pub fn of(target: &Visible) -> Result<UnreadCount, AppError> {
        let side = policy::reader(target.access)?;
        let conversation = &target.conversation;
        Ok(UnreadCount {
            conversation_id: conversation.id.clone(),
            unread_count: *conversation.unread.get(side),
            last_read_seq: *conversation.read_seq.get(side),
            last_seq: conversation.last_seq,
        })
    }
}

/// Declares, for one conversation type, the routes every type has, with their OpenAPI
/// operations, and `shared_routes()` to merge them into the type's router. `$view` is the
/// type's response shape; operation ids are prefixed with `$tag`.
macro_rules! conversation_routes {
    (type = $type:expr, tag = $tag:literal, path = $path:literal, view = $view:ident $(,)?) => {
        mod shared {
            use axum::extract::State;
            use axum::http::StatusCode;
            use axum::response::Response;
            use utoipa_axum::{router::OpenApiRouter, routes};

            use crate::http::state::AppState;
            use crate::domain::message::Message;
            use crate::domain::page::CursorPage;
            use crate::http::error::{AppError, ErrorBody};
            use crate::http::envelope::{envelope, Data, Envelope};
            use crate::http::extract::{Caller, IdempotencyKey, Json, OptionalJson, Path, Query};
            use crate::http::message_body_limit;
            use crate::http::routes::conversations::{
                HistoryQuery, MarkRead, ReadState, SendMessage, UnreadCount,
            };
            use crate::http::view::{conversation_view, ConversationView, $view};
            use crate::service::{self, messages::Delivery};

            pub fn shared_routes() -> OpenApiRouter<AppState> {
                OpenApiRouter::new()
                    .routes(routes!(get_conversation))
                    .merge(
                        OpenApiRouter::new()
                            .routes(routes!(send_message, list_messages))
                            .layer(message_body_limit()),
                    )
                    .routes(routes!(mark_as_read))
                    .routes(routes!(unread_count))
            }

            /// One conversation, as the caller sees it (their own read state).
            #[utoipa::path(get, path = concat!($path, "/{id}"), tag = $tag,
                operation_id = concat!($tag, "_get_conversation"),
                security(("apiKey" = [], "bearer" = [])),
                params(("id" = String, Path)),
                responses(
                    (status = 200, body = Envelope<$view>),
                    (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
                ))]
            async fn get_conversation(
                State(state): State<AppState>,
                caller: Caller,
                Path(id): Path<String>,
            ) -> Result<Data<ConversationView>, AppError> {
                let id = service::conversation_id(&id)?;
                let target = caller.actor(&state).conversation($type, &id).await?;
                Ok(Data(conversation_view(&state.store, target).await?))
            }

            /// Send a message as the caller's side. `clientMessageId` (or an `Idempotency-Key`
            /// header) makes retries safe. Archived chats and closed tickets refuse (403); a
            /// staff reply moves a ticket from `open` to `pending`, a customer reply from
            /// `pending` or `resolved` back to `open`.
            #[utoipa::path(post, path = concat!($path, "/{id}/messages"), tag = $tag,
                operation_id = concat!($tag, "_send_message"),
                security(("apiKey" = [], "bearer" = [])),
                params(("id" = String, Path)),
                request_body = SendMessage,
                responses(
                    (status = 201, body = Envelope<Message>),
                    (status = 200, description = "repeat of an earlier clientMessageId", body = Envelope<Message>),
                    (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
                    (status = 403, description = "archived or closed, or a permission is missing", body = ErrorBody),
                    (status = 404, body = ErrorBody),
                ))]
            async fn send_message(
                State(state): State<AppState>,
                caller: Caller,
                Path(id): Path<String>,
                IdempotencyKey(key): IdempotencyKey,
                Json(body): Json<SendMessage>,
            ) -> Result<Response, AppError> {
                let actor = caller.actor(&state);
                let target = actor.conversation($type, &service::conversation_id(&id)?).await?;
                let outgoing = body.parse(key)?;
                Ok(match actor.send(&target, outgoing).await? {
                    Delivery::Created(message) => envelope(StatusCode::CREATED, message),
                    Delivery::Repeated(message) => envelope(StatusCode::OK, message),
                })
            }

            /// History, oldest first: the newest `limit` messages, or a page `before`/`after` a
            /// message id, or `afterSeq` (catch-up).
            #[utoipa::path(get, path = concat!($path, "/{id}/messages"), tag = $tag,
                operation_id = concat!($tag, "_list_messages"),
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
                let actor = caller.actor(&state);
                let target = actor.conversation($type, &service::conversation_id(&id)?).await?;
                let (cursor, limit) = query.parse()?;
                Ok(Data(actor.history(&target, cursor, limit).await?))
            }

            /// Mark messages read for the caller's side (a ticket's staff read as one side):
            /// all, or up to `upToSeq` / `messageId`. The watermark never moves back.
            #[utoipa::path(post, path = concat!($path, "/{id}/mark-as-read"), tag = $tag,
                operation_id = concat!($tag, "_mark_as_read"),
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
                let actor = caller.actor(&state);
                let target = actor.conversation($type, &service::conversation_id(&id)?).await?;
                let mark = actor.mark_read(&target, body.parse()?).await?;
                Ok(Data(ReadState::new(&target.conversation.id, mark)))
            }

            /// The caller's side's unread count in this conversation.
            #[utoipa::path(get, path = concat!($path, "/{id}/unread-count"), tag = $tag,
                operation_id = concat!($tag, "_unread_count"),
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
                let id = service::conversation_id(&id)?;
                let target = caller.actor(&state).conversation($type, &id).await?;
                Ok(Data(UnreadCount::of(&target)?))
            }
        }
    };
}
pub(crate) use conversation_routes;
