//! Conversations of both kinds: the row mapping, look-ups, lists and P2P creation.

use sqlx::any::AnyRow;
use sqlx::{FromRow, Row};

use super::messages::lock_conversation;
use super::stats::{add_stats, ConversationTotals, StatsDelta};
use super::Store;
use crate::domain::conversation::{Conversation, Kind, Priority, Side, Status, TicketFields};
use crate::domain::message::StoredMessage;
use crate::domain::page::PageRequest;
use crate::error::AppError;

/// The conversation columns plus its last message (left-joined), for every conversation read.
macro_rules! select_conversation {
    ($tail:literal) => {
        select_conversation!(from "conversations", $tail)
    };
    (from $source:expr, $tail:literal) => {
        concat!(
            "select c.id, c.resource_id, c.kind, c.status, c.participant_one, c.participant_two,
                c.unread_one, c.unread_two, c.read_seq_one, c.read_seq_two, c.message_count,
                c.last_seq, c.last_message_at, c.subject, c.priority, c.category, c.assignee_id,
                c.created_at, c.updated_at,
                m.id as m_id, m.seq as m_seq, m.sender_id as m_sender_id,
                m.sender_side as m_sender_side, m.text as m_text, m.created_at as m_created_at,
                m.edited_at as m_edited_at, m.deleted_at as m_deleted_at
             from ",
            $source,
            " c left join messages m on m.id = c.last_message_id ",
            $tail
        )
    };
}
pub(super) use select_conversation;

/// The conversations `user_id` takes part in: $1 user, $2 resource, $3 optional kind, $4
/// optional status. Three branches (first participant or customer of a P2P chat or a ticket,
/// second participant of a P2P chat), each an equality prefix of a participant index, so each
/// delivers its rows in activity order.
macro_rules! user_branches {
    ($select:literal) => {
        concat!(
            $select,
            " from conversations
               where participant_one = $1 and resource_id = $2 and kind = 'p2p'
                 and ($3 is null or $3 = 'p2p') and ($4 is null or status = $4)
             union all ",
            $select,
            " from conversations
               where participant_one = $1 and resource_id = $2 and kind = 'support'
                 and ($3 is null or $3 = 'support') and ($4 is null or status = $4)
             union all ",
            $select,
            " from conversations
               where participant_two = $1 and resource_id = $2 and kind = 'p2p'
                 and ($3 is null or $3 = 'p2p') and ($4 is null or status = $4)"
        )
    };
}

/// One page of a user's conversations ($5 limit, $6 offset): the union merges the three ordered
/// branches, so a page costs O(limit + offset) whatever the size of the resource.
macro_rules! user_conversations {
    () => {
        concat!(
            "(",
            user_branches!("select *"),
            " order by last_activity_at desc, id desc limit $5 offset $6)"
        )
    };
}

/// How many conversations `user_conversations!` pages through.
macro_rules! count_user_conversations {
    () => {
        concat!(
            "select cast(coalesce(sum(n), 0) as bigint) from (",
            user_branches!("select count(*) as n"),
            ") counts"
        )
    };
}

/// What a staff member sees in the admin panel, one page of it: every ticket and their own P2P
/// conversations, merged in activity order from three index scans. $1 resource, $2 optional
/// kind, $3 optional status, $4 the staff member, $5 limit, $6 offset.
macro_rules! staff_view {
    () => {
        "(select * from conversations
            where resource_id = $1 and kind = 'support' and ($2 is null or $2 = 'support')
              and ($3 is null or status = $3)
          union all
          select * from conversations
            where participant_one = $4 and resource_id = $1 and kind = 'p2p'
              and ($2 is null or $2 = 'p2p') and ($3 is null or status = $3)
          union all
          select * from conversations
            where participant_two = $4 and resource_id = $1 and kind = 'p2p'
              and ($2 is null or $2 = 'p2p') and ($3 is null or status = $3)
          order by last_activity_at desc, id desc limit $5 offset $6)"
    };
}

/// Filters of the admin panel's conversation list.
#[derive(Debug, Default)]
pub struct AdminFilter<'a> {
    pub kind: Option<Kind>,
    pub status: Option<Status>,
    /// Only conversations this user takes part in.
    pub participant: Option<&'a str>,
    /// A staff member: tickets, and only the P2P conversations they are in.
    pub p2p_member: Option<&'a str>,
}

