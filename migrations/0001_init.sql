-- Portable subset of SQL shared by SQLite and PostgreSQL: ids are text, times are epoch
-- milliseconds (bigint), flags are bigint 0/1, enums are text with a check.

create table settings (
    key text primary key,
    value text not null
);

create table resources (
    id text primary key,
    api_key_hash text not null unique,
    secret_hash text not null unique,
    token_issuance text not null check (token_issuance in ('open', 'secret')),
    allowed_origins text not null,
    created_at bigint not null
);

-- One row per (origin, resource), so a CORS preflight finds "does anyone allow this origin"
-- with one index probe.
create table resource_origins (
    origin text not null,
    resource_id text not null references resources (id) on delete cascade,
    primary key (origin, resource_id)
);

create table users (
    id text primary key,
    resource_id text not null references resources (id) on delete cascade,
    username text not null,
    email text not null,
    role text not null check (role in ('superadmin', 'admin', 'moderator', 'staff', 'user')),
    can_send_message bigint not null check (can_send_message in (0, 1)),
    can_receive_message bigint not null check (can_receive_message in (0, 1)),
    can_delete_message bigint not null check (can_delete_message in (0, 1)),
    can_edit_message bigint not null check (can_edit_message in (0, 1)),
    can_archive_conversation bigint not null check (can_archive_conversation in (0, 1)),
    token_version bigint not null default 0,
    created_at bigint not null,
    updated_at bigint not null
);

create unique index users_resource_username on users (resource_id, lower(username));
create unique index users_resource_email on users (resource_id, lower(email));
create index users_resource_role on users (resource_id, role, id);
