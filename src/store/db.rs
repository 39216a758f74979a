//! The one interface the store's logic is written against: a synchronous connection that runs
//! named statements (`sql.rs`) with positional parameters (`$1`, `$2`, ...) and hands back rows
//! of integers, text and nulls, the only column types the schema uses. SQLite and PostgreSQL
//! implement it, each running its dialect's text of a statement.

pub use super::sql::Statement;
use crate::domain::id::{ConversationId, MessageId, UserId};
use crate::domain::resource::ResourceId;
use crate::domain::time::Timestamp;

/// A parameter of a statement, borrowed for the call.
#[derive(Debug, Clone, Copy)]
pub enum Param<'a> {
    Null,
    Int(i64),
    Text(&'a str),
}

impl From<i64> for Param<'_> {
    fn from(value: i64) -> Self {
        Param::Int(value)
    }
}

/// Timestamps are stored as epoch milliseconds.
impl From<Timestamp> for Param<'_> {
    fn from(value: Timestamp) -> Self {
        Param::Int(value.millis())
    }
}

impl From<bool> for Param<'_> {
    fn from(value: bool) -> Self {
        Param::Int(i64::from(value))
    }
}

impl<'a> From<&'a str> for Param<'a> {
    fn from(value: &'a str) -> Self {
        Param::Text(value)
    }
}

impl<'a> From<&'a String> for Param<'a> {
    fn from(value: &'a String) -> Self {
        Param::Text(value)
    }
}

/// Ids are stored as their text.
macro_rules! text_params {
    ($($id:ty),*) => {
        $(impl<'a> From<&'a $id> for Param<'a> {
            fn from(value: &'a $id) -> Self {
                Param::Text(value.as_str())
            }
        })*
    };
}

text_params!(ConversationId, MessageId, UserId, ResourceId);

impl<'a, T: Into<Param<'a>>> From<Option<T>> for Param<'a> {
    fn from(value: Option<T>) -> Self {
        value.map_or(Param::Null, Into::into)
    }
}

/// `params![a, b, c]`: a slice of `Param`s from anything that converts.
macro_rules! params {
    ($($value:expr),* $(,)?) => {
        &[$($crate::store::db::Param::from($value)),*][..]
    };
}
pub(crate) use params;

/// A column value as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Null,
    Int(i64),
    Text(String),
}

/// Why a statement failed, in the terms the store acts on.
#[derive(Debug, Clone, thiserror::Error)]
pub enum DbError {
    /// A unique index refused the row.
    #[error("unique constraint violated")]
    Unique,
    /// The disk (or the database's quota) is full.
    #[error("the database's disk is full")]
    Full,
    /// The disk failed a read or a write.
    #[error("the database's disk failed: {0}")]
    Io(String),
    /// The connection is gone (PostgreSQL restarted, network): worth a reconnect.
    #[error("database connection lost: {0}")]
    Disconnected(String),
    /// A row did not decode into what the store expected (bad data in the store).
    #[error("bad data in the store: {0}")]
    Decode(String),
    #[error("{0}")]
    Other(String),
}

