//! The admin panel's statistics: counters kept by the writes themselves, read in O(1).

use std::collections::BTreeMap;

use super::db::{params, Db, DbError, DbExt, FromRow, Row};
use super::sql::statements;
use super::Store;
use crate::domain::conversation::{AnyStatus, ChatStatus, ConversationType, TicketStatus};
use crate::domain::error::Error;
use crate::domain::id::UserId;
use crate::domain::resource::ResourceId;
use crate::domain::stats::Stats;

statements! {
    /// Adds a write's counter changes to one of the resource's shard rows.
    ADD_STATS = both(
        "insert into resource_stats (resource_id, shard, users, p2p_conversations, p2p_archived,
             tickets_open, tickets_pending, tickets_resolved, tickets_closed, messages,
             unread_messages)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         on conflict (resource_id, shard) do update set
             users = resource_stats.users + excluded.users,
             p2p_conversations = resource_stats.p2p_conversations + excluded.p2p_conversations,
             p2p_archived = resource_stats.p2p_archived + excluded.p2p_archived,
             tickets_open = resource_stats.tickets_open + excluded.tickets_open,
             tickets_pending = resource_stats.tickets_pending + excluded.tickets_pending,
             tickets_resolved = resource_stats.tickets_resolved + excluded.tickets_resolved,
             tickets_closed = resource_stats.tickets_closed + excluded.tickets_closed,
             messages = resource_stats.messages + excluded.messages,
             unread_messages = resource_stats.unread_messages + excluded.unread_messages"
    );
    /// Adds messages to one shard of a five-minute activity bucket.
    ADD_ACTIVITY = both(
        "insert into resource_activity (resource_id, bucket, shard, messages)
         values ($1, $2, $3, $4)
         on conflict (resource_id, bucket, shard) do update
             set messages = resource_activity.messages + excluded.messages"
    );
    /// Moves a sender's last-active time, unless it moved less than a minute ($3).
    SET_LAST_ACTIVE = both(
        "update users set last_active_at = $2 where id = $1 and last_active_at < $3"
    );
    /// The resource's counters summed over their shards (PostgreSQL sums bigints to numeric:
    /// cast back).
    TOTALS = both(
        "select cast(coalesce(sum(users), 0) as bigint),
             cast(coalesce(sum(p2p_conversations), 0) as bigint),
             cast(coalesce(sum(p2p_archived), 0) as bigint),
             cast(coalesce(sum(tickets_open), 0) as bigint),
             cast(coalesce(sum(tickets_pending), 0) as bigint),
             cast(coalesce(sum(tickets_resolved), 0) as bigint),
             cast(coalesce(sum(tickets_closed), 0) as bigint),
             cast(coalesce(sum(messages), 0) as bigint),
             cast(coalesce(sum(unread_messages), 0) as bigint)
         from resource_stats where resource_id = $1"
    );
    /// Messages in the activity buckets after bucket $2.
    MESSAGES_SINCE = both(
        "select cast(coalesce(sum(messages), 0) as bigint) from resource_activity
         where resource_id = $1 and bucket > $2"
    );
    ACTIVE_USERS_SINCE =
        both("select count(*) from users where resource_id = $1 and last_active_at > $2");
    PRUNE_ACTIVITY = both("delete from resource_activity where bucket < $1");
}

/// Changes to a resource's counters, applied inside the transaction of the write they count.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct StatsDelta {
    pub users: i64,
    pub p2p_conversations: i64,
    pub p2p_archived: i64,
    pub tickets: [i64; 4],
    pub messages: i64,
    pub unread_messages: i64,
}

impl StatsDelta {
    fn plus(self, other: StatsDelta) -> StatsDelta {
        let mut tickets = self.tickets;
        for (sum, more) in tickets.iter_mut().zip(other.tickets) {
            *sum += more;
        }
        StatsDelta {
            users: self.users + other.users,
            p2p_conversations: self.p2p_conversations + other.p2p_conversations,
            p2p_archived: self.p2p_archived + other.p2p_archived,
            tickets,
            messages: self.messages + other.messages,
            unread_messages: self.unread_messages + other.unread_messages,
        }
    }

    /// One ticket leaves `from` (if any) and enters `to` (if any).
    pub fn ticket_moved(mut self, from: Option<TicketStatus>, to: Option<TicketStatus>) -> Self {
        if let Some(from) = from {
            self.tickets[ticket_index(from)] -= 1;
        }
        if let Some(to) = to {
            self.tickets[ticket_index(to)] += 1;
        }
        self
    }
}

/// A resource's counters, summed over their shards.
struct Totals {
    users: i64,
    conversations: ConversationTotals,
    messages: i64,
    unread_messages: i64,
}

/// Conversations of a resource by kind and status.
#[derive(Debug, Clone)]
pub(super) struct ConversationTotals {
    /// Active, archived.
    p2p: [i64; 2],
    /// Open, pending, resolved, closed.
    tickets: [i64; 4],
}

