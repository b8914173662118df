-- Fan-out of published events: one outbox entry per subscriber, each retried on its own.
-- `topic` keeps the event's name; `subscriber` names who handles this copy (NULL for jobs
-- with a single handler, as before).
ALTER TABLE outbox ADD COLUMN subscriber text;
ALTER TABLE outbox_done ADD COLUMN subscriber text;
