//! Extractors: request bodies and queries with errors in the envelope, and the credentials of a
//! request (API key, secret, chat token, operator key).

use std::borrow::Cow;
use std::convert::Infallible;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, FromRequestParts, OptionalFromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::auth::keys;
use crate::domain::id::UserId;
use crate::domain::resource::{Resource, ResourceId};
use crate::domain::user::User;
use crate::http::error::{AppError, ErrorCode};
use crate::http::rate_limit::Budget;
use crate::http::state::AppState;
use crate::service::Actor;

/// A JSON body. The content type is not checked (a `curl -d` works); the body must be a JSON
/// object without NUL characters, and a `resourceId` in it must be the API key's resource.
pub struct Json<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, AppError> {
        let tenant = request.extensions().get::<Tenant>().cloned();
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(body_rejection)?;
        parse_body(&bytes, tenant.as_ref()).map(Json)
    }
}

/// A JSON body that may be absent: an empty body reads as `T::default()`.
pub struct OptionalJson<T>(pub T);

impl<T: DeserializeOwned + Default, S: Send + Sync> FromRequest<S> for OptionalJson<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, AppError> {
        let tenant = request.extensions().get::<Tenant>().cloned();
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(body_rejection)?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(OptionalJson(T::default()));
        }
        parse_body(&bytes, tenant.as_ref()).map(OptionalJson)
    }
}

fn body_rejection(rejection: BytesRejection) -> AppError {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::PayloadTooLarge
    } else {
        AppError::bad_request(rejection.body_text())
    }
}

/// Every body of the API is an object. Serde would read a struct from an array too
/// (`["staff", null]` as `{role, permissions}`), so the shape is checked before the fields.
fn parse_body<T: DeserializeOwned>(bytes: &[u8], tenant: Option<&Tenant>) -> Result<T, AppError> {
    let value: Value = serde_json::from_slice(bytes)
        .map_err(|error| AppError::bad_request(format!("invalid JSON body: {error}")))?;
    let Value::Object(fields) = &value else {
        return Err(AppError::bad_request("the JSON body must be an object"));
    };
    if contains_nul(&value) {
        return Err(AppError::bad_request(
            "the JSON body contains a NUL character (\\u0000)",
        ));
    }
    if let Some(tenant) = tenant {
        tenant.check_resource_id(fields.get("resourceId").and_then(Value::as_str))?;
    }
    serde_path_to_error::deserialize(value).map_err(body_error)
}

/// A body that does not fit its type: 400 `unknown_field` naming a field the route does not
/// know, by its path (nothing is silently dropped), else 400 `invalid_body`.
fn body_error(error: serde_path_to_error::Error<serde_json::Error>) -> AppError {
    let path = error.path().to_string();
    let message = error.into_inner().to_string();
    // serde's words for a field outside the type: "unknown field `name`, expected ...".
    let unknown = message
        .strip_prefix("unknown field `")
        .and_then(|rest| rest.split_once('`'))
        .map(|(field, _)| field);
    match unknown {
        // The path ends with the unknown key itself.
        Some(field) => {
            let at = if path == "." { field } else { path.as_str() };
            AppError::BadRequest {
                message: format!("unknown field `{at}`").into(),
                code: ErrorCode::UnknownField,
            }
        }
        None if path == "." => AppError::bad_request(format!("invalid JSON body: {message}")),
        None => AppError::bad_request(format!("invalid JSON body at `{path}`: {message}")),
    }
}

/// Whether any string of `value`, or any key, holds U+0000. Refused everywhere: PostgreSQL cannot
/// store it, and both stores must answer alike.
pub fn contains_nul(value: &Value) -> bool {
    match value {
        Value::String(text) => text.contains('\0'),
        Value::Array(items) => items.iter().any(contains_nul),
        Value::Object(fields) => fields
            .iter()
            .any(|(key, value)| key.contains('\0') || contains_nul(value)),
        Value::Null | Value::Bool(_) | Value::Number(_) => false,
    }
}

/// A percent-encoded NUL, the only way a URI can carry one.
fn has_encoded_nul(text: &str) -> bool {
    text.contains("%00")
}