impl ConversationTotals {
    /// How many match an optional kind and an optional status.
    pub fn matching(&self, kind: Option<ConversationType>, status: Option<AnyStatus>) -> i64 {
        let p2p = match status {
            None => self.p2p.iter().sum(),
            Some(AnyStatus::Chat(ChatStatus::Active)) => self.p2p[0],
            Some(AnyStatus::Chat(ChatStatus::Archived)) => self.p2p[1],
            Some(AnyStatus::Ticket(_)) => 0,
        };
        let tickets = match status {
            None => self.tickets.iter().sum(),
            Some(AnyStatus::Ticket(status)) => self.tickets[ticket_index(status)],
            Some(AnyStatus::Chat(_)) => 0,
        };
        match kind {
            Some(ConversationType::P2p) => p2p,
            Some(ConversationType::Support) => tickets,
            None => p2p + tickets,
        }
    }
}

fn ticket_index(status: TicketStatus) -> usize {
    match status {
        TicketStatus::Open => 0,
        TicketStatus::Pending => 1,
        TicketStatus::Resolved => 2,
        TicketStatus::Closed => 3,
    }
}

/// The counter changes of a write, or of a whole batch of writes: each `(resource, shard)` row,
/// activity bucket and user is written once per batch however many writes touched it.
#[derive(Debug, Default)]
pub struct Counters {
    stats: BTreeMap<(ResourceId, i64), StatsDelta>,
    /// Messages per `(resource, bucket, shard)`.
    activity: BTreeMap<(ResourceId, i64, i64), i64>,
    /// The latest message time of each sender.
    active: BTreeMap<UserId, i64>,
}

impl Counters {
    pub fn add(&mut self, resource_id: &ResourceId, shard: i64, delta: StatsDelta) {
        let entry = self
            .stats
            .entry((resource_id.to_owned(), shard))
            .or_default();
        *entry = entry.plus(delta);
    }

    /// Counts a message sent at `now` by `sender_id` in its five-minute bucket, and the sender
    /// as active.
    pub fn message_sent(
        &mut self,
        resource_id: &ResourceId,
        shard: i64,
        sender_id: &UserId,
        now: i64,
    ) {
        *self
            .activity
            .entry((resource_id.to_owned(), now / BUCKET, shard))
            .or_default() += 1;
        let last = self.active.entry(sender_id.to_owned()).or_default();
        *last = (*last).max(now);
    }

    pub fn merge(&mut self, other: Counters) {
        for ((resource_id, shard), delta) in other.stats {
            self.add(&resource_id, shard, delta);
        }
        for (key, messages) in other.activity {
            *self.activity.entry(key).or_default() += messages;
        }
        for (user_id, at) in other.active {
            let last = self.active.entry(user_id).or_default();
            *last = (*last).max(at);
        }
    }

    /// The resources whose counters change.
    pub fn resources(&self) -> impl Iterator<Item = &ResourceId> {
        self.stats
            .keys()
            .map(|(resource_id, _)| resource_id)
            .chain(self.activity.keys().map(|(resource_id, _, _)| resource_id))
    }

    /// Writes the changes, in key order (concurrent PostgreSQL writers lock rows in one order).
    pub fn apply(&self, db: &mut dyn Db) -> Result<(), DbError> {
        for ((resource_id, shard), delta) in &self.stats {
            add_stats(db, resource_id, *shard, delta)?;
        }
        for ((resource_id, bucket, shard), messages) in &self.activity {
            db.execute(
                ADD_ACTIVITY,
                params![resource_id, *bucket, *shard, *messages],
            )?;
        }
        // A minute's precision is enough for "active in the last 24 hours", and saves a write
        // for most senders.
        for (user_id, at) in &self.active {
            db.execute(SET_LAST_ACTIVE, params![user_id, *at, *at - MINUTE])?;
        }
        Ok(())
    }
}

fn add_stats(
    db: &mut dyn Db,
    resource_id: &ResourceId,
    shard: i64,
    delta: &StatsDelta,
) -> Result<(), DbError> {
    let [open, pending, resolved, closed] = delta.tickets;
    db.execute(
        ADD_STATS,
        params![
            resource_id,
            shard,
            delta.users,
            delta.p2p_conversations,
            delta.p2p_archived,
            open,
            pending,
            resolved,
            closed,
            delta.messages,
            delta.unread_messages
        ],
    )?;
    Ok(())
}

const MINUTE: i64 = 60_000;
/// Activity bucket width: a day is 288 buckets (times 16 shards at most).
const BUCKET: i64 = 5 * MINUTE;
const DAY: i64 = 24 * 60 * MINUTE;

impl FromRow for Totals {
    fn from_row(row: &mut Row) -> Result<Self, DbError> {
        let users = row.int()?;
        let p2p = row.int()?;
        let archived = row.int()?;
        let tickets = [row.int()?, row.int()?, row.int()?, row.int()?];
        Ok(Totals {
            users,
            conversations: ConversationTotals {
                p2p: [p2p - archived, archived],
                tickets,
            },
            messages: row.int()?,
            unread_messages: row.int()?,
        })
    }
}

