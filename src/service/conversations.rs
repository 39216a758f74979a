//! Finding, opening, listing and changing conversations of both kinds.

use super::{Actor, Visible};
use crate::domain::conversation::{
    ChatStatus, Conversation, ConversationType, Priority, TicketStatus,
};
use crate::domain::error::{Error, Result};
use crate::domain::id::{ConversationId, MessageId, UserId};
use crate::domain::message::MessageText;
use crate::domain::metadata::Metadata;
use crate::domain::page::PageRequest;
use crate::domain::policy::{self, Access, TicketChange};
use crate::domain::ticket::{Category, Subject};
use crate::domain::user::UserRef;
use crate::realtime::event::{ConversationSummary, Event};
use crate::store::{NewChat, NewTicket, TicketFilter, TicketUpdate};

/// A ticket to open.
pub struct TicketDraft {
    pub subject: Subject,
    pub priority: Priority,
    pub category: Option<Category>,
    pub initial_message: Option<MessageText>,
    pub metadata: Metadata,
}

/// The filters of a ticket list.
#[derive(Debug, Default)]
pub struct TicketQuery {
    pub status: Option<TicketStatus>,
    pub priority: Option<Priority>,
    pub assignee_id: Option<UserId>,
    pub category: Option<String>,
}

/// Changes to a ticket; `None` leaves a field as it is, `Some(None)` clears it.
#[derive(Debug, Default)]
pub struct TicketPatch {
    pub status: Option<TicketStatus>,
    pub priority: Option<Priority>,
    pub category: Option<Option<Category>>,
    pub assignee: Option<Assignee>,
    /// Replaces the ticket's metadata.
    pub metadata: Option<Metadata>,
}

/// Whom a ticket update assigns the ticket to, as the request named them.
#[derive(Debug)]
pub enum Assignee {
    /// Nobody: the ticket is unassigned.
    Nobody,
    /// The user named by id or as `ext:<externalId>`, if they are staff of the resource.
    User(UserRef),
    /// Text that names no user: refused like a user who is not staff, once the update is
    /// allowed at all.
    Unknown,
}

