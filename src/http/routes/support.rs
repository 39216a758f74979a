//! Support tickets: customers open and follow their own; staff and above work the queue.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde::{Deserialize, Deserializer};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::messages::{self, HistoryQuery, MarkRead, ReadState, SendMessage, UnreadCount};
use crate::app::AppState;
use crate::domain::conversation::{Kind, Priority, Status};
use crate::domain::id::new_id;
use crate::domain::message::{validate_text, Message};
use crate::domain::page::{CursorPage, Page, PageQuery};
use crate::domain::view::{ConversationView, TicketView};
use crate::error::{AppError, ErrorBody};
use crate::http::envelope::{Created, Data, Envelope};
use crate::http::extract::{Caller, Json, OptionalJson, Path, Query};
use crate::http::message_body_limit;
use crate::realtime::event::{Audience, ConversationSummary, Event};
use crate::store::{NewTicket, TicketFilter, TicketUpdate};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(
            OpenApiRouter::new()
                .routes(routes!(create_ticket, list_tickets))
                .routes(routes!(send_message, list_messages))
                .layer(message_body_limit()),
        )
        .routes(routes!(get_ticket, update_ticket))
        .routes(routes!(mark_as_read))
        .routes(routes!(unread_count))
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
}

fn validate_subject(subject: &str) -> Result<(), AppError> {
    if subject.trim().is_empty() || subject.chars().count() > 200 {
        return Err(AppError::bad_request("subject must be 1 to 200 characters"));
    }
    Ok(())
}

fn validate_category(category: Option<&str>) -> Result<(), AppError> {
    if category.is_some_and(|c| c.trim().is_empty() || c.chars().count() > 50) {
        return Err(AppError::bad_request("category must be 1 to 50 characters"));
    }
    Ok(())
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
    validate_subject(&body.subject)?;
    validate_category(body.category.as_deref())?;
    if let Some(text) = &body.initial_message {
        validate_text(text)?;
        if !caller.user.permissions.can_send_message {
            return Err(AppError::forbidden("this user may not send messages"));
        }
    }
    let ticket = state
        .store
        .open_ticket(NewTicket {
            id: new_id(),
            resource_id: caller.resource_id().to_owned(),
            customer_id: caller.user.id.clone(),
            subject: body.subject,
            priority: body.priority.unwrap_or_default(),
            category: body.category,
            initial_message: body.initial_message.map(|text| (new_id(), text)),
        })
        .await?;
    let access = ticket
        .access(&caller.user)
        .ok_or(AppError::NotFound("conversation"))?;
    let event = Event::TicketCreated(ConversationSummary::from(&ticket));
    state.bus.publish(&Audience::of(&ticket), &event).await;
    Ok(Created(ConversationView::new(ticket, access)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct TicketQuery {
    pub page: Option<i64>,
    pub limit: Option<i64>,
    /// `open`, `pending`, `resolved` or `closed`.
    pub status: Option<Status>,
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
    if query
        .status
        .is_some_and(|status| !status.fits(Kind::Support))
    {
        return Err(AppError::invalid_query(
            "status must be open, pending, resolved or closed",
        ));
    }
    let filter = TicketFilter {
        customer_id: (!caller.user.role.is_elevated()).then(|| caller.user.id.clone()),
        status: query.status,
        priority: query.priority,
        assignee_id: query.assignee_id,
        category: query.category,
    };
    let (tickets, total) = state
        .store
        .list_tickets(caller.resource_id(), &filter, page)
        .await?;
    let views = ConversationView::visible_to(tickets, &caller.user);
    Ok(Data(Page::new(views, total, page)))
}

/// One ticket (its customer, or staff and above).
#[utoipa::path(get, path = "/support/conversations/{id}", tag = "support",
    security(("apiKey" = [], "bearer" = [])),
    params(("id" = String, Path)),
    responses(
        (status = 200, body = Envelope<TicketView>),
        (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
    ))]
async fn get_ticket(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Data<ConversationView>, AppError> {
    let (ticket, access) = messages::load(&state, &caller, Kind::Support, &id).await?;
    Ok(Data(ConversationView::new(ticket, access)))
}

/// Fields to change; absent fields stay. `category` and `assigneeId` take `null` to clear.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateTicket {
    /// Must be the API key's resource if given.
    pub resource_id: Option<String>,
    pub status: Option<Status>,
    pub priority: Option<Priority>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub category: Option<Option<String>>,
    /// An elevated user of the resource, or `null` to unassign.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub assignee_id: Option<Option<String>>,
}

/// Tells an explicit `null` (Some(None)) from an absent field (None).
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(deserializer).map(Some)
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
    let (ticket, _) = messages::load(&state, &caller, Kind::Support, &id).await?;
    let current = ticket
        .ticket
        .as_ref()
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("ticket without ticket fields")))?;
    if !caller.user.role.is_elevated() {
        let only_closing = body.priority.is_none()
            && body.category.is_none()
            && body.assignee_id.is_none()
            && body.status.is_none_or(|status| status == Status::Closed);
        if !only_closing {
            return Err(AppError::forbidden(
                "a customer may only close their ticket",
            ));
        }
    }
    let status = body.status.unwrap_or(ticket.status);
    if !status.fits(Kind::Support) {
        return Err(AppError::bad_request(
            "status must be open, pending, resolved or closed",
        ));
    }
    let category = match &body.category {
        Some(category) => category.as_deref(),
        None => current.category.as_deref(),
    };
    validate_category(category)?;
    let assignee_id = match &body.assignee_id {
        Some(Some(assignee_id)) => {
            let assignee = state
                .store
                .find_user(caller.resource_id(), assignee_id)
                .await?;
            if !assignee.is_some_and(|user| user.role.is_elevated()) {
                return Err(AppError::bad_request(
                    "assigneeId must be a staff member (or higher) of this resource",
                ));
            }
            Some(assignee_id.as_str())
        }
        Some(None) => None,
        None => current.assignee_id.as_deref(),
    };
    let update = TicketUpdate {
        status,
        priority: body.priority.unwrap_or(current.priority),
        category: category.map(str::to_owned),
        assignee_id: assignee_id.map(str::to_owned),
    };
    let ticket = state
        .store
        .update_ticket(caller.resource_id(), &ticket.id, update)
        .await?;
    let access = ticket
        .access(&caller.user)
        .ok_or(AppError::NotFound("conversation"))?;
    let event = Event::TicketUpdated(ConversationSummary::from(&ticket));
    state.bus.publish(&Audience::of(&ticket), &event).await;
    Ok(Data(ConversationView::new(ticket, access)))
}

