//! Who may do what to a conversation and its messages: every rule in one place, pure, and tested
//! cell by cell below. Routes ask it before acting, the real-time audience is built from
//! `sees_every`, and the SQL that lists conversations mirrors `access` (a test in the API suite
//! holds the lists to it).

use super::conversation::{Conversation, ConversationType, Kind, Side, TicketStatus};
use super::error::{Error, Result};
use super::id::UserId;
use super::message::StoredMessage;
use super::role::Role;
use super::user::User;

/// How a user stands to a conversation they may see.
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
}

/// The least role that sees every conversation of a type of its resource without taking part:
/// moderators observe every chat; staff answer every ticket (as its side two).
pub fn sees_every(conversation_type: ConversationType) -> Role {
    match conversation_type {
        ConversationType::P2p => Role::Moderator,
        ConversationType::Support => Role::Staff,
    }
}

/// Whether `user` answers the resource's tickets (as the staff, side two).
pub fn answers_tickets(user: &User) -> bool {
    user.role >= sees_every(ConversationType::Support)
}

/// How `user` may use `conversation`; `None` means it is invisible to them (404).
pub fn access(user: &User, conversation: &Conversation) -> Option<Access> {
    if user.resource_id != conversation.resource_id {
        return None;
    }
    let sees_all = user.role >= sees_every(conversation.conversation_type());
    match &conversation.kind {
        Kind::Chat(chat) if chat.participants.one == user.id => Some(Access::Member(Side::One)),
        Kind::Chat(chat) if chat.participants.two == user.id => Some(Access::Member(Side::Two)),
        Kind::Chat(_) => sees_all.then_some(Access::Observer),
        Kind::Ticket(ticket) if ticket.customer_id == user.id => Some(Access::Member(Side::One)),
        Kind::Ticket(_) => sees_all.then_some(Access::Member(Side::Two)),
    }
}

/// The side a member writes as (sends, marks read); observers may only read.
pub fn writer(access: Access) -> Result<Side> {
    access
        .side()
        .ok_or_else(|| Error::forbidden("moderators may read this conversation, not write to it"))
}

/// The side whose unread count the caller has.
pub fn reader(access: Access) -> Result<Side> {
    access.side().ok_or_else(|| {
        Error::forbidden("a moderator who is not a participant has no unread count here")
    })
}

/// Sending as `user`: a member with `canSendMessage`. (Whether the conversation still takes
/// messages is decided by the store under the conversation's lock, `open_for_messages`.)
pub fn may_send(user: &User, access: Access) -> Result<Side> {
    let side = writer(access)?;
    if !user.permissions.can_send_message {
        return Err(Error::forbidden("this user may not send messages"));
    }
    Ok(side)
}

/// A user a message is addressed to must be allowed to receive messages.
pub fn may_receive(recipient: &User) -> Result<()> {
    if recipient.permissions.can_receive_message {
        Ok(())
    } else {
        Err(Error::forbidden("the recipient may not receive messages"))
    }
}

/// Opening a chat: with another user of the resource who may receive messages.
pub fn may_open_chat(creator: &User, other: &User) -> Result<()> {
    if creator.id == other.id {
        return Err(Error::invalid_body(
            "a conversation needs another participant",
        ));
    }
    may_receive(other).map_err(|_| Error::forbidden("this user may not receive messages"))
}

/// Whether the conversation takes new messages: archived chats and closed tickets do not.
pub fn open_for_messages(conversation: &Conversation) -> Result<()> {
    match conversation.read_only_reason() {
        Some(reason) => Err(Error::forbidden(reason)),
        None => Ok(()),
    }
}

/// Editing: one's own message, as a member with `canEditMessage`, while the conversation is open.
pub fn may_edit(
    user: &User,
    access: Access,
    conversation: &Conversation,
    message: &StoredMessage,
) -> Result<()> {
    writer(access)?;
    if message.sender_id != user.id {
        return Err(Error::forbidden("only the sender may edit a message"));
    }
    if !user.permissions.can_edit_message {
        return Err(Error::forbidden("this user may not edit messages"));
    }
    open_for_messages(conversation)
}

