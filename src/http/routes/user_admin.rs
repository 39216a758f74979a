//! User administration: list and search users, change roles and permissions, revoke tokens.

use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::domain::page::{Page, PageQuery};
use crate::domain::role::{Permissions, PermissionsPatch, Role};
use crate::domain::time::Timestamp;
use crate::domain::user::User;
use crate::error::{AppError, ErrorBody};
use crate::http::envelope::{Data, Envelope};
use crate::http::extract::{Caller, Json, Path, Query, Tenant};
use crate::http::state::AppState;
use crate::store::UserPatch;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_users))
        .routes(routes!(update_user))
        .routes(routes!(revoke_tokens))
}

/// When a user's tokens were revoked.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RevokedTokens {
    pub user_id: String,
    pub revoked_at: Timestamp,
}

/// Revoke every chat token issued to a user so far; they get 401 `invalid_token` from now on.
///
/// Allowed with `x-api-secret`, for the user themself, and for an admin (users up to moderator) or
/// superadmin.
#[utoipa::path(post, path = "/users/{id}/revoke-tokens", tag = "users",
    params(("id" = String, Path)),
    security(("apiKey" = [], "apiSecret" = []), ("apiKey" = [], "bearer" = [])),
    responses(
        (status = 200, body = Envelope<RevokedTokens>),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ))]
async fn revoke_tokens(
    State(state): State<AppState>,
    tenant: Tenant,
    caller: Option<Caller>,
    Path(id): Path<String>,
) -> Result<Data<RevokedTokens>, AppError> {
    let resource_id = &tenant.resource.resource_id;
    let target = state
        .store
        .find_user(resource_id, &id)
        .await?
        .ok_or(AppError::NotFound("user"))?;
    let is_self = caller
        .as_ref()
        .is_some_and(|caller| caller.user.id == target.id);
    if !is_self && !Manager::of(&tenant, caller.as_ref())?.may_manage(target.role) {
        return Err(AppError::forbidden(
            "only an admin above this user's role may revoke their tokens",
        ));
    }
    let at = state
        .store
        .revoke_user_tokens(resource_id, &id)
        .await?
        .ok_or(AppError::NotFound("user"))?;
    Ok(Data(RevokedTokens {
        user_id: id,
        revoked_at: at,
    }))
}

/// Who administers users: the site's server (with the secret) or an admin or superadmin.
enum Manager {
    Secret,
    Role(Role),
}

impl Manager {
    fn of(tenant: &Tenant, caller: Option<&Caller>) -> Result<Manager, AppError> {
        if tenant.has_secret {
            return Ok(Manager::Secret);
        }
        match caller {
            Some(caller) if caller.user.role >= Role::Admin => Ok(Manager::Role(caller.user.role)),
            Some(_) => Err(AppError::forbidden(
                "user administration is for admins and superadmins",
            )),
            None => Err(AppError::secret_required(
                "user administration needs x-api-secret or an admin's chat token",
            )),
        }
    }

    fn may_manage(&self, role: Role) -> bool {
        match self {
            Manager::Secret => true,
            Manager::Role(own) => own.may_manage(role),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserQuery {
    pub page: Option<i64>,
    pub limit: Option<i64>,
    pub role: Option<Role>,
    /// Case-insensitive part of the username or email (at most 100 characters; empty: no search).
    pub q: Option<String>,
}

/// List and search the resource's users, newest first (admins, superadmins, or the secret).
#[utoipa::path(get, path = "/users", tag = "users",
    security(("apiKey" = [], "bearer" = []), ("apiKey" = [], "apiSecret" = [])),
    params(UserQuery),
    responses(
        (status = 200, body = Envelope<Page<User>>),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
    ))]
async fn list_users(
    State(state): State<AppState>,
    tenant: Tenant,
    caller: Option<Caller>,
    Query(query): Query<UserQuery>,
) -> Result<Data<Page<User>>, AppError> {
    Manager::of(&tenant, caller.as_ref())?;
    let page = PageQuery::check(query.page, query.limit)?;
    let search = query.q.as_deref().filter(|q| !q.is_empty());
    if search.is_some_and(|q| q.chars().count() > 100) {
        return Err(AppError::invalid_query("q must be at most 100 characters"));
    }
    let (users, total) = state
        .store
        .list_users(&tenant.resource.resource_id, query.role, search, page)
        .await?;
    Ok(Data(Page::new(users, total, page)))
}

/// `PATCH /users/:id` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateUser {
    /// Must be the API key's resource if given.
    pub resource_id: Option<String>,
    pub role: Option<Role>,
    /// Merged into the current flags (elevated roles only).
    pub permissions: Option<PermissionsPatch>,
}

/// Change a user's role and permissions; it applies to their very next request.
///
/// A superadmin manages every role, an admin users up to moderator (and cannot promote beyond
/// it); nobody edits a stronger role. Demoting to `user` resets the permissions to the defaults.
#[utoipa::path(patch, path = "/users/{id}", tag = "users",
    params(("id" = String, Path)),
    security(("apiKey" = [], "bearer" = []), ("apiKey" = [], "apiSecret" = [])),
    request_body = UpdateUser,
    responses(
        (status = 200, body = Envelope<User>),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    ))]
async fn update_user(
    State(state): State<AppState>,
    tenant: Tenant,
    caller: Option<Caller>,
    Path(id): Path<String>,
    Json(body): Json<UpdateUser>,
) -> Result<Data<User>, AppError> {
    let manager = Manager::of(&tenant, caller.as_ref())?;
    let resource_id = &tenant.resource.resource_id;
    let target = state
        .store
        .find_user(resource_id, &id)
        .await?
        .ok_or(AppError::NotFound("user"))?;
    let role = body.role.unwrap_or(target.role);
    if !manager.may_manage(target.role) || !manager.may_manage(role) {
        return Err(AppError::forbidden(
            "an admin manages users up to moderator; only a superadmin manages admins",
        ));
    }
    let permissions = match (role, body.permissions) {
        (Role::User, Some(_)) => {
            return Err(AppError::bad_request(
                "permissions may only be given for elevated roles",
            ))
        }
        (Role::User, None) => Permissions::default(),
        (_, patch) => target.permissions.merged(patch.unwrap_or_default()),
    };
    let patch = UserPatch { role, permissions };
    let user = state
        .store
        .update_user(resource_id, &id, patch)
        .await?
        .ok_or(AppError::NotFound("user"))?;
    Ok(Data(user))
}
