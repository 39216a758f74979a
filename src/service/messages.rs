//! Messages of either kind of conversation: send, history, read state, edit, delete.

use super::{Actor, Visible};
use crate::domain::conversation::Conversation;
use crate::domain::error::{Error, InvalidInput, Result};
use crate::domain::id::{ConversationId, MessageId};
use crate::domain::message::{Message, MessageText, StoredMessage};
use crate::domain::metadata::Metadata;
use crate::domain::page::CursorPage;
use crate::domain::policy;
use crate::realtime::event::{Audience, ConversationSummary, Event, ReadReceipt, Typing};
use crate::store::{HistoryFrom, NewMessage};

/// A message to send; `client_message_id` makes retries safe.
pub struct Outgoing {
    pub text: MessageText,
    pub client_message_id: Option<ClientMessageId>,
    pub metadata: Metadata,
}

/// A new text for a message, and new metadata if given.
pub struct Edit {
    pub text: MessageText,
    pub metadata: Option<Metadata>,
}

/// A client's id for a message it sends: 1 to 100 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientMessageId(String);

impl ClientMessageId {
    pub fn parse(id: String) -> Result<ClientMessageId> {
        if id.is_empty() || id.len() > 100 {
            return Err(Error::invalid_body(
                "clientMessageId must be 1 to 100 characters",
            ));
        }
        Ok(ClientMessageId(id))
    }
}

/// What a send did.
pub enum Delivery {
    /// A new message.
    Created(Message),
    /// A retry: the message first sent with this client message id.
    Repeated(Message),
}

/// Where a page of history starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HistoryCursor {
    Latest,
    BeforeMessage(MessageId),
    AfterMessage(MessageId),
    AfterSeq(u64),
}

/// How far to mark a conversation read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadUpTo {
    Everything,
    Seq(u64),
    Message(MessageId),
}

impl HistoryCursor {
    /// Messages older than message `id` (a cursor that is not an id names no message).
    pub fn before(id: &str) -> Result<HistoryCursor> {
        MessageId::parse(id)
            .map(HistoryCursor::BeforeMessage)
            .ok_or_else(not_a_cursor)
    }

    /// Messages newer than message `id`.
    pub fn after(id: &str) -> Result<HistoryCursor> {
        MessageId::parse(id)
            .map(HistoryCursor::AfterMessage)
            .ok_or_else(not_a_cursor)
    }
}

fn not_a_cursor() -> Error {
    Error::Invalid {
        input: InvalidInput::Cursor,
        message: "the cursor is not a message of this conversation".into(),
    }
}

impl ReadUpTo {
    /// Up to message `id` (one that is not an id names no message).
    pub fn message(id: &str) -> Result<ReadUpTo> {
        MessageId::parse(id)
            .map(ReadUpTo::Message)
            .ok_or_else(not_a_read_mark)
    }
}

fn not_a_read_mark() -> Error {
    Error::invalid_body("messageId is not a message of this conversation")
}

/// A side's read state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadMark {
    pub unread_count: i64,
    pub last_read_seq: i64,
}

