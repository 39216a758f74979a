//! Users: create, upsert by the site's own id, chat tokens, look up, edit one's own profile.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::conversations::UnreadCount;
use crate::auth::jwt::JwtKeys;
use crate::domain::conversation::ConversationType;
use crate::domain::error::Error;
use crate::domain::id::UserId;
use crate::domain::metadata::Metadata;
use crate::domain::policy;
use crate::domain::resource::{ResourceId, TokenIssuance};
use crate::domain::role::{Permissions, PermissionsPatch, Role};
use crate::domain::time::{now_ms, Timestamp};
use crate::domain::user::{
    AvatarUrl, DisplayName, Email, ExternalId, PublicUser, User, UserRef, Username,
};
use crate::http::envelope::{self, Created, Data, Envelope};
use crate::http::error::{AppError, ErrorBody, ErrorCode};
use crate::http::extract::{Caller, Json, Path, Tenant};
use crate::http::state::AppState;
use crate::realtime::event::{Audience, Event};
use crate::service::{self, Visible};
use crate::store::{NewUser, UserChanges};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_user))
        .routes(routes!(issue_chat_token))
        .routes(routes!(get_me, update_me))
        .routes(routes!(my_unread))
        .routes(routes!(get_user))
        .routes(routes!(upsert_by_external_id, get_by_external_id))
}

/// `POST /users` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateUser {
    /// Must be the API key's resource if given.
    pub resource_id: Option<String>,
    #[schema(pattern = "^[A-Za-z0-9_.-]{3,50}$")]
    pub username: String,
    #[schema(min_length = 3, max_length = 254)]
    pub email: String,
    /// Default `user`.
    pub role: Option<Role>,
    /// Only for elevated roles; overrides the all-true defaults.
    pub permissions: Option<PermissionsPatch>,
    /// The site's own id for the user: 1..128 of `[A-Za-z0-9_.@:-]`, unique in the resource.
    /// On `PUT /users/by-external-id/{externalId}` it may be left out or must be the path's.
    #[schema(pattern = "^[A-Za-z0-9_.@:-]{1,128}$")]
    pub external_id: Option<String>,
    /// The name to show: 1..100 characters, not blank. On an update, left out: unchanged;
    /// `null`: cleared.
    #[serde(default, deserialize_with = "crate::http::extract::present")]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 100)]
    pub display_name: Option<Option<String>>,
    /// An `https` image URL, at most 2,048 characters (left out or `null` as `displayName`).
    #[serde(default, deserialize_with = "crate::http::extract::present")]
    #[schema(value_type = Option<String>, max_length = 2048, format = "uri")]
    pub avatar_url: Option<Option<String>>,
    /// The site's own data: a JSON object of at most 50 keys and 4 KiB serialized, seen by the
    /// user, elevated roles and the site's server. Replaces the whole object; `null` or `{}`
    /// clears it.
    #[serde(default, deserialize_with = "crate::http::extract::present")]
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Option<Map<String, Value>>>,
}

impl CreateUser {
    /// The profile fields of the body, validated.
    fn profile(&mut self) -> Result<CheckedProfile, AppError> {
        ProfileFields {
            display_name: self.display_name.take(),
            avatar_url: self.avatar_url.take(),
            metadata: self.metadata.take(),
        }
        .check()
    }
}

/// Profile fields as a body gives them. Left out: unchanged (on create: none); `null`: cleared.
#[derive(Debug, Default)]
pub struct ProfileFields {
    pub display_name: Option<Option<String>>,
    pub avatar_url: Option<Option<String>>,
    pub metadata: Option<Option<Map<String, Value>>>,
}

/// Profile fields, parsed, as the store takes them.
pub struct CheckedProfile {
    pub display_name: Option<Option<DisplayName>>,
    pub avatar_url: Option<Option<AvatarUrl>>,
    /// `null` in the body is `{}`: cleared.
    pub metadata: Option<Metadata>,
}

