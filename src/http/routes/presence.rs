//! Presence: whether a user is connected to the real-time API.

use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::domain::id::UserId;
use crate::domain::policy::{self, PresenceRule};
use crate::domain::time::{now_ms, Timestamp};
use crate::domain::user::UserRef;
use crate::http::envelope::{Data, Envelope};
use crate::http::error::{AppError, ErrorBody};
use crate::http::extract::{Caller, Path};
use crate::http::state::AppState;
use crate::service;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_presence))
}

/// Whether a user is connected.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PresenceView {
    pub user_id: UserId,
    pub online: bool,
    /// When they were last connected (`null` if never).
    pub last_seen_at: Option<Timestamp>,
}

/// A user's presence (by id or as `ext:<externalId>`), for users who share a P2P conversation with them, themselves, and
/// elevated roles (others get 404, as for the conversation).
#[utoipa::path(get, path = "/users/{id}/presence", tag = "realtime",
    params(("id" = String, Path)),
    security(("apiKey" = [], "bearer" = [])),
    responses(
        (status = 200, body = Envelope<PresenceView>),
        (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
    ))]
async fn get_presence(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Data<PresenceView>, AppError> {
    let resource_id = caller.resource_id();
    let id = match service::user_ref(&id)? {
        UserRef::Id(id) => id,
        external => {
            let user = state.store.find_user_ref(resource_id, external).await?;
            user.ok_or(AppError::NotFound("user"))?.id
        }
    };
    let may_see = match policy::presence_rule(&caller.user, &id) {
        PresenceRule::Granted => true,
        PresenceRule::IfTheyShareAChat => {
            state
                .store
                .share_p2p(resource_id, &caller.user.id, &id)
                .await?
        }
    };
    let online_until = match may_see {
        true => state.store.online_until(resource_id, &id).await?,
        false => None,
    };
    let online_until = online_until.ok_or(AppError::NotFound("user"))?;
    let now = now_ms();
    Ok(Data(PresenceView {
        user_id: id,
        online: online_until > now,
        last_seen_at: (online_until > 0).then(|| Timestamp::from_millis(online_until.min(now))),
    }))
}
