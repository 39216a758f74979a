//! Messages of both conversation kinds: send (with the counters, atomically), history, read
//! state, edit and delete.

use super::conversations::lock_conversation;
use super::db::{params, Db, DbError, DbExt, FromRow, Row};
use super::engine::WriteTx;
use super::sql::statements;
use super::stats::StatsDelta;
use super::Store;
use crate::domain::conversation::{Conversation, Kind, PerSide, Side, TicketStatus};
use crate::domain::error::Error;
use crate::domain::id::{ConversationId, MessageId, UserId};
use crate::domain::message::StoredMessage;
use crate::domain::metadata::Metadata;
use crate::domain::policy;
use crate::domain::time::Timestamp;

/// The columns `StoredMessage` decodes from.
macro_rules! message_columns {
    () => {
        "id, conversation_id, seq, sender_id, sender_side, text, created_at, edited_at, deleted_at,
         metadata"
    };
}

/// `select <message columns> from messages <tail>`.
macro_rules! select_message {
    ($tail:literal) => {
        concat!("select ", message_columns!(), " from messages ", $tail)
    };
}

statements! {
    /// A page of history going back from seq $2 (exclusive), newest first.
    HISTORY_BEFORE =
        both(select_message!("where conversation_id = $1 and seq < $2 order by seq desc limit $3"));
    /// A page of history going forward from seq $2 (exclusive), oldest first.
    HISTORY_AFTER =
        both(select_message!("where conversation_id = $1 and seq > $2 order by seq asc limit $3"));
    FIND_MESSAGE = both(select_message!("where id = $1 and conversation_id = $2"));
    /// Sets side $2's read watermark ($3) and unread count ($4).
    MARK_READ = both(
        "update conversations set
             read_seq_one = case when $2 = 1 then $3 else read_seq_one end,
             read_seq_two = case when $2 = 2 then $3 else read_seq_two end,
             unread_one = case when $2 = 1 then $4 else unread_one end,
             unread_two = case when $2 = 2 then $4 else unread_two end
         where id = $1"
    );
    EDIT_MESSAGE = both(concat!(
        "update messages set text = $3, edited_at = $4, metadata = coalesce(cast($5 as text), metadata)
         where id = $1 and conversation_id = $2 and deleted_at is null
         returning ",
        message_columns!()
    ));
    /// Soft-deletes: the text goes, the first deletion time stays.
    DELETE_MESSAGE = both(concat!(
        "update messages set text = '', metadata = null, deleted_at = coalesce(deleted_at, $3)
         where id = $1 and conversation_id = $2
         returning ",
        message_columns!()
    ));
    /// Messages each side sent in all.
    SENT = both("select sent_one, sent_two from conversations where id = $1");
    /// Messages each side had sent up to message $2.
    SENT_AT =
        both("select sent_one, sent_two from messages where conversation_id = $1 and seq = $2");
    /// The message a retry with the same clientMessageId ($3) sent first.
    MESSAGE_BY_CLIENT_ID = both(select_message!(
        "where conversation_id = $1 and sender_id = $2 and client_message_id = $3"
    ));
    /// A send's changes to its conversation, by the sender's side $2; returns the per-side sent
    /// counts the message records.
    SEND_UPDATE = both(
        "update conversations set
             last_seq = $3, message_count = message_count + 1,
             unread_one = case when $2 = 1 then 0 else unread_one + 1 end,
             unread_two = case when $2 = 2 then 0 else unread_two + 1 end,
             read_seq_one = case when $2 = 1 then $3 else read_seq_one end,
             read_seq_two = case when $2 = 2 then $3 else read_seq_two end,
             sent_one = case when $2 = 1 then sent_one + 1 else sent_one end,
             sent_two = case when $2 = 2 then sent_two + 1 else sent_two end,
             last_message_id = $4, last_message_at = $5, last_activity_at = $5, updated_at = $5,
             status = $6
         where id = $1
         returning sent_one, sent_two"
    );
    INSERT_MESSAGE = both(
        "insert into messages (id, conversation_id, seq, sender_id, sender_side, text,
             client_message_id, created_at, sent_one, sent_two, metadata)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
    );
}

