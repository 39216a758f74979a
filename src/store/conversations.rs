//! Conversations of both kinds: the row mapping, look-ups, lists and P2P creation.

use super::db::{params, Db, DbError, DbExt, FromRow, Row};
use super::messages::decode_message;
use super::sql::statements;
use super::stats::{conversation_totals, ConversationTotals, StatsDelta};
use super::Store;
use crate::domain::conversation::{
    AnyStatus, Chat, ChatStatus, Conversation, ConversationType, Kind, PerSide, Priority, Ticket,
    TicketStatus,
};
use crate::domain::error::Error;
use crate::domain::id::{ConversationId, UserId};
use crate::domain::metadata::Metadata;
use crate::domain::page::PageRequest;
use crate::domain::resource::ResourceId;

/// The conversation columns plus its last message (left-joined), for every conversation read.
macro_rules! select_conversation {
    ($tail:literal) => {
        select_conversation!(from "conversations", $tail)
    };
    (from $source:expr, $tail:literal) => {
        concat!(
            "select c.id, c.resource_id, c.kind, c.status, c.participant_one, c.participant_two,
                c.unread_one, c.unread_two, c.read_seq_one, c.read_seq_two, c.message_count,
                c.last_seq, c.last_message_at, c.subject, c.priority, c.category, c.assignee_id,
                c.created_at, c.updated_at, c.metadata,
                m.id, m.conversation_id, m.seq, m.sender_id, m.sender_side, m.text,
                m.created_at, m.edited_at, m.deleted_at, m.metadata
             from ",
            $source,
            " c left join messages m on m.id = c.last_message_id ",
            $tail
        )
    };
}
pub(super) use select_conversation;

/// The conversations `user_id` takes part in: $1 user, $2 resource, $3 optional kind, $4
/// optional status. Three branches (first participant or customer of a P2P chat or a ticket,
/// second participant of a P2P chat), each an equality prefix of a participant index, so each
/// delivers its rows in activity order; `$each` follows every branch (the per-branch limit of a
/// page).
macro_rules! user_branches {
    ($select:literal, $each:expr) => {
        concat!(
            "select * from (", $select,
            " from conversations
               where participant_one = $1 and resource_id = $2 and kind = 'p2p'
                 and (cast($3 as text) is null or $3 = 'p2p') and (cast($4 as text) is null or status = $4) ",
            $each,
            ") chats_started union all select * from (", $select,
            " from conversations
               where participant_one = $1 and resource_id = $2 and kind = 'support'
                 and (cast($3 as text) is null or $3 = 'support') and (cast($4 as text) is null or status = $4) ",
            $each,
            ") tickets union all select * from (", $select,
            " from conversations
               where participant_two = $1 and resource_id = $2 and kind = 'p2p'
                 and (cast($3 as text) is null or $3 = 'p2p') and (cast($4 as text) is null or status = $4) ",
            $each,
            ") chats_joined"
        )
    };
}

/// The order of every conversation list, newest activity first.
macro_rules! activity_order {
    () => {
        "order by last_activity_at desc, id desc"
    };
}

/// The tail of each branch of a page on PostgreSQL: the branch stops at the page's end. Its
/// generic plan for a prepared statement assumes every user has a few conversations and sorted
/// all 2,000 of a heavy user's (6.5 ms) instead of merging the ordered index scans (0.6 ms);
/// with a limit per branch it merges them. SQLite merges the ordered branches by itself (MERGE
/// UNION ALL) and would sort each limited branch again, at twice the cost.
macro_rules! postgres_branch_limit {
    () => {
        concat!(
            activity_order!(),
            " limit cast($5 as bigint) + cast($6 as bigint)"
        )
    };
}

/// One page of a user's conversations ($5 limit, $6 offset), `$each` after every branch: a page
/// costs O(limit + offset) whatever the size of the resource.
macro_rules! user_conversations {
    ($each:expr) => {
        concat!(
            "(",
            user_branches!("select *", $each),
            " ",
            activity_order!(),
            " limit $5 offset $6)"
        )
    };
}

/// How many conversations `user_conversations!` pages through.
macro_rules! count_user_conversations {
    () => {
        concat!(
            "select cast(coalesce(sum(n), 0) as bigint) from (",
            user_branches!("select count(*) as n", ""),
            ") counts"
        )
    };
}