/// The resource's counters, added up over their shards.
fn totals(db: &mut dyn Db, resource_id: &ResourceId) -> Result<Totals, DbError> {
    db.one(TOTALS, params![resource_id])
}

/// How many conversations of the resource there are, by kind and status.
pub(super) fn conversation_totals(
    db: &mut dyn Db,
    resource_id: &ResourceId,
) -> Result<ConversationTotals, DbError> {
    Ok(totals(db, resource_id)?.conversations)
}

impl Store {
    /// The resource's statistics at `now`: a sum over at most 16 counter rows, one over at most
    /// a day of five-minute buckets, and one indexed range count of recently active users. A
    /// result is reused for up to a second unless a write of this process changed the
    /// resource's counters since (see `cache.rs`).
    pub async fn stats(&self, resource_id: &ResourceId, now: i64) -> Result<Stats, Error> {
        if let Some(stats) = self.shared.cache.stats(resource_id) {
            return Ok(stats);
        }
        let generation = self.shared.cache.stats_generation(resource_id);
        let resource = resource_id.to_owned();
        let stats = self
            .engine
            .read(move |db| Ok(compute_stats(db, &resource, now)?))
            .await?;
        self.shared
            .cache
            .put_stats(resource_id, generation, stats.clone());
        Ok(stats)
    }

    /// Drops activity buckets older than a day and an hour (run periodically).
    pub async fn prune_activity(&self, now: i64) -> Result<u64, Error> {
        self.engine
            .write(move |tx| {
                Ok(tx
                    .db
                    .execute(PRUNE_ACTIVITY, params![(now - DAY - 60 * MINUTE) / BUCKET])?)
            })
            .await
    }
}

fn compute_stats(db: &mut dyn Db, resource_id: &ResourceId, now: i64) -> Result<Stats, DbError> {
    let counters = totals(db, resource_id)?;
    let messages_last_24h: i64 =
        db.one(MESSAGES_SINCE, params![resource_id, (now - DAY) / BUCKET])?;
    let active_users_last_24h: i64 = db.one(ACTIVE_USERS_SINCE, params![resource_id, now - DAY])?;
    let totals = &counters.conversations;
    let p2p_conversations = totals.matching(Some(ConversationType::P2p), None);
    let support_tickets = totals.matching(Some(ConversationType::Support), None);
    Ok(Stats {
        total_users: counters.users,
        total_conversations: p2p_conversations + support_tickets,
        p2p_conversations,
        support_tickets,
        open_tickets: totals.tickets[0],
        pending_tickets: totals.tickets[1],
        resolved_tickets: totals.tickets[2],
        closed_tickets: totals.tickets[3],
        total_messages: counters.messages,
        unread_messages: counters.unread_messages,
        messages_last_24h,
        active_users_last_24h,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::id::test_user_id;

    #[test]
    fn counters_fold_per_row() {
        let site = ResourceId::named("site");
        let alice = test_user_id("alice");
        let mut batch = Counters::default();
        let sent = StatsDelta {
            messages: 1,
            ..StatsDelta::default()
        };
        let mut one = Counters::default();
        one.add(&site, 0, sent);
        one.message_sent(&site, 0, &alice, 1_000);
        let mut two = Counters::default();
        two.add(&site, 0, sent.ticket_moved(None, Some(TicketStatus::Open)));
        two.message_sent(&site, 0, &alice, 2_000);
        batch.merge(one);
        batch.merge(two);
        assert_eq!(batch.stats.len(), 1);
        let folded = batch.stats[&(site, 0)];
        assert_eq!(folded.messages, 2);
        assert_eq!(folded.tickets, [1, 0, 0, 0]);
        assert_eq!(batch.activity.values().sum::<i64>(), 2);
        assert_eq!(batch.active[&alice], 2_000);
    }

    #[test]
    fn totals_match_kind_and_status() {
        let totals = ConversationTotals {
            p2p: [7, 3],
            tickets: [1, 2, 4, 8],
        };
        assert_eq!(totals.matching(None, None), 25);
        assert_eq!(totals.matching(Some(ConversationType::P2p), None), 10);
        assert_eq!(
            totals.matching(None, Some(AnyStatus::Chat(ChatStatus::Archived))),
            3
        );
        assert_eq!(
            totals.matching(
                Some(ConversationType::Support),
                Some(AnyStatus::Ticket(TicketStatus::Resolved))
            ),
            4
        );
        assert_eq!(
            totals.matching(
                Some(ConversationType::Support),
                Some(AnyStatus::Chat(ChatStatus::Active))
            ),
            0
        );
    }

    #[test]
    fn ticket_moves_balance() {
        let delta = StatsDelta::default()
            .ticket_moved(Some(TicketStatus::Open), Some(TicketStatus::Pending));
        assert_eq!(delta.tickets, [-1, 1, 0, 0]);
        let created = StatsDelta::default().ticket_moved(None, Some(TicketStatus::Open));
        assert_eq!(created.tickets, [1, 0, 0, 0]);
    }
}