impl Actor<'_> {
    /// Sends a message as the actor's side. A chat's other participant must be allowed to
    /// receive messages; archived chats and closed tickets refuse (decided under the lock).
    pub async fn send(&self, target: &Visible, outgoing: Outgoing) -> Result<Delivery> {
        let side = policy::may_send(self.user, target.access)?;
        let conversation = &target.conversation;
        if let Some(recipient_id) = conversation
            .as_chat()
            .map(|chat| chat.participants.get(side.other()))
        {
            let recipient = self
                .store
                .find_user(self.resource_id(), recipient_id)
                .await?;
            if let Some(recipient) = recipient {
                policy::may_receive(&recipient)?;
            }
        }
        let sent = self
            .store
            .send_message(NewMessage {
                id: MessageId::new(),
                conversation_id: conversation.id.clone(),
                sender_id: self.user.id.clone(),
                side,
                text: outgoing.text.into_string(),
                client_message_id: outgoing.client_message_id.map(|id| id.0),
                metadata: outgoing.metadata,
            })
            .await?;
        let committed = &sent.conversation;
        let message = sent.message.view(committed.read_seq, committed.is_ticket());
        if sent.repeated {
            return Ok(Delivery::Repeated(message));
        }
        self.publish(committed, Event::MessageNew(message.clone()))
            .await;
        if committed.status() != conversation.status() && committed.is_ticket() {
            let summary = ConversationSummary::from(committed);
            self.publish(committed, Event::TicketUpdated(summary)).await;
        }
        Ok(Delivery::Created(message))
    }

    /// A page of history, oldest first, with whether more lie beyond in the direction read.
    pub async fn history(
        &self,
        target: &Visible,
        cursor: HistoryCursor,
        limit: i64,
    ) -> Result<CursorPage<Message>> {
        let conversation = &target.conversation;
        let from = match cursor {
            HistoryCursor::Latest => HistoryFrom::Latest,
            HistoryCursor::BeforeMessage(id) => {
                HistoryFrom::Before(self.cursor_seq(conversation, &id).await?)
            }
            HistoryCursor::AfterMessage(id) => {
                HistoryFrom::After(self.cursor_seq(conversation, &id).await?)
            }
            HistoryCursor::AfterSeq(seq) => HistoryFrom::After(seq_value(seq)),
        };
        let (messages, has_more) = self.store.history(&conversation.id, from, limit).await?;
        let is_ticket = conversation.is_ticket();
        Ok(CursorPage {
            data: messages
                .into_iter()
                .map(|message| message.view(conversation.read_seq, is_ticket))
                .collect(),
            has_more,
        })
    }

    async fn cursor_seq(&self, conversation: &Conversation, message_id: &MessageId) -> Result<i64> {
        let message = self.message(conversation, message_id).await?;
        message.map(|message| message.seq).ok_or_else(not_a_cursor)
    }

    async fn message(
        &self,
        conversation: &Conversation,
        message_id: &MessageId,
    ) -> Result<Option<StoredMessage>> {
        self.store.find_message(&conversation.id, message_id).await
    }

    /// Moves the actor's side's read watermark (never backwards) and tells the conversation.
    pub async fn mark_read(&self, target: &Visible, up_to: ReadUpTo) -> Result<ReadMark> {
        let side = policy::writer(target.access)?;
        let conversation = &target.conversation;
        let up_to = match up_to {
            ReadUpTo::Everything => None,
            ReadUpTo::Seq(seq) => Some(seq_value(seq)),
            ReadUpTo::Message(id) => Some(
                self.message(conversation, &id)
                    .await?
                    .ok_or_else(not_a_read_mark)?
                    .seq,
            ),
        };
        let (unread_count, last_read_seq) =
            self.store.mark_read(&conversation.id, side, up_to).await?;
        let receipt = ReadReceipt {
            conversation_id: conversation.id.clone(),
            user_id: self.user.id.clone(),
            last_read_seq,
            unread_count,
        };
        self.publish(conversation, Event::ConversationRead(receipt))
            .await;
        Ok(ReadMark {
            unread_count,
            last_read_seq,
        })
    }

    /// Replaces the text of one's own message.
    pub async fn edit(
        &self,
        target: &Visible,
        message_id: &MessageId,
        edit: Edit,
    ) -> Result<Message> {
        let conversation = &target.conversation;
        policy::writer(target.access)?;
        let message = self
            .message(conversation, message_id)
            .await?
            .ok_or(Error::NotFound("message"))?;
        policy::may_edit(self.user, target.access, conversation, &message)?;
        let edited = self
            .store
            .edit_message(
                &conversation.id,
                message_id,
                edit.text.as_str(),
                edit.metadata.as_ref(),
            )
            .await?
            .ok_or(Error::Invalid {
                input: InvalidInput::DeletedMessage,
                message: "a deleted message cannot be edited".into(),
            })?;
        let edited = edited.view(conversation.read_seq, conversation.is_ticket());
        self.publish(conversation, Event::MessageUpdated(edited.clone()))
            .await;
        Ok(edited)
    }

    /// Tells the others who may see the conversation that the actor, a member, is typing.
    pub async fn typing(&self, conversation_id: &ConversationId) -> Result<()> {
        let not_found = || Error::NotFound("conversation");
        let conversation = self
            .store
            .find_conversation(self.resource_id(), conversation_id)
            .await?
            .ok_or_else(not_found)?;
        let target = self.visible(conversation).ok_or_else(not_found)?;
        policy::writer(target.access)?;
        let audience = Audience::of(&target.conversation).except(&self.user.id);
        let event = Event::Typing(Typing {
            conversation_id: target.conversation.id,
            user_id: self.user.id.clone(),
        });
        self.bus.publish(&audience, &event).await;
        Ok(())
    }

    /// Soft-deletes a message: its text is removed, its place in history stays.
    pub async fn delete(&self, target: &Visible, message_id: &MessageId) -> Result<Message> {
        let conversation = &target.conversation;
        let message = self
            .message(conversation, message_id)
            .await?
            .ok_or(Error::NotFound("message"))?;
        policy::may_delete(self.user, &message)?;
        let deleted = self
            .store
            .delete_message(&conversation.id, message_id)
            .await?
            .ok_or(Error::NotFound("message"))?;
        let deleted = deleted.view(conversation.read_seq, conversation.is_ticket());
        self.publish(conversation, Event::MessageDeleted(deleted.clone()))
            .await;
        Ok(deleted)
    }
}

/// A sequence number as stored (seqs never come near `i64::MAX`; larger asks mean "all").
fn seq_value(seq: u64) -> i64 {
    i64::try_from(seq).unwrap_or(i64::MAX)
}
