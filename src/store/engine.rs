//! The storage engine: connections on threads it owns, reads handed to a pool in one job per
//! request, and every write through one funnel that commits concurrent writes together.
//!
//! A write is a closure over a `WriteTx`. The writer takes whatever queued while its last commit
//! ran (no fixed wait), runs each write in a savepoint of one transaction (a failing write rolls
//! back alone), applies the counter changes the batch accumulated as one upsert per row, commits
//! once, and only then answers each write: with its result if the commit is durable, with the
//! commit's error otherwise. Nothing is acknowledged before it is on disk, and a failed commit
//! leaves nothing half-applied.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Instant;

use crossbeam_channel::{Receiver, Sender, TrySendError};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use tokio::sync::oneshot;

use super::db::{Db, DbError};
use super::sql::statements;
use super::stats::{Counters, StatsDelta};
use crate::domain::error::{Error, Unavailable};
use crate::domain::id::{ConversationId, UserId};
use crate::domain::resource::ResourceId;
use crate::domain::time::{now_ms, Timestamp};

/// A read: one closure run on a pooled connection.
type ReadJob = Box<dyn FnOnce(&mut dyn Db) + Send>;

/// Queue lengths: beyond them a request is answered 503 `overloaded` rather than wait unbounded.
const READ_QUEUE: usize = 8192;
const WRITE_QUEUE: usize = 8192;

statements! {
    /// Each write of a batch runs in a savepoint, so a failing one rolls back alone.
    SAVEPOINT = both("savepoint write");
    RELEASE = both("release write");
    ROLLBACK_TO = both("rollback to write");
}

/// What a write changes besides its own rows, applied or discarded with it.
#[derive(Debug, Default)]
pub struct Effects {
    pub counters: Counters,
    /// Cached entries the write made stale.
    pub stale: Vec<Stale>,
}

/// A cached entry to drop after a commit.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Stale {
    /// A user's role, permissions, token version.
    User {
        resource_id: ResourceId,
        user_id: UserId,
    },
    /// A resource's keys and settings.
    Resource { resource_id: ResourceId },
}

/// The transaction a write runs in.
pub struct WriteTx<'a> {
    pub db: &'a mut dyn Db,
    effects: Effects,
    clock: &'a mut Clock,
    /// Whether counters spread over shards (concurrent writers) or fold into one row.
    spread: bool,
}

impl WriteTx<'_> {
    /// The time of this write, taken inside the writer: never before an earlier write's time on
    /// this writer, so `createdAt` follows `seq`. Take it after locking what the write orders by.
    pub fn now(&mut self) -> Timestamp {
        Timestamp::from_millis(self.clock.now())
    }

    /// Adds `delta` to the resource's counters (in the shard of `id`).
    pub fn count(
        &mut self,
        resource_id: &ResourceId,
        id: &(impl AsRef<str> + ?Sized),
        delta: StatsDelta,
    ) {
        let shard = self.shard(id.as_ref());
        self.effects.counters.add(resource_id, shard, delta);
    }

    /// Counts a message for "the last 24 hours" figures.
    pub fn count_message(
        &mut self,
        resource_id: &ResourceId,
        conversation_id: &ConversationId,
        sender_id: &UserId,
        now: Timestamp,
    ) {
        let shard = self.shard(conversation_id.as_str());
        self.effects
            .counters
            .message_sent(resource_id, shard, sender_id, now.millis());
    }

    /// The counter shard of `id`: its last hex digit with concurrent writers (so they rarely
    /// wait on one row), else 0 (one writer folds a batch into one row).
    fn shard(&self, id: &str) -> i64 {
        if !self.spread {
            return 0;
        }
        id.bytes()
            .last()
            .and_then(|b| (b as char).to_digit(16))
            .map_or(0, i64::from)
    }

    pub fn stale(&mut self, entry: Stale) {
        self.effects.stale.push(entry);
    }
}

