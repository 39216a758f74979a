//! Messages of both conversation kinds: send (with the counters, atomically), history, read
//! state, edit and delete.

use sqlx::any::AnyRow;
use sqlx::{Any, FromRow, Row, Transaction};

use super::stats::{add_stats, record_activity, StatsDelta};
use super::Store;
use crate::domain::conversation::{status_after_reply, Kind, Side, Status};
use crate::domain::message::StoredMessage;
use crate::error::AppError;

/// The columns `StoredMessage` decodes from.
macro_rules! message_columns {
    () => {
        "id, conversation_id, seq, sender_id, sender_side, text, created_at, edited_at, deleted_at"
    };
}

/// `select <message columns> from messages <tail>`.
macro_rules! select_message {
    ($tail:literal) => {
        concat!("select ", message_columns!(), " from messages ", $tail)
    };
}

impl FromRow<'_, AnyRow> for StoredMessage {
    fn from_row(row: &AnyRow) -> Result<Self, sqlx::Error> {
        Ok(StoredMessage {
            id: row.try_get("id")?,
            conversation_id: row.try_get("conversation_id")?,
            seq: row.try_get("seq")?,
            sender_id: row.try_get("sender_id")?,
            sender_side: Side::from_number(row.try_get("sender_side")?),
            text: row.try_get("text")?,
            created_at: row.try_get("created_at")?,
            edited_at: row.try_get("edited_at")?,
            deleted_at: row.try_get("deleted_at")?,
        })
    }
}

/// A message to send (validated and authorised by the caller).
pub struct NewMessage<'a> {
    pub id: String,
    pub conversation_id: &'a str,
    pub sender_id: &'a str,
    pub side: Side,
    pub text: &'a str,
    pub client_message_id: Option<&'a str>,
    pub now: i64,
}

/// What a send did.
pub struct Sent {
    pub message: StoredMessage,
    /// The message existed already (a retry with the same clientMessageId).
    pub repeated: bool,
}

/// Where a page of history starts.
#[derive(Debug, Clone, Copy)]
pub enum HistoryFrom {
    /// The newest messages.
    Latest,
    /// Messages with a smaller seq, newest of them first.
    Before(i64),
    /// Messages with a larger seq, oldest first.
    After(i64),
}

/// The state of a conversation row under lock.
pub(super) struct Locked {
    pub resource_id: String,
    pub kind: Kind,
    pub status: Status,
    pub last_seq: i64,
    pub read_seq: [i64; 2],
    pub unread: [i64; 2],
}

/// Locks the conversation row for the rest of the transaction (PostgreSQL row lock; SQLite has
/// one writer anyway) and reads what a write decides on. A no-op update is the portable way to
/// lock: SQLite has no `select ... for update`.
pub(super) async fn lock_conversation(
    tx: &mut Transaction<'_, Any>,
    conversation_id: &str,
) -> Result<Locked, AppError> {
    let row: Option<AnyRow> = sqlx::query(
        "update conversations set last_seq = last_seq where id = $1
         returning resource_id, kind, status, last_seq, read_seq_one, read_seq_two, unread_one,
             unread_two",
    )
    .bind(conversation_id)
    .fetch_optional(&mut **tx)
    .await?;
    let row = row.ok_or(AppError::NotFound("conversation"))?;
    let bad = || AppError::internal(anyhow::anyhow!("bad conversation row in store"));
    Ok(Locked {
        resource_id: row.try_get("resource_id")?,
        kind: Kind::parse(row.try_get("kind")?).ok_or_else(bad)?,
        status: Status::parse(row.try_get("status")?).ok_or_else(bad)?,
        last_seq: row.try_get("last_seq")?,
        read_seq: [row.try_get("read_seq_one")?, row.try_get("read_seq_two")?],
        unread: [row.try_get("unread_one")?, row.try_get("unread_two")?],
    })
}

impl Store {
    /// Sends a message: assigns the next seq, bumps messageCount and the other side's unread
    /// count, moves the sender's read watermark, sets lastMessage and (tickets) the status, all
    /// in one transaction. A repeated `client_message_id` returns the first message instead.
    /// 403 if the conversation is archived or closed.
    pub async fn send_message(&self, new: NewMessage<'_>) -> Result<Sent, AppError> {
        let mut tx = self.write.begin().await?;
        let sent = send_in(&mut tx, &new).await?;
        tx.commit().await?;
        Ok(sent)
    }