impl Actor<'_> {
    /// The conversation `id` of `conversation_type`, as the actor may see it; not found if it
    /// does not exist, is of the other type, or is not visible to the actor.
    pub async fn conversation(
        &self,
        conversation_type: ConversationType,
        id: &ConversationId,
    ) -> Result<Visible> {
        let not_found = || Error::NotFound("conversation");
        let conversation = self
            .store
            .find_conversation(self.resource_id(), id)
            .await?
            .filter(|conversation| conversation.conversation_type() == conversation_type)
            .ok_or_else(not_found)?;
        self.visible(conversation).ok_or_else(not_found)
    }

    pub(super) fn visible(&self, conversation: Conversation) -> Option<Visible> {
        Visible::to(self.user, conversation)
    }

    /// `conversation` as just written on the actor's behalf (they may always see it).
    fn written(&self, conversation: Conversation) -> Result<Visible> {
        self.visible(conversation)
            .ok_or(Error::NotFound("conversation"))
    }

    /// The chat with another user of the resource, opened now if there was none:
    /// `(chat, created)`. There is one per pair, whoever opened it; `metadata` is the new chat's
    /// (an existing chat keeps its own).
    pub async fn open_chat(&self, other: UserRef, metadata: Metadata) -> Result<(Visible, bool)> {
        let other = self
            .store
            .find_user_ref(self.resource_id(), other)
            .await?
            .ok_or(Error::NotFound("user"))?;
        policy::may_open_chat(self.user, &other)?;
        let (conversation, created) = self
            .store
            .open_p2p(NewChat {
                id: ConversationId::new(),
                resource_id: self.resource_id().to_owned(),
                creator: self.user.id.clone(),
                other: other.id.clone(),
                metadata,
            })
            .await?;
        if created {
            let summary = ConversationSummary::from(&conversation);
            self.publish(&conversation, Event::ConversationCreated(summary))
                .await;
        }
        Ok((self.written(conversation)?, created))
    }

    /// One page of the actor's chats, newest activity first, with the total.
    pub async fn chats(
        &self,
        status: Option<ChatStatus>,
        page: PageRequest,
    ) -> Result<(Vec<Conversation>, i64)> {
        self.store
            .list_p2p(self.resource_id(), &self.user.id, status, page)
            .await
    }

    /// Archives or unarchives a chat for both participants.
    pub async fn set_chat_status(&self, chat: Visible, status: ChatStatus) -> Result<Visible> {
        policy::may_archive(self.user, chat.access)?;
        let conversation = self
            .store
            .set_p2p_status(self.resource_id(), &chat.conversation.id, status)
            .await?;
        Ok(self.chat_updated(conversation, chat.access).await)
    }

    /// Replaces a chat's metadata.
    pub async fn set_chat_metadata(&self, chat: Visible, metadata: Metadata) -> Result<Visible> {
        policy::may_change_chat(self.user, chat.access)?;
        let conversation = self
            .store
            .set_metadata(self.resource_id(), &chat.conversation.id, metadata)
            .await?;
        Ok(self.chat_updated(conversation, chat.access).await)
    }

    /// Tells the chat's audience it changed, and hands it back as the actor sees it.
    async fn chat_updated(&self, conversation: Conversation, access: Access) -> Visible {
        let summary = ConversationSummary::from(&conversation);
        self.publish(&conversation, Event::ConversationUpdated(summary))
            .await;
        Visible {
            conversation,
            access,
        }
    }

    /// Opens a ticket as its customer, with its first message if given.
    pub async fn open_ticket(&self, draft: TicketDraft) -> Result<Visible> {
        if draft.initial_message.is_some() && !self.user.permissions.can_send_message {
            return Err(Error::forbidden("this user may not send messages"));
        }
        let ticket = self
            .store
            .open_ticket(NewTicket {
                id: ConversationId::new(),
                resource_id: self.resource_id().to_owned(),
                customer_id: self.user.id.clone(),
                subject: draft.subject.into_string(),
                priority: draft.priority,
                category: draft.category.map(Category::into_string),
                initial_message: draft
                    .initial_message
                    .map(|text| (MessageId::new(), text.into_string())),
                metadata: draft.metadata,
            })
            .await?;
        let summary = ConversationSummary::from(&ticket);
        self.publish(&ticket, Event::TicketCreated(summary)).await;
        self.written(ticket)
    }

    /// One page of tickets, newest activity first: every ticket of the resource for those who
    /// answer them, otherwise the actor's own.
    pub async fn tickets(
        &self,
        query: TicketQuery,
        page: PageRequest,
    ) -> Result<(Vec<Conversation>, i64)> {
        let filter = TicketFilter {
            customer_id: policy::ticket_list_customer(self.user).cloned(),
            status: query.status,
            priority: query.priority,
            assignee_id: query.assignee_id,
            category: query.category,
        };
        self.store
            .list_tickets(self.resource_id(), &filter, page)
            .await
    }

    /// Changes a ticket's status, priority, category or assignee.
    pub async fn update_ticket(&self, ticket: Visible, patch: TicketPatch) -> Result<Visible> {
        let change = TicketChange {
            status: patch.status,
            other_fields: patch.priority.is_some()
                || patch.category.is_some()
                || patch.assignee.is_some()
                || patch.metadata.is_some(),
        };
        policy::may_update_ticket(self.user, change)?;
        let current = ticket
            .conversation
            .as_ticket()
            .ok_or(Error::NotFound("conversation"))?;
        let assignee_id = match patch.assignee {
            Some(named) => self.assignee_id(named).await?,
            None => current.assignee_id.clone(),
        };
        let update = TicketUpdate {
            status: patch.status.unwrap_or(current.status),
            priority: patch.priority.unwrap_or(current.priority),
            category: match patch.category {
                Some(category) => category.map(Category::into_string),
                None => current.category.clone(),
            },
            assignee_id,
            metadata: patch
                .metadata
                .unwrap_or_else(|| ticket.conversation.metadata.clone()),
        };
        let updated = self
            .store
            .update_ticket(self.resource_id(), &ticket.conversation.id, update)
            .await?;
        let summary = ConversationSummary::from(&updated);
        self.publish(&updated, Event::TicketUpdated(summary)).await;
        self.written(updated)
    }

    /// The id of the staff member `named` assigns a ticket to (`None`: unassigned).
    async fn assignee_id(&self, named: Assignee) -> Result<Option<UserId>> {
        let assignee = match named {
            Assignee::Nobody => return Ok(None),
            Assignee::User(user) => self.store.find_user_ref(self.resource_id(), user).await?,
            Assignee::Unknown => None,
        };
        policy::may_be_assigned(assignee.as_ref())?;
        Ok(assignee.map(|assignee| assignee.id))
    }
}
