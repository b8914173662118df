-- Case engine: cases (dossiers, petitions, documents), their append-only action
-- log, SLA clocks per case and step, and the process definitions administrators edit.

-- Versioned process definitions per case type and key (e.g. a procedure code).
-- A case pins the definition it started with (case_file.definition): editing
-- here (a new version) never changes running cases.
CREATE TABLE process_definition (
  type        text NOT NULL,
  key         text NOT NULL DEFAULT 'default' CHECK (length(key) BETWEEN 1 AND 100),
  version     int  NOT NULL CHECK (version > 0),
  -- json, not jsonb: the order of states and actions is meaningful (screens list them in it).
  definition  json NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  created_by  text,
  PRIMARY KEY (type, key, version)
);

CREATE TABLE case_file (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  type               text NOT NULL,
  -- Denormalised: the to_state of the last action (engine.replay recomputes it from the log).
  state              text NOT NULL,
  unit_path          text,
  agency_id          uuid,
  -- The process definition pinned at start; version 0 = the case type's built-in one.
  definition         json NOT NULL,
  definition_key     text NOT NULL,
  definition_version int  NOT NULL,
  -- Optimistic concurrency: equals the seq of the last action.
  version            int  NOT NULL DEFAULT 1,
  escalation_level   int  NOT NULL DEFAULT 0,
  created_by_kind    text,
  created_by_id      text,
  data               jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX case_file_type_state ON case_file (type, state);
CREATE INDEX case_file_unit ON case_file (unit_path text_pattern_ops);
CREATE INDEX case_file_agency ON case_file (agency_id);

CREATE TABLE case_action (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- Deferred: the start action is written before its case, so a concurrent
  -- retry of the same start waits on the idempotency key, not on a half-made case.
  case_id          uuid NOT NULL REFERENCES case_file(id) DEFERRABLE INITIALLY DEFERRED,
  case_type        text NOT NULL,
  seq              int  NOT NULL CHECK (seq > 0),
  action           text NOT NULL,
  from_state       text,
  to_state         text NOT NULL,
  actor_kind       text NOT NULL,
  actor_id         text,
  actor_name       text,
  payload          jsonb NOT NULL DEFAULT '{}'::jsonb,
  at               timestamptz NOT NULL DEFAULT now(),
  idempotency_key  text NOT NULL,
  -- sha256 of the request: the same key with another request is refused.
  request_hash     text NOT NULL,
  request_id       text,
  UNIQUE (case_id, seq),
  UNIQUE (case_type, idempotency_key)
);
CREATE OR REPLACE FUNCTION case_action_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'case_action is append-only';
END $$;
CREATE TRIGGER case_action_no_update BEFORE UPDATE OR DELETE ON case_action
  FOR EACH STATEMENT EXECUTE FUNCTION case_action_append_only();

-- SLA clocks: one per case and step (a state with a duration) each time it is entered.
CREATE TABLE case_clock (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  case_id       uuid NOT NULL REFERENCES case_file(id),
  step          text NOT NULL,
  duration      jsonb NOT NULL,
  started_at    timestamptz NOT NULL,
  -- When the time limit starts to run (calendar: cut-off hour, days off).
  counting_from timestamptz NOT NULL,
  due_at        timestamptz NOT NULL,
  warn_at       timestamptz,
  paused_at     timestamptz,
  -- Working time spent paused so far (not counted against the limit).
  paused_ms     bigint NOT NULL DEFAULT 0,
  warned_at     timestamptz,
  breached_at   timestamptz,
  stopped_at    timestamptz
);
CREATE UNIQUE INDEX case_clock_open ON case_clock (case_id, step) WHERE stopped_at IS NULL;
CREATE INDEX case_clock_warn ON case_clock (warn_at) WHERE stopped_at IS NULL AND paused_at IS NULL AND warned_at IS NULL;
CREATE INDEX case_clock_due ON case_clock (due_at) WHERE stopped_at IS NULL AND paused_at IS NULL AND breached_at IS NULL;