impl ProfileFields {
    pub fn check(self) -> Result<CheckedProfile, AppError> {
        Ok(CheckedProfile {
            display_name: parse_nullable(self.display_name, DisplayName::parse)?,
            avatar_url: parse_nullable(self.avatar_url, AvatarUrl::parse)?,
            metadata: match self.metadata {
                Some(Some(metadata)) => Some(Metadata::parse(Value::Object(metadata))?),
                Some(None) => Some(Metadata::default()),
                None => None,
            },
        })
    }
}

/// A field that may be left out (`None`), `null` (`Some(None)`) or a value to parse.
pub fn parse_nullable<T>(
    field: Option<Option<String>>,
    parse: fn(String) -> Result<T, Error>,
) -> Result<Option<Option<T>>, Error> {
    field.map(|value| value.map(parse).transpose()).transpose()
}

/// Who asks to create or change a user through the user routes.
#[derive(Clone, Copy)]
struct Principal {
    has_secret: bool,
    caller_role: Option<Role>,
    token_issuance: TokenIssuance,
}

impl Principal {
    fn of(tenant: &Tenant, caller: Option<&User>) -> Principal {
        Principal {
            has_secret: tenant.has_secret,
            caller_role: caller.map(|caller| caller.role),
            token_issuance: tenant.resource.token_issuance,
        }
    }

    /// May this principal give a user (now of role `current`; `None`: a new user) the role
    /// `role`, with custom permissions if `sets_permissions`? The secret may do anything; an
    /// admin's or superadmin's token what their role manages; the API key alone, on an open
    /// resource, plain users without permissions.
    fn authorize(
        self,
        current: Option<Role>,
        role: Role,
        sets_permissions: bool,
    ) -> Result<(), Error> {
        if self.has_secret {
            return Ok(());
        }
        if let Some(own) = self.caller_role {
            if own.may_manage(role) && current.is_none_or(|current| own.may_manage(current)) {
                return Ok(());
            }
            if own >= Role::Admin {
                return Err(Error::forbidden(
                    "an admin creates and manages users up to moderator; only a superadmin manages admins",
                ));
            }
        }
        let plain = role == Role::User
            && !sets_permissions
            && current.is_none_or(|current| current == Role::User);
        match self.token_issuance {
            TokenIssuance::Open if plain => Ok(()),
            TokenIssuance::Open => Err(Error::SecretRequired(
                "elevated roles and permissions need x-api-secret or an admin's chat token".into(),
            )),
            TokenIssuance::Secret => Err(Error::SecretRequired(
                "this resource creates users only with x-api-secret or an admin's chat token"
                    .into(),
            )),
        }
    }

    /// The role and permissions a user gets (`current`: as it is now; `None`: new), authorised.
    fn decide(
        self,
        current: Option<&User>,
        role: Option<Role>,
        permissions: Option<PermissionsPatch>,
    ) -> Result<(Role, Permissions), Error> {
        let role = role.unwrap_or(current.map_or(Role::User, |current| current.role));
        let sets_permissions = permissions.is_some();
        if role == Role::User && sets_permissions {
            return Err(Error::invalid_body(
                "permissions may only be given for elevated roles",
            ));
        }
        self.authorize(current.map(|current| current.role), role, sets_permissions)?;
        let base = match current {
            Some(current) if role != Role::User => current.permissions,
            _ => Permissions::default(),
        };
        Ok((role, base.merged(permissions.unwrap_or_default())))
    }
}

/// Create a user of the API key's resource.
///
/// Open resources let the API key alone create plain users; elevated roles and permissions need
/// `x-api-secret` or the chat token of an admin (up to moderator) or superadmin (any role).
#[utoipa::path(post, path = "/users", tag = "users",
    security(("apiKey" = []), ("apiKey" = [], "apiSecret" = []), ("apiKey" = [], "bearer" = [])),
    request_body = CreateUser,
    responses(
        (status = 201, body = Envelope<User>),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
    ))]
