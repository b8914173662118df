-- A procedure version is kept as written: json, not jsonb, so the order of a
-- form's fields (and of every list) is the order the catalogue gave. Versions
-- stored before this migration keep jsonb's key order until re-imported.
ALTER TABLE procedure_version ALTER COLUMN data TYPE json USING data::json;

-- Monthly sums per handling unit and agency (no sector): a year of the 766
-- page reads twelve rows per office instead of every day and sector.
CREATE TABLE dossier_rollup_month (
  month               date NOT NULL CHECK (extract(day FROM month) = 1),
  unit_path           text NOT NULL,
  agency_key          text NOT NULL,
  received            int NOT NULL DEFAULT 0,
  received_online     int NOT NULL DEFAULT 0,
  full_online_total   int NOT NULL DEFAULT 0,
  full_online_online  int NOT NULL DEFAULT 0,
  finished            int NOT NULL DEFAULT 0,
  finished_on_time    int NOT NULL DEFAULT 0,
  processing_seconds  bigint NOT NULL DEFAULT 0,
  e_result            int NOT NULL DEFAULT 0,
  digitised           int NOT NULL DEFAULT 0,
  fee_bearing         int NOT NULL DEFAULT 0,
  paid_online         int NOT NULL DEFAULT 0,
  rated               int NOT NULL DEFAULT 0,
  rated_unsatisfied   int NOT NULL DEFAULT 0,
  PRIMARY KEY (month, unit_path, agency_key)
);
INSERT INTO dossier_rollup_month
SELECT date_trunc('month', day)::date, unit_path, agency_key, sum(received), sum(received_online), sum(full_online_total), sum(full_online_online),
       sum(finished), sum(finished_on_time), sum(processing_seconds), sum(e_result), sum(digitised), sum(fee_bearing), sum(paid_online),
       sum(rated), sum(rated_unsatisfied)
  FROM dossier_rollup GROUP BY 1, 2, 3;
CREATE INDEX dossier_rollup_sector ON dossier_rollup (sector_code, day);

-- Open dossiers by appointment day (paused ones — waiting for the applicant —
-- are not counted): "open and past the appointment now" is a sum over the days
-- before today plus today's few, not a scan of every open dossier.
CREATE TABLE dossier_open_by_due (
  due_day     date NOT NULL,
  unit_path   text NOT NULL,
  agency_key  text NOT NULL,
  n           int NOT NULL,
  PRIMARY KEY (due_day, unit_path, agency_key)
);
INSERT INTO dossier_open_by_due
SELECT (d.due_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, d.unit_path, coalesce(d.agency_id::text, ''), count(*)
  FROM dossier d JOIN case_file c ON c.id = d.id
 WHERE d.finished_at IS NULL AND d.due_at IS NOT NULL AND c.state <> 'supplementing'
 GROUP BY 1, 2, 3;
