-- Kernel: extensions, outbox and jobs, audit log, files, idempotency keys.
CREATE EXTENSION IF NOT EXISTS pgcrypto;
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- unaccent() is only STABLE; an IMMUTABLE wrapper lets indexes use it.
CREATE OR REPLACE FUNCTION f_unaccent(text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, replace(replace($1, 'đ', 'd'), 'Đ', 'D'))) $$;

-- Transactional outbox: rows are written in the caller's transaction and
-- drained by workers on any instance (FOR UPDATE SKIP LOCKED).
CREATE TABLE outbox (
  id           bigserial PRIMARY KEY,
  topic        text NOT NULL,
  payload      jsonb NOT NULL DEFAULT '{}'::jsonb,
  status       text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'dead')),
  run_at       timestamptz NOT NULL DEFAULT now(),
  attempts     int NOT NULL DEFAULT 0,
  max_attempts int NOT NULL DEFAULT 8 CHECK (max_attempts > 0),
  last_error   text,
  dedupe_key   text UNIQUE,
  request_id   text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  locked_until timestamptz
);
CREATE INDEX outbox_due ON outbox (run_at) WHERE status = 'pending';
CREATE INDEX outbox_dead ON outbox (created_at) WHERE status = 'dead';

-- Processed entries are moved here, so the hot table stays small.
CREATE TABLE outbox_done (
  id          bigint PRIMARY KEY,
  topic       text NOT NULL,
  payload     jsonb NOT NULL,
  attempts    int NOT NULL,
  created_at  timestamptz NOT NULL,
  done_at     timestamptz NOT NULL DEFAULT now()
);

-- Append-only, hash-chained audit log.
CREATE TABLE audit_log (
  seq         bigserial PRIMARY KEY,
  at          timestamptz NOT NULL DEFAULT now(),
  actor_kind  text NOT NULL,
  actor_id    text,
  actor_name  text,
  action      text NOT NULL,
  entity      text NOT NULL,
  entity_id   text,
  before      jsonb,
  after       jsonb,
  request_id  text,
  prev_hash   text NOT NULL,
  hash        text NOT NULL UNIQUE
);
CREATE INDEX audit_entity ON audit_log (entity, entity_id);
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only';
END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- Content-addressed files: one row per distinct content, one per upload naming it.
CREATE TABLE file_blob (
  sha256      text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  size        bigint NOT NULL,
  mime        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE file_ref (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  sha256        text NOT NULL REFERENCES file_blob(sha256),
  original_name text NOT NULL,
  mime          text NOT NULL,
  size          bigint NOT NULL,
  uploaded_by   text,
  created_at    timestamptz NOT NULL DEFAULT now()
);

-- Idempotency keys for commands that create things (retries never create twice).
CREATE TABLE idempotency_key (
  key          text NOT NULL,
  scope        text NOT NULL,
  request_hash text NOT NULL,
  response     jsonb,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (scope, key)
);