/// serde's `deserialize_with` for a body field that may be left out (`None`), `null`
/// (`Some(None)`: clear it) or a value (`Some(Some(_))`); use with `#[serde(default)]`.
pub fn present<'de, D: serde::Deserializer<'de>, T: serde::Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<Option<T>>, D::Error> {
    <Option<T> as serde::Deserialize>::deserialize(deserializer).map(Some)
}

/// A query parameter that filters a list by a user's id: `Some(None)` if it is not given,
/// `Some(Some(id))` if it is; `None` if it is not of the id shape, so names no user and nothing
/// matches.
pub fn user_filter(text: Option<&str>) -> Option<Option<UserId>> {
    match text {
        None => Some(None),
        Some(text) => UserId::parse(text).map(Some),
    }
}

/// Query parameters; a malformed or mistyped one, or one with a NUL, is 400 `invalid_query`.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        if parts.uri.query().is_some_and(has_encoded_nul) {
            return Err(AppError::invalid_query(
                "the query string contains a NUL character (%00)",
            ));
        }
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|query| Query(query.0))
            .map_err(|rejection| AppError::invalid_query(rejection.body_text()))
    }
}

/// Path parameters; one that cannot be decoded, or holds a NUL, is 400 `invalid_path`.
pub struct Path<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let invalid = |message: String| AppError::BadRequest {
            message: message.into(),
            code: ErrorCode::InvalidPath,
        };
        if has_encoded_nul(parts.uri.path()) {
            return Err(invalid(
                "the path contains a NUL character (%00)".to_owned(),
            ));
        }
        <axum::extract::Path<T> as FromRequestParts<S>>::from_request_parts(parts, state)
            .await
            .map(|path| Path(path.0))
            .map_err(|rejection| invalid(rejection.body_text()))
    }
}

/// The resource of the request's `x-api-key`, and whether a valid `x-api-secret` came with it.
#[derive(Clone)]
pub struct Tenant {
    pub resource: Resource,
    /// A correct `x-api-secret` was sent (a wrong one is refused outright).
    pub has_secret: bool,
}

impl Tenant {
    /// 403 `resource_mismatch` if a body names another resource than the key's.
    pub fn check_resource_id(&self, named: Option<&str>) -> Result<(), AppError> {
        match named {
            Some(id) if id != self.resource.resource_id.as_str() => Err(AppError::Forbidden {
                message: "resourceId does not match the API key's resource".into(),
                code: ErrorCode::ResourceMismatch,
            }),
            _ => Ok(()),
        }
    }
}

/// A credential header, trimmed; absent or blank is `None`. A value that is not visible ASCII
/// is kept (lossily decoded) so that it fails as an invalid credential, not as a missing one.
pub fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<Cow<'a, str>> {
    let value = headers.get(name)?;
    let text = match value.to_str() {
        Ok(text) => Cow::Borrowed(text.trim()),
        Err(_) => Cow::Owned(String::from_utf8_lossy(value.as_bytes()).trim().to_owned()),
    };
    Some(text).filter(|text| !text.is_empty())
}

/// Declares an extractor of one credential header, read with `header_str`.
macro_rules! header_extractor {
    ($(#[$doc:meta])* $name:ident = $header:expr) => {
        $(#[$doc])*
        pub struct $name(pub Option<String>);

        impl<S: Send + Sync> FromRequestParts<S> for $name {
            type Rejection = Infallible;

            async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
                Ok($name(header_str(&parts.headers, $header).map(Cow::into_owned)))
            }
        }
    };
}

header_extractor!(
    /// The `x-api-key` header, if given.
    ApiKeyHeader = "x-api-key"
);

header_extractor!(
    /// The `x-api-secret` header, if given.
    ApiSecretHeader = "x-api-secret"
);

header_extractor!(
    /// The `Authorization` header, if given.
    AuthorizationHeader = header::AUTHORIZATION.as_str()
);

/// The request's foreign browser origin (`foreign_origin`), if any.
pub struct ForeignOrigin(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for ForeignOrigin {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        Ok(ForeignOrigin(
            foreign_origin(&parts.headers).map(Cow::into_owned),
        ))
    }
}

/// The token of an `Authorization: Bearer <token>` value (the scheme capitalised or not).
pub fn bearer(authorization: &str) -> Option<&str> {
    authorization
        .strip_prefix("Bearer ")
        .or_else(|| authorization.strip_prefix("bearer "))
}

/// The request's browser `Origin`, unless it is the server's own origin (`http` or `https`
/// followed by the request's `Host`): pages the server itself serves, such as the agent console
/// at `/console`, may call the API for every resource whatever its allowedOrigins.
pub fn foreign_origin(headers: &HeaderMap) -> Option<Cow<'_, str>> {
    let origin = header_str(headers, header::ORIGIN.as_str())?;
    let own = header_str(headers, header::HOST.as_str()).is_some_and(|host| {
        ["http://", "https://"].iter().any(|scheme| {
            origin
                .strip_prefix(scheme)
                .is_some_and(|rest| rest.eq_ignore_ascii_case(&host))
        })
    });
    (!own).then_some(origin)
}

