//! SQLite behind the `Db` trait: direct calls through rusqlite on threads the engine owns, with
//! every statement prepared once per connection and cached.

use std::path::Path;
use std::time::Duration;

use crossbeam_channel::{Receiver, RecvTimeoutError};

use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{ErrorCode, OpenFlags, ToSql};

use super::db::{Db, DbError, Dialect, Param, Row, Statement, Value};
use super::SqliteSync;

/// One SQLite connection.
pub struct SqliteDb {
    conn: rusqlite::Connection,
}

/// What a connection is for: the one writer, a reader, or the checkpointer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Writer,
    Reader,
    Checkpointer,
}

impl SqliteDb {
    pub fn open(path: &Path, role: Role, sync: SqliteSync) -> Result<SqliteDb, DbError> {
        let flags = match role {
            Role::Writer => OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
            Role::Reader | Role::Checkpointer => OpenFlags::SQLITE_OPEN_READ_WRITE,
        } | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = rusqlite::Connection::open_with_flags(path, flags).map_err(map_error)?;
        conn.set_prepared_statement_cache_capacity(128);
        conn.busy_timeout(Duration::from_secs(5))
            .map_err(map_error)?;
        let sync = match sync {
            SqliteSync::Full => "full",
            SqliteSync::Normal => "normal",
        };
        // The writer never checkpoints on its own commit path: the checkpointer thread does.
        let role_pragmas = match role {
            Role::Writer => "pragma wal_autocheckpoint = 0;",
            Role::Reader => "pragma query_only = on; pragma wal_autocheckpoint = 0;",
            Role::Checkpointer => "pragma wal_autocheckpoint = 0;",
        };
        conn.execute_batch(&format!(
            "pragma journal_mode = wal; pragma synchronous = {sync}; pragma foreign_keys = on;
             pragma temp_store = memory; pragma journal_size_limit = 67108864; {role_pragmas}"
        ))
        .map_err(map_error)?;
        Ok(SqliteDb { conn })
    }

    /// Copies committed WAL frames into the database file without blocking the writer; once
    /// the WAL is long, also makes the writer start it over (see `spawn_checkpointer`).
    pub fn checkpoint(&mut self) -> Result<(), DbError> {
        let frames: i64 = self
            .conn
            .query_row("pragma wal_checkpoint(passive)", [], |row| row.get(1))
            .map_err(map_error)?;
        if frames > RESTART_AFTER_FRAMES {
            self.conn
                .query_row("pragma wal_checkpoint(restart)", [], |_| Ok(()))
                .map_err(map_error)?;
        }
        Ok(())
    }
}

impl Db for SqliteDb {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn query(
        &mut self,
        statement: &'static Statement,
        params: &[Param<'_>],
    ) -> Result<Vec<Row>, DbError> {
        let sql = statement.text(Dialect::Sqlite);
        let mut statement = self.conn.prepare_cached(sql).map_err(map_error)?;
        bind(&mut statement, params)?;
        let columns = statement.column_count();
        let mut rows = statement.raw_query();
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(map_error)? {
            let mut values = Vec::with_capacity(columns);
            for index in 0..columns {
                values.push(match row.get_ref(index).map_err(map_error)? {
                    ValueRef::Null => Value::Null,
                    ValueRef::Integer(value) => Value::Int(value),
                    ValueRef::Text(bytes) => Value::Text(
                        String::from_utf8(bytes.to_vec())
                            .map_err(|_| DbError::Decode("text that is not UTF-8".into()))?,
                    ),
                    ValueRef::Real(_) | ValueRef::Blob(_) => {
                        return Err(DbError::Decode(format!(
                            "column {index} is not text or integer"
                        )))
                    }
                });
            }
            out.push(Row::new(values));
        }
        Ok(out)
    }

    fn execute(
        &mut self,
        statement: &'static Statement,
        params: &[Param<'_>],
    ) -> Result<u64, DbError> {
        let sql = statement.text(Dialect::Sqlite);
        let mut statement = self.conn.prepare_cached(sql).map_err(map_error)?;
        bind(&mut statement, params)?;
        let changed = statement.raw_execute().map_err(map_error)?;
        Ok(changed as u64)
    }

    fn prepare(&mut self, statement: &'static Statement) -> Result<(), DbError> {
        let sql = statement.text(Dialect::Sqlite);
        self.conn.prepare_cached(sql).map(drop).map_err(map_error)
    }

    fn batch(&mut self, sql: &str) -> Result<(), DbError> {
        self.conn.execute_batch(sql).map_err(map_error)
    }

    /// `immediate`: the write lock is taken at the start, never upgraded half-way.
    fn begin(&mut self) -> Result<(), DbError> {
        self.batch("begin immediate")
    }

    fn in_transaction(&self) -> bool {
        !self.conn.is_autocommit()
    }
}

/// Binds `$N` placeholders by their number, wherever and however often they appear.
fn bind(statement: &mut rusqlite::Statement<'_>, params: &[Param<'_>]) -> Result<(), DbError> {
    for index in 1..=statement.parameter_count() {
        let number = statement
            .parameter_name(index)
            .and_then(|name| name.strip_prefix('$'))
            .and_then(|digits| digits.parse::<usize>().ok())
            .ok_or_else(|| DbError::Other(format!("parameter {index} is not $N")))?;
        let param = params
            .get(number - 1)
            .ok_or_else(|| DbError::Other(format!("no value for ${number}")))?;
        statement
            .raw_bind_parameter(index, param)
            .map_err(map_error)?;
    }
    Ok(())
}

impl ToSql for Param<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(match self {
            Param::Null => ValueRef::Null,
            Param::Int(value) => ValueRef::Integer(*value),
            Param::Text(text) => ValueRef::Text(text.as_bytes()),
        }))
    }
}

fn map_error(error: rusqlite::Error) -> DbError {
    match &error {
        rusqlite::Error::SqliteFailure(failure, _) => match failure.code {
            ErrorCode::ConstraintViolation
                if matches!(
                    failure.extended_code,
                    rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                        | rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
                ) =>
            {
                DbError::Unique
            }
            ErrorCode::DiskFull => DbError::Full,
            ErrorCode::SystemIoFailure => DbError::Io(error.to_string()),
            _ => DbError::Other(error.to_string()),
        },
        _ => DbError::Other(error.to_string()),
    }
}

/// How often committed WAL frames are copied into the database file.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(250);
/// A WAL longer than this (about 16 MiB) is started over. A passive checkpoint never blocks the
/// writer, but under a steady load it never catches up with it either: the WAL would grow
/// without end, and appending to an ever-growing file makes every fsync slower. The restart
/// right after a passive pass holds the writer only while the last few frames are copied.
const RESTART_AFTER_FRAMES: i64 = 4096;

/// Checkpoints on its own thread, off the writer's commit path, until `stopped` disconnects.
pub fn spawn_checkpointer(mut db: SqliteDb, stopped: Receiver<()>) {
    super::engine::spawn("store-checkpoint".into(), move || loop {
        match stopped.recv_timeout(CHECKPOINT_EVERY) {
            Err(RecvTimeoutError::Timeout) => {
                if let Err(error) = db.checkpoint() {
                    tracing::warn!(%error, "WAL checkpoint failed");
                }
            }
            _ => return,
        }
    });
}
