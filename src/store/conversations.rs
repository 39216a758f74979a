//! Conversations of both kinds: the row mapping, look-ups, lists and P2P creation.

use sqlx::any::AnyRow;
use sqlx::{FromRow, Row};

use super::stats::{add_stats, StatsDelta};
use super::Store;
use crate::domain::conversation::{Conversation, Kind, Priority, Side, Status, TicketFields};
use crate::domain::message::StoredMessage;
use crate::domain::page::PageRequest;
use crate::error::AppError;

/// The conversation columns plus its last message (left-joined), for every conversation read.
macro_rules! select_conversation {
    ($tail:literal) => {
        concat!(
            "select c.id, c.resource_id, c.kind, c.status, c.participant_one, c.participant_two,
                c.unread_one, c.unread_two, c.read_seq_one, c.read_seq_two, c.message_count,
                c.last_seq, c.last_message_at, c.subject, c.priority, c.category, c.assignee_id,
                c.created_at, c.updated_at,
                m.id as m_id, m.seq as m_seq, m.sender_id as m_sender_id,
                m.sender_side as m_sender_side, m.text as m_text, m.created_at as m_created_at,
                m.edited_at as m_edited_at, m.deleted_at as m_deleted_at
             from conversations c left join messages m on m.id = c.last_message_id ",
            $tail
        )
    };
}
pub(super) use select_conversation;

/// The filter of a user's P2P list and its count: $1 user, $2 resource, $3 optional status.
macro_rules! p2p_filter {
    () => {
        "where (c.participant_one = $1 or c.participant_two = $1) and c.kind = 'p2p'
           and c.resource_id = $2 and ($3 is null or c.status = $3)"
    };
}

/// The admin panel's filter: $1 resource, $2 kind, $3 status, $4 participant, $5 P2P member.
macro_rules! admin_filter {
    () => {
        "where c.resource_id = $1 and ($2 is null or c.kind = $2) and ($3 is null or c.status = $3)
           and ($4 is null or c.participant_one = $4 or c.participant_two = $4)
           and ($5 is null or c.kind = 'support' or c.participant_one = $5
                or c.participant_two = $5)"
    };
}

/// Filters of the admin panel's conversation list.
#[derive(Debug, Default)]
pub struct AdminFilter<'a> {
    pub kind: Option<Kind>,
    pub status: Option<Status>,
    pub participant: Option<&'a str>,
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

    /// One page of `user_id`'s P2P conversations, newest activity first.
    pub async fn list_p2p(
        &self,
        resource_id: &str,
        user_id: &str,
        status: Option<Status>,
        page: PageRequest,
    ) -> Result<(Vec<Conversation>, i64), AppError> {
        let status = status.map(Status::as_str);
        let conversations = sqlx::query_as(concat!(
            select_conversation!(""),
            p2p_filter!(),
            " order by c.last_activity_at desc, c.id desc limit $4 offset $5"
        ))
        .bind(user_id)
        .bind(resource_id)
        .bind(status)
        .bind(page.limit)
        .bind(page.offset())
        .fetch_all(&self.read)
        .await?;
        let total: i64 = sqlx::query_scalar(concat!(
            "select count(*) from conversations c ",
            p2p_filter!()
        ))
        .bind(user_id)
        .bind(resource_id)
        .bind(status)
        .fetch_one(&self.read)
        .await?;
        Ok((conversations, total))
    }

    /// One page of the resource's conversations of both kinds for the admin panel, newest
    /// activity first. `filter.participant` keeps those the user takes part in (as either P2P
    /// participant or as a ticket's customer); `filter.p2p_member` hides P2P conversations that
    /// user is not in (staff see tickets and their own chats only).
    pub async fn list_all_conversations(
        &self,
        resource_id: &str,
        filter: &AdminFilter<'_>,
        page: PageRequest,
    ) -> Result<(Vec<Conversation>, i64), AppError> {
        let kind = filter.kind.map(Kind::as_str);
        let status = filter.status.map(Status::as_str);
        let conversations = sqlx::query_as(concat!(
            select_conversation!(""),
            admin_filter!(),
            " order by c.last_activity_at desc, c.id desc limit $6 offset $7"
        ))
        .bind(resource_id)
        .bind(kind)
        .bind(status)
        .bind(filter.participant)
        .bind(filter.p2p_member)
        .bind(page.limit)
        .bind(page.offset())
        .fetch_all(&self.read)
        .await?;
        let unfiltered =
            filter.status.is_none() && filter.participant.is_none() && filter.p2p_member.is_none();
        // The whole resource (or one kind of it) is counted by the stats counters: O(1) where a
        // count(*) would walk every conversation.
        let total: i64 = if unfiltered {
            let (p2p, tickets) = self.conversation_totals(resource_id).await?;
            match filter.kind {
                Some(Kind::P2p) => p2p,
                Some(Kind::Support) => tickets,
                None => p2p + tickets,
            }
        } else {
            sqlx::query_scalar(concat!(
                "select count(*) from conversations c ",
                admin_filter!()
            ))
            .bind(resource_id)
            .bind(kind)
            .bind(status)
            .bind(filter.participant)
            .bind(filter.p2p_member)
            .fetch_one(&self.read)
            .await?
        };
        Ok((conversations, total))
    }

    /// Sets the status of a P2P conversation (archive, unarchive).
    pub async fn set_p2p_status(
        &self,
        resource_id: &str,
        id: &str,
        status: Status,
        now: i64,
    ) -> Result<(), AppError> {
        sqlx::query(
            "update conversations set status = $3, updated_at = $4
             where id = $1 and resource_id = $2 and kind = 'p2p'",
        )
        .bind(id)
        .bind(resource_id)
        .bind(status.as_str())
        .bind(now)
        .execute(&self.write)
        .await?;
        Ok(())
    }
}