/// What a staff member sees in the admin panel, one page of it: every ticket and their own P2P
/// conversations, merged in activity order from three index scans, `$each` after every branch.
/// $1 resource, $2 optional kind, $3 optional status, $4 the staff member, $5 limit, $6 offset.
macro_rules! staff_view {
    ($each:expr) => {
        concat!(
            "(select * from (select * from conversations
                where resource_id = $1 and kind = 'support' and (cast($2 as text) is null or $2 = 'support')
                  and (cast($3 as text) is null or status = $3) ",
            $each,
            ") tickets
              union all
              select * from (select * from conversations
                where participant_one = $4 and resource_id = $1 and kind = 'p2p'
                  and (cast($2 as text) is null or $2 = 'p2p') and (cast($3 as text) is null or status = $3) ",
            $each,
            ") chats_started
              union all
              select * from (select * from conversations
                where participant_two = $4 and resource_id = $1 and kind = 'p2p'
                  and (cast($2 as text) is null or $2 = 'p2p') and (cast($3 as text) is null or status = $3) ",
            $each,
            ") chats_joined ",
            activity_order!(),
            " limit $5 offset $6)"
        )
    };
}

/// The conversations where `user_id`'s side has unread messages: $1 user, $2 resource, $3 1 if
/// the user answers tickets for the staff (then every other customer's ticket with staff-side
/// unread messages counts too). Four branches, each on a participant or resource index.
macro_rules! unread_branches {
    ($select_one:literal, $select_two:literal) => {
        concat!(
            $select_one,
            " from conversations
               where participant_one = $1 and resource_id = $2 and kind = 'p2p' and unread_one > 0
             union all ",
            $select_two,
            " from conversations
               where participant_two = $1 and resource_id = $2 and kind = 'p2p' and unread_two > 0
             union all ",
            $select_one,
            " from conversations
               where participant_one = $1 and resource_id = $2 and kind = 'support' and unread_one > 0
             union all ",
            $select_two,
            " from conversations
               where resource_id = $2 and kind = 'support' and cast($3 as bigint) = 1
                 and participant_one <> $1 and unread_two > 0"
        )
    };
}

statements! {
    FIND_CONVERSATION = both(select_conversation!("where c.id = $1 and c.resource_id = $2"));
    /// The conversation a write decides on, its row locked until the transaction ends on
    /// PostgreSQL (SQLite has one writer, so a plain read is enough).
    LOCK_CONVERSATION = per_dialect(
        select_conversation!("where c.id = $1"),
        concat!(select_conversation!("where c.id = $1"), " for update of c")
    );
    /// A P2P conversation of the pair ($5, $6 in order), unless the pair has one.
    INSERT_P2P = both(
        "insert into conversations (id, resource_id, kind, status, participant_one,
             participant_two, user_lo, user_hi, last_activity_at, created_at, updated_at, metadata)
         values ($1, $2, 'p2p', 'active', $3, $4, $5, $6, $7, $7, $7, $8)
         on conflict (resource_id, user_lo, user_hi) do nothing"
    );
    P2P_OF_PAIR = both(select_conversation!(
        "where c.resource_id = $1 and c.user_lo = $2 and c.user_hi = $3"
    ));
    P2P_PARTNERS = both(
        "select participant_two from conversations
           where participant_one = $1 and resource_id = $2 and kind = 'p2p'
         union all
         select participant_one from conversations
           where participant_two = $1 and resource_id = $2 and kind = 'p2p'"
    );
    SHARE_P2P = both(
        "select id from conversations
         where resource_id = $1 and user_lo = $2 and user_hi = $3"
    );
    /// The newest-activity conversations with unread messages, at most $4.
    UNREAD_CONVERSATIONS = both(select_conversation!(
        from concat!(
            "(",
            unread_branches!("select *", "select *"),
            " order by last_activity_at desc, id desc limit $4)"
        ),
        "order by c.last_activity_at desc, c.id desc"
    ));
    /// Unread messages by kind over every conversation with some.
    UNREAD_TOTALS = both(concat!(
        "select kind, cast(coalesce(sum(n), 0) as bigint) from (",
        unread_branches!(
            "select kind, unread_one as n",
            "select kind, unread_two as n"
        ),
        ") unread group by kind"
    ));
    SET_P2P_STATUS =
        both("update conversations set status = $2, updated_at = $3 where id = $1");
    SET_METADATA =
        both("update conversations set metadata = $2, updated_at = $3 where id = $1");
    /// A page of the resource's conversations: $2 optional kind, $3 optional status, $4 limit,
    /// $5 offset.
    RESOURCE_CONVERSATIONS = both(concat!(
        select_conversation!(""),
        "where c.resource_id = $1 and (cast($2 as text) is null or c.kind = $2)
           and (cast($3 as text) is null or c.status = $3)
         order by c.last_activity_at desc, c.id desc limit $4 offset $5"
    ));
    /// A page of `staff_view!`, each branch limited on PostgreSQL (`postgres_branch_limit!`).
    STAFF_VIEW = per_dialect(
        select_conversation!(
            from staff_view!(""),
            "order by c.last_activity_at desc, c.id desc"
        ),
        select_conversation!(
            from staff_view!(postgres_branch_limit!()),
            "order by c.last_activity_at desc, c.id desc"
        )
    );
    /// A page of `user_conversations!`, each branch limited on PostgreSQL
    /// (`postgres_branch_limit!`).
    USER_CONVERSATIONS = per_dialect(
        select_conversation!(
            from user_conversations!(""),
            "order by c.last_activity_at desc, c.id desc"
        ),
        select_conversation!(
            from user_conversations!(postgres_branch_limit!()),
            "order by c.last_activity_at desc, c.id desc"
        )
    );
    COUNT_USER_CONVERSATIONS = both(count_user_conversations!());
}

/// Where a user has unread messages: the newest-activity conversations (at most the limit
/// asked for) and the exact totals of each kind over all of them.
#[derive(Debug, Default)]
pub struct Unread {
    pub conversations: Vec<Conversation>,
    pub p2p_total: i64,
    pub tickets_total: i64,
}

/// Filters of the admin panel's conversation list.
#[derive(Debug, Default)]
pub struct AdminFilter<'a> {
    pub kind: Option<ConversationType>,
    pub status: Option<AnyStatus>,
    /// Only conversations this user takes part in.
    pub participant: Option<&'a UserId>,
    /// A staff member: tickets, and only the P2P conversations they are in.
    pub p2p_member: Option<&'a UserId>,
}