/// Never-decreasing milliseconds, per writer.
#[derive(Default)]
struct Clock {
    last: i64,
}

impl Clock {
    fn now(&mut self) -> i64 {
        self.last = self.last.max(now_ms());
        self.last
    }
}

/// A queued write: runs inside the batch, answers after the commit.
trait WriteJob: Send {
    /// Runs the write; `false` if it failed (its savepoint is then rolled back).
    fn run(&mut self, tx: &mut WriteTx<'_>) -> bool;
    /// Answers the caller with the write's result, or with `commit`'s error.
    fn finish(self: Box<Self>, commit: Result<(), &DbError>);
}

struct Job<F, T> {
    work: Option<F>,
    outcome: Option<Result<T, Error>>,
    reply: oneshot::Sender<Result<T, Error>>,
}

impl<F, T> WriteJob for Job<F, T>
where
    F: FnOnce(&mut WriteTx<'_>) -> Result<T, Error> + Send,
    T: Send,
{
    fn run(&mut self, tx: &mut WriteTx<'_>) -> bool {
        let outcome = match self.work.take() {
            Some(work) => work(tx),
            None => Err(Error::Internal(anyhow::anyhow!("write ran twice"))),
        };
        let ok = outcome.is_ok();
        self.outcome = Some(outcome);
        ok
    }

    fn finish(self: Box<Self>, commit: Result<(), &DbError>) {
        let answer = match (commit, self.outcome) {
            (_, Some(Err(error))) => Err(error),
            (Ok(()), Some(Ok(value))) => Ok(value),
            (Err(error), _) => Err(error.clone().into()),
            (Ok(()), None) => Err(Error::Internal(anyhow::anyhow!("write never ran"))),
        };
        // The caller may have given up (request time limit); the write stands either way.
        let _ = self.reply.send(answer);
    }
}

/// Called after every durable commit, before any write of the batch is answered.
pub type AfterCommit = Arc<dyn Fn(&Effects) + Send + Sync>;

/// How writes are committed.
pub struct WriterConfig {
    /// Writer threads (and connections).
    pub connections: Vec<Box<dyn Db + Send>>,
    /// Most writes per transaction; 1 runs each write in its own transaction.
    pub max_batch: usize,
    pub after_commit: AfterCommit,
}

/// Handles to the engine's queues. Dropping the last one stops its threads.
#[derive(Clone)]
pub struct Engine {
    reads: Sender<ReadJob>,
    writes: Sender<Box<dyn WriteJob>>,
    /// Whether the last write batch failed (disk full, I/O error): the store is not ready.
    failing: Arc<AtomicBool>,
    /// Never sent on: its receivers see the channel close when the last handle is dropped.
    _alive: Sender<()>,
    stopped: Receiver<()>,
    metrics: StoreMetrics,
}

/// The operation of a store call: `read` or `write`, and the store method that made it.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OperationLabels {
    pub kind: &'static str,
    pub operation: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ErrorLabels {
    pub kind: &'static str,
    pub operation: &'static str,
    pub code: &'static str,
}

type HistogramFamily = Family<OperationLabels, Histogram, fn() -> Histogram>;

/// How long each store call took (queueing, running and, for a write, its batch's commit), and
/// which ones failed. Shared handles: the metrics registry holds clones.
#[derive(Clone)]
pub struct StoreMetrics {
    pub latency: HistogramFamily,
    pub errors: Family<ErrorLabels, Counter>,
}

impl Default for StoreMetrics {
    fn default() -> Self {
        StoreMetrics {
            latency: Family::new_with_constructor(|| {
                Histogram::new(exponential_buckets(0.000_05, 2.0, 16))
            }),
            errors: Family::default(),
        }
    }
}

impl StoreMetrics {
    fn observe<T>(
        &self,
        kind: &'static str,
        operation: &'static str,
        started: Instant,
        result: &Result<T, Error>,
    ) {
        self.latency
            .get_or_create(&OperationLabels { kind, operation })
            .observe(started.elapsed().as_secs_f64());
        if let Err(error) = result {
            self.errors
                .get_or_create(&ErrorLabels {
                    kind,
                    operation,
                    code: error.label(),
                })
                .inc();
        }
    }
}

/// The name of the store method whose closure `F` is: the last plain identifier of the closure's
/// type name (`chatcloud::store::users::<impl ..>::find_user::{{closure}}` is `find_user`). Fixed
/// at compile time, so the label's values are few.
fn operation<F>() -> &'static str {
    std::any::type_name::<F>()
        .rsplit("::")
        .find(|segment| {
            !segment.is_empty()
                && segment
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_')
        })
        .unwrap_or("unknown")
}

impl Engine {
    pub fn start(readers: Vec<Box<dyn Db + Send>>, writer: WriterConfig) -> Engine {
        let (reads, read_queue) = crossbeam_channel::bounded::<ReadJob>(READ_QUEUE);
        for (n, mut db) in readers.into_iter().enumerate() {
            let queue = read_queue.clone();
            spawn(format!("store-read-{n}"), move || {
                for job in queue {
                    job(db.as_mut());
                }
            });
        }
        let (writes, write_queue) = crossbeam_channel::bounded(WRITE_QUEUE);
        let spread = writer.connections.len() > 1;
        let failing = Arc::new(AtomicBool::new(false));
        for (n, db) in writer.connections.into_iter().enumerate() {
            let mut batcher = Batcher {
                db,
                queue: write_queue.clone(),
                max_batch: writer.max_batch.max(1),
                spread,
                clock: Clock::default(),
                after_commit: Arc::clone(&writer.after_commit),
                failing: Arc::clone(&failing),
            };
            spawn(format!("store-write-{n}"), move || batcher.run());
        }
        let (alive, stopped) = crossbeam_channel::bounded(0);
        Engine {
            reads,
            writes,
            failing,
            _alive: alive,
            stopped,
            metrics: StoreMetrics::default(),
        }
    }