/// Decodes the message columns; with `conversation_id` given, a left join that found nothing
/// (all nulls) is `None`.
pub(super) fn decode_message(
    row: &mut Row,
    joined_to: Option<&ConversationId>,
) -> Result<Option<StoredMessage>, DbError> {
    let Some(id) = row.opt_text()? else {
        if joined_to.is_some() {
            return Ok(None);
        }
        return Err(DbError::Decode("message without id".into()));
    };
    let conversation_id = row.conversation_id()?;
    let seq = row.int()?;
    let sender_id = row.user_id()?;
    let side = row.int()?;
    let sender_side =
        Side::from_number(side).ok_or_else(|| DbError::Decode(format!("side {side}")))?;
    Ok(Some(StoredMessage {
        id: MessageId::parse(&id).ok_or_else(|| DbError::Decode(format!("message id {id:?}")))?,
        conversation_id,
        seq,
        sender_id,
        sender_side,
        text: row.text()?,
        created_at: row.timestamp()?,
        edited_at: row.opt_timestamp()?,
        deleted_at: row.opt_timestamp()?,
        metadata: Metadata::from_stored(row.opt_text()?.as_deref()).map_err(DbError::Decode)?,
    }))
}

impl FromRow for StoredMessage {
    fn from_row(row: &mut Row) -> Result<Self, DbError> {
        decode_message(row, None)?.ok_or_else(|| DbError::Decode("no message".into()))
    }
}

/// A message to send (validated and authorised by the caller).
pub struct NewMessage {
    pub id: MessageId,
    pub conversation_id: ConversationId,
    pub sender_id: UserId,
    pub side: Side,
    pub text: String,
    pub client_message_id: Option<String>,
    pub metadata: Metadata,
}

/// What a send did, as committed.
pub struct Sent {
    pub message: StoredMessage,
    /// The conversation after the send (seq, counters, status).
    pub conversation: Conversation,
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

impl Store {
    /// Sends a message: assigns the next seq, bumps messageCount and the other side's unread
    /// count, moves the sender's read watermark, sets lastMessage and (tickets) the status, all
    /// in one transaction. A repeated `client_message_id` returns the first message instead.
    /// 403 if the conversation is archived or closed.
    pub async fn send_message(&self, new: NewMessage) -> Result<Sent, Error> {
        self.engine.write(move |tx| send_in(tx, new)).await
    }

    /// A page of history: up to `limit` messages in seq order, and whether more lie beyond.
    pub async fn history(
        &self,
        conversation_id: &ConversationId,
        from: HistoryFrom,
        limit: i64,
    ) -> Result<(Vec<StoredMessage>, bool), Error> {
        let (sql, bound) = match from {
            HistoryFrom::Latest => (HISTORY_BEFORE, i64::MAX),
            HistoryFrom::Before(seq) => (HISTORY_BEFORE, seq),
            HistoryFrom::After(seq) => (HISTORY_AFTER, seq),
        };
        let conversation = conversation_id.to_owned();
        self.engine
            .read(move |db| {
                let mut messages: Vec<StoredMessage> =
                    db.all(sql, params![&conversation, bound, limit + 1])?;
                let has_more = messages.len() as i64 > limit;
                messages.truncate(limit as usize);
                messages.sort_by_key(|message| message.seq);
                Ok((messages, has_more))
            })
            .await
    }

    /// The message `id` of the conversation.
    pub async fn find_message(
        &self,
        conversation_id: &ConversationId,
        id: &MessageId,
    ) -> Result<Option<StoredMessage>, Error> {
        let (conversation, id) = (conversation_id.to_owned(), id.to_owned());
        self.engine
            .read(move |db| Ok(db.optional(FIND_MESSAGE, params![&id, &conversation])?))
            .await
    }