/// Decodes a row of `select_conversation!`; unknown kinds, statuses and priorities are bad data.
impl FromRow for Conversation {
    fn from_row(row: &mut Row) -> Result<Self, DbError> {
        let id = row.conversation_id()?;
        let resource_id = row.resource_id()?;
        let conversation_type = row.parsed("kind", ConversationType::parse)?;
        let columns = KindColumns {
            status: row.text()?,
            participant_one: row.user_id()?,
            participant_two: row.opt_user_id()?,
        };
        let unread = PerSide {
            one: row.int()?,
            two: row.int()?,
        };
        let read_seq = PerSide {
            one: row.int()?,
            two: row.int()?,
        };
        let (message_count, last_seq, last_message_at) =
            (row.int()?, row.int()?, row.opt_timestamp()?);
        let ticket_columns = TicketColumns {
            subject: row.opt_text()?,
            priority: row.opt_text()?,
            category: row.opt_text()?,
            assignee_id: row.opt_user_id()?,
        };
        let kind = match conversation_type {
            ConversationType::P2p => Kind::Chat(columns.chat()?),
            ConversationType::Support => Kind::Ticket(columns.ticket(ticket_columns)?),
        };
        let (created_at, updated_at) = (row.timestamp()?, row.timestamp()?);
        let metadata =
            Metadata::from_stored(row.opt_text()?.as_deref()).map_err(DbError::Decode)?;
        let last_message = decode_message(row, Some(&id))?;
        Ok(Conversation {
            id,
            resource_id,
            kind,
            unread,
            read_seq,
            message_count,
            last_seq,
            last_message_at,
            last_message,
            metadata,
            created_at,
            updated_at,
        })
    }
}

/// The columns whose meaning depends on the kind; bad data in them is an error, never a default.
struct KindColumns {
    status: String,
    participant_one: UserId,
    participant_two: Option<UserId>,
}

