-- Services: what the Decision 766/QĐ-TTg index needs, kept as dossiers change
-- (docs/index-766.md has every formula).

-- The procedure's facts at filing time, so the index does not re-read versions.
ALTER TABLE dossier ADD COLUMN sector_code text NOT NULL DEFAULT '';
ALTER TABLE dossier ADD COLUMN full_online boolean NOT NULL DEFAULT false;
ALTER TABLE dossier ADD COLUMN paid_online boolean NOT NULL DEFAULT false;
CREATE INDEX dossier_open_due ON dossier (due_at) WHERE finished_at IS NULL;
CREATE INDEX dossier_received ON dossier (received_at);

-- One row per day, handling unit, agency and sector; every counter is a sum,
-- so any period and any scope above a row is a SUM over rows. Days are
-- Vietnamese calendar days (Asia/Ho_Chi_Minh).
CREATE TABLE dossier_rollup (
  day                 date NOT NULL,
  unit_path           text NOT NULL,
  -- The agency's id, or '' for dossiers handled by a commune's people's committee.
  agency_key          text NOT NULL,
  sector_code         text NOT NULL,
  received            int NOT NULL DEFAULT 0,
  received_online     int NOT NULL DEFAULT 0,
  -- Received dossiers of procedures offered fully online, and those of them filed online.
  full_online_total   int NOT NULL DEFAULT 0,
  full_online_online  int NOT NULL DEFAULT 0,
  finished            int NOT NULL DEFAULT 0,
  finished_on_time    int NOT NULL DEFAULT 0,
  -- Working time is the calendar's business; this is elapsed time, for the average (2.2).
  processing_seconds  bigint NOT NULL DEFAULT 0,
  e_result            int NOT NULL DEFAULT 0,
  digitised           int NOT NULL DEFAULT 0,
  fee_bearing         int NOT NULL DEFAULT 0,
  paid_online         int NOT NULL DEFAULT 0,
  rated               int NOT NULL DEFAULT 0,
  rated_unsatisfied   int NOT NULL DEFAULT 0,
  PRIMARY KEY (day, unit_path, agency_key, sector_code)
);
CREATE INDEX dossier_rollup_unit ON dossier_rollup (unit_path text_pattern_ops, day);