/// Deleting: one's own message with `canDeleteMessage`, or any message as a moderator and above.
pub fn may_delete(user: &User, message: &StoredMessage) -> Result<()> {
    let own = message.sender_id == user.id && user.permissions.can_delete_message;
    if own || user.role >= Role::Moderator {
        Ok(())
    } else {
        Err(Error::forbidden(
            "only the sender (with canDeleteMessage) or a moderator may delete a message",
        ))
    }
}

/// Archiving or unarchiving a chat: a participant with `canArchiveConversation`, or a moderator
/// and above.
pub fn may_archive(user: &User, access: Access) -> Result<()> {
    let participant_may = access.side().is_some() && user.permissions.can_archive_conversation;
    if participant_may || user.role >= Role::Moderator {
        Ok(())
    } else {
        Err(Error::forbidden(
            "archiving needs canArchiveConversation, or a moderator",
        ))
    }
}

/// Setting a chat's metadata: its participants, and moderators and above.
pub fn may_change_chat(user: &User, access: Access) -> Result<()> {
    if access.side().is_some() || user.role >= sees_every(ConversationType::P2p) {
        Ok(())
    } else {
        Err(Error::forbidden(
            "only the participants or a moderator may change this conversation",
        ))
    }
}

/// What a ticket update changes, for the policy: whether anything but the status changes, and the
/// status asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TicketChange {
    pub status: Option<TicketStatus>,
    pub other_fields: bool,
}

/// Updating a ticket: staff and above change anything; its customer may only close it.
pub fn may_update_ticket(user: &User, change: TicketChange) -> Result<()> {
    let only_closing = !change.other_fields
        && change
            .status
            .is_none_or(|status| status == TicketStatus::Closed);
    if answers_tickets(user) || only_closing {
        Ok(())
    } else {
        Err(Error::forbidden("a customer may only close their ticket"))
    }
}

/// A ticket's status may change to anything but out of `closed`, which is final (contract §5).
pub fn may_move_ticket(from: TicketStatus, to: TicketStatus) -> Result<()> {
    if from == TicketStatus::Closed && to != TicketStatus::Closed {
        Err(Error::forbidden("a closed ticket stays closed"))
    } else {
        Ok(())
    }
}

/// A ticket's assignee must be staff or above (of the ticket's resource: the caller looks them
/// up there).
pub fn may_be_assigned(assignee: Option<&User>) -> Result<()> {
    if assignee.is_some_and(|user| user.role >= sees_every(ConversationType::Support)) {
        Ok(())
    } else {
        Err(Error::invalid_body(
            "assigneeId must be a staff member (or higher) of this resource",
        ))
    }
}

/// The tickets a user's ticket list holds: every ticket of the resource for those who answer
/// them, otherwise only the user's own (`Some(their id)`).
pub fn ticket_list_customer(user: &User) -> Option<&UserId> {
    (!answers_tickets(user)).then_some(&user.id)
}

/// Who may see a user's presence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PresenceRule {
    /// Themself and elevated roles.
    Granted,
    /// Others only if they share a chat with the user.
    IfTheyShareAChat,
}

/// Seeing `subject_id`'s presence: oneself, elevated roles, or someone sharing a chat with them
/// (which the caller looks up only when it matters).
pub fn presence_rule(viewer: &User, subject_id: &UserId) -> PresenceRule {
    if viewer.id == *subject_id || viewer.role.is_elevated() {
        PresenceRule::Granted
    } else {
        PresenceRule::IfTheyShareAChat
    }
}

