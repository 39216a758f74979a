//! The admin panel's statistics: counters kept by the writes themselves, read in O(1).

use serde::Serialize;
use sqlx::{Any, AnyConnection, Row};
use utoipa::ToSchema;

use super::Store;
use crate::domain::conversation::{Kind, Status};
use crate::error::AppError;

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
    /// One ticket leaves `from` (if any) and enters `to` (if any).
    pub fn ticket_moved(mut self, from: Option<Status>, to: Option<Status>) -> Self {
        if let Some(index) = from.and_then(ticket_index) {
            self.tickets[index] -= 1;
        }
        if let Some(index) = to.and_then(ticket_index) {
            self.tickets[index] += 1;
        }
        self
    }
}

/// A resource's counters, summed over their shards.
struct Counters {
    users: i64,
    conversations: ConversationTotals,
    messages: i64,
    unread_messages: i64,
}

/// Conversations of a resource by kind and status.
pub(super) struct ConversationTotals {
    /// Active, archived.
    p2p: [i64; 2],
    /// Open, pending, resolved, closed.
    tickets: [i64; 4],
}

impl ConversationTotals {
    /// How many match an optional kind and an optional status.
    pub fn matching(&self, kind: Option<Kind>, status: Option<Status>) -> i64 {
        let p2p = match status {
            None => self.p2p.iter().sum(),
            Some(Status::Active) => self.p2p[0],
            Some(Status::Archived) => self.p2p[1],
            Some(_) => 0,
        };
        let tickets = match status {
            None => self.tickets.iter().sum(),
            Some(status) => ticket_index(status).map_or(0, |i| self.tickets[i]),
        };
        match kind {
            Some(Kind::P2p) => p2p,
            Some(Kind::Support) => tickets,
            None => p2p + tickets,
        }
    }
}

fn ticket_index(status: Status) -> Option<usize> {
    match status {
        Status::Open => Some(0),
        Status::Pending => Some(1),
        Status::Resolved => Some(2),
        Status::Closed => Some(3),
        Status::Active | Status::Archived => None,
    }
}

/// The counter shard of an id: its last hex digit.
fn shard(id: &str) -> i64 {
    id.bytes()
        .last()
        .and_then(|b| (b as char).to_digit(16))
        .map_or(0, i64::from)
}

/// Adds `delta` to the counters of `resource_id` in the shard of `id`.
pub(super) async fn add_stats(
    conn: &mut AnyConnection,
    resource_id: &str,
    id: &str,
    delta: StatsDelta,
) -> Result<(), AppError> {
    let [open, pending, resolved, closed] = delta.tickets;
    sqlx::query::<Any>(
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
             unread_messages = resource_stats.unread_messages + excluded.unread_messages",
    )
    .bind(resource_id)
    .bind(shard(id))
    .bind(delta.users)
    .bind(delta.p2p_conversations)
    .bind(delta.p2p_archived)
    .bind(open)
    .bind(pending)
    .bind(resolved)
    .bind(closed)
    .bind(delta.messages)
    .bind(delta.unread_messages)
    .execute(conn)
    .await?;
    Ok(())
}

/// Counts a message sent at `now` by `sender_id`: its five-minute bucket and the sender's activity.
pub(super) async fn record_activity(
    conn: &mut AnyConnection,
    resource_id: &str,
    conversation_id: &str,
    sender_id: &str,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query::<Any>(
        "insert into resource_activity (resource_id, bucket, shard, messages)
         values ($1, $2, $3, 1)
         on conflict (resource_id, bucket, shard) do update
             set messages = resource_activity.messages + 1",
    )
    .bind(resource_id)
    .bind(now / BUCKET)
    .bind(shard(conversation_id))
    .execute(&mut *conn)
    .await?;
    // A minute's precision is enough for "active in the last 24 hours", and saves a write on
    // most sends.
    sqlx::query::<Any>(
        "update users set last_active_at = $2 where id = $1 and last_active_at < $3",
    )
    .bind(sender_id)
    .bind(now)
    .bind(now - MINUTE)
    .execute(conn)
    .await?;
    Ok(())
}

const MINUTE: i64 = 60_000;
/// Activity bucket width: a day is 288 buckets (times 16 shards at most).
const BUCKET: i64 = 5 * MINUTE;
const DAY: i64 = 24 * 60 * MINUTE;

/// `GET /admin-panel/stats`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Stats {
    pub total_users: i64,
    pub total_conversations: i64,
    pub p2p_conversations: i64,
    pub support_tickets: i64,
    pub open_tickets: i64,
    pub pending_tickets: i64,
    pub resolved_tickets: i64,
    pub closed_tickets: i64,
    pub total_messages: i64,
    /// Unread messages over every conversation and side (a ticket's staff side counts once).
    pub unread_messages: i64,
    /// Messages sent in the last 24 hours, counted in five-minute buckets.
    pub messages_last_24h: i64,
    /// Users who sent a message in the last 24 hours.
    pub active_users_last_24h: i64,
}

