//! The events pushed to WebSocket clients, and who receives each.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::conversation::{AnyStatus, Conversation};
use crate::domain::id::{ConversationId, UserId};
use crate::domain::message::Message;
use crate::domain::policy;
use crate::domain::resource::ResourceId;
use crate::domain::role::Role;
use crate::domain::time::Timestamp;
use crate::domain::user::UserProfile;

/// A server-to-client WebSocket frame: `{"type": "...", "data": ...}` (contract §7). Events are
/// hints: the history endpoints stay the truth, and a client that missed one catches up with
/// `afterSeq`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(tag = "type", content = "data")]
pub enum Event {
    #[serde(rename = "message.new")]
    MessageNew(Message),
    #[serde(rename = "message.updated")]
    MessageUpdated(Message),
    #[serde(rename = "message.deleted")]
    MessageDeleted(Message),
    #[serde(rename = "conversation.created")]
    ConversationCreated(ConversationSummary),
    #[serde(rename = "conversation.updated")]
    ConversationUpdated(ConversationSummary),
    #[serde(rename = "conversation.read")]
    ConversationRead(ReadReceipt),
    #[serde(rename = "ticket.created")]
    TicketCreated(ConversationSummary),
    #[serde(rename = "ticket.updated")]
    TicketUpdated(ConversationSummary),
    #[serde(rename = "typing")]
    Typing(Typing),
    #[serde(rename = "presence")]
    Presence(Presence),
    /// A user's public profile (username, display name, avatar) changed.
    #[serde(rename = "user.updated")]
    UserUpdated(UserProfile),
}

/// What changed about a conversation; clients fetch the full view if they need it (it differs
/// per viewer: unread counts, read watermarks).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConversationSummary {
    pub id: ConversationId,
    /// `p2p` or `support`.
    #[serde(rename = "type")]
    #[schema(value_type = String)]
    pub kind: &'static str,
    pub status: AnyStatus,
    pub last_seq: i64,
    pub message_count: i64,
    pub updated_at: Timestamp,
}

impl From<&Conversation> for ConversationSummary {
    fn from(conversation: &Conversation) -> Self {
        ConversationSummary {
            id: conversation.id.clone(),
            kind: conversation.conversation_type().as_str(),
            status: conversation.status(),
            last_seq: conversation.last_seq,
            message_count: conversation.message_count,
            updated_at: conversation.updated_at,
        }
    }
}

/// A side of a conversation read up to `lastReadSeq`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReadReceipt {
    pub conversation_id: ConversationId,
    pub user_id: UserId,
    pub last_read_seq: i64,
    pub unread_count: i64,
}

/// Someone is typing in a conversation.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Typing {
    pub conversation_id: ConversationId,
    pub user_id: UserId,
}

/// A user came online or went offline.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Presence {
    pub user_id: UserId,
    pub online: bool,
}

/// Who receives an event: named users, plus every connected user of the resource with at least
/// a role, minus one user (the typist of a typing event).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Audience {
    pub resource_id: ResourceId,
    pub users: Vec<UserId>,
    /// Every connected user of at least this role (elevated roles only: the hub indexes those).
    pub roles_from: Option<Role>,
    pub except: Option<UserId>,
}

impl Audience {
    /// Everyone who may see `conversation`: its participants and whoever sees every
    /// conversation of its type (the access policy's `sees_every`).
    pub fn of(conversation: &Conversation) -> Audience {
        Audience {
            resource_id: conversation.resource_id.clone(),
            users: conversation.participants().into_iter().cloned().collect(),
            roles_from: Some(policy::sees_every(conversation.conversation_type())),
            except: None,
        }
    }

    pub fn except(mut self, user_id: &UserId) -> Audience {
        self.except = Some(user_id.clone());
        self
    }
}
