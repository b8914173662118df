-- What lists and search show of a procedure's current version, kept on the
-- procedure row: a search then never reads (or parses) the versions' JSON.
ALTER TABLE procedure ADD COLUMN time_limit jsonb NOT NULL DEFAULT '{"days": 0}'::jsonb;
ALTER TABLE procedure ADD COLUMN fee_total bigint NOT NULL DEFAULT 0;
UPDATE procedure p
   SET time_limit = (v.data->'timeLimit')::jsonb,
       fee_total = coalesce((SELECT sum((f->>'amount')::bigint) FROM json_array_elements(v.data->'fees') f), 0)
  FROM procedure_version v
 WHERE v.procedure_id = p.id AND v.version = p.current_version;
