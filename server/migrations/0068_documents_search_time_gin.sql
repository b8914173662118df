-- Search over 200,000 documents in ≤ 50 ms (bench/doc-search.bench.ts; the
-- queries are in search.repo.ts). After 0066 a search read only its span's
-- matches, but the GIN index still decoded the whole posting list of every
-- word: "quyết định" or "công văn" is in half of all documents, so the last
-- 30 days' 3,000 matches cost a bitmap of 100,000 (most of a search's time,
-- EXPLAIN ANALYZE at 200,000 rows).
--
-- The time goes into the same GIN index (btree_gin): one index scan then
-- ANDs the words with "created_at ≥ …", and GIN's scan skips through each
-- word's posting tree to the span's rows instead of reading it all (the
-- bitmap for the 30 days of "quyet dinh" from ~90 ms to ~12 ms, same load).
-- A search without a span (all time) uses the index as before.
CREATE EXTENSION IF NOT EXISTS btree_gin;

DROP INDEX IF EXISTS document_search_gin;
CREATE INDEX document_search_gin ON document_search USING gin (search, created_at);
