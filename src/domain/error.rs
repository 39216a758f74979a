//! What can go wrong in the domain and the store, said without HTTP: `http/` alone turns each case
//! into a status and an error code.

use std::borrow::Cow;

/// Which rule a piece of input broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvalidInput {
    /// A body field.
    Body,
    /// A query parameter.
    Query,
    /// A history cursor that is not a message of the conversation.
    Cursor,
    /// An edit of a deleted message.
    DeletedMessage,
}

/// Why the database could not do the work; nothing of the request was stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unavailable {
    /// Too many jobs are waiting for the database.
    Overloaded,
    /// The database's disk is full.
    StorageFull,
    /// The database failed (disk error, lost connection).
    StorageFailed(String),
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{message}")]
    Invalid {
        input: InvalidInput,
        message: Cow<'static, str>,
    },
    /// The caller may not do this.
    #[error("{0}")]
    Forbidden(Cow<'static, str>),
    /// Only the site's server (its secret) or an admin may do this.
    #[error("{0}")]
    SecretRequired(Cow<'static, str>),
    /// Unknown, in another resource, or not visible to the caller.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A duplicate.
    #[error("{0}")]
    Conflict(Cow<'static, str>),
    #[error("storage is unavailable: {0:?}")]
    Unavailable(Unavailable),
    /// A bug or bad data: logged with its cause, never shown.
    #[error("internal error: {0}")]
    Internal(#[source] anyhow::Error),
}

impl Error {
    pub fn invalid_body(message: impl Into<Cow<'static, str>>) -> Self {
        Error::Invalid {
            input: InvalidInput::Body,
            message: message.into(),
        }
    }

    pub fn invalid_query(message: impl Into<Cow<'static, str>>) -> Self {
        Error::Invalid {
            input: InvalidInput::Query,
            message: message.into(),
        }
    }

    pub fn forbidden(message: impl Into<Cow<'static, str>>) -> Self {
        Error::Forbidden(message.into())
    }

    pub fn internal(error: impl Into<anyhow::Error>) -> Self {
        Error::Internal(error.into())
    }

    /// A short stable name of the case, for metrics labels.
    pub fn label(&self) -> &'static str {
        match self {
            Error::Invalid { .. } => "invalid",
            Error::Forbidden(_) => "forbidden",
            Error::SecretRequired(_) => "secret_required",
            Error::NotFound(_) => "not_found",
            Error::Conflict(_) => "conflict",
            Error::Unavailable(Unavailable::Overloaded) => "overloaded",
            Error::Unavailable(Unavailable::StorageFull) => "storage_full",
            Error::Unavailable(Unavailable::StorageFailed(_)) => "storage_unavailable",
            Error::Internal(_) => "internal",
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
