//! The operations of the API over conversations and messages, one home for what P2P chats and
//! support tickets share: typed inputs in, domain values out, no HTTP. Each operation loads what
//! the caller may see, asks the access policy (`domain::policy`), writes through the store and
//! publishes the real-time events of what committed. Handlers (`http/routes`) only parse requests
//! into these inputs and render the outputs.

pub mod conversations;
pub mod messages;

use crate::domain::conversation::Conversation;
use crate::domain::error::{Error, Result};
use crate::domain::id::{ConversationId, MessageId};
use crate::domain::policy::{self, Access};
use crate::domain::resource::ResourceId;
use crate::domain::user::{User, UserRef};
use crate::realtime::bus::Bus;
use crate::realtime::event::{Audience, Event};
use crate::store::Store;

/// The conversation named by `raw` (a path segment, a frame's field): one that is not of the id
/// shape names no conversation.
pub fn conversation_id(raw: &str) -> Result<ConversationId> {
    ConversationId::parse(raw).ok_or(Error::NotFound("conversation"))
}

/// The message named by `raw`: one that is not of the id shape names no message.
pub fn message_id(raw: &str) -> Result<MessageId> {
    MessageId::parse(raw).ok_or(Error::NotFound("message"))
}

/// The user named by `raw` (a path segment or a body field, by id or as `ext:<externalId>`): text
/// of neither form names no user.
pub fn user_ref(raw: &str) -> Result<UserRef> {
    UserRef::parse(raw).ok_or(Error::NotFound("user"))
}

/// A user acting through the API, with the store and the bus the operations use.
pub struct Actor<'a> {
    pub store: &'a Store,
    pub bus: &'a Bus,
    pub user: &'a User,
}

/// A conversation the actor may see, and how they stand to it.
#[derive(Debug, Clone)]
pub struct Visible {
    pub conversation: Conversation,
    pub access: Access,
}

impl Visible {
    /// `conversation` as `viewer` stands to it, if the access policy lets them see it.
    pub fn to(viewer: &User, conversation: Conversation) -> Option<Visible> {
        let access = policy::access(viewer, &conversation)?;
        Some(Visible {
            conversation,
            access,
        })
    }
}

impl Actor<'_> {
    fn resource_id(&self) -> &ResourceId {
        &self.user.resource_id
    }

    /// Tells everyone who may see `conversation` about `event`.
    async fn publish(&self, conversation: &Conversation, event: Event) {
        self.bus.publish(&Audience::of(conversation), &event).await;
    }
}
