//! Storage: one concrete `Store` over sqlx's `Any` driver, so the same SQL text runs on SQLite
//! (the embedded default) and PostgreSQL. SQL stays in the portable subset described in the
//! architecture notes of `docs/API.md`.

mod conversations;
mod messages;
mod resources;
mod settings;
mod stats;
mod tickets;
mod users;

use std::str::FromStr;

use anyhow::Context;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

pub use conversations::AdminFilter;
pub use messages::{HistoryFrom, NewMessage, Sent};
pub use resources::NewResource;
pub use stats::Stats;
pub use tickets::{NewTicket, TicketFilter, TicketUpdate};
pub use users::{NewUser, UserPatch};

/// Handles to the database: `read` for queries, `write` for every transaction that changes data.
///
/// On SQLite the write pool holds exactly one connection: SQLite has one writer, and queueing
/// writers here (rather than in SQLite's busy handler) keeps every write in one place, where
/// group commit can later batch them. On PostgreSQL both handles are the same pool.
#[derive(Clone)]
pub struct Store {
    read: AnyPool,
    write: AnyPool,
}

/// SQLite durability: `FULL` makes every acknowledged commit survive power loss.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SqliteSync {
    Full,
    Normal,
}

impl Store {
    /// Connects to `url` (`sqlite://file.db` or `postgres://...`) and runs the migrations.
    pub async fn connect(url: &str, sync: SqliteSync) -> anyhow::Result<Store> {
        sqlx::any::install_default_drivers();
        let store = if url.starts_with("sqlite:") {
            Self::connect_sqlite(url, sync).await?
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let pool = AnyPoolOptions::new()
                .max_connections(16)
                .connect(url)
                .await
                .context("connecting to PostgreSQL")?;
            Store {
                read: pool.clone(),
                write: pool,
            }
        } else {
            anyhow::bail!("unsupported database URL: use sqlite://... or postgres://...");
        };
        sqlx::migrate!("./migrations")
            .run(&store.write)
            .await
            .context("running database migrations")?;
        Ok(store)
    }

    async fn connect_sqlite(url: &str, sync: SqliteSync) -> anyhow::Result<Store> {
        // Create the file on first start unless the URL says otherwise.
        let url = if url.contains("mode=") {
            url.to_owned()
        } else if url.contains('?') {
            format!("{url}&mode=rwc")
        } else {
            format!("{url}?mode=rwc")
        };
        let options = AnyConnectOptions::from_str(&url).context("parsing the database URL")?;
        let pragmas: &'static str = match sync {
            SqliteSync::Full => {
                "pragma journal_mode = wal; pragma synchronous = full; pragma foreign_keys = on; pragma busy_timeout = 5000;"
            }
            SqliteSync::Normal => {
                "pragma journal_mode = wal; pragma synchronous = normal; pragma foreign_keys = on; pragma busy_timeout = 5000;"
            }
        };
        let pool = |max: u32| {
            AnyPoolOptions::new()
                .max_connections(max)
                .after_connect(move |conn, _| {
                    Box::pin(async move {
                        conn.execute(pragmas).await?;
                        Ok(())
                    })
                })
                .connect_with(options.clone())
        };
        let write = pool(1).await.context("opening the SQLite database")?;
        let read = pool(4).await.context("opening the SQLite database")?;
        Ok(Store { read, write })
    }

    /// Whether the database answers (for `/readyz`).
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("select 1")
            .execute(&self.read)
            .await
            .map(|_| ())
    }
}

/// Decodes a 0/1 flag column.
fn flag(value: i64) -> bool {
    value != 0
}