impl Tenant {
    /// Resolves the resource of `api_key` and checks the browser origin and the secret, if given.
    /// A valid secret makes the request the site's server's: it is charged to that budget.
    pub async fn resolve(
        state: &AppState,
        budget: &Budget,
        api_key: Option<&str>,
        origin: Option<&str>,
        secret: Option<&str>,
    ) -> Result<Tenant, AppError> {
        let key = api_key.ok_or_else(|| {
            tracing::debug!("no x-api-key");
            AppError::unauthorized("x-api-key header is required", ErrorCode::MissingApiKey)
        })?;
        let (resource, secret_hash) = state
            .store
            .find_resource_by_key(&keys::hash(key))
            .await?
            .ok_or_else(|| {
                tracing::debug!("unknown x-api-key");
                AppError::unauthorized("x-api-key is not valid", ErrorCode::InvalidApiKey)
            })?;
        if origin.is_some_and(|origin| !resource.allows_origin(origin)) {
            return Err(AppError::Forbidden {
                message: "this origin is not allowed for this API key".into(),
                code: ErrorCode::OriginNotAllowed,
            });
        }
        let has_secret = match secret {
            Some(secret) if keys::matches_hash(secret, &secret_hash) => true,
            Some(_) => return Err(AppError::secret_required("x-api-secret is not valid")),
            None => false,
        };
        crate::http::record_caller(resource.resource_id.as_str(), None);
        if has_secret {
            budget.charge(|| state.limits.charge_secret(&resource.resource_id))?;
        }
        Ok(Tenant {
            resource,
            has_secret,
        })
    }
}

impl FromRequestParts<AppState> for Tenant {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        if let Some(tenant) = parts.extensions.get::<Tenant>() {
            return Ok(tenant.clone());
        }
        let headers = &parts.headers;
        let tenant = Tenant::resolve(
            state,
            &request_budget(parts),
            header_str(headers, "x-api-key").as_deref(),
            foreign_origin(headers).as_deref(),
            header_str(headers, "x-api-secret").as_deref(),
        )
        .await?;
        parts.extensions.insert(tenant.clone());
        Ok(tenant)
    }
}

fn request_budget(parts: &Parts) -> Budget {
    parts
        .extensions
        .get::<Budget>()
        .cloned()
        .unwrap_or_default()
}

/// The authenticated user of a request: a valid chat token of the key's resource whose user
/// still exists and has not revoked it. Role and permissions are read fresh from the store.
pub struct Caller {
    pub user: User,
    pub tenant: Tenant,
}

impl Caller {
    pub fn resource_id(&self) -> &ResourceId {
        &self.tenant.resource.resource_id
    }

    /// The caller acting through the operations of `service`.
    pub fn actor<'a>(&'a self, state: &'a AppState) -> Actor<'a> {
        Actor {
            store: &state.store,
            bus: &state.bus,
            user: &self.user,
        }
    }
}

/// The `Idempotency-Key` header, if given: another way to name a message's `clientMessageId`.
/// Unlike the credential headers (`header_str`) it is taken as sent, untrimmed, and a value that
/// is not visible ASCII is refused (400).
pub struct IdempotencyKey(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKey {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        let Some(value) = parts.headers.get("idempotency-key") else {
            return Ok(IdempotencyKey(None));
        };
        let key = value
            .to_str()
            .map_err(|_| AppError::bad_request("bad Idempotency-Key"))?;
        Ok(IdempotencyKey(Some(key.to_owned())))
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let tenant = Tenant::from_request_parts(parts, state).await?;
        let authorization =
            header_str(&parts.headers, header::AUTHORIZATION.as_str()).ok_or_else(|| {
                AppError::unauthorized(
                    "Authorization: Bearer <chatToken> is required",
                    ErrorCode::MissingToken,
                )
            })?;
        authenticate(&authorization, tenant, state, &request_budget(parts)).await
    }
}

