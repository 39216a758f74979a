//! Extractors: request bodies and queries with errors in the envelope, and the credentials of a
//! request (API key, secret, chat token, operator key).

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, FromRequestParts, OptionalFromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

use crate::app::AppState;
use crate::auth::keys;
use crate::domain::resource::Resource;
use crate::domain::time::now_ms;
use crate::domain::user::User;
use crate::error::AppError;

/// A JSON body. The content type is not checked (a `curl -d` works); the body must parse.
pub struct Json<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, AppError> {
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(body_rejection)?;
        parse_json(&bytes).map(Json)
    }
}

/// A JSON body that may be absent: an empty body reads as `T::default()`.
pub struct OptionalJson<T>(pub T);

impl<T: DeserializeOwned + Default, S: Send + Sync> FromRequest<S> for OptionalJson<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, AppError> {
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(body_rejection)?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(OptionalJson(T::default()));
        }
        parse_json(&bytes).map(OptionalJson)
    }
}

fn body_rejection(rejection: BytesRejection) -> AppError {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::PayloadTooLarge
    } else {
        AppError::bad_request(rejection.body_text())
    }
}

fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    serde_json::from_slice(bytes)
        .map_err(|error| AppError::bad_request(format!("invalid JSON body: {error}")))
}

/// Query parameters; a malformed or mistyped one is 400 `invalid_query`.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|query| Query(query.0))
            .map_err(|rejection| AppError::invalid_query(rejection.body_text()))
    }
}

/// Path parameters; one that cannot be decoded is 400 `invalid_path` in the envelope.
pub struct Path<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        <axum::extract::Path<T> as FromRequestParts<S>>::from_request_parts(parts, state)
            .await
            .map(|path| Path(path.0))
            .map_err(|rejection| AppError::BadRequest {
                message: rejection.body_text().into(),
                code: "invalid_path",
            })
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
            Some(id) if id != self.resource.resource_id => Err(AppError::Forbidden {
                message: "resourceId does not match the API key's resource".into(),
                code: "resource_mismatch",
            }),
            _ => Ok(()),
        }
    }
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .map(str::trim)
        .filter(|value| !value.is_empty())
}

impl Tenant {
    /// Resolves the resource of `api_key` and checks the browser origin and the secret, if given.
    pub async fn resolve(
        state: &AppState,
        api_key: Option<&str>,
        origin: Option<&str>,
        secret: Option<&str>,
    ) -> Result<Tenant, AppError> {
        let key = api_key.ok_or_else(|| {
            tracing::debug!("no x-api-key");
            AppError::unauthorized("x-api-key header is required", "missing_api_key")
        })?;
        let (resource, secret_hash) = state
            .store
            .find_resource_by_key(&keys::hash(key))
            .await?
            .ok_or_else(|| {
                tracing::debug!("unknown x-api-key");
                AppError::unauthorized("x-api-key is not valid", "invalid_api_key")
            })?;
        if origin.is_some_and(|origin| !resource.allows_origin(origin)) {
            return Err(AppError::Forbidden {
                message: "this origin is not allowed for this API key".into(),
                code: "origin_not_allowed",
            });
        }
        let has_secret = match secret {
            Some(secret) if keys::matches_hash(secret, &secret_hash) => true,
            Some(_) => return Err(AppError::secret_required("x-api-secret is not valid")),
            None => false,
        };
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
            header_str(headers, "x-api-key"),
            header_str(headers, header::ORIGIN.as_str()),
            header_str(headers, "x-api-secret"),
        )
        .await?;
        parts.extensions.insert(tenant.clone());
        Ok(tenant)
    }
}

/// The authenticated user of a request: a valid chat token of the key's resource whose user
/// still exists and has not revoked it. Role and permissions are read fresh from the store.
pub struct Caller {
    pub user: User,
    pub tenant: Tenant,
}

impl Caller {
    pub fn resource_id(&self) -> &str {
        &self.tenant.resource.resource_id
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
                    "missing_token",
                )
            })?;
        authenticate(authorization, tenant, state).await
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
            Some(authorization) => authenticate(authorization, tenant, state).await.map(Some),
            None => Ok(None),
        }
    }
}

async fn authenticate(
    authorization: &str,
    tenant: Tenant,
    state: &AppState,
) -> Result<Caller, AppError> {
    let token = authorization
        .strip_prefix("Bearer ")
        .or_else(|| authorization.strip_prefix("bearer "))
        .ok_or_else(|| AppError::unauthorized("chat token is invalid", "invalid_token"))?;
    Caller::from_token(token, tenant, state).await
}

impl Caller {
    /// The caller of a chat token of `tenant`'s resource (also used by the WebSocket handshake,
    /// which carries the token in the query string).
    pub async fn from_token(
        token: &str,
        tenant: Tenant,
        state: &AppState,
    ) -> Result<Caller, AppError> {
        let invalid = || AppError::unauthorized("chat token is invalid", "invalid_token");
        let claims = state.jwt.verify(token.trim())?;
        if claims.rid != tenant.resource.resource_id {
            tracing::debug!("token of another resource");
            return Err(invalid());
        }
        let user = state
            .store
            .find_user(&claims.rid, &claims.sub)
            .await?
            .ok_or_else(invalid)?;
        if user.token_version != claims.ver {
            tracing::debug!("revoked token");
            return Err(AppError::unauthorized(
                "chat token has been revoked",
                "invalid_token",
            ));
        }
        let decision = state.user_limiter.check(&user.id, now_ms());
        if !decision.allowed {
            return Err(AppError::RateLimited {
                retry_after: decision.reset_after_seconds,
            });
        }
        Ok(Caller { user, tenant })
    }
}

/// The operator of this ChatCloud installation (`x-operator-key`, constant-time compared).
/// Without a configured key the operator API does not exist: 404.
pub struct Operator;

impl FromRequestParts<AppState> for Operator {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let expected = state
            .operator_key
            .as_deref()
            .ok_or(AppError::NotFound("route"))?;
        match header_str(&parts.headers, "x-operator-key") {
            Some(given) if keys::constant_time_eq(given, expected) => Ok(Operator),
            Some(_) => Err(AppError::unauthorized(
                "x-operator-key is not valid",
                "invalid_operator_key",
            )),
            None => Err(AppError::unauthorized(
                "x-operator-key header is required",
                "missing_operator_key",
            )),
        }
    }
}