/// The admin panel: staff and above; its per-user view: admins and above.
pub fn may_use_admin_panel(user: &User, part: AdminPart) -> Result<()> {
    match part {
        AdminPart::Panel if user.role.is_elevated() => Ok(()),
        AdminPart::Panel => Err(Error::forbidden(
            "the admin panel needs an elevated role: staff, moderator, admin or superadmin",
        )),
        AdminPart::UserConversations if user.role >= Role::Admin => Ok(()),
        AdminPart::UserConversations => Err(Error::forbidden(
            "this part of the admin panel is for admins and superadmins",
        )),
    }
}

/// The parts of the admin panel, by the role they need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdminPart {
    /// Conversations and stats.
    Panel,
    /// Every conversation of one user.
    UserConversations,
}

/// In the admin panel's list: whether `viewer` sees the P2P chats they do not take part in
/// (moderators and above do; staff see only their own).
pub fn sees_others_chats(viewer: &User) -> bool {
    viewer.role >= sees_every(ConversationType::P2p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::conversation::{Chat, ChatStatus, PerSide, Priority, Ticket};
    use crate::domain::id::{test_user_id, ConversationId, MessageId};
    use crate::domain::resource::ResourceId;
    use crate::domain::role::Permissions;
    use crate::domain::time::Timestamp;

    fn user(name: &str, role: Role) -> User {
        User {
            id: test_user_id(name),
            resource_id: ResourceId::named("site"),
            username: name.into(),
            email: format!("{name}@example.com"),
            role,
            permissions: Permissions::default(),
            external_id: None,
            display_name: None,
            avatar_url: None,
            metadata: Default::default(),
            created_at: Timestamp::from_millis(0),
            updated_at: Timestamp::from_millis(0),
            token_version: 0,
        }
    }

    fn conversation(kind: Kind) -> Conversation {
        Conversation {
            id: ConversationId::new(),
            resource_id: ResourceId::named("site"),
            kind,
            unread: PerSide::default(),
            read_seq: PerSide::default(),
            message_count: 0,
            last_seq: 0,
            last_message_at: None,
            last_message: None,
            metadata: Default::default(),
            created_at: Timestamp::from_millis(0),
            updated_at: Timestamp::from_millis(0),
        }
    }

    fn chat(status: ChatStatus) -> Conversation {
        conversation(Kind::Chat(Chat {
            participants: PerSide {
                one: test_user_id("alice"),
                two: test_user_id("bob"),
            },
            status,
        }))
    }

    fn ticket(status: TicketStatus) -> Conversation {
        conversation(Kind::Ticket(Ticket {
            customer_id: test_user_id("alice"),
            status,
            subject: "help".into(),
            priority: Priority::Medium,
            category: None,
            assignee_id: None,
        }))
    }

    fn message_from(sender: &str) -> StoredMessage {
        StoredMessage {
            id: MessageId::new(),
            conversation_id: ConversationId::new(),
            seq: 1,
            sender_id: test_user_id(sender),
            sender_side: Side::One,
            text: "hi".into(),
            created_at: Timestamp::from_millis(0),
            edited_at: None,
            deleted_at: None,
            metadata: Default::default(),
        }
    }

    use Access::{Member, Observer};
    use Side::{One, Two};

    /// Every cell of "who sees which conversation, and how": the participants by name, then one
    /// outsider of each role.
    #[test]
    fn access_table() {
        let rows: [(&str, Role, Option<Access>, Option<Access>); 7] = [
            // who, role, chat between alice and bob, alice's ticket
            ("alice", Role::User, Some(Member(One)), Some(Member(One))),
            ("bob", Role::User, Some(Member(Two)), None),
            ("carol", Role::User, None, None),
            ("carol", Role::Staff, None, Some(Member(Two))),
            ("carol", Role::Moderator, Some(Observer), Some(Member(Two))),
            ("carol", Role::Admin, Some(Observer), Some(Member(Two))),
            ("carol", Role::Superadmin, Some(Observer), Some(Member(Two))),
        ];
        for (id, role, on_chat, on_ticket) in rows {
            let who = user(id, role);
            assert_eq!(
                access(&who, &chat(ChatStatus::Active)),
                on_chat,
                "{id} {role:?} chat"
            );
            let expected = access(&who, &ticket(TicketStatus::Open));
            assert_eq!(expected, on_ticket, "{id} {role:?} ticket");
        }
        // A staff member who opened a ticket is its customer there.
        assert_eq!(
            access(&user("alice", Role::Admin), &ticket(TicketStatus::Open)),
            Some(Member(One))
        );
    }

    #[test]
    fn another_resource_sees_nothing() {
        let mut admin = user("alice", Role::Superadmin);
        admin.resource_id = ResourceId::named("other");
        assert_eq!(access(&admin, &chat(ChatStatus::Active)), None);
        assert_eq!(access(&admin, &ticket(TicketStatus::Open)), None);
    }

    /// The real-time audience (participants plus every user of at least `sees_every`) is exactly
    /// who has access.
    #[test]
    fn sees_every_matches_access_for_outsiders() {
        for role in Role::ALL {
            let outsider = user("carol", role);
            for conversation in [chat(ChatStatus::Active), ticket(TicketStatus::Open)] {
                let in_audience = role >= sees_every(conversation.conversation_type());
                assert_eq!(in_audience, access(&outsider, &conversation).is_some());
            }
        }
    }

    #[test]
    fn sending_needs_membership_and_the_permission() {
        let mut alice = user("alice", Role::User);
        assert_eq!(may_send(&alice, Member(One)).ok(), Some(One));
        assert!(may_send(&user("mod", Role::Moderator), Observer).is_err());
        alice.permissions.can_send_message = false;
        assert!(may_send(&alice, Member(One)).is_err());
    }

    #[test]
    fn archived_chats_and_closed_tickets_take_no_messages() {
        assert!(open_for_messages(&chat(ChatStatus::Active)).is_ok());
        assert!(open_for_messages(&chat(ChatStatus::Archived)).is_err());
        for status in TicketStatus::ALL {
            let open = open_for_messages(&ticket(*status)).is_ok();
            assert_eq!(open, *status != TicketStatus::Closed, "{status:?}");
        }
    }

    #[test]
    fn receiving_follows_the_permission() {
        let mut bob = user("bob", Role::User);
        assert!(may_receive(&bob).is_ok());
        assert!(may_open_chat(&user("alice", Role::User), &bob).is_ok());
        bob.permissions.can_receive_message = false;
        assert!(may_receive(&bob).is_err());
        assert!(may_open_chat(&user("alice", Role::User), &bob).is_err());
        let alice = user("alice", Role::User);
        assert!(matches!(
            may_open_chat(&alice, &alice),
            Err(Error::Invalid { .. })
        ));
    }

    #[test]
    fn editing_is_the_senders_with_the_permission_while_open() {
        let mut alice = user("alice", Role::User);
        let active = chat(ChatStatus::Active);
        let own = message_from("alice");
        assert!(may_edit(&alice, Member(One), &active, &own).is_ok());
        assert!(may_edit(&alice, Member(One), &active, &message_from("bob")).is_err());
        assert!(may_edit(&alice, Member(One), &chat(ChatStatus::Archived), &own).is_err());
        let moderator = user("alice", Role::Moderator);
        assert!(may_edit(&moderator, Observer, &active, &own).is_err());
        alice.permissions.can_edit_message = false;
        assert!(may_edit(&alice, Member(One), &active, &own).is_err());
    }

    #[test]
    fn deleting_is_the_senders_or_a_moderators() {
        let mut alice = user("alice", Role::User);
        assert!(may_delete(&alice, &message_from("alice")).is_ok());
        assert!(may_delete(&alice, &message_from("bob")).is_err());
        alice.permissions.can_delete_message = false;
        assert!(may_delete(&alice, &message_from("alice")).is_err());
        for role in Role::ALL {
            let allowed = may_delete(&user("carol", role), &message_from("bob")).is_ok();
            assert_eq!(allowed, role >= Role::Moderator, "{role:?}");
        }
    }

    #[test]
    fn archiving_is_a_participants_with_the_permission_or_a_moderators() {
        let mut alice = user("alice", Role::User);
        assert!(may_archive(&alice, Member(One)).is_ok());
        alice.permissions.can_archive_conversation = false;
        assert!(may_archive(&alice, Member(One)).is_err());
        assert!(may_archive(&user("mod", Role::Moderator), Observer).is_ok());
        let mut moderator = user("mod", Role::Moderator);
        moderator.permissions.can_archive_conversation = false;
        assert!(may_archive(&moderator, Member(One)).is_ok());
    }

    #[test]
    fn chats_change_by_their_participants_or_moderators() {
        let alice = user("alice", Role::User);
        assert!(may_change_chat(&alice, Member(One)).is_ok());
        assert!(may_change_chat(&user("mod", Role::Moderator), Observer).is_ok());
        assert!(may_change_chat(&user("staff", Role::Staff), Observer).is_err());
    }

    #[test]
    fn customers_may_only_close_their_ticket() {
        let closing = TicketChange {
            status: Some(TicketStatus::Closed),
            other_fields: false,
        };
        let reopening = TicketChange {
            status: Some(TicketStatus::Open),
            other_fields: false,
        };
        let reprioritising = TicketChange {
            status: None,
            other_fields: true,
        };
        let customer = user("alice", Role::User);
        assert!(may_update_ticket(&customer, closing).is_ok());
        assert!(may_update_ticket(&customer, reopening).is_err());
        assert!(may_update_ticket(&customer, reprioritising).is_err());
        let staff = user("carol", Role::Staff);
        for change in [closing, reopening, reprioritising] {
            assert!(may_update_ticket(&staff, change).is_ok());
        }
    }

    #[test]
    fn closed_is_final() {
        for from in TicketStatus::ALL {
            for to in TicketStatus::ALL {
                let allowed = may_move_ticket(*from, *to).is_ok();
                let expected = *from != TicketStatus::Closed || *to == TicketStatus::Closed;
                assert_eq!(allowed, expected, "{from:?} -> {to:?}");
            }
        }
    }

    #[test]
    fn assignees_are_staff_and_above() {
        assert!(may_be_assigned(None).is_err());
        for role in Role::ALL {
            let allowed = may_be_assigned(Some(&user("carol", role))).is_ok();
            assert_eq!(allowed, role.is_elevated(), "{role:?}");
        }
    }

    #[test]
    fn ticket_lists_are_own_for_customers_and_all_for_staff() {
        assert_eq!(
            ticket_list_customer(&user("alice", Role::User)),
            Some(&test_user_id("alice"))
        );
        assert_eq!(ticket_list_customer(&user("carol", Role::Staff)), None);
    }

    #[test]
    fn presence_is_for_oneself_staff_and_chat_partners() {
        let alice = user("alice", Role::User);
        let (alice_id, bob_id) = (test_user_id("alice"), test_user_id("bob"));
        assert_eq!(presence_rule(&alice, &alice_id), PresenceRule::Granted);
        assert_eq!(
            presence_rule(&alice, &bob_id),
            PresenceRule::IfTheyShareAChat
        );
        for role in Role::ALL {
            let granted = presence_rule(&user("carol", role), &bob_id) == PresenceRule::Granted;
            assert_eq!(granted, role.is_elevated(), "{role:?}");
        }
    }

    #[test]
    fn admin_panel_parts_by_role() {
        for role in Role::ALL {
            let who = user("carol", role);
            let panel = may_use_admin_panel(&who, AdminPart::Panel).is_ok();
            assert_eq!(panel, role.is_elevated(), "{role:?}");
            let per_user = may_use_admin_panel(&who, AdminPart::UserConversations).is_ok();
            assert_eq!(per_user, role >= Role::Admin, "{role:?}");
            assert_eq!(sees_others_chats(&who), role >= Role::Moderator, "{role:?}");
        }
    }
}
