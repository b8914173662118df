-- Reporters without an account prove an email address with a one-time code; the proof is a
-- short-lived token sent with the report. Only hashes of the code and the token are kept.
CREATE TABLE feedback_contact (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email            text NOT NULL,
  code_hash        text NOT NULL,
  attempts         int NOT NULL DEFAULT 0,
  expires_at       timestamptz NOT NULL,
  token_hash       text UNIQUE,
  token_expires_at timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX feedback_contact_email ON feedback_contact (email, created_at DESC);
