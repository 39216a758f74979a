-- Counters behind GET /admin-panel/stats, kept in the same transactions as the writes they count,
-- so stats never scan messages. Each resource's counters are spread over 16 shard rows (by the
-- last hex digit of the counted conversation's or user's id): concurrent writers on PostgreSQL
-- then rarely wait for the same row. Stats add up at most 16 rows.
create table resource_stats (
    resource_id text not null references resources (id) on delete cascade,
    shard bigint not null,
    users bigint not null default 0,
    p2p_conversations bigint not null default 0,
    p2p_archived bigint not null default 0,
    tickets_open bigint not null default 0,
    tickets_pending bigint not null default 0,
    tickets_resolved bigint not null default 0,
    tickets_closed bigint not null default 0,
    messages bigint not null default 0,
    unread_messages bigint not null default 0,
    primary key (resource_id, shard)
);

-- Messages per five-minute bucket, for "messages in the last 24 hours" (old buckets are pruned).
create table resource_activity (
    resource_id text not null references resources (id) on delete cascade,
    bucket bigint not null,
    shard bigint not null,
    messages bigint not null default 0,
    primary key (resource_id, bucket, shard)
);

-- When a user last sent a message, for "active users in the last 24 hours".
alter table users add column last_active_at bigint not null default 0;
create index users_resource_active on users (resource_id, last_active_at);

-- The admin panel lists every conversation of a resource, newest activity first.
create index conversations_resource_all_activity on conversations (resource_id, last_activity_at, id);