async fn create_user(
    State(state): State<AppState>,
    tenant: Tenant,
    caller: Option<Caller>,
    Json(mut request): Json<CreateUser>,
) -> Result<Created<User>, AppError> {
    let username = Username::parse(request.username.clone())?;
    let email = Email::parse(request.email.clone())?;
    let external_id = request
        .external_id
        .take()
        .map(ExternalId::parse)
        .transpose()?;
    let profile = request.profile()?;
    let principal = Principal::of(&tenant, caller.as_ref().map(|c| &c.user));
    let (role, permissions) = principal.decide(None, request.role, request.permissions)?;
    let user = state
        .store
        .insert_user(NewUser {
            id: UserId::new(),
            resource_id: tenant.resource.resource_id.clone(),
            username,
            email,
            role,
            permissions,
            external_id,
            display_name: profile.display_name.flatten(),
            avatar_url: profile.avatar_url.flatten(),
            metadata: profile.metadata.unwrap_or_default(),
        })
        .await?;
    Ok(Created(user))
}

/// Creates the user `external_id` of the tenant's resource from `request`, or updates it: the
/// username and email given, the role and permissions if given, the profile fields given (left
/// out: unchanged; `null`: cleared). Answers the user and whether it was created.
async fn upsert_user(
    state: &AppState,
    tenant: &Tenant,
    caller: Option<&User>,
    external_id: &str,
    mut request: CreateUser,
) -> Result<(User, bool), AppError> {
    let external_id = ExternalId::parse(external_id.to_owned())?;
    if request
        .external_id
        .as_deref()
        .is_some_and(|given| given != external_id.as_str())
    {
        return Err(AppError::bad_request(
            "externalId in the body must be the one of the path (or be left out)",
        ));
    }
    let username = Username::parse(request.username.clone())?;
    let email = Email::parse(request.email.clone())?;
    let profile = request.profile()?;
    let principal = Principal::of(tenant, caller);
    let (role, permissions) = (request.role, request.permissions);
    let new = NewUser {
        id: UserId::new(),
        resource_id: tenant.resource.resource_id.clone(),
        username: username.clone(),
        email: email.clone(),
        role: Role::User,
        permissions: Permissions::default(),
        external_id: Some(external_id),
        display_name: profile.display_name.clone().flatten(),
        avatar_url: profile.avatar_url.clone().flatten(),
        metadata: profile.metadata.clone().unwrap_or_default(),
    };
    let changes = UserChanges {
        role: None,
        username: Some(username),
        email: Some(email),
        external_id: None,
        display_name: profile.display_name,
        avatar_url: profile.avatar_url,
        metadata: profile.metadata,
    };
    let upserted = state
        .store
        .upsert_user(new, changes, move |current| {
            principal.decide(current, role, permissions)
        })
        .await?;
    if let Some(before) = &upserted.before {
        announce_profile(state, before, &upserted.user).await;
    }
    Ok((upserted.user, upserted.before.is_none()))
}

/// Tells whoever shares a conversation with the user that their public profile changed (if it
/// did): their P2P partners, the resource's staff if they opened a ticket, and their own other
/// connections.
pub async fn announce_profile(state: &AppState, before: &User, after: &User) {
    let profile = after.profile();
    if before.profile() == profile {
        return;
    }
    match state
        .store
        .user_counterparts(&after.resource_id, &after.id)
        .await
    {
        Ok((mut users, has_tickets)) => {
            users.push(after.id.clone());
            let audience = Audience {
                resource_id: after.resource_id.clone(),
                users,
                roles_from: has_tickets.then(|| policy::sees_every(ConversationType::Support)),
                except: None,
            };
            state
                .bus
                .publish(&audience, &Event::UserUpdated(profile))
                .await;
        }
        Err(error) => tracing::warn!(%error, "profile change not announced"),
    }
}

/// Create or update the user the site knows as `externalId`, in one idempotent call.
///
/// The body is `POST /users`'s. A new user answers 201, an existing one is updated (username and
/// email as given; role and permissions if given; profile fields given, `null` clearing them)
/// and answers 200. Concurrent calls for one `externalId` make one user. Who may: as for `POST
/// /users` (the secret; an admin's chat token within the role hierarchy; on an open resource,
/// the API key alone for plain users).
#[utoipa::path(put, path = "/users/by-external-id/{externalId}", tag = "users",
    params(("externalId" = String, Path)),
    security(("apiKey" = []), ("apiKey" = [], "apiSecret" = []), ("apiKey" = [], "bearer" = [])),
    request_body = CreateUser,
    responses(
        (status = 200, description = "Updated.", body = Envelope<User>),
        (status = 201, body = Envelope<User>),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
    ))]