impl Store {
    /// The resource's statistics at `now`: a sum over at most 16 counter rows, one over at most
    /// 24 hours of five-minute buckets, and one indexed range count of recently active users.
    pub async fn stats(&self, resource_id: &str, now: i64) -> Result<Stats, AppError> {
        let counters = self.counters(resource_id).await?;
        let messages_last_24h: i64 = sqlx::query_scalar(
            "select cast(coalesce(sum(messages), 0) as bigint) from resource_activity
             where resource_id = $1 and bucket > $2",
        )
        .bind(resource_id)
        .bind((now - DAY) / BUCKET)
        .fetch_one(&self.read)
        .await?;
        let active_users_last_24h: i64 = sqlx::query_scalar(
            "select count(*) from users where resource_id = $1 and last_active_at > $2",
        )
        .bind(resource_id)
        .bind(now - DAY)
        .fetch_one(&self.read)
        .await?;
        let totals = &counters.conversations;
        let p2p_conversations = totals.matching(Some(Kind::P2p), None);
        let support_tickets = totals.matching(Some(Kind::Support), None);
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

    /// How many conversations of the resource there are, by kind and status.
    pub(super) async fn conversation_totals(
        &self,
        resource_id: &str,
    ) -> Result<ConversationTotals, AppError> {
        Ok(self.counters(resource_id).await?.conversations)
    }

    /// The resource's counters, added up over their shards.
    async fn counters(&self, resource_id: &str) -> Result<Counters, AppError> {
        // PostgreSQL sums bigints to numeric, which the Any driver cannot decode: cast back.
        let row = sqlx::query(
            "select cast(coalesce(sum(users), 0) as bigint) as users,
                 cast(coalesce(sum(p2p_conversations), 0) as bigint) as p2p,
                 cast(coalesce(sum(p2p_archived), 0) as bigint) as archived,
                 cast(coalesce(sum(tickets_open), 0) as bigint) as open,
                 cast(coalesce(sum(tickets_pending), 0) as bigint) as pending,
                 cast(coalesce(sum(tickets_resolved), 0) as bigint) as resolved,
                 cast(coalesce(sum(tickets_closed), 0) as bigint) as closed,
                 cast(coalesce(sum(messages), 0) as bigint) as messages,
                 cast(coalesce(sum(unread_messages), 0) as bigint) as unread
             from resource_stats where resource_id = $1",
        )
        .bind(resource_id)
        .fetch_one(&self.read)
        .await?;
        let archived: i64 = row.try_get("archived")?;
        Ok(Counters {
            users: row.try_get("users")?,
            conversations: ConversationTotals {
                p2p: [row.try_get::<i64, _>("p2p")? - archived, archived],
                tickets: [
                    row.try_get("open")?,
                    row.try_get("pending")?,
                    row.try_get("resolved")?,
                    row.try_get("closed")?,
                ],
            },
            messages: row.try_get("messages")?,
            unread_messages: row.try_get("unread")?,
        })
    }

    /// Drops activity buckets older than a day and an hour (run periodically).
    pub async fn prune_activity(&self, now: i64) -> Result<u64, AppError> {
        let done = sqlx::query("delete from resource_activity where bucket < $1")
            .bind((now - DAY - 60 * MINUTE) / BUCKET)
            .execute(&self.write)
            .await?;
        Ok(done.rows_affected())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_are_the_last_hex_digit() {
        assert_eq!(shard("01a214bed6a679cb02ab46e3"), 3);
        assert_eq!(shard("01a214bed6a679cb02ab46ef"), 15);
        assert_eq!(shard(""), 0);
    }

    #[test]
    fn totals_match_kind_and_status() {
        let totals = ConversationTotals {
            p2p: [7, 3],
            tickets: [1, 2, 4, 8],
        };
        assert_eq!(totals.matching(None, None), 25);
        assert_eq!(totals.matching(Some(Kind::P2p), None), 10);
        assert_eq!(totals.matching(None, Some(Status::Archived)), 3);
        assert_eq!(
            totals.matching(Some(Kind::Support), Some(Status::Resolved)),
            4
        );
        assert_eq!(
            totals.matching(Some(Kind::Support), Some(Status::Active)),
            0
        );
    }

    #[test]
    fn ticket_moves_balance() {
        let delta = StatsDelta::default().ticket_moved(Some(Status::Open), Some(Status::Pending));
        assert_eq!(delta.tickets, [-1, 1, 0, 0]);
        let created = StatsDelta::default().ticket_moved(None, Some(Status::Open));
        assert_eq!(created.tickets, [1, 0, 0, 0]);
    }
}
