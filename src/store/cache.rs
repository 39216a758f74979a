//! What every request reads and rarely changes, served from memory: the resource behind an API
//! key, a caller's role, permissions and token version, and a resource's stats.
//!
//! Bounds: a write of this process drops what it made stale before it is acknowledged, so the
//! next request here sees it. Other processes drop it when the invalidation reaches them over
//! NATS, and at the latest when the entry's one-second lifetime ends (which also covers writes
//! by the command line and missed NATS messages).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use quick_cache::sync::Cache as Lru;
use quick_cache::Weighter;

use super::engine::{Effects, Stale};
use crate::domain::id::UserId;
use crate::domain::resource::Resource;
use crate::domain::resource::ResourceId;
use crate::domain::stats::Stats;
use crate::domain::user::User;

/// How long an entry may be served without a fresh read.
pub const LIFETIME: Duration = Duration::from_secs(1);

#[derive(Clone)]
struct Entry<T> {
    at: Instant,
    value: T,
}

impl<T: Clone> Entry<T> {
    fn fresh(entry: Option<Entry<T>>) -> Option<T> {
        entry
            .filter(|entry| entry.at.elapsed() < LIFETIME)
            .map(|entry| entry.value)
    }
}

/// The most memory cached users may take, roughly: a user's metadata (up to 4 KiB) makes some
/// users several times the size of others, so the cache is bounded by size, not count.
const USER_CACHE_BYTES: u64 = 64 << 20;
/// What a cached user costs besides their metadata, roughly.
const USER_BASE_BYTES: u64 = 512;

/// A cached user (or a cached absence) and its weight, computed once when cached.
#[derive(Clone)]
struct UserSlot {
    weight: u64,
    entry: Entry<Option<User>>,
}

#[derive(Clone)]
struct UserWeighter;

impl Weighter<(ResourceId, UserId), UserSlot> for UserWeighter {
    fn weight(&self, _: &(ResourceId, UserId), slot: &UserSlot) -> u64 {
        slot.weight
    }
}

/// A resource and its secret hash, or nothing for an unknown key.
pub type KeyLookup = Option<(Resource, String)>;

/// One resource's stats, valid while no write changed its counters.
#[derive(Default)]
struct StatsSlot {
    generation: u64,
    cached: Option<Entry<Stats>>,
}

pub struct Cache {
    users: Lru<(ResourceId, UserId), UserSlot, UserWeighter>,
    keys: Lru<String, Entry<KeyLookup>>,
    stats: Mutex<HashMap<ResourceId, StatsSlot>>,
}

impl Default for Cache {
    fn default() -> Self {
        Cache {
            users: Lru::with_weighter(100_000, USER_CACHE_BYTES, UserWeighter),
            keys: Lru::new(10_000),
            stats: Mutex::default(),
        }
    }
}

impl Cache {
    pub fn user(&self, resource_id: &ResourceId, user_id: &UserId) -> Option<Option<User>> {
        Entry::fresh(
            self.users
                .get(&(resource_id.to_owned(), user_id.to_owned()))
                .map(|slot| slot.entry),
        )
    }

    pub fn put_user(&self, resource_id: &ResourceId, user_id: &UserId, user: Option<User>) {
        let metadata = user.as_ref().map_or(0, |user| {
            serde_json::to_string(&user.metadata).map_or(0, |text| text.len())
        });
        let slot = UserSlot {
            weight: USER_BASE_BYTES + metadata as u64,
            entry: Entry {
                at: Instant::now(),
                value: user,
            },
        };
        self.users
            .insert((resource_id.to_owned(), user_id.to_owned()), slot);
    }

    pub fn key(&self, api_key_hash: &str) -> Option<KeyLookup> {
        Entry::fresh(self.keys.get(api_key_hash))
    }

    pub fn put_key(&self, api_key_hash: &str, lookup: KeyLookup) {
        let entry = Entry {
            at: Instant::now(),
            value: lookup,
        };
        self.keys.insert(api_key_hash.to_owned(), entry);
    }