/// Decodes a row of `select_conversation!`.
impl FromRow<'_, AnyRow> for Conversation {
    fn from_row(row: &AnyRow) -> Result<Self, sqlx::Error> {
        let bad = |what: &str| sqlx::Error::Decode(format!("bad {what} in store").into());
        let id: String = row.try_get("id")?;
        let kind = Kind::parse(row.try_get("kind")?).ok_or_else(|| bad("kind"))?;
        let status = Status::parse(row.try_get("status")?).ok_or_else(|| bad("status"))?;
        let last_message = match row.try_get::<Option<String>, _>("m_id")? {
            Some(message_id) => Some(StoredMessage {
                id: message_id,
                conversation_id: id.clone(),
                seq: row.try_get("m_seq")?,
                sender_id: row.try_get("m_sender_id")?,
                sender_side: Side::from_number(row.try_get("m_sender_side")?),
                text: row.try_get("m_text")?,
                created_at: row.try_get("m_created_at")?,
                edited_at: row.try_get("m_edited_at")?,
                deleted_at: row.try_get("m_deleted_at")?,
            }),
            None => None,
        };
        let ticket = match kind {
            Kind::P2p => None,
            Kind::Support => Some(TicketFields {
                subject: row
                    .try_get::<Option<String>, _>("subject")?
                    .unwrap_or_default(),
                priority: row
                    .try_get::<Option<String>, _>("priority")?
                    .as_deref()
                    .and_then(Priority::parse)
                    .unwrap_or_default(),
                category: row.try_get("category")?,
                assignee_id: row.try_get("assignee_id")?,
            }),
        };
        Ok(Conversation {
            id,
            resource_id: row.try_get("resource_id")?,
            kind,
            status,
            participant_one: row.try_get("participant_one")?,
            participant_two: row.try_get("participant_two")?,
            unread: [row.try_get("unread_one")?, row.try_get("unread_two")?],
            read_seq: [row.try_get("read_seq_one")?, row.try_get("read_seq_two")?],
            message_count: row.try_get("message_count")?,
            last_seq: row.try_get("last_seq")?,
            last_message_at: row.try_get("last_message_at")?,
            last_message,
            ticket,
            created_at: row.try_get("created_at")?,
            updated_at: row.try_get("updated_at")?,
        })
    }
}

impl Store {
    /// The conversation `id` of `resource_id`, of either kind.
    pub async fn find_conversation(
        &self,
        resource_id: &str,
        id: &str,
    ) -> Result<Option<Conversation>, AppError> {
        let conversation = sqlx::query_as(select_conversation!(
            "where c.id = $1 and c.resource_id = $2"
        ))
        .bind(id)
        .bind(resource_id)
        .fetch_optional(&self.read)
        .await?;
        Ok(conversation)
    }

