//! The one error type of the HTTP API, rendered as `{"success":false,"message","code"}`.

use std::borrow::Cow;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::jwt::TokenError;
use crate::domain::error::{Error as DomainError, InvalidInput, Unavailable};

/// Every way a request can fail. `code` strings are stable (contract §1).
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// 400: malformed or invalid input; the code says which kind.
    #[error("{message}")]
    BadRequest {
        message: Cow<'static, str>,
        code: ErrorCode,
    },
    /// 401: missing, invalid or expired credentials.
    #[error("{message}")]
    Unauthorized {
        message: &'static str,
        code: ErrorCode,
    },
    /// 403: authenticated, but not allowed.
    #[error("{message}")]
    Forbidden {
        message: Cow<'static, str>,
        code: ErrorCode,
    },
    /// 404: unknown, in another resource, or not visible to the caller.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// 405: the route exists, the method does not.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// 409: a duplicate.
    #[error("{0}")]
    Conflict(Cow<'static, str>),
    /// 413: body over the limit.
    #[error("request body is too large (64 KiB; 128 KiB on routes that carry a message)")]
    PayloadTooLarge,
    /// 414: request target over the limit.
    #[error("the request target (path and query) is longer than 8 KiB")]
    UriTooLong,
    /// 431: header section over the limit.
    #[error("the request headers are larger than 32 KiB")]
    HeadersTooLarge,
    /// 429: over a rate limit; the client may retry after this many seconds.
    #[error("rate limit exceeded, retry in {retry_after} s")]
    RateLimited { retry_after: u64 },
    /// 503: too many requests are waiting for the database; retry shortly.
    #[error("the server is overloaded; retry in a second")]
    Overloaded,
    /// 503: the database's disk is full; nothing of this request was stored.
    #[error("storage is full; nothing was stored, retry later")]
    StorageFull,
    /// 503: the database failed (disk error, lost connection); nothing of this request was
    /// stored.
    #[error("storage is unavailable; nothing was stored, retry later")]
    StorageUnavailable(String),
    /// 503: the request took longer than the server allows.
    #[error("the request took too long; try again")]
    Timeout,
    /// 500: logged with its cause, never shown.
    #[error("internal server error")]
    Internal(#[source] anyhow::Error),
}

impl AppError {
    pub fn bad_request(message: impl Into<Cow<'static, str>>) -> Self {
        AppError::BadRequest {
            message: message.into(),
            code: ErrorCode::InvalidBody,
        }
    }

    pub fn invalid_query(message: impl Into<Cow<'static, str>>) -> Self {
        AppError::BadRequest {
            message: message.into(),
            code: ErrorCode::InvalidQuery,
        }
    }

    pub fn forbidden(message: impl Into<Cow<'static, str>>) -> Self {
        AppError::Forbidden {
            message: message.into(),
            code: ErrorCode::Forbidden,
        }
    }

    pub fn secret_required(message: &'static str) -> Self {
        AppError::Forbidden {
            message: message.into(),
            code: ErrorCode::SecretRequired,
        }
    }

    pub fn unauthorized(message: &'static str, code: ErrorCode) -> Self {
        AppError::Unauthorized { message, code }
    }

    pub fn internal(error: impl Into<anyhow::Error>) -> Self {
        AppError::Internal(error.into())
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            AppError::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            AppError::Forbidden { .. } => StatusCode::FORBIDDEN,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UriTooLong => StatusCode::URI_TOO_LONG,
            AppError::HeadersTooLarge => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            AppError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Timeout
            | AppError::Overloaded
            | AppError::StorageFull
            | AppError::StorageUnavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            AppError::BadRequest { code, .. }
            | AppError::Unauthorized { code, .. }
            | AppError::Forbidden { code, .. } => *code,
            AppError::NotFound(_) => ErrorCode::NotFound,
            AppError::MethodNotAllowed => ErrorCode::MethodNotAllowed,
            AppError::Conflict(_) => ErrorCode::Conflict,
            AppError::PayloadTooLarge => ErrorCode::PayloadTooLarge,
            AppError::UriTooLong => ErrorCode::UriTooLong,
            AppError::HeadersTooLarge => ErrorCode::HeadersTooLarge,
            AppError::RateLimited { .. } => ErrorCode::RateLimited,
            AppError::Timeout => ErrorCode::Timeout,
            AppError::Overloaded => ErrorCode::Overloaded,
            AppError::StorageFull => ErrorCode::StorageFull,
            AppError::StorageUnavailable(_) => ErrorCode::StorageUnavailable,
            AppError::Internal(_) => ErrorCode::InternalError,
        }
    }
}

