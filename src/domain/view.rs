//! What a viewer sees of a conversation: the P2P and ticket shapes, with the viewer's own read
//! state filled in.

use serde::Serialize;
use utoipa::ToSchema;

use super::conversation::{Access, Conversation, Kind, Priority, Status};
use super::message::Message;
use super::time;
use super::user::User;

/// A P2P conversation.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct P2pConversationView {
    pub id: String,
    /// Always `p2p`.
    #[serde(rename = "type")]
    #[schema(rename = "type")]
    pub kind: &'static str,
    pub participant_one: String,
    pub participant_two: String,
    pub status: Status,
    pub message_count: i64,
    pub unread_count_p1: i64,
    pub unread_count_p2: i64,
    pub last_message: Option<Message>,
    #[serde(serialize_with = "time::rfc3339_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_message_at: Option<i64>,
    pub last_seq: i64,
    /// The caller's read watermark (`null` for a moderator who is not a participant).
    pub last_read_seq: Option<i64>,
    #[serde(serialize_with = "time::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: i64,
    #[serde(serialize_with = "time::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: i64,
}

/// A support ticket.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TicketView {
    pub id: String,
    /// Always `support`.
    #[serde(rename = "type")]
    #[schema(rename = "type")]
    pub kind: &'static str,
    pub subject: String,
    pub status: Status,
    pub priority: Priority,
    pub category: Option<String>,
    /// The customer who opened it.
    pub created_by: String,
    pub assignee_id: Option<String>,
    pub message_count: i64,
    /// Unread messages of the caller's side (the customer's, or the staff's as a whole).
    pub unread_count: i64,
    pub last_message: Option<Message>,
    #[serde(serialize_with = "time::rfc3339_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_message_at: Option<i64>,
    pub last_seq: i64,
    /// The caller's side's read watermark.
    pub last_read_seq: i64,
    #[serde(serialize_with = "time::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: i64,
    #[serde(serialize_with = "time::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: i64,
}

/// Either shape, for lists that mix both (the admin panel).
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum ConversationView {
    P2p(P2pConversationView),
    Support(TicketView),
}

impl ConversationView {
    /// The views of those of `conversations` that `viewer` may see (lists are filtered in SQL;
    /// this keeps the rule in one place should a row slip through).
    pub fn visible_to(conversations: Vec<Conversation>, viewer: &User) -> Vec<ConversationView> {
        conversations
            .into_iter()
            .filter_map(|c| {
                c.access(viewer)
                    .map(|access| ConversationView::new(c, access))
            })
            .collect()
    }

    /// `conversation` as seen with `access`; for tickets, observers read as the staff side.
    pub fn new(conversation: Conversation, access: Access) -> ConversationView {
        let side = access.side();
        let is_ticket = conversation.kind == Kind::Support;
        let last_message = conversation
            .last_message
            .map(|message| message.view(conversation.read_seq, is_ticket));
        match conversation.ticket {
            None => ConversationView::P2p(P2pConversationView {
                id: conversation.id,
                kind: Kind::P2p.as_str(),
                participant_one: conversation.participant_one,
                participant_two: conversation.participant_two.unwrap_or_default(),
                status: conversation.status,
                message_count: conversation.message_count,
                unread_count_p1: conversation.unread[0],
                unread_count_p2: conversation.unread[1],
                last_message,
                last_message_at: conversation.last_message_at,
                last_seq: conversation.last_seq,
                last_read_seq: side.map(|side| conversation.read_seq[side.index()]),
                created_at: conversation.created_at,
                updated_at: conversation.updated_at,
            }),
            Some(ticket) => {
                let side = side.unwrap_or(super::conversation::Side::Two).index();
                ConversationView::Support(TicketView {
                    id: conversation.id,
                    kind: Kind::Support.as_str(),
                    subject: ticket.subject,
                    status: conversation.status,
                    priority: ticket.priority,
                    category: ticket.category,
                    created_by: conversation.participant_one,
                    assignee_id: ticket.assignee_id,
                    message_count: conversation.message_count,
                    unread_count: conversation.unread[side],
                    last_message,
                    last_message_at: conversation.last_message_at,
                    last_seq: conversation.last_seq,
                    last_read_seq: conversation.read_seq[side],
                    created_at: conversation.created_at,
                    updated_at: conversation.updated_at,
                })
            }
        }
    }
}