/// The columns only tickets fill.
struct TicketColumns {
    subject: Option<String>,
    priority: Option<String>,
    category: Option<String>,
    assignee_id: Option<UserId>,
}

impl KindColumns {
    fn chat(self) -> Result<Chat, DbError> {
        let status = ChatStatus::parse(&self.status)
            .ok_or_else(|| DbError::Decode(format!("chat status {:?}", self.status)))?;
        let two = self
            .participant_two
            .ok_or_else(|| DbError::Decode("chat without a second participant".into()))?;
        Ok(Chat {
            participants: PerSide {
                one: self.participant_one,
                two,
            },
            status,
        })
    }

    fn ticket(self, columns: TicketColumns) -> Result<Ticket, DbError> {
        let status = TicketStatus::parse(&self.status)
            .ok_or_else(|| DbError::Decode(format!("ticket status {:?}", self.status)))?;
        let subject = columns
            .subject
            .ok_or_else(|| DbError::Decode("ticket without subject".into()))?;
        let priority = columns.priority;
        let priority = priority
            .as_deref()
            .and_then(Priority::parse)
            .ok_or_else(|| DbError::Decode(format!("priority {priority:?}")))?;
        Ok(Ticket {
            customer_id: self.participant_one,
            status,
            subject,
            priority,
            category: columns.category,
            assignee_id: columns.assignee_id,
        })
    }
}

impl Store {
    /// The conversation `id` of `resource_id`, of either kind.
    pub async fn find_conversation(
        &self,
        resource_id: &ResourceId,
        id: &ConversationId,
    ) -> Result<Option<Conversation>, Error> {
        let (resource, id) = (resource_id.to_owned(), id.to_owned());
        self.engine
            .read(move |db| Ok(db.optional(FIND_CONVERSATION, params![&id, &resource])?))
            .await
    }

    /// The P2P conversation of the pair, made now if it did not exist: `(conversation, created)`.
    /// The unique pair index makes concurrent requests for one pair agree on one conversation.
    pub async fn open_p2p(&self, new: NewChat) -> Result<(Conversation, bool), Error> {
        let NewChat {
            id,
            resource_id: resource,
            creator,
            other,
            metadata,
        } = new;
        let metadata = metadata.to_stored();
        self.engine
            .write(move |tx| {
                let (lo, hi) = if creator < other {
                    (&creator, &other)
                } else {
                    (&other, &creator)
                };
                let now = tx.now();
                let inserted = tx.db.execute(
                    INSERT_P2P,
                    params![&id, &resource, &creator, &other, lo, hi, now, &metadata],
                )?;
                let created = inserted == 1;
                if created {
                    let delta = StatsDelta {
                        p2p_conversations: 1,
                        ..StatsDelta::default()
                    };
                    tx.count(&resource, &id, delta);
                }
                let conversation = tx.db.one(P2P_OF_PAIR, params![&resource, lo, hi])?;
                Ok((conversation, created))
            })
            .await
    }

    /// The users `user_id` has a P2P conversation with (who hears of their presence).
    pub async fn p2p_partners(
        &self,
        resource_id: &ResourceId,
        user_id: &UserId,
    ) -> Result<Vec<UserId>, Error> {
        let (resource, user) = (resource_id.to_owned(), user_id.to_owned());
        self.engine
            .read(move |db| Ok(db.all(P2P_PARTNERS, params![&user, &resource])?))
            .await
    }

    /// Whether the two users have a P2P conversation (one index probe on the pair).
    pub async fn share_p2p(
        &self,
        resource_id: &ResourceId,
        a: &UserId,
        b: &UserId,
    ) -> Result<bool, Error> {
        let (lo, hi) = if a < b { (a, b) } else { (b, a) };
        let (resource, lo, hi) = (resource_id.to_owned(), lo.to_owned(), hi.to_owned());
        self.engine
            .read(move |db| {
                let found: Option<String> = db.optional(SHARE_P2P, params![&resource, &lo, &hi])?;
                Ok(found.is_some())
            })
            .await
    }

