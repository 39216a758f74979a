//! Conversations (P2P chats and support tickets): their state, who may do what with them, and
//! the ticket status life cycle.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::message::StoredMessage;
use super::role::Role;
use super::user::User;
use crate::error::AppError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    P2p,
    Support,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::P2p => "p2p",
            Kind::Support => "support",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        match s {
            "p2p" => Some(Kind::P2p),
            "support" => Some(Kind::Support),
            _ => None,
        }
    }
}

/// Status of a conversation: `active`/`archived` for P2P, `open`/`pending`/`resolved`/`closed`
/// for tickets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Active,
    Archived,
    Open,
    Pending,
    Resolved,
    Closed,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::Active,
        Status::Archived,
        Status::Open,
        Status::Pending,
        Status::Resolved,
        Status::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Archived => "archived",
            Status::Open => "open",
            Status::Pending => "pending",
            Status::Resolved => "resolved",
            Status::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|status| status.as_str() == s)
    }

    /// Whether the status belongs to conversations of `kind`.
    pub fn fits(self, kind: Kind) -> bool {
        match kind {
            Kind::P2p => matches!(self, Status::Active | Status::Archived),
            Kind::Support => !matches!(self, Status::Active | Status::Archived),
        }
    }

    /// Whether new messages are refused (archived chats, closed tickets).
    pub fn is_read_only(self) -> bool {
        matches!(self, Status::Archived | Status::Closed)
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

impl Priority {
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Medium => "medium",
            Priority::High => "high",
        }
    }

    pub fn parse(s: &str) -> Option<Priority> {
        match s {
            "low" => Some(Priority::Low),
            "medium" => Some(Priority::Medium),
            "high" => Some(Priority::High),
            _ => None,
        }
    }
}

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

    /// 0 or 1, for the per-side arrays.
    pub fn index(self) -> usize {
        match self {
            Side::One => 0,
            Side::Two => 1,
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

/// A conversation as stored.
#[derive(Debug, Clone)]
pub struct Conversation {
    pub id: String,
    pub resource_id: String,
    pub kind: Kind,
    pub status: Status,
    /// P2P: the first participant. Support: the customer.
    pub participant_one: String,
    /// P2P: the second participant. Support: none (the staff).
    pub participant_two: Option<String>,
    pub unread: [i64; 2],
    pub read_seq: [i64; 2],
    pub message_count: i64,
    pub last_seq: i64,
    pub last_message_at: Option<i64>,
    pub last_message: Option<StoredMessage>,
    pub ticket: Option<TicketFields>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// What only tickets have.
#[derive(Debug, Clone)]
pub struct TicketFields {
    pub subject: String,
    pub priority: Priority,
    pub category: Option<String>,
    pub assignee_id: Option<String>,
}

/// How a user stands to a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Reads and writes as this side.
    Member(Side),
    /// Reads only: a moderator or above looking at a P2P chat they are not in.
    Observer,
}

impl Access {
    pub fn side(self) -> Option<Side> {
        match self {
            Access::Member(side) => Some(side),
            Access::Observer => None,
        }
    }

    /// The side to write as; 403 for observers.
    pub fn writer(self) -> Result<Side, AppError> {
        self.side().ok_or_else(|| {
            AppError::forbidden("moderators may read this conversation, not write to it")
        })
    }
}

impl Conversation {
    /// How `user` may use this conversation; `None` means it is invisible to them (404).
    ///
    /// P2P: the participants are members; moderators and above of the resource observe. Support:
    /// the customer is side one; staff and above answer as side two.
    pub fn access(&self, user: &User) -> Option<Access> {
        if user.resource_id != self.resource_id {
            return None;
        }
        if user.id == self.participant_one {
            return Some(Access::Member(Side::One));
        }
        match self.kind {
            Kind::P2p if self.participant_two.as_deref() == Some(user.id.as_str()) => {
                Some(Access::Member(Side::Two))
            }
            Kind::P2p if user.role >= Role::Moderator => Some(Access::Observer),
            Kind::Support if user.role.is_elevated() => Some(Access::Member(Side::Two)),
            _ => None,
        }
    }

    /// The participant on `side` (none for the staff side of a ticket).
    pub fn participant(&self, side: Side) -> Option<&str> {
        match side {
            Side::One => Some(&self.participant_one),
            Side::Two => self.participant_two.as_deref(),
        }
    }
}

/// The ticket status after a message from `side` (contract §5): a staff reply moves `open` to
/// `pending`; a customer reply moves `pending` or `resolved` back to `open`.
pub fn status_after_reply(status: Status, side: Side) -> Status {
    match (side, status) {
        (Side::Two, Status::Open) => Status::Pending,
        (Side::One, Status::Pending | Status::Resolved) => Status::Open,
        _ => status,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_move_ticket_status() {
        assert_eq!(status_after_reply(Status::Open, Side::Two), Status::Pending);
        assert_eq!(status_after_reply(Status::Pending, Side::One), Status::Open);
        assert_eq!(
            status_after_reply(Status::Resolved, Side::One),
            Status::Open
        );
        assert_eq!(
            status_after_reply(Status::Resolved, Side::Two),
            Status::Resolved
        );
        assert_eq!(status_after_reply(Status::Open, Side::One), Status::Open);
        assert_eq!(
            status_after_reply(Status::Pending, Side::Two),
            Status::Pending
        );
    }

    #[test]
    fn statuses_fit_their_kind() {
        assert!(Status::Archived.fits(Kind::P2p));
        assert!(!Status::Open.fits(Kind::P2p));
        assert!(Status::Closed.fits(Kind::Support));
        assert!(!Status::Active.fits(Kind::Support));
    }
}