async fn upsert_by_external_id(
    State(state): State<AppState>,
    tenant: Tenant,
    caller: Option<Caller>,
    Path(external_id): Path<String>,
    Json(request): Json<CreateUser>,
) -> Result<Response, AppError> {
    let (user, created) = upsert_user(
        &state,
        &tenant,
        caller.as_ref().map(|c| &c.user),
        &external_id,
        request,
    )
    .await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(envelope::envelope(status, user))
}

/// The user the site knows as `externalId`: with `x-api-secret`, the whole user; with a chat
/// token, as `GET /users/{id}` shows it.
#[utoipa::path(get, path = "/users/by-external-id/{externalId}", tag = "users",
    params(("externalId" = String, Path)),
    security(("apiKey" = [], "apiSecret" = []), ("apiKey" = [], "bearer" = [])),
    responses(
        (status = 200, description = "The user: the whole `User` for the site's server, themself and elevated roles, the `PublicUser` profile for other plain users.", body = Envelope<UserView>),
        (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
    ))]
async fn get_by_external_id(
    State(state): State<AppState>,
    tenant: Tenant,
    caller: Option<Caller>,
    Path(external_id): Path<String>,
) -> Result<Data<UserView>, AppError> {
    if caller.is_none() && !tenant.has_secret {
        return Err(AppError::unauthorized(
            "a chat token (Authorization: Bearer) or x-api-secret is required",
            ErrorCode::MissingToken,
        ));
    }
    let user = state
        .store
        .find_user_ref(&tenant.resource.resource_id, UserRef::External(external_id))
        .await?
        .ok_or(AppError::NotFound("user"))?;
    Ok(Data(UserView::for_viewer(
        user,
        caller.as_ref().map(|c| &c.user),
    )))
}

/// `POST /users/chat-token` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChatTokenRequest {
    /// The user, by ChatCloud's id; or give `externalId`.
    #[schema(pattern = "^[0-9a-f]{24}$")]
    pub user_id: Option<String>,
    /// The user, by the site's own id; or give `userId`.
    #[schema(pattern = "^[A-Za-z0-9_.@:-]{1,128}$")]
    pub external_id: Option<String>,
    /// With `externalId`: create or update the user first, as `PUT
    /// /users/by-external-id/{externalId}` does with this body, so that a site's token endpoint
    /// is one request.
    pub user: Option<CreateUser>,
    /// Must be the API key's resource if given.
    pub resource_id: Option<String>,
}

/// A chat token and whom it is for.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChatToken {
    pub chat_token: String,
    pub expires_at: Timestamp,
    pub user: TokenUser,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TokenUser {
    pub id: UserId,
    #[schema(pattern = "^[A-Za-z0-9_.-]{3,50}$")]
    pub username: String,
    pub role: Role,
}

/// Issue a chat token (HS256 JWT, valid 30 days) for a user.
///
/// The user is named by `userId` or `externalId`; with `externalId` and `user`, the user is
/// created or updated first (as by `PUT /users/by-external-id/{externalId}`). Open resources
/// issue tokens for plain users with the API key alone; elevated users, and every user of a
/// secret resource, need `x-api-secret`.
#[utoipa::path(post, path = "/users/chat-token", tag = "users",
    security(("apiKey" = []), ("apiKey" = [], "apiSecret" = [])),
    request_body = ChatTokenRequest,
    responses(
        (status = 200, body = Envelope<ChatToken>),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    ))]
