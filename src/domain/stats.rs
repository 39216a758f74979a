//! A resource's statistics as the admin panel shows them.

use serde::Serialize;
use utoipa::ToSchema;

/// A resource's counters at one moment (`GET /admin-panel/stats`).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Stats {
    pub total_users: i64,
    pub total_conversations: i64,
    pub p2p_conversations: i64,
    pub support_tickets: i64,
    pub open_tickets: i64,
    pub pending_tickets: i64,
    pub resolved_tickets: i64,
    pub closed_tickets: i64,
    pub total_messages: i64,
    /// Unread messages over every conversation and side (a ticket's staff side counts once).
    pub unread_messages: i64,
    /// Messages sent in the last 24 hours, counted in five-minute buckets.
    pub messages_last_24h: i64,
    /// Users who sent a message in the last 24 hours.
    pub active_users_last_24h: i64,
}
