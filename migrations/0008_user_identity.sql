-- Identity that fits real sites: the site's own user id (unique per resource; NULLs never
-- clash, so users without one are unaffected), a display name and avatar, the site's own data
-- as a JSON object kept as text, and whether a resource lets users edit their own profile.
alter table users add column external_id text;
alter table users add column display_name text;
alter table users add column avatar_url text;
alter table users add column metadata text;
create unique index users_resource_external_id on users (resource_id, external_id);
alter table resources add column self_profile_edit bigint not null default 1 check (self_profile_edit in (0, 1));