    pub fn stats(&self, resource_id: &ResourceId) -> Option<Stats> {
        let slots = self.stats.lock().ok()?;
        Entry::fresh(slots.get(resource_id)?.cached.clone())
    }

    /// The generation to hand back to `put_stats` with stats read after this call.
    pub fn stats_generation(&self, resource_id: &ResourceId) -> u64 {
        self.stats
            .lock()
            .map(|slots| slots.get(resource_id).map_or(0, |slot| slot.generation))
            .unwrap_or(0)
    }

    /// Keeps `stats` unless a write changed the counters since `generation` was read.
    pub fn put_stats(&self, resource_id: &ResourceId, generation: u64, stats: Stats) {
        if let Ok(mut slots) = self.stats.lock() {
            let slot = slots.entry(resource_id.to_owned()).or_default();
            if slot.generation == generation {
                slot.cached = Some(Entry {
                    at: Instant::now(),
                    value: stats,
                });
            }
        }
    }

    /// Drops what a committed batch made stale (called before its writes are answered).
    pub fn committed(&self, effects: &Effects) {
        for entry in &effects.stale {
            self.drop_stale(entry);
        }
        if let Ok(mut slots) = self.stats.lock() {
            for resource_id in effects.counters.resources() {
                let slot = slots.entry(resource_id.to_owned()).or_default();
                slot.generation += 1;
                slot.cached = None;
            }
        }
    }

    /// Drops one entry (a local write, or an invalidation from another process).
    pub fn drop_stale(&self, entry: &Stale) {
        match entry {
            Stale::User {
                resource_id,
                user_id,
            } => {
                self.users.remove(&(resource_id.clone(), user_id.clone()));
            }
            // Keys are looked up by hash; a rotation is rare, so drop them all.
            Stale::Resource { .. } => self.keys.clear(),
        }
    }

    /// Drops everything (after a lost NATS connection: invalidations may have been missed).
    pub fn flush(&self) {
        self.users.clear();
        self.keys.clear();
        if let Ok(mut slots) = self.stats.lock() {
            for slot in slots.values_mut() {
                slot.generation += 1;
                slot.cached = None;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Map, Value};

    use super::*;
    use crate::domain::metadata::Metadata;
    use crate::domain::role::{Permissions, Role};
    use crate::domain::time::Timestamp;

    /// The id `n` spelled out in hex.
    fn user_id(n: usize) -> UserId {
        UserId::parse(&format!("{n:024x}")).expect("an id")
    }

    fn user(id: usize, metadata_bytes: usize) -> User {
        let mut metadata = Map::new();
        metadata.insert("blob".into(), Value::from("x".repeat(metadata_bytes)));
        User {
            id: user_id(id),
            resource_id: ResourceId::named("site.com"),
            username: format!("user{id}"),
            email: format!("user{id}@example.com"),
            role: Role::User,
            permissions: Permissions::default(),
            external_id: None,
            display_name: None,
            avatar_url: None,
            metadata: Metadata::parse(Value::Object(metadata)).expect("within the limits"),
            created_at: Timestamp::from_millis(0),
            updated_at: Timestamp::from_millis(0),
            token_version: 0,
        }
    }

    #[test]
    fn users_with_large_metadata_stay_within_the_byte_bound() {
        let cache = Cache::default();
        let count = (USER_CACHE_BYTES / 4096) as usize + 4_000;
        for id in 0..count {
            cache.put_user(
                &ResourceId::named("site.com"),
                &user_id(id),
                Some(user(id, 4000)),
            );
        }
        assert!(cache.users.weight() <= USER_CACHE_BYTES);
        assert!(
            cache.users.len() < count,
            "{} of {count}",
            cache.users.len()
        );
        // The newest is still served.
        let last = user_id(count - 1);
        assert!(cache.user(&ResourceId::named("site.com"), &last).is_some());
    }
}
