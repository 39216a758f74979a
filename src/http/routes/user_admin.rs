//! User administration: list and search users, look profiles up by id, change roles,
//! permissions and profiles, revoke tokens.

use axum::extract::State;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::domain::id::UserId;
use crate::domain::page::{Page, PageQuery};
use crate::domain::role::{Permissions, PermissionsPatch, Role};
use crate::domain::time::Timestamp;
use crate::domain::user::{ExternalId, User, UserProfile, UserRef};
use crate::http::envelope::{Data, Envelope};
use crate::http::error::{AppError, ErrorBody, ErrorCode};
use crate::http::extract::{Caller, Json, Path, Query, Tenant};
use crate::http::routes::users::{announce_profile, named_user, parse_nullable, ProfileFields};
use crate::http::state::AppState;
use crate::store::UserChanges;

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
    pub user_id: UserId,
    pub revoked_at: Timestamp,
}

/// Revoke every chat token issued to a user (by id or as `ext:<externalId>`) so far; they get 401 `invalid_token` from now on.
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
    let target = named_user(&state, resource_id, &id).await?;
    let id = target.id.clone();
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
    /// Comma-separated user ids (or `ext:<externalId>`), at most 100: answers the public
    /// profiles of those that exist, in the order asked, to any user of the resource. Not
    /// combined with the other parameters.
    pub ids: Option<String>,
}

/// Most users one `GET /users?ids=` asks for.
pub const IDS_MAX: usize = 100;

/// `GET /users`: a page of users (administration), or profiles by id (`ids`).
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum UserList {
    Page(Page<User>),
    Profiles(Vec<UserProfile>),
}

/// List and search the resource's users, newest first (admins, superadmins, or the secret); or,
/// with `ids`, the public profiles of those users (any user of the resource).
#[utoipa::path(get, path = "/users", tag = "users",
    security(("apiKey" = [], "bearer" = []), ("apiKey" = [], "apiSecret" = [])),
    params(UserQuery),
    responses(
        (status = 200, description = "A page of `User`s; with `ids`, an array of `UserProfile`s (those found, in the order asked).", body = Envelope<UserList>),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
    ))]
async fn list_users(
    State(state): State<AppState>,
    tenant: Tenant,
    caller: Option<Caller>,
    Query(query): Query<UserQuery>,
) -> Result<Data<UserList>, AppError> {
    if let Some(ids) = &query.ids {
        if caller.is_none() && !tenant.has_secret {
            return Err(AppError::unauthorized(
                "Authorization: Bearer <chatToken> (or x-api-secret) is required",
                ErrorCode::MissingToken,
            ));
        }
        if query.page.is_some()
            || query.limit.is_some()
            || query.role.is_some()
            || query.q.is_some()
        {
            return Err(AppError::invalid_query(
                "ids cannot be combined with page, limit, role or q",
            ));
        }
        let refs = parse_ids(ids)?;
        let users = state
            .store
            .find_users(&tenant.resource.resource_id, refs)
            .await?;
        return Ok(Data(UserList::Profiles(
            users.iter().map(User::profile).collect(),
        )));
    }
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
    Ok(Data(UserList::Page(Page::new(users, total, page))))
}

/// `a,b,c`: 1..=100 ids or `ext:<externalId>`s.
fn parse_ids(ids: &str) -> Result<Vec<UserRef>, AppError> {
    let texts: Vec<&str> = ids.split(',').collect();
    if texts.len() > IDS_MAX {
        return Err(AppError::invalid_query(format!(
            "ids may name at most {IDS_MAX} users"
        )));
    }
    let valid = |named: &UserRef| match named {
        UserRef::Id(_) => true,
        UserRef::External(external_id) => ExternalId::parse(external_id.clone()).is_ok(),
    };
    texts
        .into_iter()
        .map(|text| UserRef::parse(text).filter(valid))
        .collect::<Option<Vec<UserRef>>>()
        .ok_or_else(|| {
            AppError::invalid_query("ids must be comma-separated user ids or ext:<externalId>")
        })
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
    /// The site's own id for the user (unique in the resource); `null` removes it.
    #[serde(default, deserialize_with = "crate::http::extract::present")]
    #[schema(value_type = Option<String>, pattern = "^[A-Za-z0-9_.@:-]{1,128}$")]
    pub external_id: Option<Option<String>>,
    /// 1..100 characters; `null` clears it.
    #[serde(default, deserialize_with = "crate::http::extract::present")]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 100)]
    pub display_name: Option<Option<String>>,
    /// An `https` URL of at most 2,048 characters; `null` clears it.
    #[serde(default, deserialize_with = "crate::http::extract::present")]
    #[schema(value_type = Option<String>, max_length = 2048, format = "uri")]
    pub avatar_url: Option<Option<String>>,
    /// A JSON object (at most 50 keys, 4 KiB serialized) replacing the current one; `null` or
    /// `{}` clears it.
    #[serde(default, deserialize_with = "crate::http::extract::present")]
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Option<Map<String, Value>>>,
}

/// Change a user's role, permissions, external id or profile (by id or as
/// `ext:<externalId>`); role and permissions apply to their very next request.
///
/// A superadmin manages every role, an admin users up to moderator (and cannot promote beyond
/// it); nobody edits a stronger role. Demoting to `user` resets the permissions to the defaults.
/// A change of display name or avatar sends `user.updated` to whoever shares a conversation
/// with the user.
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
    let external_id = parse_nullable(body.external_id, ExternalId::parse)?;
    let profile = ProfileFields {
        display_name: body.display_name,
        avatar_url: body.avatar_url,
        metadata: body.metadata,
    }
    .check()?;
    let target = named_user(&state, resource_id, &id).await?;
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
    let changes = UserChanges {
        role: Some((role, permissions)),
        external_id,
        display_name: profile.display_name,
        avatar_url: profile.avatar_url,
        metadata: profile.metadata,
        ..UserChanges::default()
    };
    let changed = state
        .store
        .update_user(resource_id, &target.id, changes)
        .await?
        .ok_or(AppError::NotFound("user"))?;
    announce_profile(&state, &changed.before, &changed.after).await;
    Ok(Data(changed.after))
}
