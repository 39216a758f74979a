-- The site's own data on conversations, tickets and messages: a JSON object kept as text (NULL
-- reads as {}).
alter table conversations add column metadata text;
alter table messages add column metadata text;
