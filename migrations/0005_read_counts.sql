-- Marking read computes the reader's unread count from two numbers instead of counting the unread
-- tail (a backlog scan inside the writer): each message records how many messages each side had
-- sent up to and including it, each conversation how many each side has sent in all. The unread
-- count of side X after reading up to seq S is then
--   (messages the other side sent) - (the other side's count recorded on message S).
alter table messages add column sent_one bigint not null default 0;
alter table messages add column sent_two bigint not null default 0;
alter table conversations add column sent_one bigint not null default 0;
alter table conversations add column sent_two bigint not null default 0;

update messages set sent_one = counted.sent_one, sent_two = counted.sent_two
from (
    select id,
        sum(case when sender_side = 1 then 1 else 0 end)
            over (partition by conversation_id order by seq) as sent_one,
        sum(case when sender_side = 2 then 1 else 0 end)
            over (partition by conversation_id order by seq) as sent_two
    from messages
) counted
where counted.id = messages.id;

update conversations set
    sent_one = (select count(*) from messages m where m.conversation_id = conversations.id and m.sender_side = 1),
    sent_two = (select count(*) from messages m where m.conversation_id = conversations.id and m.sender_side = 2);
