//! The one error type of the HTTP API, rendered as `{"success":false,"message","code"}`.

use std::borrow::Cow;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// Every way a request can fail. `code` strings are stable (contract §1).
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// 400: malformed or invalid input; the code says which kind.
    #[error("{message}")]
    BadRequest {
        message: Cow<'static, str>,
        code: &'static str,
    },
    /// 401: missing, invalid or expired credentials.
    #[error("{message}")]
    Unauthorized {
        message: &'static str,
        code: &'static str,
    },
    /// 403: authenticated, but not allowed.
    #[error("{message}")]
    Forbidden {
        message: Cow<'static, str>,
        code: &'static str,
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
            code: "invalid_body",
        }
    }

    pub fn invalid_query(message: impl Into<Cow<'static, str>>) -> Self {
        AppError::BadRequest {
            message: message.into(),
            code: "invalid_query",
        }
    }

    pub fn forbidden(message: impl Into<Cow<'static, str>>) -> Self {
        AppError::Forbidden {
            message: message.into(),
            code: "forbidden",
        }
    }

    pub fn secret_required(message: &'static str) -> Self {
        AppError::Forbidden {
            message: message.into(),
            code: "secret_required",
        }
    }

    pub fn unauthorized(message: &'static str, code: &'static str) -> Self {
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

    pub fn code(&self) -> &'static str {
        match self {
            AppError::BadRequest { code, .. }
            | AppError::Unauthorized { code, .. }
            | AppError::Forbidden { code, .. } => code,
            AppError::NotFound(_) => "not_found",
            AppError::MethodNotAllowed => "method_not_allowed",
            AppError::Conflict(_) => "conflict",
            AppError::PayloadTooLarge => "payload_too_large",
            AppError::UriTooLong => "uri_too_long",
            AppError::HeadersTooLarge => "headers_too_large",
            AppError::RateLimited { .. } => "rate_limited",
            AppError::Timeout => "timeout",
            AppError::Overloaded => "overloaded",
            AppError::StorageFull => "storage_full",
            AppError::StorageUnavailable(_) => "storage_unavailable",
            AppError::Internal(_) => "internal_error",
        }
    }
}

/// The `code` of an error response, left in its extensions for the middleware (CORS leaves
/// `Access-Control-Allow-Origin` off a refused origin's response).
#[derive(Debug, Clone, Copy)]
pub struct ErrorCode(pub &'static str);

/// The error envelope, as documented in the OpenAPI document.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// Always `false`.
    pub success: bool,
    /// For people: what went wrong.
    pub message: String,
    /// For programs: a stable snake_case reason.
    pub code: &'static str,
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
        response.extensions_mut().insert(ErrorCode(self.code()));
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