/// Reply on a ticket, as the customer or as staff (just like P2P). A staff reply moves `open` to
/// `pending`; a customer reply moves `pending` or `resolved` back to `open`; `closed` refuses (403).
#[utoipa::path(post, path = "/support/conversations/{id}/messages", tag = "support", operation_id = "support_send_message",
    security(("apiKey" = [], "bearer" = [])),
    params(("id" = String, Path)),
    request_body = SendMessage,
    responses(
        (status = 201, body = Envelope<Message>),
        (status = 200, description = "repeat of an earlier clientMessageId", body = Envelope<Message>),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    ))]
async fn send_message(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    Json(body): Json<SendMessage>,
) -> Result<Response, AppError> {
    let (ticket, access) = messages::load(&state, &caller, Kind::Support, &id).await?;
    messages::send(&state, &caller, &ticket, access, &headers, body).await
}

/// Ticket history with the same cursors as P2P.
#[utoipa::path(get, path = "/support/conversations/{id}/messages", tag = "support", operation_id = "support_list_messages",
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
    let (ticket, _) = messages::load(&state, &caller, Kind::Support, &id).await?;
    Ok(Data(messages::history(&state, &ticket, query).await?))
}

/// Mark read for the caller's side: the customer, or the staff as a whole.
#[utoipa::path(post, path = "/support/conversations/{id}/mark-as-read", tag = "support", operation_id = "support_mark_as_read",
    security(("apiKey" = [], "bearer" = [])),
    params(("id" = String, Path)),
    request_body(content = Option<MarkRead>, description = "optional"),
    responses(
        (status = 200, body = Envelope<ReadState>),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ))]
async fn mark_as_read(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    OptionalJson(body): OptionalJson<MarkRead>,
) -> Result<Data<ReadState>, AppError> {
    let (ticket, access) = messages::load(&state, &caller, Kind::Support, &id).await?;
    Ok(Data(
        messages::mark_read(&state, &caller, &ticket, access, body).await?,
    ))
}

/// Unread count of the caller's side.
#[utoipa::path(get, path = "/support/conversations/{id}/unread-count", tag = "support", operation_id = "support_unread_count",
    security(("apiKey" = [], "bearer" = [])),
    params(("id" = String, Path)),
    responses(
        (status = 200, body = Envelope<UnreadCount>),
        (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
    ))]
async fn unread_count(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Data<UnreadCount>, AppError> {
    let (ticket, access) = messages::load(&state, &caller, Kind::Support, &id).await?;
    Ok(Data(messages::unread_count(&ticket, access)?))
}