    /// One page of `user_id`'s P2P conversations, newest activity first.
    pub async fn list_p2p(
        &self,
        resource_id: &ResourceId,
        user_id: &UserId,
        status: Option<ChatStatus>,
        page: PageRequest,
    ) -> Result<(Vec<Conversation>, i64), Error> {
        let (resource, user) = (resource_id.to_owned(), user_id.to_owned());
        self.engine
            .read(move |db| {
                Ok(user_conversations(
                    db,
                    &resource,
                    &user,
                    (Some(ConversationType::P2p), status.map(AnyStatus::Chat)),
                    page,
                )?)
            })
            .await
    }

    /// One page of the resource's conversations of both kinds for the admin panel, newest
    /// activity first, filtered as `filter` says.
    pub async fn list_all_conversations(
        &self,
        resource_id: &ResourceId,
        filter: &AdminFilter<'_>,
        page: PageRequest,
    ) -> Result<(Vec<Conversation>, i64), Error> {
        let resource = resource_id.to_owned();
        let (kind, status) = (filter.kind, filter.status);
        let participant = filter.participant.cloned();
        let p2p_member = filter.p2p_member.cloned();
        self.engine
            .read(move |db| {
                let filter = AdminFilter {
                    kind,
                    status,
                    participant: participant.as_ref(),
                    p2p_member: p2p_member.as_ref(),
                };
                Ok(admin_list(db, &resource, &filter, page)?)
            })
            .await
    }

    /// Where `user_id` has unread messages (see `Unread`); `staff` if they answer tickets.
    pub async fn unread_of(
        &self,
        resource_id: &ResourceId,
        user_id: &UserId,
        staff: bool,
        limit: i64,
    ) -> Result<Unread, Error> {
        let (resource, user) = (resource_id.to_owned(), user_id.to_owned());
        let staff = i64::from(staff);
        self.engine
            .read(move |db| {
                let conversations = db.all(
                    UNREAD_CONVERSATIONS,
                    params![&user, &resource, staff, limit],
                )?;
                let totals: Vec<(String, i64)> =
                    db.all(UNREAD_TOTALS, params![&user, &resource, staff])?;
                let total = |kind: ConversationType| {
                    totals
                        .iter()
                        .filter(|(k, _)| k == kind.as_str())
                        .map(|(_, n)| n)
                        .sum()
                };
                Ok(Unread {
                    p2p_total: total(ConversationType::P2p),
                    tickets_total: total(ConversationType::Support),
                    conversations,
                })
            })
            .await
    }

    /// Sets the status of a P2P conversation (archive, unarchive).
    pub async fn set_p2p_status(
        &self,
        resource_id: &ResourceId,
        id: &ConversationId,
        status: ChatStatus,
    ) -> Result<Conversation, Error> {
        let (resource, id) = (resource_id.to_owned(), id.to_owned());
        self.engine
            .write(move |tx| {
                let mut conversation = lock_conversation(tx.db, &id)?;
                let Kind::Chat(chat) = &mut conversation.kind else {
                    return Err(Error::NotFound("conversation"));
                };
                if conversation.resource_id != resource {
                    return Err(Error::NotFound("conversation"));
                }
                let now = tx.now();
                tx.db
                    .execute(SET_P2P_STATUS, params![&id, status.as_str(), now])?;
                if status != chat.status {
                    let delta = StatsDelta {
                        p2p_archived: if status == ChatStatus::Archived {
                            1
                        } else {
                            -1
                        },
                        ..StatsDelta::default()
                    };
                    tx.count(&resource, &id, delta);
                }
                chat.status = status;
                conversation.updated_at = now;
                Ok(conversation)
            })
            .await
    }

    /// Replaces a conversation's metadata; returns it as committed.
    pub async fn set_metadata(
        &self,
        resource_id: &ResourceId,
        id: &ConversationId,
        metadata: Metadata,
    ) -> Result<Conversation, Error> {
        let (resource, id) = (resource_id.to_owned(), id.to_owned());
        self.engine
            .write(move |tx| {
                let mut conversation = lock_conversation(tx.db, &id)?;
                if conversation.resource_id != resource {
                    return Err(Error::NotFound("conversation"));
                }
                let now = tx.now();
                tx.db
                    .execute(SET_METADATA, params![&id, &metadata.to_stored(), now])?;
                conversation.metadata = metadata;
                conversation.updated_at = now;
                Ok(conversation)
            })
            .await
    }
}

