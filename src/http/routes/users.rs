//! Users: create, chat tokens, look up, revoke tokens.

use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::conversations::UnreadCount;
use crate::auth::jwt::JwtKeys;
use crate::domain::conversation::ConversationType;
use crate::domain::id::new_id;
use crate::domain::policy;
use crate::domain::resource::TokenIssuance;
use crate::domain::role::{Permissions, PermissionsPatch, Role};
use crate::domain::time::{now_ms, Timestamp};
use crate::domain::user::{validate_email, validate_username, PublicUser, User};
use crate::error::{AppError, ErrorBody};
use crate::http::envelope::{Created, Data, Envelope};
use crate::http::extract::{Caller, Json, Path, Tenant};
use crate::http::state::AppState;
use crate::service::Visible;
use crate::store::NewUser;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_user))
        .routes(routes!(issue_chat_token))
        .routes(routes!(get_me))
        .routes(routes!(my_unread))
        .routes(routes!(get_user))
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
    Json(request): Json<CreateUser>,
) -> Result<Created<User>, AppError> {
    validate_username(&request.username)?;
    validate_email(&request.email)?;
    let role = request.role.unwrap_or(Role::User);
    if role == Role::User && request.permissions.is_some() {
        return Err(AppError::bad_request(
            "permissions may only be given for elevated roles",
        ));
    }
    authorize_create(
        &tenant,
        caller.as_ref().map(|c| &c.user),
        role,
        request.permissions.is_some(),
    )?;
    let permissions = Permissions::default().merged(request.permissions.unwrap_or_default());
    let user = state
        .store
        .insert_user(NewUser {
            id: new_id(),
            resource_id: tenant.resource.resource_id.clone(),
            username: request.username,
            email: request.email,
            role,
            permissions,
        })
        .await?;
    Ok(Created(user))
}

fn authorize_create(
    tenant: &Tenant,
    caller: Option<&User>,
    role: Role,
    sets_permissions: bool,
) -> Result<(), AppError> {
    if tenant.has_secret {
        return Ok(());
    }
    if let Some(caller) = caller {
        if caller.role.may_manage(role) {
            return Ok(());
        }
        if caller.role >= Role::Admin {
            return Err(AppError::forbidden(
                "an admin creates users up to moderator; only a superadmin creates admins",
            ));
        }
    }
    match tenant.resource.token_issuance {
        TokenIssuance::Open if role == Role::User && !sets_permissions => Ok(()),
        TokenIssuance::Open => Err(AppError::secret_required(
            "elevated roles and permissions need x-api-secret or an admin's chat token",
        )),
        TokenIssuance::Secret => Err(AppError::secret_required(
            "this resource creates users only with x-api-secret or an admin's chat token",
        )),
    }
}

/// `POST /users/chat-token` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChatTokenRequest {
    #[schema(pattern = "^[0-9a-f]{24}$")]
    pub user_id: String,
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
    pub id: String,
    #[schema(pattern = "^[A-Za-z0-9_.-]{3,50}$")]
    pub username: String,
    pub role: Role,
}

/// Issue a chat token (HS256 JWT, valid 30 days) for a user.
///
/// Open resources issue tokens for plain users with the API key alone; elevated users, and every
/// user of a secret resource, need `x-api-secret`.
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
    let user = state
        .store
        .find_user(&tenant.resource.resource_id, &request.user_id)
        .await?
        .ok_or(AppError::NotFound("user"))?;
    if !tenant.has_secret {
        match tenant.resource.token_issuance {
            TokenIssuance::Open if !user.role.is_elevated() => {}
            TokenIssuance::Open => {
                return Err(AppError::secret_required(
                    "chat tokens for elevated roles need x-api-secret",
                ))
            }
            TokenIssuance::Secret => {
                return Err(AppError::secret_required(
                    "this resource issues chat tokens only with x-api-secret",
                ))
            }
        }
    }
    Ok(Data(ChatToken::issue(&state.jwt, user)?))
}

impl ChatToken {
    /// A fresh token for `user`, valid 30 days (also printed by `chatcloud token`).
    pub fn issue(jwt: &JwtKeys, user: User) -> Result<ChatToken, AppError> {
        let (chat_token, claims) = jwt.issue(
            &user.id,
            &user.resource_id,
            user.token_version,
            now_ms() / 1000,
        )?;
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

/// A user of the same resource. Email and permissions are shown to the user themself and to
/// elevated roles; other users see the public profile.
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
    let user = state
        .store
        .find_user(caller.resource_id(), &id)
        .await?
        .ok_or(AppError::NotFound("user"))?;
    if user.id == caller.user.id || caller.user.role.is_elevated() {
        Ok(Data(UserView::Full(user)))
    } else {
        Ok(Data(UserView::Public(user.into())))
    }
}