    /// Latency and errors of every store call.
    pub fn metrics(&self) -> &StoreMetrics {
        &self.metrics
    }

    /// Whether the last write batch failed; the next successful commit clears it.
    pub fn writes_failing(&self) -> bool {
        self.failing.load(Ordering::Relaxed)
    }

    /// Disconnects when the engine is dropped (for helper threads to stop with it).
    pub fn stopped(&self) -> Receiver<()> {
        self.stopped.clone()
    }

    /// Runs `job` on a reader connection.
    pub async fn read<T, F>(&self, job: F) -> Result<T, Error>
    where
        F: FnOnce(&mut dyn Db) -> Result<T, Error> + Send + 'static,
        T: Send + 'static,
    {
        let started = Instant::now();
        let result = self.run_read(job).await;
        self.metrics
            .observe("read", operation::<F>(), started, &result);
        result
    }

    async fn run_read<T, F>(&self, job: F) -> Result<T, Error>
    where
        F: FnOnce(&mut dyn Db) -> Result<T, Error> + Send + 'static,
        T: Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let job: ReadJob = Box::new(move |db| {
            let _ = reply.send(job(db));
        });
        match self.reads.try_send(job) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => return Err(Error::Unavailable(Unavailable::Overloaded)),
            Err(TrySendError::Disconnected(_)) => return Err(stopped()),
        }
        answer.await.map_err(|_| stopped())?
    }

    /// Runs `job` in the next write batch; answers once the batch is durable.
    pub async fn write<T, F>(&self, job: F) -> Result<T, Error>
    where
        F: FnOnce(&mut WriteTx<'_>) -> Result<T, Error> + Send + 'static,
        T: Send + 'static,
    {
        let started = Instant::now();
        let result = self.run_write(job).await;
        self.metrics
            .observe("write", operation::<F>(), started, &result);
        result
    }

    async fn run_write<T, F>(&self, job: F) -> Result<T, Error>
    where
        F: FnOnce(&mut WriteTx<'_>) -> Result<T, Error> + Send + 'static,
        T: Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let job = Box::new(Job {
            work: Some(job),
            outcome: None,
            reply,
        });
        match self.writes.try_send(job) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => return Err(Error::Unavailable(Unavailable::Overloaded)),
            Err(TrySendError::Disconnected(_)) => return Err(stopped()),
        }
        answer.await.map_err(|_| stopped())?
    }
}

