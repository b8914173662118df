-- Search over a province's documents that stays fast at hundreds of
-- thousands of rows (bench/doc-search.bench.ts: 200,000 documents, p95 ≤ 50 ms;
-- the queries are in search.repo.ts).
--
-- A word found in thousands of documents must cost neither a rank of every
-- match nor a walk through the newest documents opening each one's (large,
-- out of line) vector. So the search row carries what a search filters and
-- orders by, all of it fixed for the document's life: its time, agency, unit
-- and direction. The GIN index of 0061 and a B-tree on the time combine in one
-- bitmap — "matches of the last 7 / 30 / 180 / 730 days" reads only the
-- matching rows of that span, and the scope is checked on the same row. The
-- newest matches (a bounded window) are ranked on `meta`, the small vector of
-- the metadata alone, which stays in line; counts stop at a cap ("1000+").
ALTER TABLE document_search
  ADD COLUMN created_at timestamptz,
  ADD COLUMN agency_id uuid,
  ADD COLUMN unit_path text,
  ADD COLUMN direction text,
  ADD COLUMN meta tsvector NOT NULL DEFAULT ''::tsvector;

CREATE OR REPLACE FUNCTION document_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE d record;
BEGIN
  SELECT number_symbol, summary, issuer_name, signer_name, doc_type, created_at, agency_id, unit_path, direction INTO d FROM document WHERE id = NEW.document_id;
  NEW.created_at := d.created_at;
  NEW.agency_id := d.agency_id;
  NEW.unit_path := d.unit_path;
  NEW.direction := d.direction;
  NEW.meta := setweight(to_tsvector('simple', f_unaccent(concat_ws(' ', d.number_symbol, replace(coalesce(d.number_symbol, ''), '/', ' '), d.summary, d.issuer_name, d.signer_name))), 'A');
  NEW.search := NEW.meta || setweight(to_tsvector('simple', f_unaccent(left(NEW.content, 500000))), 'B');
  RETURN NEW;
END $$;

UPDATE document_search SET content = content;
ALTER TABLE document_search ALTER COLUMN created_at SET NOT NULL, ALTER COLUMN agency_id SET NOT NULL, ALTER COLUMN direction SET NOT NULL;
CREATE INDEX document_search_recent ON document_search (created_at);
CREATE INDEX document_recent ON document (created_at DESC, id);