/// Which SQL the connection speaks, where a statement needs its own text per database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// A connection, inside or outside a transaction.
pub trait Db {
    fn dialect(&self) -> Dialect;
    /// Runs a statement and returns its rows (none for most writes without `returning`).
    fn query(
        &mut self,
        statement: &'static Statement,
        params: &[Param<'_>],
    ) -> Result<Vec<Row>, DbError>;
    /// Runs a statement and returns how many rows it changed.
    fn execute(
        &mut self,
        statement: &'static Statement,
        params: &[Param<'_>],
    ) -> Result<u64, DbError>;
    /// Prepares a statement without running it (the test that checks every statement).
    fn prepare(&mut self, statement: &'static Statement) -> Result<(), DbError>;
    /// Runs parameterless statements (transaction control, migrations).
    fn batch(&mut self, sql: &str) -> Result<(), DbError>;
    fn begin(&mut self) -> Result<(), DbError> {
        self.batch("begin")
    }
    fn commit(&mut self) -> Result<(), DbError> {
        self.batch("commit")
    }
    fn rollback(&mut self) -> Result<(), DbError> {
        self.batch("rollback")
    }
    /// Whether a transaction is open (SQLite ends one by itself after some failures).
    fn in_transaction(&self) -> bool;
}

/// One row; columns are read in select order with the typed getters.
#[derive(Debug)]
pub struct Row {
    values: std::vec::IntoIter<Value>,
}

impl Row {
    pub fn new(values: Vec<Value>) -> Row {
        Row {
            values: values.into_iter(),
        }
    }

    fn next(&mut self) -> Result<Value, DbError> {
        self.values
            .next()
            .ok_or_else(|| DbError::Decode("fewer columns than expected".into()))
    }

    pub fn int(&mut self) -> Result<i64, DbError> {
        match self.next()? {
            Value::Int(value) => Ok(value),
            other => Err(unexpected("integer", &other)),
        }
    }

    pub fn opt_int(&mut self) -> Result<Option<i64>, DbError> {
        match self.next()? {
            Value::Null => Ok(None),
            Value::Int(value) => Ok(Some(value)),
            other => Err(unexpected("integer or null", &other)),
        }
    }

    /// An epoch-milliseconds column.
    pub fn timestamp(&mut self) -> Result<Timestamp, DbError> {
        self.int().map(Timestamp::from_millis)
    }

    pub fn opt_timestamp(&mut self) -> Result<Option<Timestamp>, DbError> {
        Ok(self.opt_int()?.map(Timestamp::from_millis))
    }

    pub fn conversation_id(&mut self) -> Result<ConversationId, DbError> {
        self.parsed("conversation id", ConversationId::parse)
    }

    pub fn user_id(&mut self) -> Result<UserId, DbError> {
        self.parsed("user id", UserId::parse)
    }

    pub fn opt_user_id(&mut self) -> Result<Option<UserId>, DbError> {
        self.opt_parsed("user id", UserId::parse)
    }

    /// A resource's id, as stored (any name the resource was created with).
    pub fn resource_id(&mut self) -> Result<ResourceId, DbError> {
        self.text().map(ResourceId::named)
    }

    pub fn text(&mut self) -> Result<String, DbError> {
        match self.next()? {
            Value::Text(value) => Ok(value),
            other => Err(unexpected("text", &other)),
        }
    }

    pub fn opt_text(&mut self) -> Result<Option<String>, DbError> {
        match self.next()? {
            Value::Null => Ok(None),
            Value::Text(value) => Ok(Some(value)),
            other => Err(unexpected("text or null", &other)),
        }
    }

    pub fn flag(&mut self) -> Result<bool, DbError> {
        match self.int()? {
            0 => Ok(false),
            1 => Ok(true),
            other => Err(DbError::Decode(format!("flag {other}"))),
        }
    }

    /// A text column parsed by `parse`; an unknown value is bad data, never a default.
    pub fn parsed<T>(
        &mut self,
        what: &str,
        parse: impl FnOnce(&str) -> Option<T>,
    ) -> Result<T, DbError> {
        let text = self.text()?;
        decode(what, &text, parse)
    }

    /// A nullable text column parsed by `parse` where it is not null.
    pub fn opt_parsed<T>(
        &mut self,
        what: &str,
        parse: impl FnOnce(&str) -> Option<T>,
    ) -> Result<Option<T>, DbError> {
        self.opt_text()?
            .map(|text| decode(what, &text, parse))
            .transpose()
    }
}

/// `text` parsed by `parse`, or the decode error naming it as `what`.
fn decode<T>(what: &str, text: &str, parse: impl FnOnce(&str) -> Option<T>) -> Result<T, DbError> {
    parse(text).ok_or_else(|| DbError::Decode(format!("{what} {text:?}")))
}

fn unexpected(wanted: &str, got: &Value) -> DbError {
    DbError::Decode(format!("expected {wanted}, found {got:?}"))
}

/// Decodes a row (columns in select order).
pub trait FromRow: Sized {
    fn from_row(row: &mut Row) -> Result<Self, DbError>;
}

impl FromRow for i64 {
    fn from_row(row: &mut Row) -> Result<Self, DbError> {
        row.int()
    }
}

impl FromRow for String {
    fn from_row(row: &mut Row) -> Result<Self, DbError> {
        row.text()
    }
}

impl FromRow for UserId {
    fn from_row(row: &mut Row) -> Result<Self, DbError> {
        row.user_id()
    }
}

impl<A: FromRow, B: FromRow> FromRow for (A, B) {
    fn from_row(row: &mut Row) -> Result<Self, DbError> {
        Ok((A::from_row(row)?, B::from_row(row)?))
    }
}

/// Typed reads on any connection.
pub trait DbExt: Db {
    fn all<T: FromRow>(
        &mut self,
        statement: &'static Statement,
        params: &[Param<'_>],
    ) -> Result<Vec<T>, DbError> {
        self.query(statement, params)?
            .into_iter()
            .map(|mut row| T::from_row(&mut row))
            .collect()
    }

    fn optional<T: FromRow>(
        &mut self,
        statement: &'static Statement,
        params: &[Param<'_>],
    ) -> Result<Option<T>, DbError> {
        self.query(statement, params)?
            .into_iter()
            .next()
            .map(|mut row| T::from_row(&mut row))
            .transpose()
    }

    fn one<T: FromRow>(
        &mut self,
        statement: &'static Statement,
        params: &[Param<'_>],
    ) -> Result<T, DbError> {
        self.optional(statement, params)?
            .ok_or_else(|| DbError::Decode(format!("no row from {}", statement.name)))
    }
}

impl<D: Db + ?Sized> DbExt for D {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_user_ids_must_have_the_id_shape() {
        let id = UserId::new();
        let mut row = Row::new(vec![Value::Text(id.to_string()), Value::Null]);
        assert_eq!(row.user_id().ok(), Some(id));
        assert_eq!(row.opt_user_id().ok(), Some(None));
        let mut bad = Row::new(vec![Value::Text("alice".into()), Value::Text("bob".into())]);
        assert!(matches!(bad.user_id(), Err(DbError::Decode(_))));
        assert!(matches!(bad.opt_user_id(), Err(DbError::Decode(_))));
    }
}
