-- OCR of scanned PDFs (ocrmypdf + tesseract-ocr-vie), run as an outbox job,
-- a few pages per run, so its progress is visible and a restart loses at most
-- one run. One row per version of a document whose pages have no text layer.
-- The PDF itself is never rewritten (a signed scan keeps its signatures): only
-- the recognised text is kept, and it feeds document_search (0061).
CREATE TABLE document_ocr (
  version_id  uuid PRIMARY KEY REFERENCES document_version(id),
  document_id uuid NOT NULL REFERENCES document(id),
  status      text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
  -- The page numbers (1-based) without text, to recognise, and how many of them are done.
  pages       int[] NOT NULL,
  pages_done  int NOT NULL DEFAULT 0 CHECK (pages_done >= 0),
  -- The text layer the PDF had (pages with text), and the recognised text of each page done.
  layer_text  text NOT NULL DEFAULT '',
  texts       text[] NOT NULL DEFAULT '{}',
  error       text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);
CREATE INDEX document_ocr_document ON document_ocr (document_id, created_at DESC);