    /// A page of history: up to `limit` messages in seq order, and whether more lie beyond.
    pub async fn history(
        &self,
        conversation_id: &str,
        from: HistoryFrom,
        limit: i64,
    ) -> Result<(Vec<StoredMessage>, bool), AppError> {
        const OLDER: &str =
            select_message!("where conversation_id = $1 and seq < $2 order by seq desc limit $3");
        const NEWER: &str =
            select_message!("where conversation_id = $1 and seq > $2 order by seq asc limit $3");
        let (sql, bound) = match from {
            HistoryFrom::Latest => (OLDER, i64::MAX),
            HistoryFrom::Before(seq) => (OLDER, seq),
            HistoryFrom::After(seq) => (NEWER, seq),
        };
        let mut messages: Vec<StoredMessage> = sqlx::query_as(sql)
            .bind(conversation_id)
            .bind(bound)
            .bind(limit + 1)
            .fetch_all(&self.read)
            .await?;
        let has_more = messages.len() as i64 > limit;
        messages.truncate(limit as usize);
        messages.sort_by_key(|message| message.seq);
        Ok((messages, has_more))
    }

    /// The message `id` of the conversation.
    pub async fn find_message(
        &self,
        conversation_id: &str,
        id: &str,
    ) -> Result<Option<StoredMessage>, AppError> {
        let message = sqlx::query_as(select_message!("where id = $1 and conversation_id = $2"))
            .bind(id)
            .bind(conversation_id)
            .fetch_optional(&self.read)
            .await?;
        Ok(message)
    }

    /// Moves `side`'s read watermark to `up_to` (all, if `None`; never backwards, never past
    /// the last message) and recounts that side's unread messages exactly. Returns
    /// `(unread, read_seq)`.
    pub async fn mark_read(
        &self,
        conversation_id: &str,
        side: Side,
        up_to: Option<i64>,
    ) -> Result<(i64, i64), AppError> {
        let mut tx = self.write.begin().await?;
        let locked = lock_conversation(&mut tx, conversation_id).await?;
        let target = up_to.unwrap_or(locked.last_seq).min(locked.last_seq);
        let read_seq = locked.read_seq[side.index()].max(target);
        let unread: i64 = sqlx::query_scalar(
            "select count(*) from messages
             where conversation_id = $1 and seq > $2 and sender_side = $3",
        )
        .bind(conversation_id)
        .bind(read_seq)
        .bind(side.other().number())
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query(
            "update conversations set
                 read_seq_one = case when $2 = 1 then $3 else read_seq_one end,
                 read_seq_two = case when $2 = 2 then $3 else read_seq_two end,
                 unread_one = case when $2 = 1 then $4 else unread_one end,
                 unread_two = case when $2 = 2 then $4 else unread_two end
             where id = $1",
        )
        .bind(conversation_id)
        .bind(side.number())
        .bind(read_seq)
        .bind(unread)
        .execute(&mut *tx)
        .await?;
        let delta = StatsDelta {
            unread_messages: unread - locked.unread[side.index()],
            ..StatsDelta::default()
        };
        add_stats(&mut tx, &locked.resource_id, conversation_id, delta).await?;
        tx.commit().await?;
        Ok((unread, read_seq))
    }

    /// Replaces the text of a message that is not deleted; `None` if it is gone or deleted.
    pub async fn edit_message(
        &self,
        conversation_id: &str,
        id: &str,
        text: &str,
        now: i64,
    ) -> Result<Option<StoredMessage>, AppError> {
        let message = sqlx::query_as(concat!(
            "update messages set text = $3, edited_at = $4
             where id = $1 and conversation_id = $2 and deleted_at is null
             returning ",
            message_columns!()
        ))
        .bind(id)
        .bind(conversation_id)
        .bind(text)
        .bind(now)
        .fetch_optional(&self.write)
        .await?;
        Ok(message)
    }