    /// Moves `side`'s read watermark to `up_to` (all, if `None`; never backwards, never past
    /// the last message) and sets that side's unread count exactly, from the per-side message
    /// counts (no scan of the unread tail). Returns `(unread, read_seq)`.
    pub async fn mark_read(
        &self,
        conversation_id: &ConversationId,
        side: Side,
        up_to: Option<i64>,
    ) -> Result<(i64, i64), Error> {
        let id = conversation_id.to_owned();
        self.engine
            .write(move |tx| {
                let conversation = lock_conversation(tx.db, &id)?;
                let last_seq = conversation.last_seq;
                let target = up_to.unwrap_or(last_seq).min(last_seq);
                let read_seq = (*conversation.read_seq.get(side)).max(target);
                let unread = unread_after(tx.db, &id, side, read_seq)?;
                tx.db
                    .execute(MARK_READ, params![&id, side.number(), read_seq, unread])?;
                let delta = StatsDelta {
                    unread_messages: unread - conversation.unread.get(side),
                    ..StatsDelta::default()
                };
                tx.count(&conversation.resource_id, &id, delta);
                Ok((unread, read_seq))
            })
            .await
    }

    /// Replaces the text of a message that is not deleted; `None` if it is gone or deleted.
    /// `metadata`, if given, replaces the message's.
    pub async fn edit_message(
        &self,
        conversation_id: &ConversationId,
        id: &MessageId,
        text: &str,
        metadata: Option<&Metadata>,
    ) -> Result<Option<StoredMessage>, Error> {
        let (conversation, id, text) = (conversation_id.to_owned(), id.to_owned(), text.to_owned());
        let metadata = metadata.map(Metadata::to_stored);
        self.engine
            .write(move |tx| {
                let now = tx.now();
                let params = params![&id, &conversation, &text, now, metadata.as_deref()];
                Ok(tx.db.optional(EDIT_MESSAGE, params)?)
            })
            .await
    }

