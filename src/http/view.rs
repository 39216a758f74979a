//! What a viewer sees of a conversation: the P2P and ticket shapes of the API, with the viewer's
//! own read state filled in.

use std::collections::HashMap;

use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::conversation::{
    Chat, ChatStatus, Conversation, ConversationType, Kind, Priority, Side, Ticket, TicketStatus,
};
use crate::domain::id::{ConversationId, UserId};
use crate::domain::message::Message;
use crate::domain::metadata::Metadata;
use crate::domain::policy::Access;
use crate::domain::time::Timestamp;
use crate::domain::user::{User, UserProfile};
use crate::http::error::AppError;
use crate::service::Visible;
use crate::store::Store;

/// A P2P conversation.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct P2pConversationView {
    pub id: ConversationId,
    /// Always `p2p`.
    #[serde(rename = "type")]
    #[schema(rename = "type")]
    pub kind: &'static str,
    pub participant_one: UserId,
    pub participant_two: UserId,
    /// The two participants' public profiles (participantOne's first), to render names and
    /// avatars without another request.
    pub participants: Vec<UserProfile>,
    pub status: ChatStatus,
    pub message_count: i64,
    pub unread_count_p1: i64,
    pub unread_count_p2: i64,
    pub last_message: Option<Message>,
    pub last_message_at: Option<Timestamp>,
    pub last_seq: i64,
    /// The caller's read watermark (`null` for a moderator who is not a participant).
    pub last_read_seq: Option<i64>,
    /// The site's own data (`{}` if none).
    pub metadata: Metadata,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// A support ticket.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TicketView {
    pub id: ConversationId,
    /// Always `support`.
    #[serde(rename = "type")]
    #[schema(rename = "type")]
    pub kind: &'static str,
    pub subject: String,
    pub status: TicketStatus,
    pub priority: Priority,
    pub category: Option<String>,
    /// The customer who opened it.
    pub created_by: UserId,
    /// The customer's public profile.
    pub customer: Option<UserProfile>,
    pub assignee_id: Option<UserId>,
    /// The assignee's public profile, if the ticket is assigned.
    pub assignee: Option<UserProfile>,
    pub message_count: i64,
    /// Unread messages of the caller's side (the customer's, or the staff's as a whole).
    pub unread_count: i64,
    pub last_message: Option<Message>,
    pub last_message_at: Option<Timestamp>,
    pub last_seq: i64,
    /// The caller's side's read watermark.
    pub last_read_seq: i64,
    /// The site's own data (`{}` if none).
    pub metadata: Metadata,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// Either shape, for lists that mix both (the admin panel).
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum ConversationView {
    P2p(P2pConversationView),
    Support(TicketView),
}

/// Public profiles by user id, for the people views name.
pub type Profiles = HashMap<UserId, UserProfile>;

/// The views of those of `conversations` that `viewer` may see (lists are filtered in SQL; a
/// row the policy refuses is a bug the API suite's policy test catches, and is left out), with
/// the profiles of the people in them.
pub async fn conversation_views(
    store: &Store,
    viewer: &User,
    conversations: Vec<Conversation>,
) -> Result<Vec<ConversationView>, AppError> {
    let visible: Vec<Visible> = conversations
        .into_iter()
        .filter_map(|conversation| Visible::to(viewer, conversation))
        .collect();
    let people = visible
        .iter()
        .flat_map(|visible| people_of(&visible.conversation))
        .collect();
    let profiles = store.profiles(&viewer.resource_id, people).await?;
    Ok(visible
        .into_iter()
        .map(|visible| ConversationView::new(visible, &profiles))
        .collect())
}

/// The view of one conversation, with the profiles of the people in it.
pub async fn conversation_view(
    store: &Store,
    visible: Visible,
) -> Result<ConversationView, AppError> {
    let people = people_of(&visible.conversation);
    let profiles = store
        .profiles(&visible.conversation.resource_id, people)
        .await?;
    Ok(ConversationView::new(visible, &profiles))
}

/// The users a conversation's view shows profiles of.
fn people_of(conversation: &Conversation) -> Vec<UserId> {
    let mut people: Vec<UserId> = conversation.participants().into_iter().cloned().collect();
    if let Some(assignee) = conversation.as_ticket().and_then(|t| t.assignee_id.clone()) {
        people.push(assignee);
    }
    people
}

impl ConversationView {
    /// `visible` as its viewer sees it; for tickets, observers read as the staff side.
    pub fn new(visible: Visible, profiles: &Profiles) -> ConversationView {
        let Visible {
            mut conversation,
            access,
        } = visible;
        let is_ticket = conversation.is_ticket();
        let read_seq = conversation.read_seq;
        let last_message = conversation
            .last_message
            .take()
            .map(|message| message.view(read_seq, is_ticket));
        match conversation.kind.clone() {
            Kind::Chat(chat) => ConversationView::P2p(chat_view(
                conversation,
                chat,
                access,
                last_message,
                profiles,
            )),
            Kind::Ticket(ticket) => ConversationView::Support(ticket_view(
                conversation,
                ticket,
                access,
                last_message,
                profiles,
            )),
        }
    }
}

fn chat_view(
    conversation: Conversation,
    chat: Chat,
    access: Access,
    last_message: Option<Message>,
    profiles: &Profiles,
) -> P2pConversationView {
    let participants = [&chat.participants.one, &chat.participants.two]
        .into_iter()
        .filter_map(|id| profiles.get(id).cloned())
        .collect();
    P2pConversationView {
        participants,
        id: conversation.id,
        kind: ConversationType::P2p.as_str(),
        participant_one: chat.participants.one,
        participant_two: chat.participants.two,
        status: chat.status,
        message_count: conversation.message_count,
        unread_count_p1: conversation.unread.one,
        unread_count_p2: conversation.unread.two,
        last_message,
        last_message_at: conversation.last_message_at,
        last_seq: conversation.last_seq,
        last_read_seq: access.side().map(|side| *conversation.read_seq.get(side)),
        metadata: conversation.metadata,
        created_at: conversation.created_at,
        updated_at: conversation.updated_at,
    }
}

fn ticket_view(
    conversation: Conversation,
    ticket: Ticket,
    access: Access,
    last_message: Option<Message>,
    profiles: &Profiles,
) -> TicketView {
    let side = access.side().unwrap_or(Side::Two);
    let profile = |id: &UserId| profiles.get(id).cloned();
    TicketView {
        customer: profile(&ticket.customer_id),
        assignee: ticket.assignee_id.as_ref().and_then(profile),
        id: conversation.id,
        kind: ConversationType::Support.as_str(),
        subject: ticket.subject,
        status: ticket.status,
        priority: ticket.priority,
        category: ticket.category,
        created_by: ticket.customer_id,
        assignee_id: ticket.assignee_id,
        message_count: conversation.message_count,
        unread_count: *conversation.unread.get(side),
        last_message,
        last_message_at: conversation.last_message_at,
        last_seq: conversation.last_seq,
        last_read_seq: *conversation.read_seq.get(side),
        metadata: conversation.metadata,
        created_at: conversation.created_at,
        updated_at: conversation.updated_at,
    }
}
