//! PostgreSQL behind the `Db` trait: the synchronous `postgres` client on threads the engine
//! owns, each statement prepared once per connection, and a reconnect after a lost connection.

use std::collections::HashMap;
use std::error::Error;

use bytes::BytesMut;
use postgres::error::SqlState;
use postgres::types::{to_sql_checked, IsNull, ToSql, Type};
use postgres::{Client, NoTls, Statement};

use super::db::{self, Db, DbError, Dialect, Param, Row, Value};

/// One PostgreSQL connection, opened on first use and again after it was lost.
pub struct PgDb {
    url: String,
    client: Option<Client>,
    statements: HashMap<&'static str, Statement>,
    in_transaction: bool,
    /// Statements run once per new connection (session settings).
    on_connect: &'static str,
}

impl PgDb {
    pub fn new(url: &str, on_connect: &'static str) -> PgDb {
        PgDb {
            url: url.to_owned(),
            client: None,
            statements: HashMap::new(),
            in_transaction: false,
            on_connect,
        }
    }

    /// Connects now (so a wrong URL fails at start, not at the first request).
    pub fn connect(&mut self) -> Result<(), DbError> {
        self.client().map(|_| ())
    }

    fn client(&mut self) -> Result<&mut Client, DbError> {
        if self.client.as_ref().is_some_and(Client::is_closed) {
            self.client = None;
        }
        if self.client.is_none() {
            self.statements.clear();
            self.in_transaction = false;
            let mut client = Client::connect(&self.url, NoTls).map_err(map_error)?;
            if !self.on_connect.is_empty() {
                client.batch_execute(self.on_connect).map_err(map_error)?;
            }
            self.client = Some(client);
        }
        self.client
            .as_mut()
            .ok_or_else(|| DbError::Disconnected("no connection".into()))
    }

    fn prepared(&mut self, sql: &'static str) -> Result<(Statement, &mut Client), DbError> {
        let cached = self.statements.get(sql).cloned();
        let client = self.client()?;
        let statement = match cached {
            Some(statement) => statement,
            None => client.prepare(sql).map_err(map_error)?,
        };
        self.statements.insert(sql, statement.clone());
        let client = self.client()?;
        Ok((statement, client))
    }
}

impl Db for PgDb {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn query(
        &mut self,
        statement: &'static db::Statement,
        params: &[Param<'_>],
    ) -> Result<Vec<Row>, DbError> {
        let (statement, client) = self.prepared(statement.text(Dialect::Postgres))?;
        let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p as _).collect();
        let rows = client.query(&statement, &refs).map_err(map_error)?;
        rows.iter().map(decode_row).collect()
    }

    fn execute(
        &mut self,
        statement: &'static db::Statement,
        params: &[Param<'_>],
    ) -> Result<u64, DbError> {
        let (statement, client) = self.prepared(statement.text(Dialect::Postgres))?;
        let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p as _).collect();
        client.execute(&statement, &refs).map_err(map_error)
    }

    fn prepare(&mut self, statement: &'static db::Statement) -> Result<(), DbError> {
        self.prepared(statement.text(Dialect::Postgres)).map(drop)
    }

    fn batch(&mut self, sql: &str) -> Result<(), DbError> {
        self.client()?.batch_execute(sql).map_err(map_error)
    }

    fn begin(&mut self) -> Result<(), DbError> {
        self.batch("begin")?;
        self.in_transaction = true;
        Ok(())
    }

    fn commit(&mut self) -> Result<(), DbError> {
        let result = self.batch("commit");
        self.in_transaction = false;
        result
    }

    fn rollback(&mut self) -> Result<(), DbError> {
        self.in_transaction = false;
        self.batch("rollback")
    }

    fn in_transaction(&self) -> bool {
        self.in_transaction
    }
}

fn decode_row(row: &postgres::Row) -> Result<Row, DbError> {
    let mut values = Vec::with_capacity(row.len());
    for (index, column) in row.columns().iter().enumerate() {
        let value = match *column.type_() {
            Type::INT8 => row
                .try_get::<_, Option<i64>>(index)
                .map(|v| v.map(Value::Int)),
            Type::INT4 => row
                .try_get::<_, Option<i32>>(index)
                .map(|v| v.map(|v| Value::Int(v.into()))),
            Type::INT2 => row
                .try_get::<_, Option<i16>>(index)
                .map(|v| v.map(|v| Value::Int(v.into()))),
            Type::BOOL => row
                .try_get::<_, Option<bool>>(index)
                .map(|v| v.map(|v| Value::Int(v.into()))),
            _ => row
                .try_get::<_, Option<String>>(index)
                .map(|v| v.map(Value::Text)),
        }
        .map_err(|error| DbError::Decode(format!("column {}: {error}", column.name())))?;
        values.push(value.unwrap_or(Value::Null));
    }
    Ok(Row::new(values))
}

impl ToSql for Param<'_> {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> Result<IsNull, Box<dyn Error + Sync + Send>> {
        match (self, ty) {
            (Param::Null, _) => Ok(IsNull::Yes),
            (Param::Int(value), &Type::INT8) => value.to_sql(ty, out),
            (Param::Int(value), &Type::INT4) => i32::try_from(*value)?.to_sql(ty, out),
            (Param::Int(value), &Type::INT2) => i16::try_from(*value)?.to_sql(ty, out),
            (Param::Text(text), _) if <&str as ToSql>::accepts(ty) => text.to_sql(ty, out),
            (param, ty) => Err(format!("cannot bind {param:?} to a {ty} parameter").into()),
        }
    }

    fn accepts(ty: &Type) -> bool {
        matches!(*ty, Type::INT8 | Type::INT4 | Type::INT2) || <&str as ToSql>::accepts(ty)
    }

    to_sql_checked!();
}

fn map_error(error: postgres::Error) -> DbError {
    if error.is_closed() {
        return DbError::Disconnected(error.to_string());
    }
    match error.code() {
        Some(code) if *code == SqlState::UNIQUE_VIOLATION => DbError::Unique,
        Some(code) if *code == SqlState::DISK_FULL => DbError::Full,
        Some(code) if *code == SqlState::IO_ERROR => DbError::Io(error.to_string()),
        _ => match error.as_db_error() {
            Some(db) => DbError::Other(db.to_string()),
            None => match error.source() {
                Some(source) => DbError::Disconnected(format!("{error}: {source}")),
                None => DbError::Other(error.to_string()),
            },
        },
    }
}