/// The stable, machine-readable reason of an error (`code` in the envelope; contract §1). The
/// OpenAPI document's enum is derived from this type, so the two cannot drift. A response's
/// code is also left in its extensions for the middleware (CORS leaves
/// `Access-Control-Allow-Origin` off a refused origin's response; the request log records it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// 400: bad JSON, a body that is not an object, wrong types, failed validation, a NUL.
    InvalidBody,
    /// 400: a body field the route does not know (the message names its path).
    UnknownField,
    /// 400: a malformed or out-of-range query parameter.
    InvalidQuery,
    /// 400: an undecodable path parameter.
    InvalidPath,
    /// 400: a history cursor of another conversation.
    InvalidCursor,
    /// 400: editing a deleted message.
    MessageDeleted,
    /// 400: the WebSocket route was called without an upgrade.
    WebsocketRequired,
    /// 401: no `x-api-key`.
    MissingApiKey,
    /// 401: an unknown `x-api-key`.
    InvalidApiKey,
    /// 401: no chat token.
    MissingToken,
    /// 401: a bad, foreign-resource or revoked chat token.
    InvalidToken,
    /// 401: an expired chat token.
    TokenExpired,
    /// 401: operator API without `x-operator-key`.
    MissingOperatorKey,
    /// 401: a wrong `x-operator-key`.
    InvalidOperatorKey,
    /// 403: the action needs `x-api-secret` (or an admin's token), or the secret is wrong.
    SecretRequired,
    /// 403: a body `resourceId` that is not the API key's resource.
    ResourceMismatch,
    /// 403: a browser origin the resource does not allow.
    OriginNotAllowed,
    /// 403: authenticated, not allowed.
    Forbidden,
    /// 404: unknown route or id, or not visible to the caller.
    NotFound,
    /// 405: known route, wrong method.
    MethodNotAllowed,
    /// 409: a duplicate.
    Conflict,
    /// 413: body over the limit.
    PayloadTooLarge,
    /// 414: request target over 8 KiB.
    UriTooLong,
    /// 429: over a rate limit.
    RateLimited,
    /// 431: header section over 32 KiB.
    HeadersTooLarge,
    /// 500: an unexpected failure, logged with the request id.
    InternalError,
    /// 503: the request took longer than the time limit.
    Timeout,
    /// 503: too many requests are waiting for the database.
    Overloaded,
    /// 503: the database's disk is full.
    StorageFull,
    /// 503: the database failed.
    StorageUnavailable,
}

impl ErrorCode {
    /// The code as it appears in the envelope.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidBody => "invalid_body",
            ErrorCode::UnknownField => "unknown_field",
            ErrorCode::InvalidQuery => "invalid_query",
            ErrorCode::InvalidPath => "invalid_path",
            ErrorCode::InvalidCursor => "invalid_cursor",
            ErrorCode::MessageDeleted => "message_deleted",
            ErrorCode::WebsocketRequired => "websocket_required",
            ErrorCode::MissingApiKey => "missing_api_key",
            ErrorCode::InvalidApiKey => "invalid_api_key",
            ErrorCode::MissingToken => "missing_token",
            ErrorCode::InvalidToken => "invalid_token",
            ErrorCode::TokenExpired => "token_expired",
            ErrorCode::MissingOperatorKey => "missing_operator_key",
            ErrorCode::InvalidOperatorKey => "invalid_operator_key",
            ErrorCode::SecretRequired => "secret_required",
            ErrorCode::ResourceMismatch => "resource_mismatch",
            ErrorCode::OriginNotAllowed => "origin_not_allowed",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::NotFound => "not_found",
            ErrorCode::MethodNotAllowed => "method_not_allowed",
            ErrorCode::Conflict => "conflict",
            ErrorCode::PayloadTooLarge => "payload_too_large",
            ErrorCode::UriTooLong => "uri_too_long",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::HeadersTooLarge => "headers_too_large",
            ErrorCode::InternalError => "internal_error",
            ErrorCode::Timeout => "timeout",
            ErrorCode::Overloaded => "overloaded",
            ErrorCode::StorageFull => "storage_full",
            ErrorCode::StorageUnavailable => "storage_unavailable",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error envelope, as documented in the OpenAPI document.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// Always `false`.
    pub success: bool,
    /// For people: what went wrong.
    pub message: String,
    /// For programs: a stable snake_case reason.
    pub code: ErrorCode,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        match &self {
            AppError::Internal(error) => tracing::error!(error = ?error, "request failed"),
            AppError::StorageUnavailable(cause) => tracing::error!(%cause, "storage failed"),
            _ => {}
        }
        let body = ErrorBody {
            success: false,
            message: self.to_string(),
            code: self.code(),
        };
        let mut response = (self.status(), axum::Json(body)).into_response();
        response.extensions_mut().insert(self.code());
        let retry_after = match self {
            AppError::RateLimited { retry_after } => Some(retry_after),
            AppError::Overloaded => Some(1),
            AppError::StorageFull | AppError::StorageUnavailable(_) => Some(5),
            _ => None,
        };
        if let Some(seconds) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

impl From<DomainError> for AppError {
    fn from(error: DomainError) -> Self {
        match error {
            DomainError::Invalid { input, message } => AppError::BadRequest {
                message,
                code: match input {
                    InvalidInput::Body => ErrorCode::InvalidBody,
                    InvalidInput::Query => ErrorCode::InvalidQuery,
                    InvalidInput::Cursor => ErrorCode::InvalidCursor,
                    InvalidInput::DeletedMessage => ErrorCode::MessageDeleted,
                },
            },
            DomainError::Forbidden(message) => AppError::forbidden(message),
            DomainError::SecretRequired(message) => AppError::Forbidden {
                message,
                code: ErrorCode::SecretRequired,
            },
            DomainError::NotFound(what) => AppError::NotFound(what),
            DomainError::Conflict(message) => AppError::Conflict(message),
            DomainError::Unavailable(Unavailable::Overloaded) => AppError::Overloaded,
            DomainError::Unavailable(Unavailable::StorageFull) => AppError::StorageFull,
            DomainError::Unavailable(Unavailable::StorageFailed(cause)) => {
                AppError::StorageUnavailable(cause)
            }
            DomainError::Internal(error) => AppError::Internal(error),
        }
    }
}

impl From<TokenError> for AppError {
    fn from(error: TokenError) -> Self {
        let code = match error {
            TokenError::Expired => ErrorCode::TokenExpired,
            TokenError::Invalid => ErrorCode::InvalidToken,
        };
        let message = match error {
            TokenError::Expired => "chat token has expired",
            TokenError::Invalid => "chat token is invalid",
        };
        AppError::unauthorized(message, code)
    }
}