async fn issue_chat_token(
    State(state): State<AppState>,
    tenant: Tenant,
    Json(request): Json<ChatTokenRequest>,
) -> Result<Data<ChatToken>, AppError> {
    let resource_id = &tenant.resource.resource_id;
    let user = match (request.user_id, request.external_id, request.user) {
        (Some(_), Some(_), _) | (None, None, _) => {
            return Err(AppError::bad_request(
                "give exactly one of userId and externalId",
            ))
        }
        (Some(_), None, Some(_)) => {
            return Err(AppError::bad_request(
                "user (create or update) goes with externalId, not userId",
            ))
        }
        (Some(id), None, None) => {
            let id = UserId::parse(&id).ok_or(AppError::NotFound("user"))?;
            state.store.find_user(resource_id, &id).await?
        }
        (None, Some(external_id), None) => {
            let external_id = ExternalId::parse(external_id)?;
            state
                .store
                .find_user_ref(resource_id, UserRef::External(external_id.into_string()))
                .await?
        }
        (None, Some(external_id), Some(body)) => {
            // Refused before anything is written: a token this request could not get.
            if !tenant.has_secret
                && (tenant.resource.token_issuance == TokenIssuance::Secret
                    || body.role.is_some_and(Role::is_elevated))
            {
                return Err(AppError::secret_required(
                    "this chat token needs x-api-secret",
                ));
            }
            Some(
                upsert_user(&state, &tenant, None, &external_id, body)
                    .await?
                    .0,
            )
        }
    }
    .ok_or(AppError::NotFound("user"))?;
    may_get_token(&tenant, &user)?;
    Ok(Data(ChatToken::issue(&state.jwt, user)?))
}

/// Whether the request's credentials get a chat token for `user`: the secret always; the API
/// key alone only for a plain user of an open resource.
fn may_get_token(tenant: &Tenant, user: &User) -> Result<(), AppError> {
    if tenant.has_secret {
        return Ok(());
    }
    match tenant.resource.token_issuance {
        TokenIssuance::Open if !user.role.is_elevated() => Ok(()),
        TokenIssuance::Open => Err(AppError::secret_required(
            "chat tokens for elevated roles need x-api-secret",
        )),
        TokenIssuance::Secret => Err(AppError::secret_required(
            "this resource issues chat tokens only with x-api-secret",
        )),
    }
}

impl ChatToken {
    /// A fresh token for `user`, valid 30 days (also printed by `chatcloud token`).
    pub fn issue(jwt: &JwtKeys, user: User) -> Result<ChatToken, AppError> {
        let (chat_token, claims) = jwt
            .issue(
                &user.id,
                &user.resource_id,
                user.token_version,
                now_ms() / 1000,
            )
            .map_err(AppError::internal)?;
        Ok(ChatToken {
            chat_token,
            expires_at: Timestamp::from_millis(claims.exp * 1000),
            user: TokenUser {
                id: user.id,
                username: user.username,
                role: user.role,
            },
        })
    }
}

/// The user of the chat token.
#[utoipa::path(get, path = "/users/me", tag = "users",
    security(("apiKey" = [], "bearer" = [])),
    responses((status = 200, body = Envelope<User>), (status = 401, body = ErrorBody)))]
async fn get_me(caller: Caller) -> Data<User> {
    Data(caller.user)
}

/// `PATCH /users/me` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateMe {
    /// Must be the API key's resource if given.
    pub resource_id: Option<String>,
    /// 1..100 characters; `null` clears it.
    #[serde(default, deserialize_with = "crate::http::extract::present")]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 100)]
    pub display_name: Option<Option<String>>,
    /// An `https` URL; `null` clears it.
    #[serde(default, deserialize_with = "crate::http::extract::present")]
    #[schema(value_type = Option<String>, max_length = 2048, format = "uri")]
    pub avatar_url: Option<Option<String>>,
}

/// Change one's own display name and avatar (not metadata, which is the site's). A resource
/// may turn this off (`selfProfileEdit`): then 403, and only the site's server or an admin
/// changes profiles. Whoever shares a conversation with the user receives `user.updated`.
#[utoipa::path(patch, path = "/users/me", tag = "users",
    security(("apiKey" = [], "bearer" = [])),
    request_body = UpdateMe,
    responses(
        (status = 200, body = Envelope<User>),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
    ))]
async fn update_me(
    State(state): State<AppState>,
    caller: Caller,
    Json(request): Json<UpdateMe>,
) -> Result<Data<User>, AppError> {
    let profile = ProfileFields {
        display_name: request.display_name,
        avatar_url: request.avatar_url,
        metadata: None,
    }
    .check()?;
    if !caller.tenant.resource.self_profile_edit {
        return Err(AppError::forbidden(
            "this resource does not let users edit their own profile",
        ));
    }
    let changes = UserChanges {
        display_name: profile.display_name,
        avatar_url: profile.avatar_url,
        ..UserChanges::default()
    };
    let changed = state
        .store
        .update_user(caller.resource_id(), &caller.user.id, changes)
        .await?
        .ok_or(AppError::NotFound("user"))?;
    announce_profile(&state, &changed.before, &changed.after).await;
    Ok(Data(changed.after))
}