/// A P2P conversation to open between `creator` and `other` (unless the pair has one).
pub struct NewChat {
    pub id: ConversationId,
    pub resource_id: ResourceId,
    pub creator: UserId,
    pub other: UserId,
    pub metadata: Metadata,
}

fn admin_list(
    db: &mut dyn Db,
    resource_id: &ResourceId,
    filter: &AdminFilter<'_>,
    page: PageRequest,
) -> Result<(Vec<Conversation>, i64), DbError> {
    let kind = filter.kind.map(ConversationType::as_str);
    let status = filter.status.map(AnyStatus::as_str);
    if let Some(user_id) = filter.participant {
        // Staff looking at someone else see that user's tickets, never their private chats.
        let kind = match filter.p2p_member {
            Some(staff_id) if staff_id != user_id => match filter.kind {
                Some(ConversationType::P2p) => return Ok((Vec::new(), 0)),
                _ => Some(ConversationType::Support),
            },
            _ => filter.kind,
        };
        return user_conversations(db, resource_id, user_id, (kind, filter.status), page);
    }
    let totals = conversation_totals(db, resource_id)?;
    let Some(staff_id) = filter.p2p_member else {
        let conversations = db.all(
            RESOURCE_CONVERSATIONS,
            params![resource_id, kind, status, page.limit, page.offset()],
        )?;
        return Ok((conversations, totals.matching(filter.kind, filter.status)));
    };
    staff_view(db, resource_id, staff_id, filter, &totals, page)
}

/// The admin list as a staff member sees it: every ticket, and their own P2P conversations.
fn staff_view(
    db: &mut dyn Db,
    resource_id: &ResourceId,
    staff_id: &UserId,
    filter: &AdminFilter<'_>,
    totals: &ConversationTotals,
    page: PageRequest,
) -> Result<(Vec<Conversation>, i64), DbError> {
    let kind = filter.kind.map(ConversationType::as_str);
    let status = filter.status.map(AnyStatus::as_str);
    let conversations = db.all(
        STAFF_VIEW,
        params![
            resource_id,
            kind,
            status,
            staff_id,
            page.limit,
            page.offset()
        ],
    )?;
    let own_p2p = match filter.kind {
        Some(ConversationType::Support) => 0,
        _ => count_user_conversations(db, resource_id, staff_id, Some("p2p"), status)?,
    };
    let tickets = match filter.kind {
        Some(ConversationType::P2p) => 0,
        _ => totals.matching(Some(ConversationType::Support), filter.status),
    };
    Ok((conversations, tickets + own_p2p))
}

/// One page of the conversations of `user_id` (as a participant or a ticket's customer),
/// optionally of one kind and status, newest activity first.
fn user_conversations(
    db: &mut dyn Db,
    resource_id: &ResourceId,
    user_id: &UserId,
    (kind, status): (Option<ConversationType>, Option<AnyStatus>),
    page: PageRequest,
) -> Result<(Vec<Conversation>, i64), DbError> {
    let kind = kind.map(ConversationType::as_str);
    let status = status.map(AnyStatus::as_str);
    let conversations = db.all(
        USER_CONVERSATIONS,
        params![
            user_id,
            resource_id,
            kind,
            status,
            page.limit,
            page.offset()
        ],
    )?;
    let total = count_user_conversations(db, resource_id, user_id, kind, status)?;
    Ok((conversations, total))
}

fn count_user_conversations(
    db: &mut dyn Db,
    resource_id: &ResourceId,
    user_id: &UserId,
    kind: Option<&str>,
    status: Option<&str>,
) -> Result<i64, DbError> {
    db.one(
        COUNT_USER_CONVERSATIONS,
        params![user_id, resource_id, kind, status],
    )
}

/// Reads the conversation a write decides on, locking its row until the transaction ends
/// (PostgreSQL; SQLite has one writer, so a plain read is enough).
pub(super) fn lock_conversation(
    db: &mut dyn Db,
    id: &ConversationId,
) -> Result<Conversation, Error> {
    db.optional(LOCK_CONVERSATION, params![id])?
        .ok_or(Error::NotFound("conversation"))
}
