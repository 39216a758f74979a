-- Presence: a connected user's sessions push this forward at every heartbeat; the user is online
-- while it lies in the future, on whichever server process their sockets are.
alter table users add column online_until bigint not null default 0;
