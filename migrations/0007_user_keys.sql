-- Username and email are unique per resource whatever their case. SQLite's lower() folds ASCII
-- letters only and PostgreSQL's folds every letter, so the two stores disagreed on "É" and "é":
-- the folded keys are now computed by the server (Unicode lowercase) and stored, and both
-- stores compare the same strings. Existing rows keep the key their store computed, so no
-- existing pair of users becomes a duplicate.
alter table users add column username_key text not null default '';
alter table users add column email_key text not null default '';
update users set username_key = lower(username), email_key = lower(email);
drop index users_resource_username;
drop index users_resource_email;
create unique index users_resource_username on users (resource_id, username_key);
create unique index users_resource_email on users (resource_id, email_key);
