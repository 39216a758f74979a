//! Conversations: P2P chats and support tickets as one type whose `kind` owns what differs (the
//! participants and the status life cycle), so a chat with a ticket status, or a ticket without a
//! subject, cannot be built.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::id::{ConversationId, UserId};
use super::message::StoredMessage;
use super::metadata::Metadata;
use super::resource::ResourceId;
use super::time::Timestamp;

/// Which kind a conversation is, as the API names it (`"type"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ConversationType {
    P2p,
    Support,
}

impl ConversationType {
    pub fn as_str(self) -> &'static str {
        match self {
            ConversationType::P2p => "p2p",
            ConversationType::Support => "support",
        }
    }

    pub fn parse(s: &str) -> Option<ConversationType> {
        match s {
            "p2p" => Some(ConversationType::P2p),
            "support" => Some(ConversationType::Support),
            _ => None,
        }
    }
}

/// Generates `as_str`, `parse` and `ALL` for a fieldless enum whose serde names are lowercase.
macro_rules! named_values {
    ($type:ident { $($variant:ident => $name:literal),+ $(,)? }) => {
        impl $type {
            pub const ALL: &'static [$type] = &[$($type::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($type::$variant => $name),+
                }
            }

            pub fn parse(s: &str) -> Option<$type> {
                match s {
                    $($name => Some($type::$variant),)+
                    _ => None,
                }
            }
        }
    };
}

/// A P2P chat's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ChatStatus {
    Active,
    Archived,
}
named_values!(ChatStatus { Active => "active", Archived => "archived" });

/// A ticket's status (contract §5): `closed` is final.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum TicketStatus {
    Open,
    Pending,
    Resolved,
    Closed,
}
named_values!(TicketStatus {
    Open => "open",
    Pending => "pending",
    Resolved => "resolved",
    Closed => "closed",
});

impl TicketStatus {
    /// The status after a message from `side`: a staff reply moves `open` to `pending`; a
    /// customer reply moves `pending` or `resolved` back to `open`.
    pub fn after_reply(self, side: Side) -> TicketStatus {
        match (side, self) {
            (Side::Two, TicketStatus::Open) => TicketStatus::Pending,
            (Side::One, TicketStatus::Pending | TicketStatus::Resolved) => TicketStatus::Open,
            _ => self,
        }
    }
}

/// The status of a conversation of either kind: what mixed lists (the admin panel) filter on and
/// events carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum AnyStatus {
    Chat(ChatStatus),
    Ticket(TicketStatus),
}

impl AnyStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AnyStatus::Chat(status) => status.as_str(),
            AnyStatus::Ticket(status) => status.as_str(),
        }
    }

    /// The kind of conversation that can have this status.
    pub fn conversation_type(self) -> ConversationType {
        match self {
            AnyStatus::Chat(_) => ConversationType::P2p,
            AnyStatus::Ticket(_) => ConversationType::Support,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, Default)]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    Low,
    #[default]
    Medium,
    High,
}
named_values!(Priority { Low => "low", Medium => "medium", High => "high" });

/// The two sides of every conversation. P2P: the two participants. Support: the customer (one)
/// and the staff as a whole (two).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    One,
    Two,
}

impl Side {
    pub fn other(self) -> Side {
        match self {
            Side::One => Side::Two,
            Side::Two => Side::One,
        }
    }

    /// 1 or 2, as stored.
    pub fn number(self) -> i64 {
        match self {
            Side::One => 1,
            Side::Two => 2,
        }
    }

    /// The side stored as `n`; `None` for anything but 1 and 2.
    pub fn from_number(n: i64) -> Option<Side> {
        match n {
            1 => Some(Side::One),
            2 => Some(Side::Two),
            _ => None,
        }
    }
}

/// One value for each side of a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PerSide<T> {
    pub one: T,
    pub two: T,
}

impl<T> PerSide<T> {
    pub fn get(&self, side: Side) -> &T {
        match side {
            Side::One => &self.one,
            Side::Two => &self.two,
        }
    }

    pub fn get_mut(&mut self, side: Side) -> &mut T {
        match side {
            Side::One => &mut self.one,
            Side::Two => &mut self.two,
        }
    }
}

/// A P2P chat: two participants, active or archived.
#[derive(Debug, Clone)]
pub struct Chat {
    pub participants: PerSide<UserId>,
    pub status: ChatStatus,
}

