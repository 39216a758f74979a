//! Storage: the store's logic is synchronous code over the `Db` trait, written once for SQLite
//! (the embedded default) and PostgreSQL; the engine (`engine.rs`) runs it on threads it owns,
//! one job per request, and funnels every write through batched commits. See docs/DESIGN.md.

mod cache;
mod conversations;
pub(crate) mod db;
mod engine;
mod messages;
mod migrate;
mod postgres;
mod presence;
mod resources;
mod settings;
pub(crate) mod sql;
mod sqlite;
mod stats;
mod tickets;
mod users;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use anyhow::Context;
use tokio::sync::broadcast;

pub use conversations::{AdminFilter, NewChat, Unread};
pub use engine::{Stale, StoreMetrics};
pub use messages::{HistoryFrom, NewMessage, Sent};
pub use resources::NewResource;
pub use sql::prepare_all_statements;
pub use tickets::{NewTicket, TicketFilter, TicketUpdate};
pub use users::{Changed, NewUser, Upserted, UserChanges};

use self::cache::Cache;
use self::db::{params, Db, DbExt};
use self::engine::{AfterCommit, Effects, Engine, WriterConfig};
use self::postgres::PgDb;
use self::presence::Presence;
use self::sql::statements;
use self::sqlite::SqliteDb;
use crate::domain::error::Error;

/// The storage engine's handle, cheap to clone.
#[derive(Clone)]
pub struct Store {
    engine: Engine,
    shared: Arc<Shared>,
}

struct Shared {
    cache: Cache,
    presence: Presence,
    /// Cache entries this process's writes made stale, for the other processes (over NATS).
    stale: broadcast::Sender<Stale>,
}

/// SQLite durability: `FULL` makes every acknowledged commit survive power loss.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SqliteSync {
    Full,
    Normal,
}

/// Reader threads on SQLite: enough to keep both cores busy while some wait on the disk.
const SQLITE_READERS: usize = 4;
/// Connections on PostgreSQL: readers, and writers each committing one write at a time.
const POSTGRES_READERS: usize = 8;
const POSTGRES_WRITERS: usize = 16;
/// Most writes in one SQLite transaction.
const SQLITE_MAX_BATCH: usize = 512;

statements! {
    /// Whether the database answers (`/readyz`).
    PING = both("select 1");
    /// Whether writing works again after a failed write batch: a row as large as a batch of
    /// messages.
    WRITE_PROBE = both(
        "insert into settings (key, value) values ('write_probe', $1)
         on conflict (key) do update set value = excluded.value"
    );
}

impl Store {
    /// Latency and errors of every store call, by operation.
    pub fn metrics(&self) -> &StoreMetrics {
        self.engine.metrics()
    }

    /// Connects to `url` (`sqlite://file.db` or `postgres://...`) and runs the migrations.
    pub async fn connect(url: &str, sync: SqliteSync) -> anyhow::Result<Store> {
        let url = url.to_owned();
        // Opening connections and migrating block: do it off the async workers.
        tokio::task::spawn_blocking(move || Store::open(&url, sync))
            .await
            .context("opening the database")?
    }

    fn open(url: &str, sync: SqliteSync) -> anyhow::Result<Store> {
        let (stale, _) = broadcast::channel(1024);
        let sqlite = sqlite_path(url);
        let presence = match sqlite {
            Some(_) => Presence::Memory(Mutex::default()),
            None => Presence::Database,
        };
        let shared = Arc::new(Shared {
            cache: Cache::default(),
            presence,
            stale,
        });
        let after_commit = after_commit(&shared);
        let engine = if let Some(path) = sqlite {
            start_sqlite(&path, sync, after_commit)?
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            start_postgres(url, after_commit)?
        } else {
            anyhow::bail!("unsupported database URL: use sqlite://... or postgres://...");
        };
        Ok(Store { engine, shared })
    }

    /// Whether the database answers and takes writes (for `/readyz`). After a failed write
    /// batch (a full disk, say) a write as large as a batch of messages (64 KiB) probes whether
    /// writing works again.
    pub async fn ready(&self) -> Result<(), Error> {
        self.engine
            .read(|db| Ok(db.one::<i64>(PING, &[]).map(|_| ())?))
            .await?;
        if self.engine.writes_failing() {
            self.engine
                .write(|tx| {
                    let probe = format!("{}{}", tx.now(), " ".repeat(64 * 1024));
                    tx.db.execute(WRITE_PROBE, params![&probe])?;
                    Ok(())
                })
                .await?;
        }
        Ok(())
    }

    /// Cache entries made stale by this process's writes, as they commit.
    pub fn stale_entries(&self) -> broadcast::Receiver<Stale> {
        self.shared.stale.subscribe()
    }

    /// Drops a cache entry another process made stale.
    pub fn drop_stale(&self, entry: &Stale) {
        self.shared.cache.drop_stale(entry);
    }

    /// Drops every cache entry (invalidations from other processes may have been missed).
    pub fn flush_cache(&self) {
        self.shared.cache.flush();
    }
}

/// What follows every commit: the cache takes the write's effects, and the entries it made stale
/// go to the other processes.
fn after_commit(shared: &Arc<Shared>) -> AfterCommit {
    let shared = Arc::clone(shared);
    Arc::new(move |effects: &Effects| {
        shared.cache.committed(effects);
        for entry in &effects.stale {
            let _ = shared.stale.send(entry.clone());
        }
    })
}

/// The engine over the SQLite file at `path`, migrated: one writer, several readers and the
/// checkpointer.
fn start_sqlite(
    path: &Path,
    sync: SqliteSync,
    after_commit: AfterCommit,
) -> anyhow::Result<Engine> {
    let mut writer = SqliteDb::open(path, sqlite::Role::Writer, sync)
        .with_context(|| format!("opening the SQLite database {}", path.display()))?;
    migrate::run(&mut writer)?;
    let readers = (0..SQLITE_READERS)
        .map(|_| {
            SqliteDb::open(path, sqlite::Role::Reader, sync)
                .map(|db| Box::new(db) as Box<dyn Db + Send>)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let checkpointer = SqliteDb::open(path, sqlite::Role::Checkpointer, sync)?;
    let engine = Engine::start(
        readers,
        WriterConfig {
            connections: vec![Box::new(writer)],
            max_batch: SQLITE_MAX_BATCH,
            after_commit,
        },
    );
    sqlite::spawn_checkpointer(checkpointer, engine.stopped());
    Ok(engine)
}

/// The engine over the PostgreSQL database at `url`, migrated: pools of readers and writers.
fn start_postgres(url: &str, after_commit: AfterCommit) -> anyhow::Result<Engine> {
    let mut first = PgDb::new(url, "");
    first.connect().context("connecting to PostgreSQL")?;
    migrate::run(&mut first)?;
    // Readers also record presence, which must not wait for a WAL flush.
    let readers = (0..POSTGRES_READERS)
        .map(|_| Box::new(PgDb::new(url, "set synchronous_commit = off")) as Box<dyn Db + Send>)
        .collect();
    let writers = std::iter::once(Box::new(first) as Box<dyn Db + Send>)
        .chain((1..POSTGRES_WRITERS).map(|_| Box::new(PgDb::new(url, "")) as _))
        .collect();
    Ok(Engine::start(
        readers,
        WriterConfig {
            connections: writers,
            max_batch: 1,
            after_commit,
        },
    ))
}

/// The file of a `sqlite://FILE` or `sqlite:FILE` URL (any `?options` are ignored).
fn sqlite_path(url: &str) -> Option<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let file = rest.split('?').next().unwrap_or(rest);
    Some(PathBuf::from(file))
}