fn stopped() -> Error {
    Error::Internal(anyhow::anyhow!("the storage engine stopped"))
}

pub(super) fn spawn(name: String, body: impl FnOnce() + Send + 'static) {
    if let Err(error) = thread::Builder::new().name(name).spawn(body) {
        tracing::error!(%error, "could not start a storage thread");
    }
}

/// One writer thread: batches, savepoints, one commit.
struct Batcher {
    db: Box<dyn Db + Send>,
    queue: Receiver<Box<dyn WriteJob>>,
    max_batch: usize,
    spread: bool,
    clock: Clock,
    after_commit: AfterCommit,
    failing: Arc<AtomicBool>,
}

impl Batcher {
    fn run(&mut self) {
        while let Ok(first) = self.queue.recv() {
            let mut jobs = vec![first];
            while jobs.len() < self.max_batch {
                match self.queue.try_recv() {
                    Ok(job) => jobs.push(job),
                    Err(_) => break,
                }
            }
            let outcome = self.commit_batch(&mut jobs);
            if let Err(error) = &outcome {
                tracing::error!(%error, writes = jobs.len(), "a write batch failed");
                if self.db.in_transaction() {
                    let _ = self.db.rollback();
                }
            }
            self.failing.store(outcome.is_err(), Ordering::Relaxed);
            let commit = outcome.as_ref().map(|_| ());
            for job in jobs {
                job.finish(commit);
            }
        }
    }

    /// Runs the jobs in one transaction and commits it; `Err` fails every job of the batch.
    fn commit_batch(&mut self, jobs: &mut [Box<dyn WriteJob>]) -> Result<(), DbError> {
        self.db.begin()?;
        let single = jobs.len() == 1;
        let mut batch = Effects::default();
        for job in jobs.iter_mut() {
            if !single {
                self.db.execute(SAVEPOINT, &[])?;
            }
            let mut tx = WriteTx {
                db: self.db.as_mut(),
                effects: Effects::default(),
                clock: &mut self.clock,
                spread: self.spread,
            };
            let ok = job.run(&mut tx);
            let effects = tx.effects;
            if !self.db.in_transaction() {
                // SQLite rolled the whole transaction back by itself (disk full, I/O error).
                return Err(DbError::Io("the database rolled back a write batch".into()));
            }
            if ok {
                batch.counters.merge(effects.counters);
                batch.stale.extend(effects.stale);
                if !single {
                    self.db.execute(RELEASE, &[])?;
                }
            } else if single {
                self.db.rollback()?;
                return Ok(());
            } else {
                self.db.execute(ROLLBACK_TO, &[])?;
                self.db.execute(RELEASE, &[])?;
            }
        }
        batch.counters.apply(self.db.as_mut())?;
        self.db.commit()?;
        (self.after_commit)(&batch);
        Ok(())
    }
}

impl From<DbError> for Error {
    fn from(error: DbError) -> Self {
        match error {
            DbError::Unique => Error::Conflict("already exists".into()),
            DbError::Full => Error::Unavailable(Unavailable::StorageFull),
            DbError::Io(message) | DbError::Disconnected(message) => {
                Error::Unavailable(Unavailable::StorageFailed(message))
            }
            DbError::Decode(message) | DbError::Other(message) => {
                Error::Internal(anyhow::anyhow!(message))
            }
        }
    }
}