impl OptionalFromRequestParts<AppState> for Caller {
    type Rejection = AppError;

    /// `None` without an Authorization header; a header that is there must be valid.
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Option<Self>, AppError> {
        let tenant = Tenant::from_request_parts(parts, state).await?;
        match header_str(&parts.headers, header::AUTHORIZATION.as_str()) {
            Some(authorization) => {
                authenticate(&authorization, tenant, state, &request_budget(parts))
                    .await
                    .map(Some)
            }
            None => Ok(None),
        }
    }
}

async fn authenticate(
    authorization: &str,
    tenant: Tenant,
    state: &AppState,
    budget: &Budget,
) -> Result<Caller, AppError> {
    let token = bearer(authorization)
        .ok_or_else(|| AppError::unauthorized("chat token is invalid", ErrorCode::InvalidToken))?;
    Caller::from_token(token, tenant, state, budget).await
}

impl Caller {
    /// The caller of a chat token of `tenant`'s resource (also used by the WebSocket handshake,
    /// which carries the token in the query string), charged to the user's budget.
    pub async fn from_token(
        token: &str,
        tenant: Tenant,
        state: &AppState,
        budget: &Budget,
    ) -> Result<Caller, AppError> {
        let invalid = || AppError::unauthorized("chat token is invalid", ErrorCode::InvalidToken);
        let claims = state.jwt.verify(token.trim())?;
        if claims.rid != tenant.resource.resource_id.as_str() {
            tracing::debug!("token of another resource");
            return Err(invalid());
        }
        let user = state
            .store
            .find_user(&tenant.resource.resource_id, &claims.sub)
            .await?
            .ok_or_else(invalid)?;
        if user.token_version != claims.ver {
            tracing::debug!("revoked token");
            return Err(AppError::unauthorized(
                "chat token has been revoked",
                ErrorCode::InvalidToken,
            ));
        }
        crate::http::record_caller(user.resource_id.as_str(), Some(&user.id));
        budget.charge(|| state.limits.charge_user(&user.resource_id, &user.id))?;
        Ok(Caller { user, tenant })
    }
}

/// The operator of this ChatCloud installation (`x-operator-key`, constant-time compared).
/// Without a configured key the operator API does not exist: 404. The operator is not
/// rate-limited; a wrong key counts against the client address.
pub struct Operator;

impl Operator {
    /// Checks an `x-operator-key` value against the configured key.
    pub fn verify(state: &AppState, given: Option<&str>) -> Result<Operator, AppError> {
        let expected = state
            .operator_key
            .as_deref()
            .ok_or(AppError::NotFound("route"))?;
        match given {
            Some(given) if keys::constant_time_eq(given, expected) => Ok(Operator),
            Some(_) => Err(AppError::unauthorized(
                "x-operator-key is not valid",
                ErrorCode::InvalidOperatorKey,
            )),
            None => Err(AppError::unauthorized(
                "x-operator-key header is required",
                ErrorCode::MissingOperatorKey,
            )),
        }
    }
}

impl FromRequestParts<AppState> for Operator {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let operator = Operator::verify(
            state,
            header_str(&parts.headers, "x-operator-key").as_deref(),
        )?;
        request_budget(parts).exempt();
        Ok(operator)
    }
}

/// `Option<Operator>`: `None` without an `x-operator-key`; a key that is given must be valid
/// (a wrong one is refused even when the operator API is off, rather than ignored).
impl OptionalFromRequestParts<AppState> for Operator {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Option<Self>, AppError> {
        let Some(given) = header_str(&parts.headers, "x-operator-key") else {
            return Ok(None);
        };
        if state.operator_key.is_none() {
            return Err(AppError::unauthorized(
                "x-operator-key is not valid",
                ErrorCode::InvalidOperatorKey,
            ));
        }
        let operator = Operator::verify(state, Some(&given))?;
        request_budget(parts).exempt();
        Ok(Some(operator))
    }
}
