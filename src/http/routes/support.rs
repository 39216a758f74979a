//! Support tickets: customers open and follow their own; staff and above work the queue. The
//! routes both conversation types have come from `conversation_routes!`.

use axum::extract::State;
use serde::Deserialize;
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::conversations::{conversation_routes, metadata_or_empty};
use crate::domain::conversation::{ConversationType, Priority, TicketStatus};
use crate::domain::message::MessageText;
use crate::domain::metadata::Metadata;
use crate::domain::page::{Page, PageQuery};
use crate::domain::ticket::{Category, Subject};
use crate::domain::user::UserRef;
use crate::http::envelope::{Created, Data, Envelope};
use crate::http::error::{AppError, ErrorBody};
use crate::http::extract::{user_filter, Caller, Json, Path, Query};
use crate::http::message_body_limit;
use crate::http::state::AppState;
use crate::http::view::{conversation_view, conversation_views, ConversationView, TicketView};
use crate::service;
use crate::service::conversations::{
    Assignee, TicketDraft, TicketPatch, TicketQuery as TicketFilters,
};

conversation_routes!(
    type = crate::domain::conversation::ConversationType::Support,
    tag = "support",
    path = "/support/conversations",
    view = TicketView,
);

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(
            OpenApiRouter::new()
                .routes(routes!(create_ticket, list_tickets))
                .layer(message_body_limit()),
        )
        .merge(shared::shared_routes())
        .routes(routes!(update_ticket))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateTicket {
    /// Must be the API key's resource if given.
    pub resource_id: Option<String>,
    /// 1..200 characters.
    #[schema(min_length = 1, max_length = 200)]
    pub subject: String,
    /// Default `medium`.
    pub priority: Option<Priority>,
    /// Free text, at most 50 characters.
    #[schema(min_length = 1, max_length = 50)]
    pub category: Option<String>,
    /// Becomes the ticket's first message.
    #[schema(min_length = 1, max_length = 10000)]
    pub initial_message: Option<String>,
    /// The site's own data on the ticket: a JSON object, at most 50 keys and 4 KiB.
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
}

impl CreateTicket {
    fn parse(self) -> Result<TicketDraft, AppError> {
        Ok(TicketDraft {
            subject: Subject::parse(self.subject)?,
            priority: self.priority.unwrap_or_default(),
            category: self.category.map(Category::parse).transpose()?,
            initial_message: self.initial_message.map(MessageText::parse).transpose()?,
            metadata: metadata_or_empty(self.metadata)?,
        })
    }
}

/// Open a ticket as the customer, optionally with its first message.
#[utoipa::path(post, path = "/support/conversations", tag = "support",
    security(("apiKey" = [], "bearer" = [])),
    request_body = CreateTicket,
    responses(
        (status = 201, body = Envelope<TicketView>),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
    ))]
async fn create_ticket(
    State(state): State<AppState>,
    caller: Caller,
    Json(body): Json<CreateTicket>,
) -> Result<Created<ConversationView>, AppError> {
    let ticket = caller.actor(&state).open_ticket(body.parse()?).await?;
    Ok(Created(conversation_view(&state.store, ticket).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct TicketQuery {
    pub page: Option<i64>,
    pub limit: Option<i64>,
    pub status: Option<TicketStatus>,
    pub priority: Option<Priority>,
    pub assignee_id: Option<String>,
    pub category: Option<String>,
}

/// Tickets, newest activity first: a customer's own, or (staff and above) every ticket of the
/// resource, with filters.
#[utoipa::path(get, path = "/support/conversations", tag = "support",
    security(("apiKey" = [], "bearer" = [])),
    params(TicketQuery),
    responses(
        (status = 200, body = Envelope<Page<TicketView>>),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
    ))]
async fn list_tickets(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<TicketQuery>,
) -> Result<Data<Page<ConversationView>>, AppError> {
    let page = PageQuery::check(query.page, query.limit)?;
    let Some(assignee_id) = user_filter(query.assignee_id.as_deref()) else {
        return Ok(Data(Page::new(Vec::new(), 0, page)));
    };
    let filters = TicketFilters {
        status: query.status,
        priority: query.priority,
        assignee_id,
        category: query.category,
    };
    let (tickets, total) = caller.actor(&state).tickets(filters, page).await?;
    let views = conversation_views(&state.store, &caller.user, tickets).await?;
    Ok(Data(Page::new(views, total, page)))
}

/// Fields to change; absent fields stay. `category` and `assigneeId` take `null` to clear.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateTicket {
    /// Must be the API key's resource if given.
    pub resource_id: Option<String>,
    pub status: Option<TicketStatus>,
    pub priority: Option<Priority>,
    #[serde(default, deserialize_with = "crate::http::extract::present")]
    #[schema(value_type = Option<String>)]
    pub category: Option<Option<String>>,
    /// An elevated user of the resource (an id, or `ext:<externalId>`), or `null` to unassign.
    #[serde(default, deserialize_with = "crate::http::extract::present")]
    #[schema(value_type = Option<String>)]
    pub assignee_id: Option<Option<String>>,
    /// Replaces the ticket's metadata (staff and above): a JSON object, at most 50 keys and 4 KiB.
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
}

impl UpdateTicket {
    fn parse(self) -> Result<TicketPatch, AppError> {
        let category = match self.category {
            Some(Some(category)) => Some(Some(Category::parse(category)?)),
            Some(None) => Some(None),
            None => None,
        };
        let assignee = self.assignee_id.map(|named| match named {
            None => Assignee::Nobody,
            Some(text) => UserRef::parse(&text).map_or(Assignee::Unknown, Assignee::User),
        });
        Ok(TicketPatch {
            status: self.status,
            priority: self.priority,
            category,
            assignee,
            metadata: self.metadata.map(Metadata::parse).transpose()?,
        })
    }
}

/// Staff and above: set status, priority, category, assignee. The customer: close only.
/// `closed` is final.
#[utoipa::path(patch, path = "/support/conversations/{id}", tag = "support",
    security(("apiKey" = [], "bearer" = [])),
    params(("id" = String, Path)),
    request_body = UpdateTicket,
    responses(
        (status = 200, body = Envelope<TicketView>),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    ))]
async fn update_ticket(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Json(body): Json<UpdateTicket>,
) -> Result<Data<ConversationView>, AppError> {
    let actor = caller.actor(&state);
    let ticket = actor
        .conversation(ConversationType::Support, &service::conversation_id(&id)?)
        .await?;
    let ticket = actor.update_ticket(ticket, body.parse()?).await?;
    Ok(Data(conversation_view(&state.store, ticket).await?))
}