    /// Soft-deletes a message: the text is removed, `deleted_at` set, the message keeps its place
    /// in history. Deleting a deleted message changes nothing.
    pub async fn delete_message(
        &self,
        conversation_id: &str,
        id: &str,
        now: i64,
    ) -> Result<Option<StoredMessage>, AppError> {
        let message = sqlx::query_as(concat!(
            "update messages set text = '', deleted_at = coalesce(deleted_at, $3)
             where id = $1 and conversation_id = $2
             returning ",
            message_columns!()
        ))
        .bind(id)
        .bind(conversation_id)
        .bind(now)
        .fetch_optional(&self.write)
        .await?;
        Ok(message)
    }
}

/// `send_message` inside a transaction the caller owns (a ticket's first message goes in the
/// same transaction as the ticket).
pub(super) async fn send_in(
    tx: &mut Transaction<'_, Any>,
    new: &NewMessage<'_>,
) -> Result<Sent, AppError> {
    let locked = lock_conversation(tx, new.conversation_id).await?;
    if let Some(client_id) = new.client_message_id {
        let existing: Option<StoredMessage> = sqlx::query_as(select_message!(
            "where conversation_id = $1 and sender_id = $2 and client_message_id = $3"
        ))
        .bind(new.conversation_id)
        .bind(new.sender_id)
        .bind(client_id)
        .fetch_optional(&mut **tx)
        .await?;
        if let Some(message) = existing {
            return Ok(Sent {
                message,
                repeated: true,
            });
        }
    }
    if locked.status.is_read_only() {
        return Err(AppError::forbidden(match locked.status {
            Status::Closed => "this ticket is closed",
            _ => "this conversation is archived; unarchive it first",
        }));
    }
    let seq = locked.last_seq + 1;
    let status = match locked.kind {
        Kind::Support => status_after_reply(locked.status, new.side),
        Kind::P2p => locked.status,
    };
    sqlx::query(
        "insert into messages (id, conversation_id, seq, sender_id, sender_side, text,
             client_message_id, created_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&new.id)
    .bind(new.conversation_id)
    .bind(seq)
    .bind(new.sender_id)
    .bind(new.side.number())
    .bind(new.text)
    .bind(new.client_message_id)
    .bind(new.now)
    .execute(&mut **tx)
    .await?;
    // contract §1 and §4: the sender has read everything up to their own message; the other
    // side has one more unread.
    sqlx::query(
        "update conversations set
             last_seq = $3, message_count = message_count + 1,
             unread_one = case when $2 = 1 then 0 else unread_one + 1 end,
             unread_two = case when $2 = 2 then 0 else unread_two + 1 end,
             read_seq_one = case when $2 = 1 then $3 else read_seq_one end,
             read_seq_two = case when $2 = 2 then $3 else read_seq_two end,
             last_message_id = $4, last_message_at = $5, last_activity_at = $5, updated_at = $5,
             status = $6
         where id = $1",
    )
    .bind(new.conversation_id)
    .bind(new.side.number())
    .bind(seq)
    .bind(&new.id)
    .bind(new.now)
    .bind(status.as_str())
    .execute(&mut **tx)
    .await?;
    let delta = StatsDelta {
        messages: 1,
        // The other side has one more unread; the sender's own unread count drops to zero.
        unread_messages: 1 - locked.unread[new.side.index()],
        ..StatsDelta::default()
    };
    let delta = match locked.kind {
        Kind::Support if status != locked.status => {
            delta.ticket_moved(Some(locked.status), Some(status))
        }
        _ => delta,
    };
    add_stats(tx, &locked.resource_id, new.conversation_id, delta).await?;
    record_activity(
        tx,
        &locked.resource_id,
        new.conversation_id,
        new.sender_id,
        new.now,
    )
    .await?;
    Ok(Sent {
        message: StoredMessage {
            id: new.id.clone(),
            conversation_id: new.conversation_id.to_owned(),
            seq,
            sender_id: new.sender_id.to_owned(),
            sender_side: new.side,
            text: new.text.to_owned(),
            created_at: new.now,
            edited_at: None,
            deleted_at: None,
        },
        repeated: false,
    })
}
