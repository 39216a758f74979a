//! Support tickets: open (with the first message), list with the staff's filters, update.

use super::conversations::{lock_conversation, select_conversation};
use super::db::{params, DbExt};
use super::messages::{send_in, NewMessage};
use super::sql::statements;
use super::stats::StatsDelta;
use super::Store;
use crate::domain::conversation::{Conversation, Kind, Priority, Side, TicketStatus};
use crate::domain::error::Error;
use crate::domain::id::{ConversationId, MessageId, UserId};
use crate::domain::metadata::Metadata;
use crate::domain::page::PageRequest;
use crate::domain::policy;
use crate::domain::resource::ResourceId;

/// A ticket to open; `initial_message` (id, text) becomes its first message in the same
/// transaction.
pub struct NewTicket {
    pub id: ConversationId,
    pub resource_id: ResourceId,
    pub customer_id: UserId,
    pub subject: String,
    pub priority: Priority,
    pub category: Option<String>,
    /// The first message: its id and text.
    pub initial_message: Option<(MessageId, String)>,
    pub metadata: Metadata,
}

/// Filters of the staff's ticket list; `customer_id` restricts to one customer's tickets.
#[derive(Debug, Default, Clone)]
pub struct TicketFilter {
    pub customer_id: Option<UserId>,
    pub status: Option<TicketStatus>,
    pub priority: Option<Priority>,
    pub assignee_id: Option<UserId>,
    pub category: Option<String>,
}

/// New values of a ticket's fields (already merged with the current ones and authorised).
pub struct TicketUpdate {
    pub status: TicketStatus,
    pub priority: Priority,
    pub category: Option<String>,
    pub assignee_id: Option<UserId>,
    pub metadata: Metadata,
}

/// The filter of the ticket list and its count: $1 resource, $2..$6 optional filters.
macro_rules! ticket_filter {
    () => {
        "where c.resource_id = $1 and c.kind = 'support'
           and (cast($2 as text) is null or c.participant_one = $2) and (cast($3 as text) is null or c.status = $3)
           and (cast($4 as text) is null or c.priority = $4) and (cast($5 as text) is null or c.assignee_id = $5)
           and (cast($6 as text) is null or c.category = $6)"
    };
}

statements! {
    INSERT_TICKET = both(
        "insert into conversations (id, resource_id, kind, status, participant_one,
             subject, priority, category, last_activity_at, created_at, updated_at, metadata)
         values ($1, $2, 'support', 'open', $3, $4, $5, $6, $7, $7, $7, $8)"
    );
    TICKET = both(select_conversation!("where c.id = $1"));
    /// A page of `ticket_filter!` ($7 limit, $8 offset), newest activity first.
    LIST_TICKETS = both(concat!(
        select_conversation!(""),
        ticket_filter!(),
        " order by c.last_activity_at desc, c.id desc limit $7 offset $8"
    ));
    COUNT_TICKETS = both(concat!("select count(*) from conversations c ", ticket_filter!()));
    UPDATE_TICKET = both(
        "update conversations set status = $2, priority = $3, category = $4,
             assignee_id = $5, updated_at = $6, metadata = $7
         where id = $1"
    );
}

impl Store {
    /// Opens a ticket, with its first message if given.
    pub async fn open_ticket(&self, new: NewTicket) -> Result<Conversation, Error> {
        self.engine
            .write(move |tx| {
                let now = tx.now();
                tx.db.execute(
                    INSERT_TICKET,
                    params![
                        &new.id,
                        &new.resource_id,
                        &new.customer_id,
                        &new.subject,
                        new.priority.as_str(),
                        new.category.as_deref(),
                        now,
                        &new.metadata.to_stored()
                    ],
                )?;
                let delta = StatsDelta::default().ticket_moved(None, Some(TicketStatus::Open));
                tx.count(&new.resource_id, &new.id, delta);
                if let Some((message_id, text)) = new.initial_message {
                    let message = NewMessage {
                        id: message_id,
                        conversation_id: new.id.clone(),
                        sender_id: new.customer_id,
                        side: Side::One,
                        text,
                        client_message_id: None,
                        metadata: Metadata::default(),
                    };
                    return Ok(send_in(tx, message)?.conversation);
                }
                Ok(tx.db.one(TICKET, params![&new.id])?)
            })
            .await
    }

    /// One page of the resource's tickets matching `filter`, newest activity first.
    pub async fn list_tickets(
        &self,
        resource_id: &ResourceId,
        filter: &TicketFilter,
        page: PageRequest,
    ) -> Result<(Vec<Conversation>, i64), Error> {
        let resource = resource_id.to_owned();
        let filter = filter.clone();
        self.engine
            .read(move |db| {
                let status = filter.status.map(TicketStatus::as_str);
                let priority = filter.priority.map(Priority::as_str);
                let tickets = db.all(
                    LIST_TICKETS,
                    params![
                        &resource,
                        filter.customer_id.as_ref(),
                        status,
                        priority,
                        filter.assignee_id.as_ref(),
                        filter.category.as_deref(),
                        page.limit,
                        page.offset()
                    ],
                )?;
                let total = db.one(
                    COUNT_TICKETS,
                    params![
                        &resource,
                        filter.customer_id.as_ref(),
                        status,
                        priority,
                        filter.assignee_id.as_ref(),
                        filter.category.as_deref()
                    ],
                )?;
                Ok((tickets, total))
            })
            .await
    }

    /// Writes a ticket's status, priority, category and assignee; returns the ticket as
    /// committed.
    pub async fn update_ticket(
        &self,
        resource_id: &ResourceId,
        id: &ConversationId,
        update: TicketUpdate,
    ) -> Result<Conversation, Error> {
        let (resource, id) = (resource_id.to_owned(), id.to_owned());
        self.engine
            .write(move |tx| {
                let current = lock_conversation(tx.db, &id)?;
                let Kind::Ticket(ticket) = &current.kind else {
                    return Err(Error::NotFound("conversation"));
                };
                if current.resource_id != resource {
                    return Err(Error::NotFound("conversation"));
                }
                // Decided under the lock, so a racing close wins.
                policy::may_move_ticket(ticket.status, update.status)?;
                let now = tx.now();
                tx.db.execute(
                    UPDATE_TICKET,
                    params![
                        &id,
                        update.status.as_str(),
                        update.priority.as_str(),
                        update.category.as_deref(),
                        update.assignee_id.as_ref(),
                        now,
                        &update.metadata.to_stored()
                    ],
                )?;
                if update.status != ticket.status {
                    let delta = StatsDelta::default()
                        .ticket_moved(Some(ticket.status), Some(update.status));
                    tx.count(&resource, &id, delta);
                }
                Ok(tx.db.one(TICKET, params![&id])?)
            })
            .await
    }
}
