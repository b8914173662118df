-- Accent-insensitive full-text search over documents: metadata (weight A)
-- and the text of the current PDF (pdftotext, weight B), with the 'simple'
-- configuration over f_unaccent (0001) so "quyet dinh" finds "Quyết định".
-- Kept beside `document` so lists never carry the text.
CREATE TABLE document_search (
  document_id uuid PRIMARY KEY REFERENCES document(id),
  content     text NOT NULL DEFAULT '',
  search      tsvector NOT NULL DEFAULT ''::tsvector
);
CREATE INDEX document_search_gin ON document_search USING gin (search);
CREATE INDEX document_number_trgm ON document USING gin (f_unaccent(coalesce(number_symbol, '')) gin_trgm_ops);

CREATE FUNCTION document_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE d record;
BEGIN
  SELECT number_symbol, summary, issuer_name, signer_name, doc_type INTO d FROM document WHERE id = NEW.document_id;
  NEW.search :=
    setweight(to_tsvector('simple', f_unaccent(concat_ws(' ', d.number_symbol, replace(coalesce(d.number_symbol, ''), '/', ' '), d.summary, d.issuer_name, d.signer_name))), 'A') ||
    setweight(to_tsvector('simple', f_unaccent(left(NEW.content, 500000))), 'B');
  RETURN NEW;
END $$;
CREATE TRIGGER document_search_vector BEFORE INSERT OR UPDATE ON document_search FOR EACH ROW EXECUTE FUNCTION document_search_vector();

CREATE FUNCTION document_search_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO document_search (document_id) VALUES (NEW.id)
  ON CONFLICT (document_id) DO UPDATE SET content = document_search.content;
  RETURN NULL;
END $$;
CREATE TRIGGER document_search_touch AFTER INSERT OR UPDATE OF number_symbol, summary, issuer_name, signer_name ON document
  FOR EACH ROW EXECUTE FUNCTION document_search_touch();