/// How many conversations `GET /users/me/unread` lists at most (the totals count them all).
pub const UNREAD_LIST_LIMIT: i64 = 1000;

/// Everything the caller has not read: one request to resynchronise a client's badges.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MyUnread {
    /// `conversations` plus `tickets` totals.
    pub total: i64,
    /// P2P conversations with unread messages, newest activity first, as `GET
    /// .../unread-count` answers each.
    pub conversations: Vec<UnreadCount>,
    /// Tickets with unread messages on the caller's side (their own as the customer; every
    /// ticket of the resource for staff and above), newest activity first.
    pub tickets: Vec<UnreadCount>,
    /// Unread messages over all P2P conversations.
    pub conversations_total: i64,
    /// Unread messages over all tickets.
    pub tickets_total: i64,
}

/// The caller's unread messages: the total, and each conversation and ticket that has any (at
/// most 1,000 of them, newest activity first; the totals count every one). Each entry is what
/// that conversation's `unread-count` route answers.
#[utoipa::path(get, path = "/users/me/unread", tag = "users",
    security(("apiKey" = [], "bearer" = [])),
    responses((status = 200, body = Envelope<MyUnread>), (status = 401, body = ErrorBody)))]
async fn my_unread(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Data<MyUnread>, AppError> {
    let unread = state
        .store
        .unread_of(
            caller.resource_id(),
            &caller.user.id,
            policy::answers_tickets(&caller.user),
            UNREAD_LIST_LIMIT,
        )
        .await?;
    let (mut conversations, mut tickets) = (Vec::new(), Vec::new());
    for conversation in unread.conversations {
        let Some(access) = policy::access(&caller.user, &conversation) else {
            continue;
        };
        let conversation_type = conversation.conversation_type();
        let count = UnreadCount::of(&Visible {
            conversation,
            access,
        })?;
        match conversation_type {
            ConversationType::P2p => conversations.push(count),
            ConversationType::Support => tickets.push(count),
        }
    }
    Ok(Data(MyUnread {
        total: unread.p2p_total + unread.tickets_total,
        conversations,
        tickets,
        conversations_total: unread.p2p_total,
        tickets_total: unread.tickets_total,
    }))
}

/// What the caller may see of a user: everything (themself, elevated roles) or the public
/// profile (other plain users).
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum UserView {
    Full(User),
    Public(PublicUser),
}

impl UserView {
    /// `user` as `viewer` may see them (`None`: the site's server, with the secret).
    pub fn for_viewer(user: User, viewer: Option<&User>) -> UserView {
        match viewer {
            Some(viewer) if viewer.id != user.id && !viewer.role.is_elevated() => {
                UserView::Public(user.into())
            }
            _ => UserView::Full(user),
        }
    }
}

/// A user of the same resource, by id or as `ext:<externalId>`. Email, permissions and metadata
/// are shown to the user themself and to elevated roles; other users see the public profile.
#[utoipa::path(get, path = "/users/{id}", tag = "users",
    params(("id" = String, Path)),
    security(("apiKey" = [], "bearer" = [])),
    responses(
        (status = 200, description = "The user: the whole `User` for themself and elevated roles, the `PublicUser` profile for other plain users.", body = Envelope<UserView>),
        (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
    ))]
async fn get_user(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Data<UserView>, AppError> {
    let user = named_user(&state, caller.resource_id(), &id).await?;
    Ok(Data(UserView::for_viewer(user, Some(&caller.user))))
}

/// The user of the resource that a path names by id or as `ext:<externalId>`; 404 if there is
/// none.
pub async fn named_user(
    state: &AppState,
    resource_id: &ResourceId,
    text: &str,
) -> Result<User, AppError> {
    let named = service::user_ref(text)?;
    let user = state.store.find_user_ref(resource_id, named).await?;
    user.ok_or(AppError::NotFound("user"))
}
