-- P2P conversations and support tickets share one table, one message table and one read-state
-- model: every conversation has two sides. P2P: side one is participant_one, side two
-- participant_two. Support: side one is the customer (participant_one), side two the staff as a
-- whole (participant_two is null).

create table conversations (
    id text primary key,
    resource_id text not null references resources (id) on delete cascade,
    kind text not null check (kind in ('p2p', 'support')),
    status text not null check (status in ('active', 'archived', 'open', 'pending', 'resolved', 'closed')),
    participant_one text not null references users (id),
    participant_two text references users (id),
    -- The P2P pair in sorted order: one conversation per pair, whatever the order (null for tickets).
    user_lo text,
    user_hi text,
    unread_one bigint not null default 0,
    unread_two bigint not null default 0,
    read_seq_one bigint not null default 0,
    read_seq_two bigint not null default 0,
    message_count bigint not null default 0,
    last_seq bigint not null default 0,
    last_message_id text,
    last_message_at bigint,
    -- last_message_at, else created_at: the order of every conversation list.
    last_activity_at bigint not null,
    subject text,
    priority text check (priority in ('low', 'medium', 'high')),
    category text,
    assignee_id text references users (id),
    created_at bigint not null,
    updated_at bigint not null
);

create unique index conversations_pair on conversations (resource_id, user_lo, user_hi);
-- A user's conversations, newest activity first. Leading with the participant and then every
-- column the lists compare for equality keeps SQLite's planner on these indexes even before any
-- ANALYZE (it would otherwise walk the whole resource in activity order).
create index conversations_one_activity on conversations (participant_one, resource_id, kind, last_activity_at, id);
create index conversations_two_activity on conversations (participant_two, resource_id, kind, last_activity_at, id);
create index conversations_resource_activity on conversations (resource_id, kind, last_activity_at, id);

create table messages (
    id text primary key,
    conversation_id text not null references conversations (id) on delete cascade,
    seq bigint not null,
    sender_id text not null references users (id),
    sender_side bigint not null check (sender_side in (1, 2)),
    text text not null,
    client_message_id text,
    created_at bigint not null,
    edited_at bigint,
    deleted_at bigint
);

-- History is read by (conversation, seq) ranges; seq is gapless per conversation.
create unique index messages_conversation_seq on messages (conversation_id, seq);
-- Idempotent retries: one message per (conversation, sender, clientMessageId).
create unique index messages_client_id on messages (conversation_id, sender_id, client_message_id);
