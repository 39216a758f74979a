//! Presence, off the durable path: a heartbeat never costs an fsync.
//!
//! SQLite (one process): heartbeats stay in memory; only going offline is written (it is the
//! `lastSeenAt` that outlives a restart). PostgreSQL (several processes share presence): every
//! change is an update on a reader connection whose commits do not wait for the WAL flush.

use std::collections::HashMap;
use std::sync::Mutex;

use super::db::{params, Db, DbExt};
use super::sql::statements;
use super::Store;
use crate::domain::error::Error;
use crate::domain::id::UserId;
use crate::domain::resource::ResourceId;
use crate::domain::time::now_ms;

statements! {
    ONLINE_UNTIL = both("select online_until from users where id = $1 and resource_id = $2");
    SET_ONLINE_UNTIL = both("update users set online_until = $2 where id = $1");
}

/// Where heartbeats go.
pub enum Presence {
    /// Online-until times of this process's connected users.
    Memory(Mutex<HashMap<UserId, i64>>),
    /// Straight to the `users` row, asynchronously committed.
    Database,
}

impl Presence {
    fn remembered(&self, user_id: &UserId) -> i64 {
        match self {
            Presence::Memory(times) => times
                .lock()
                .ok()
                .and_then(|times| times.get(user_id).copied())
                .unwrap_or(0),
            Presence::Database => 0,
        }
    }
}

impl Store {
    /// Marks the user online until `until` (a heartbeat), or offline with `until = now`.
    pub async fn set_online_until(&self, user_id: &UserId, until: i64) -> Result<(), Error> {
        let user = user_id.to_owned();
        match &self.shared.presence {
            Presence::Memory(times) => {
                if until > now_ms() {
                    if let Ok(mut times) = times.lock() {
                        times.insert(user, until);
                    }
                    return Ok(());
                }
                if let Ok(mut times) = times.lock() {
                    times.remove(&user);
                }
                self.engine
                    .write(move |tx| record(tx.db, &user, until))
                    .await
            }
            Presence::Database => self.engine.read(move |db| record(db, &user, until)).await,
        }
    }

    /// Until when the user counts as online (0 if never connected); `None` if there is no such
    /// user in the resource.
    pub async fn online_until(
        &self,
        resource_id: &ResourceId,
        user_id: &UserId,
    ) -> Result<Option<i64>, Error> {
        let (resource, user) = (resource_id.to_owned(), user_id.to_owned());
        let stored: Option<i64> = self
            .engine
            .read(move |db| Ok(db.optional(ONLINE_UNTIL, params![&user, &resource])?))
            .await?;
        let remembered = self.shared.presence.remembered(user_id);
        Ok(stored.map(|stored| stored.max(remembered)))
    }
}

fn record(db: &mut dyn Db, user_id: &UserId, until: i64) -> Result<(), Error> {
    db.execute(SET_ONLINE_UNTIL, params![user_id, until])?;
    Ok(())
}
