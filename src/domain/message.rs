//! Messages: the text rule and the shape clients see.

use serde::Serialize;
use utoipa::ToSchema;

use super::conversation::{PerSide, Side};
use super::error::{Error, Result};
use super::id::{ConversationId, MessageId, UserId};
use super::metadata::Metadata;
use super::time::Timestamp;

/// Longest message text, in Unicode scalar values.
pub const MAX_TEXT_CHARS: usize = 10_000;

/// Message text: non-empty after trimming, at most 10,000 characters, stored as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageText(String);

impl MessageText {
    pub fn parse(text: String) -> Result<MessageText> {
        if text.trim().is_empty() {
            return Err(Error::invalid_body("content.text must not be empty"));
        }
        if text.chars().count() > MAX_TEXT_CHARS {
            return Err(Error::invalid_body(
                "content.text must be at most 10000 characters",
            ));
        }
        Ok(MessageText(text))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// A message as stored.
#[derive(Debug, Clone)]
pub struct StoredMessage {
    pub id: MessageId,
    pub conversation_id: ConversationId,
    pub seq: i64,
    pub sender_id: UserId,
    pub sender_side: Side,
    pub text: String,
    pub created_at: Timestamp,
    pub edited_at: Option<Timestamp>,
    pub deleted_at: Option<Timestamp>,
    pub metadata: Metadata,
}

/// `{"text": ...}`; empty once the message is deleted.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Content {
    pub text: String,
}

/// A message as clients see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Message {
    pub id: MessageId,
    pub conversation_id: ConversationId,
    /// Position in the conversation: 1, 2, 3, ... without gaps.
    pub seq: i64,
    pub sender_id: UserId,
    /// Support tickets only: whether the sender answered for the staff.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_staff: Option<bool>,
    pub content: Content,
    /// Whether the other side has read it.
    pub is_read: bool,
    pub created_at: Timestamp,
    pub edited_at: Option<Timestamp>,
    pub deleted_at: Option<Timestamp>,
    /// The site's own data (`{}` if none; emptied with the text when the message is deleted).
    pub metadata: Metadata,
}

impl StoredMessage {
    /// The client view, given the read watermarks of the conversation's two sides and whether it
    /// is a support ticket.
    pub fn view(self, read_seq: PerSide<i64>, is_ticket: bool) -> Message {
        let reader = self.sender_side.other();
        Message {
            is_read: *read_seq.get(reader) >= self.seq,
            is_staff: is_ticket.then_some(self.sender_side == Side::Two),
            content: Content {
                text: if self.deleted_at.is_some() {
                    String::new()
                } else {
                    self.text
                },
            },
            id: self.id,
            conversation_id: self.conversation_id,
            seq: self.seq,
            sender_id: self.sender_id,
            created_at: self.created_at,
            edited_at: self.edited_at,
            deleted_at: self.deleted_at,
            metadata: self.metadata,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_rules() {
        let parse = |text: &str| MessageText::parse(text.to_owned());
        assert_eq!(parse("  padded  ").expect("valid").as_str(), "  padded  ");
        assert!(parse("hi").is_ok());
        assert!(parse("").is_err());
        assert!(parse(" \n\t ").is_err());
        assert!(parse(&"é".repeat(MAX_TEXT_CHARS)).is_ok());
        assert!(parse(&"é".repeat(MAX_TEXT_CHARS + 1)).is_err());
    }

    #[test]
    fn read_state_comes_from_the_other_sides_watermark() {
        let message = StoredMessage {
            id: MessageId::new(),
            conversation_id: ConversationId::new(),
            seq: 3,
            sender_id: UserId::new(),
            sender_side: Side::One,
            text: "hello".into(),
            created_at: Timestamp::from_millis(0),
            edited_at: None,
            deleted_at: Some(Timestamp::from_millis(1)),
            metadata: Metadata::default(),
        };
        let unread = message.clone().view(PerSide { one: 3, two: 2 }, false);
        assert!(!unread.is_read);
        assert_eq!(unread.content.text, "", "deleted text is removed");
        assert_eq!(unread.is_staff, None);
        assert!(message.view(PerSide { one: 0, two: 3 }, true).is_read);
    }
}
