-- Documents: what the leader's signing screen and the registers' administration need.
--
-- 1. Registers (doc_register, 0060) can be opened ahead of their year by an
--    operator (the clerk opens next year's register in December) and closed:
--    a closed register gives no more numbers (Decree 30: the register of a
--    year is closed at its end; numbering restarts in the new one).
ALTER TABLE doc_register
  ADD COLUMN closed_at   timestamptz,
  ADD COLUMN closed_by   uuid,
  ADD COLUMN opened_by   uuid;

-- 2. The signer's handwritten-signature images (Decree 30 appendix I): PNGs the
--    official registers once and chooses from when signing. The bytes are in
--    the file store (stored once by SHA-256).
CREATE TABLE doc_signature_image (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id  uuid NOT NULL,
  label       text NOT NULL,
  file_id     uuid NOT NULL,
  sha256      text NOT NULL,
  width       int NOT NULL,
  height      int NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  deleted_at  timestamptz
);
CREATE INDEX doc_signature_image_account ON doc_signature_image (account_id) WHERE deleted_at IS NULL;

-- 3. Remote signatures (CSC / SIM-PKI): the request waits for the signer to
--    confirm on the phone; the web page polls it. One open request per
--    document at a time.
CREATE TABLE doc_sign_request (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  document_id uuid NOT NULL REFERENCES document(id),
  account_id  uuid NOT NULL,
  state       text NOT NULL DEFAULT 'waiting' CHECK (state IN ('waiting', 'signed', 'failed')),
  image_id    uuid REFERENCES doc_signature_image(id),
  credential  text NOT NULL,
  error_code  text,
  error       text,
  version_id  uuid,
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL,
  finished_at timestamptz
);
CREATE UNIQUE INDEX doc_sign_request_open ON doc_sign_request (document_id) WHERE state = 'waiting';
CREATE INDEX doc_sign_request_account ON doc_sign_request (account_id, created_at DESC);

-- 4. The overdue list (the operations centre links its "overdue documents" figure there):
--    open documents past their deadline.
CREATE INDEX document_overdue ON document (deadline) WHERE deadline IS NOT NULL AND state NOT IN ('finished', 'refused', 'recalled');