    /// Soft-deletes a message: the text is removed, `deleted_at` set, the message keeps its place
    /// in history. Deleting a deleted message changes nothing.
    pub async fn delete_message(
        &self,
        conversation_id: &ConversationId,
        id: &MessageId,
    ) -> Result<Option<StoredMessage>, Error> {
        let (conversation, id) = (conversation_id.to_owned(), id.to_owned());
        self.engine
            .write(move |tx| {
                let now = tx.now();
                Ok(tx
                    .db
                    .optional(DELETE_MESSAGE, params![&id, &conversation, now])?)
            })
            .await
    }
}

/// How many messages of the other side lie after `read_seq`: the other side's total minus its
/// count recorded on message `read_seq`. Two index probes, whatever the backlog.
fn unread_after(
    db: &mut dyn Db,
    conversation_id: &ConversationId,
    side: Side,
    read_seq: i64,
) -> Result<i64, DbError> {
    let other = side.other();
    let total = *db
        .one::<SentCounts>(SENT, params![conversation_id])?
        .0
        .get(other);
    let read = match read_seq {
        0 => 0,
        seq => *db
            .one::<SentCounts>(SENT_AT, params![conversation_id, seq])?
            .0
            .get(other),
    };
    Ok(total - read)
}

/// Messages sent by side one and side two.
struct SentCounts(PerSide<i64>);

impl FromRow for SentCounts {
    fn from_row(row: &mut Row) -> Result<Self, DbError> {
        Ok(SentCounts(PerSide {
            one: row.int()?,
            two: row.int()?,
        }))
    }
}

/// `send_message` inside a write (a ticket's first message goes in the same transaction as the
/// ticket).
pub(super) fn send_in(tx: &mut WriteTx<'_>, new: NewMessage) -> Result<Sent, Error> {
    let mut conversation = lock_conversation(tx.db, &new.conversation_id)?;
    if let Some(message) = earlier_send(tx.db, &new)? {
        return Ok(Sent {
            message,
            conversation,
            repeated: true,
        });
    }
    policy::open_for_messages(&conversation)?;
    // Taken under the lock: a later seq never gets an earlier time.
    let now = tx.now();
    let seq = conversation.last_seq + 1;
    let ticket_moved = move_ticket(&mut conversation, new.side);
    write_send(tx.db, &conversation, &new, seq, now)?;
    count_send(tx, &conversation, &new, ticket_moved, now);
    let message = StoredMessage {
        id: new.id,
        conversation_id: new.conversation_id,
        seq,
        sender_id: new.sender_id,
        sender_side: new.side,
        text: new.text,
        created_at: now,
        edited_at: None,
        deleted_at: None,
        metadata: new.metadata,
    };
    after_send(&mut conversation, &message);
    Ok(Sent {
        message,
        conversation,
        repeated: false,
    })
}

/// The message that an earlier send with the same client message id stored, if any.
fn earlier_send(db: &mut dyn Db, new: &NewMessage) -> Result<Option<StoredMessage>, DbError> {
    let Some(client_id) = &new.client_message_id else {
        return Ok(None);
    };
    db.optional(
        MESSAGE_BY_CLIENT_ID,
        params![&new.conversation_id, &new.sender_id, client_id],
    )
}

/// Moves a ticket's status for a reply from `side`; `(before, after)` if it changed.
fn move_ticket(
    conversation: &mut Conversation,
    side: Side,
) -> Option<(TicketStatus, TicketStatus)> {
    let Kind::Ticket(ticket) = &mut conversation.kind else {
        return None;
    };
    let before = ticket.status;
    ticket.status = before.after_reply(side);
    (ticket.status != before).then_some((before, ticket.status))
}

/// Writes the message at `seq` and its conversation's counters, last message and status.
fn write_send(
    db: &mut dyn Db,
    conversation: &Conversation,
    new: &NewMessage,
    seq: i64,
    now: Timestamp,
) -> Result<(), DbError> {
    // contract §1 and §4: the sender has read everything up to their own message; the other
    // side has one more unread.
    let sent: SentCounts = db.one(
        SEND_UPDATE,
        params![
            &new.conversation_id,
            new.side.number(),
            seq,
            &new.id,
            now,
            conversation.status().as_str()
        ],
    )?;
    db.execute(
        INSERT_MESSAGE,
        params![
            &new.id,
            &new.conversation_id,
            seq,
            &new.sender_id,
            new.side.number(),
            &new.text,
            new.client_message_id.as_deref(),
            now,
            sent.0.one,
            sent.0.two,
            &new.metadata.to_stored()
        ],
    )?;
    Ok(())
}

/// Counts a send in the resource's statistics (`conversation` as it was before the send).
fn count_send(
    tx: &mut WriteTx<'_>,
    conversation: &Conversation,
    new: &NewMessage,
    ticket_moved: Option<(TicketStatus, TicketStatus)>,
    now: Timestamp,
) {
    let delta = StatsDelta {
        messages: 1,
        // The other side has one more unread; the sender's own unread count drops to zero.
        unread_messages: 1 - conversation.unread.get(new.side),
        ..StatsDelta::default()
    };
    let delta = match ticket_moved {
        Some((from, to)) => delta.ticket_moved(Some(from), Some(to)),
        None => delta,
    };
    tx.count(&conversation.resource_id, &new.conversation_id, delta);
    tx.count_message(
        &conversation.resource_id,
        &new.conversation_id,
        &new.sender_id,
        now,
    );
}

/// The conversation as the send left it in the database (what `SEND_UPDATE` wrote).
fn after_send(conversation: &mut Conversation, message: &StoredMessage) {
    let side = message.sender_side;
    conversation.last_seq = message.seq;
    conversation.message_count += 1;
    *conversation.unread.get_mut(side) = 0;
    *conversation.unread.get_mut(side.other()) += 1;
    *conversation.read_seq.get_mut(side) = message.seq;
    conversation.last_message_at = Some(message.created_at);
    conversation.updated_at = message.created_at;
    conversation.last_message = Some(message.clone());
}
