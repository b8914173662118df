-- Services: dossiers (hồ sơ thủ tục hành chính). A dossier is a case of type
-- services.dossier on the case engine (case_file has the same id): the engine
-- keeps the state, the action log and the clocks; this table keeps what the
-- one-stop shop, tracking and the 766 index read.

-- Drafts: what a citizen fills in before submitting, resumable on any device.
CREATE TABLE dossier_draft (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  owner_id           text NOT NULL,
  procedure_code     text NOT NULL REFERENCES procedure(code),
  procedure_version  int  NOT NULL,
  -- The commune that handles a commune-level procedure (administrative unit code).
  unit_code          text,
  applicant          jsonb NOT NULL DEFAULT '{}'::jsonb,
  forms              jsonb NOT NULL DEFAULT '{}'::jsonb,
  version            int  NOT NULL DEFAULT 1,
  -- Set when submitted: the draft is then read-only and points at its dossier.
  dossier_id         uuid,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dossier_draft_owner ON dossier_draft (owner_id, updated_at DESC);

CREATE TABLE dossier_draft_file (
  draft_id   uuid NOT NULL REFERENCES dossier_draft(id) ON DELETE CASCADE,
  file_id    uuid NOT NULL REFERENCES file_ref(id),
  component  text NOT NULL,
  added_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (draft_id, file_id)
);

-- Code patterns per agency or commune (owner = agency code or unit code; '*' = default).
-- Tokens: {ma} the owner's identifier, {yyMMdd} / {yyyyMMdd} the receipt date, {n:4} the day's counter.
CREATE TABLE dossier_code_pattern (
  owner       text PRIMARY KEY,
  ident       text,
  pattern     text NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);
INSERT INTO dossier_code_pattern (owner, ident, pattern) VALUES ('*', NULL, '{ma}-{yyMMdd}-{n:4}');

CREATE TABLE dossier_counter (
  owner  text NOT NULL,
  day    date NOT NULL,
  n      int  NOT NULL,
  PRIMARY KEY (owner, day)
);

CREATE TABLE dossier (
  id                  uuid PRIMARY KEY REFERENCES case_file(id) DEFERRABLE INITIALLY DEFERRED,
  code                text NOT NULL UNIQUE,
  procedure_code      text NOT NULL REFERENCES procedure(code),
  procedure_version   int  NOT NULL,
  procedure_name      text NOT NULL,
  -- Who decides: an agency for provincial procedures, the commune otherwise.
  agency_id           uuid,
  unit_path           text NOT NULL,
  handler_name        text NOT NULL,
  -- The applicant's account when they have one (desk filings may have none).
  owner_id            text,
  applicant           jsonb NOT NULL,
  channel             text NOT NULL CHECK (channel IN ('online', 'desk', 'post')),
  forms               jsonb NOT NULL DEFAULT '{}'::jsonb,
  fee_total           bigint NOT NULL DEFAULT 0,
  submitted_at        timestamptz NOT NULL,
  received_at         timestamptz,
  -- The appointment (ngày hẹn trả) from the calendar, moved by supplements and extensions.
  due_at              timestamptz,
  -- First of: processed (result ready), refused, stopped, withdrawn.
  finished_at         timestamptz,
  returned_at         timestamptz,
  supplement_count    int NOT NULL DEFAULT 0,
  result_file_id      uuid REFERENCES file_ref(id),
  paper_result        boolean NOT NULL DEFAULT false,
  rating              text CHECK (rating IN ('satisfied', 'unsatisfied')),
  rating_reason       text,
  rated_at            timestamptz,
  created_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dossier_owner ON dossier (owner_id, submitted_at DESC);
CREATE INDEX dossier_unit ON dossier (unit_path text_pattern_ops);
CREATE INDEX dossier_agency ON dossier (agency_id, submitted_at DESC);

CREATE TABLE dossier_file (
  dossier_id  uuid NOT NULL REFERENCES dossier(id),
  file_id     uuid NOT NULL REFERENCES file_ref(id),
  component   text NOT NULL,
  -- 'component' (filed with the dossier), 'supplement' (filed later), 'result'.
  kind        text NOT NULL CHECK (kind IN ('component', 'supplement', 'result')),
  added_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (dossier_id, file_id, kind)
);

-- The one-stop desk refuses dossiers (form 3) and records supplements brought
-- to the desk; everyone who handles a dossier may ask for a supplement (form 2).
UPDATE role SET actions = actions || ARRAY['services.dossier.refuse', 'services.dossier.resubmit'] WHERE code = 'desk_officer';
UPDATE role SET actions = array_append(actions, 'services.dossier.supplement') WHERE code IN ('specialist', 'division_head');
