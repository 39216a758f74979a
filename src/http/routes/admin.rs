//! The admin panel: every conversation of the resource, statistics, one user's conversations.

use axum::extract::State;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::domain::conversation::{AnyStatus, ConversationType};
use crate::domain::page::{Page, PageQuery, PageRequest};
use crate::domain::policy::{self, AdminPart};
use crate::domain::stats::Stats;
use crate::domain::time::now_ms;
use crate::http::envelope::{Data, Envelope};
use crate::http::error::{AppError, ErrorBody};
use crate::http::extract::{user_filter, Caller, Path, Query};
use crate::http::routes::users::named_user;
use crate::http::state::AppState;
use crate::http::view::{conversation_views, ConversationView};
use crate::store::AdminFilter;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_conversations))
        .routes(routes!(stats))
        .routes(routes!(user_conversations))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct AdminQuery {
    pub page: Option<i64>,
    pub limit: Option<i64>,
    /// `p2p` or `support`.
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub kind: Option<String>,
    pub status: Option<AnyStatus>,
    /// Only conversations this user takes part in.
    pub user_id: Option<String>,
}

/// P2P conversations and support tickets together, newest activity first, each with `type`.
///
/// Staff see every ticket and the P2P conversations they take part in; moderators and above see
/// every conversation of the resource.
#[utoipa::path(get, path = "/admin-panel/conversations", tag = "admin", operation_id = "admin_list_conversations",
    security(("apiKey" = [], "bearer" = [])),
    params(AdminQuery),
    responses(
        (status = 200, body = Envelope<Page<ConversationView>>),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
    ))]
async fn list_conversations(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<AdminQuery>,
) -> Result<Data<Page<ConversationView>>, AppError> {
    policy::may_use_admin_panel(&caller.user, AdminPart::Panel)?;
    let kind = match query.kind.as_deref() {
        None => None,
        Some(kind) => Some(
            ConversationType::parse(kind)
                .ok_or_else(|| AppError::invalid_query("type must be p2p or support"))?,
        ),
    };
    let page = PageQuery::check(query.page, query.limit)?;
    let Some(participant) = user_filter(query.user_id.as_deref()) else {
        return Ok(Data(Page::new(Vec::new(), 0, page)));
    };
    let filter = AdminFilter {
        kind,
        status: query.status,
        participant: participant.as_ref(),
        p2p_member: (!policy::sees_others_chats(&caller.user)).then_some(&caller.user.id),
    };
    list(&state, &caller, &filter, page).await
}

async fn list(
    state: &AppState,
    caller: &Caller,
    filter: &AdminFilter<'_>,
    page: PageRequest,
) -> Result<Data<Page<ConversationView>>, AppError> {
    let (conversations, total) = state
        .store
        .list_all_conversations(caller.resource_id(), filter, page)
        .await?;
    let views = conversation_views(&state.store, &caller.user, conversations).await?;
    Ok(Data(Page::new(views, total, page)))
}

/// Dashboard counts of the resource, kept as counters (cheap at any size).
#[utoipa::path(get, path = "/admin-panel/stats", tag = "admin",
    security(("apiKey" = [], "bearer" = [])),
    responses(
        (status = 200, body = Envelope<Stats>),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    ))]
async fn stats(State(state): State<AppState>, caller: Caller) -> Result<Data<Stats>, AppError> {
    policy::may_use_admin_panel(&caller.user, AdminPart::Panel)?;
    Ok(Data(
        state.store.stats(caller.resource_id(), now_ms()).await?,
    ))
}

/// Every P2P conversation and ticket of one user, by id or as `ext:<externalId>` (admins and
/// superadmins).
#[utoipa::path(get, path = "/admin-panel/users/{userId}/conversations", tag = "admin",
    security(("apiKey" = [], "bearer" = [])),
    params(("userId" = String, Path), PageQuery),
    responses(
        (status = 200, body = Envelope<Page<ConversationView>>),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    ))]
async fn user_conversations(
    State(state): State<AppState>,
    caller: Caller,
    Path(user_id): Path<String>,
    Query(query): Query<PageQuery>,
) -> Result<Data<Page<ConversationView>>, AppError> {
    policy::may_use_admin_panel(&caller.user, AdminPart::UserConversations)?;
    let page = query.validate()?;
    let user = named_user(&state, caller.resource_id(), &user_id).await?;
    let filter = AdminFilter {
        participant: Some(&user.id),
        ..AdminFilter::default()
    };
    list(&state, &caller, &filter, page).await
}