/// A support ticket: its customer is side one; the staff as a whole answer as side two.
#[derive(Debug, Clone)]
pub struct Ticket {
    pub customer_id: UserId,
    pub status: TicketStatus,
    pub subject: String,
    pub priority: Priority,
    pub category: Option<String>,
    pub assignee_id: Option<UserId>,
}

/// What a conversation is, with what only that kind has.
#[derive(Debug, Clone)]
pub enum Kind {
    Chat(Chat),
    Ticket(Ticket),
}

/// A conversation as stored: what both kinds share, and its kind.
#[derive(Debug, Clone)]
pub struct Conversation {
    pub id: ConversationId,
    pub resource_id: ResourceId,
    pub kind: Kind,
    pub unread: PerSide<i64>,
    pub read_seq: PerSide<i64>,
    pub message_count: i64,
    pub last_seq: i64,
    pub last_message_at: Option<Timestamp>,
    pub last_message: Option<StoredMessage>,
    /// The site's own data.
    pub metadata: Metadata,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl Conversation {
    pub fn conversation_type(&self) -> ConversationType {
        match self.kind {
            Kind::Chat(_) => ConversationType::P2p,
            Kind::Ticket(_) => ConversationType::Support,
        }
    }

    pub fn status(&self) -> AnyStatus {
        match &self.kind {
            Kind::Chat(chat) => AnyStatus::Chat(chat.status),
            Kind::Ticket(ticket) => AnyStatus::Ticket(ticket.status),
        }
    }

    pub fn is_ticket(&self) -> bool {
        matches!(self.kind, Kind::Ticket(_))
    }

    /// The user on `side` (none for the staff side of a ticket).
    pub fn participant(&self, side: Side) -> Option<&UserId> {
        match (&self.kind, side) {
            (Kind::Chat(chat), side) => Some(chat.participants.get(side)),
            (Kind::Ticket(ticket), Side::One) => Some(&ticket.customer_id),
            (Kind::Ticket(_), Side::Two) => None,
        }
    }

    /// The users named by the conversation: both participants of a chat, a ticket's customer.
    pub fn participants(&self) -> Vec<&UserId> {
        [Side::One, Side::Two]
            .into_iter()
            .filter_map(|side| self.participant(side))
            .collect()
    }

    /// Whether new messages are refused, and why (archived chats, closed tickets).
    pub fn read_only_reason(&self) -> Option<&'static str> {
        match &self.kind {
            Kind::Chat(chat) if chat.status == ChatStatus::Archived => {
                Some("this conversation is archived; unarchive it first")
            }
            Kind::Ticket(ticket) if ticket.status == TicketStatus::Closed => {
                Some("this ticket is closed")
            }
            _ => None,
        }
    }

    pub fn as_ticket(&self) -> Option<&Ticket> {
        match &self.kind {
            Kind::Ticket(ticket) => Some(ticket),
            Kind::Chat(_) => None,
        }
    }

    pub fn as_chat(&self) -> Option<&Chat> {
        match &self.kind {
            Kind::Chat(chat) => Some(chat),
            Kind::Ticket(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_move_ticket_status() {
        use TicketStatus::*;
        assert_eq!(Open.after_reply(Side::Two), Pending);
        assert_eq!(Pending.after_reply(Side::One), Open);
        assert_eq!(Resolved.after_reply(Side::One), Open);
        assert_eq!(Resolved.after_reply(Side::Two), Resolved);
        assert_eq!(Open.after_reply(Side::One), Open);
        assert_eq!(Pending.after_reply(Side::Two), Pending);
        assert_eq!(Closed.after_reply(Side::One), Closed);
    }

    #[test]
    fn any_status_reads_either_kinds_names() {
        let parsed: AnyStatus = serde_json::from_str("\"archived\"").expect("a chat status");
        assert_eq!(parsed, AnyStatus::Chat(ChatStatus::Archived));
        let parsed: AnyStatus = serde_json::from_str("\"resolved\"").expect("a ticket status");
        assert_eq!(parsed, AnyStatus::Ticket(TicketStatus::Resolved));
        assert!(serde_json::from_str::<AnyStatus>("\"lost\"").is_err());
        assert_eq!(
            serde_json::to_string(&AnyStatus::Ticket(TicketStatus::Open)).expect("serialises"),
            "\"open\""
        );
    }

    #[test]
    fn names_round_trip() {
        for status in TicketStatus::ALL {
            assert_eq!(TicketStatus::parse(status.as_str()), Some(*status));
        }
        for status in ChatStatus::ALL {
            assert_eq!(ChatStatus::parse(status.as_str()), Some(*status));
        }
        assert_eq!(Priority::parse("urgent"), None);
    }
}
