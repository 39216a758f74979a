-- Most messages carry no clientMessageId: index only those that do, so a send without one
-- writes one index fewer.
drop index messages_client_id;
create unique index messages_client_id on messages (conversation_id, sender_id, client_message_id)
    where client_message_id is not null;
