//! Support tickets: open (with the first message), list with the staff's filters, update.

use super::conversations::select_conversation;
use super::messages::{lock_conversation, send_in, NewMessage};
use super::stats::{add_stats, StatsDelta};
use super::Store;
use crate::domain::conversation::{Conversation, Kind, Priority, Side, Status};
use crate::domain::page::PageRequest;
use crate::error::AppError;

/// A ticket to open; `initial_message` becomes its first message in the same transaction.
pub struct NewTicket<'a> {
    pub id: String,
    pub resource_id: &'a str,
    pub customer_id: &'a str,
    pub subject: &'a str,
    pub priority: Priority,
    pub category: Option<&'a str>,
    pub initial_message: Option<(String, &'a str)>,
    pub now: i64,
}

/// Filters of the staff's ticket list; `customer_id` restricts to one customer's tickets.
#[derive(Debug, Default)]
pub struct TicketFilter<'a> {
    pub customer_id: Option<&'a str>,
    pub status: Option<Status>,
    pub priority: Option<Priority>,
    pub assignee_id: Option<&'a str>,
    pub category: Option<&'a str>,
}

/// New values of a ticket's fields (already merged with the current ones and authorised).
pub struct TicketUpdate<'a> {
    pub status: Status,
    pub priority: Priority,
    pub category: Option<&'a str>,
    pub assignee_id: Option<&'a str>,
    pub now: i64,
}

/// The filter of the ticket list and its count: $1 resource, $2..$6 optional filters.
macro_rules! ticket_filter {
    () => {
        "where c.resource_id = $1 and c.kind = 'support'
           and ($2 is null or c.participant_one = $2) and ($3 is null or c.status = $3)
           and ($4 is null or c.priority = $4) and ($5 is null or c.assignee_id = $5)
           and ($6 is null or c.category = $6)"
    };
}

impl Store {
    /// Opens a ticket, with its first message if given.
    pub async fn open_ticket(&self, new: NewTicket<'_>) -> Result<Conversation, AppError> {
        let mut tx = self.write.begin().await?;
        sqlx::query(
            "insert into conversations (id, resource_id, kind, status, participant_one, subject,
                 priority, category, last_activity_at, created_at, updated_at)
             values ($1, $2, 'support', 'open', $3, $4, $5, $6, $7, $7, $7)",
        )
        .bind(&new.id)
        .bind(new.resource_id)
        .bind(new.customer_id)
        .bind(new.subject)
        .bind(new.priority.as_str())
        .bind(new.category)
        .bind(new.now)
        .execute(&mut *tx)
        .await?;
        let delta = StatsDelta::default().ticket_moved(None, Some(Status::Open));
        add_stats(&mut tx, new.resource_id, &new.id, delta).await?;
        if let Some((message_id, text)) = new.initial_message {
            let message = NewMessage {
                id: message_id,
                conversation_id: &new.id,
                sender_id: new.customer_id,
                side: Side::One,
                text,
                client_message_id: None,
                now: new.now,
            };
            send_in(&mut tx, &message).await?;
        }
        let ticket = sqlx::query_as(select_conversation!("where c.id = $1"))
            .bind(&new.id)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(ticket)
    }

    /// One page of the resource's tickets matching `filter`, newest activity first.
    pub async fn list_tickets(
        &self,
        resource_id: &str,
        filter: &TicketFilter<'_>,
        page: PageRequest,
    ) -> Result<(Vec<Conversation>, i64), AppError> {
        let status = filter.status.map(Status::as_str);
        let priority = filter.priority.map(Priority::as_str);
        let tickets = sqlx::query_as(concat!(
            select_conversation!(""),
            ticket_filter!(),
            " order by c.last_activity_at desc, c.id desc limit $7 offset $8"
        ))
        .bind(resource_id)
        .bind(filter.customer_id)
        .bind(status)
        .bind(priority)
        .bind(filter.assignee_id)
        .bind(filter.category)
        .bind(page.limit)
        .bind(page.offset())
        .fetch_all(&self.read)
        .await?;
        let total: i64 = sqlx::query_scalar(concat!(
            "select count(*) from conversations c ",
            ticket_filter!()
        ))
        .bind(resource_id)
        .bind(filter.customer_id)
        .bind(status)
        .bind(priority)
        .bind(filter.assignee_id)
        .bind(filter.category)
        .fetch_one(&self.read)
        .await?;
        Ok((tickets, total))
    }

    /// Writes a ticket's status, priority, category and assignee.
    pub async fn update_ticket(
        &self,
        resource_id: &str,
        id: &str,
        update: TicketUpdate<'_>,
    ) -> Result<(), AppError> {
        let mut tx = self.write.begin().await?;
        let locked = lock_conversation(&mut tx, id).await?;
        if locked.resource_id != resource_id || locked.kind != Kind::Support {
            return Err(AppError::NotFound("conversation"));
        }
        // contract §5: closed is final, decided under the lock so a racing close wins.
        if locked.status == Status::Closed && update.status != Status::Closed {
            return Err(AppError::forbidden("a closed ticket stays closed"));
        }
        sqlx::query(
            "update conversations set status = $2, priority = $3, category = $4, assignee_id = $5,
                 updated_at = $6
             where id = $1",
        )
        .bind(id)
        .bind(update.status.as_str())
        .bind(update.priority.as_str())
        .bind(update.category)
        .bind(update.assignee_id)
        .bind(update.now)
        .execute(&mut *tx)
        .await?;
        if update.status != locked.status {
            let delta =
                StatsDelta::default().ticket_moved(Some(locked.status), Some(update.status));
            add_stats(&mut tx, resource_id, id, delta).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
