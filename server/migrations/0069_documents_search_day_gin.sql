-- 0068 put created_at itself into the search GIN index. For the last 30 days
-- that is fine, but a span of a year is then a range over ~70,000 distinct
-- timestamps, each its own GIN entry to walk (the doc-search bench's rarer
-- words, searched over the last year, got slower). The index keys on the
-- document's day instead (days since 1970-01-01, UTC): a year is 365 entries,
-- and the queries (search.repo.ts) add "created_day ≥ the span's first day"
-- next to the exact created_at condition.
ALTER TABLE document_search ADD COLUMN created_day int;

-- A trigger of its own, after document_search_vector (triggers run in name order), which sets created_at.
CREATE FUNCTION document_search_day() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.created_day := floor(extract(epoch FROM NEW.created_at) / 86400)::int;
  RETURN NEW;
END $$;
CREATE TRIGGER document_search_vector_day BEFORE INSERT OR UPDATE ON document_search
  FOR EACH ROW EXECUTE FUNCTION document_search_day();

-- Existing rows: their vectors are unchanged, so the vector trigger is not run again.
ALTER TABLE document_search DISABLE TRIGGER document_search_vector;
UPDATE document_search SET created_day = floor(extract(epoch FROM created_at) / 86400)::int;
ALTER TABLE document_search ENABLE TRIGGER document_search_vector;
ALTER TABLE document_search ALTER COLUMN created_day SET NOT NULL;

DROP INDEX IF EXISTS document_search_gin;
CREATE INDEX document_search_gin ON document_search USING gin (search, created_day);