    /// The P2P conversation of the pair, made now if it did not exist: `(conversation, created)`.
    /// The unique pair index makes concurrent requests for one pair agree on one conversation.
    pub async fn open_p2p(
        &self,
        resource_id: &str,
        id: &str,
        creator: &str,
        other: &str,
        now: i64,
    ) -> Result<(Conversation, bool), AppError> {
        let (lo, hi) = if creator < other {
            (creator, other)
        } else {
            (other, creator)
        };
        let mut tx = self.write.begin().await?;
        let inserted = sqlx::query(
            "insert into conversations (id, resource_id, kind, status, participant_one,
                 participant_two, user_lo, user_hi, last_activity_at, created_at, updated_at)
             values ($1, $2, 'p2p', 'active', $3, $4, $5, $6, $7, $7, $7)
             on conflict (resource_id, user_lo, user_hi) do nothing",
        )
        .bind(id)
        .bind(resource_id)
        .bind(creator)
        .bind(other)
        .bind(lo)
        .bind(hi)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let created = inserted.rows_affected() == 1;
        if created {
            let delta = StatsDelta {
                p2p_conversations: 1,
                ..StatsDelta::default()
            };
            add_stats(&mut tx, resource_id, id, delta).await?;
        }
        let conversation = sqlx::query_as(select_conversation!(
            "where c.resource_id = $1 and c.user_lo = $2 and c.user_hi = $3"
        ))
        .bind(resource_id)
        .bind(lo)
        .bind(hi)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok((conversation, created))
    }

    /// The users `user_id` has a P2P conversation with (who hears of their presence).
    pub async fn p2p_partners(
        &self,
        resource_id: &str,
        user_id: &str,
    ) -> Result<Vec<String>, AppError> {
        let partners = sqlx::query_scalar(
            "select participant_two from conversations
               where participant_one = $1 and resource_id = $2 and kind = 'p2p'
             union all
             select participant_one from conversations
               where participant_two = $1 and resource_id = $2 and kind = 'p2p'",
        )
        .bind(user_id)
        .bind(resource_id)
        .fetch_all(&self.read)
        .await?;
        Ok(partners)
    }

    /// Whether the two users have a P2P conversation (one index probe on the pair).
    pub async fn share_p2p(&self, resource_id: &str, a: &str, b: &str) -> Result<bool, AppError> {
        let (lo, hi) = if a < b { (a, b) } else { (b, a) };
        let found: Option<String> = sqlx::query_scalar(
            "select id from conversations where resource_id = $1 and user_lo = $2 and user_hi = $3",
        )
        .bind(resource_id)
        .bind(lo)
        .bind(hi)
        .fetch_optional(&self.read)
        .await?;
        Ok(found.is_some())
    }

    /// One page of `user_id`'s P2P conversations, newest activity first.
    pub async fn list_p2p(
        &self,
        resource_id: &str,
        user_id: &str,
        status: Option<Status>,
        page: PageRequest,
    ) -> Result<(Vec<Conversation>, i64), AppError> {
        let filter = (Some(Kind::P2p), status);
        self.list_user_conversations(resource_id, user_id, filter, page)
            .await
    }

    /// One page of the resource's conversations of both kinds for the admin panel, newest
    /// activity first, filtered as `filter` says.
    pub async fn list_all_conversations(
        &self,
        resource_id: &str,
        filter: &AdminFilter<'_>,
        page: PageRequest,
    ) -> Result<(Vec<Conversation>, i64), AppError> {
        let kind = filter.kind.map(Kind::as_str);
        let status = filter.status.map(Status::as_str);
        if let Some(user_id) = filter.participant {
            // Staff looking at someone else see that user's tickets, never their private chats.
            let kind = match filter.p2p_member {
                Some(staff_id) if staff_id != user_id => match filter.kind {
                    Some(Kind::P2p) => return Ok((Vec::new(), 0)),
                    _ => Some(Kind::Support),
                },
                _ => filter.kind,
            };
            return self
                .list_user_conversations(resource_id, user_id, (kind, filter.status), page)
                .await;
        }
        let totals = self.conversation_totals(resource_id).await?;
        let Some(staff_id) = filter.p2p_member else {
            let conversations = sqlx::query_as(concat!(
                select_conversation!(""),
                "where c.resource_id = $1 and ($2 is null or c.kind = $2)
                   and ($3 is null or c.status = $3)
                 order by c.last_activity_at desc, c.id desc limit $4 offset $5"
            ))
            .bind(resource_id)
            .bind(kind)
            .bind(status)
            .bind(page.limit)
            .bind(page.offset())
            .fetch_all(&self.read)
            .await?;
            return Ok((conversations, totals.matching(filter.kind, filter.status)));
        };
        self.list_staff_view(resource_id, staff_id, filter, &totals, page)
            .await
    }

    /// The admin list as a staff member sees it: every ticket, and their own P2P conversations.
    async fn list_staff_view(
        &self,
        resource_id: &str,
        staff_id: &str,
        filter: &AdminFilter<'_>,
        totals: &ConversationTotals,
        page: PageRequest,
    ) -> Result<(Vec<Conversation>, i64), AppError> {
        let kind = filter.kind.map(Kind::as_str);
        let status = filter.status.map(Status::as_str);
        let conversations = sqlx::query_as(select_conversation!(
            from staff_view!(),
            "order by c.last_activity_at desc, c.id desc"
        ))
        .bind(resource_id)
        .bind(kind)
        .bind(status)
        .bind(staff_id)
        .bind(page.limit)
        .bind(page.offset())
        .fetch_all(&self.read)
        .await?;
        let own_p2p = match filter.kind {
            Some(Kind::Support) => 0,
            _ => {
                self.count_user_conversations(resource_id, staff_id, Some("p2p"), status)
                    .await?
            }
        };
        let tickets = match filter.kind {
            Some(Kind::P2p) => 0,
            _ => totals.matching(Some(Kind::Support), filter.status),
        };
        let total = tickets + own_p2p;
        Ok((conversations, total))
    }

    /// One page of the conversations of `user_id` (as a participant or a ticket's customer),
    /// optionally of one kind and status, newest activity first.
    async fn list_user_conversations(
        &self,
        resource_id: &str,
        user_id: &str,
        (kind, status): (Option<Kind>, Option<Status>),
        page: PageRequest,
    ) -> Result<(Vec<Conversation>, i64), AppError> {
        let kind = kind.map(Kind::as_str);
        let status = status.map(Status::as_str);
        let conversations = sqlx::query_as(select_conversation!(
            from user_conversations!(),
            "order by c.last_activity_at desc, c.id desc"
        ))
        .bind(user_id)
        .bind(resource_id)
        .bind(kind)
        .bind(status)
        .bind(page.limit)
        .bind(page.offset())
        .fetch_all(&self.read)
        .await?;
        let total = self
            .count_user_conversations(resource_id, user_id, kind, status)
            .await?;
        Ok((conversations, total))
    }

    async fn count_user_conversations(
        &self,
        resource_id: &str,
        user_id: &str,
        kind: Option<&str>,
        status: Option<&str>,
    ) -> Result<i64, AppError> {
        let total = sqlx::query_scalar(count_user_conversations!())
            .bind(user_id)
            .bind(resource_id)
            .bind(kind)
            .bind(status)
            .fetch_one(&self.read)
            .await?;
        Ok(total)
    }

    /// Sets the status of a P2P conversation (archive, unarchive).
    pub async fn set_p2p_status(
        &self,
        resource_id: &str,
        id: &str,
        status: Status,
        now: i64,
    ) -> Result<(), AppError> {
        let mut tx = self.write.begin().await?;
        let locked = lock_conversation(&mut tx, id).await?;
        if locked.resource_id != resource_id || locked.kind != Kind::P2p {
            return Err(AppError::NotFound("conversation"));
        }
        sqlx::query("update conversations set status = $2, updated_at = $3 where id = $1")
            .bind(id)
            .bind(status.as_str())
            .bind(now)
            .execute(&mut *tx)
            .await?;
        if status != locked.status {
            let delta = StatsDelta {
                p2p_archived: if status == Status::Archived { 1 } else { -1 },
                ..StatsDelta::default()
            };
            add_stats(&mut tx, resource_id, id, delta).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
