-- Operations centre: live figures kept by projections of the case events
-- (outbox subscriptions `operations.dossiers`, `operations.reports`), never by
-- rescanning dossiers or reports. docs/operations-centre.md explains each figure.

-- The last facts the projection counted for each case. An event makes the
-- projection read the case's current facts, subtract what it counted before and
-- add what it counts now, so a retried or late event changes nothing twice.
CREATE TABLE ops_fact (
  case_id       uuid PRIMARY KEY,
  kind          text NOT NULL CHECK (kind IN ('dossier', 'report')),
  unit_path     text NOT NULL,
  -- The agency's id, or '' for cases handled by a commune's people's committee.
  agency_key    text NOT NULL,
  channel       text NOT NULL,
  -- Vietnamese calendar day the case was received (dossier) or filed (report); NULL if never received.
  received_day  date,
  finished_day  date,
  -- early | on_time | late for finished cases; NULL while open.
  outcome       text CHECK (outcome IN ('early', 'on_time', 'late')),
  rated_day     date,
  satisfied     boolean,
  -- Open: received, not finished. Paused (waiting for the applicant) cases are open with no due day.
  open          boolean NOT NULL,
  due_at        timestamptz,
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ops_fact_open_due ON ops_fact (kind, ((due_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date)) WHERE open AND due_at IS NOT NULL;

-- Counters per day, kind, handling unit, agency and channel: every figure of a
-- period and scope is a SUM over rows.
CREATE TABLE ops_daily (
  day          date NOT NULL,
  kind         text NOT NULL,
  unit_path    text NOT NULL,
  agency_key   text NOT NULL,
  channel      text NOT NULL,
  received     int NOT NULL DEFAULT 0,
  finished     int NOT NULL DEFAULT 0,
  early        int NOT NULL DEFAULT 0,
  on_time      int NOT NULL DEFAULT 0,
  late         int NOT NULL DEFAULT 0,
  rated        int NOT NULL DEFAULT 0,
  satisfied    int NOT NULL DEFAULT 0,
  PRIMARY KEY (day, kind, unit_path, agency_key, channel)
);
CREATE INDEX ops_daily_unit ON ops_daily (kind, unit_path text_pattern_ops, day);

-- Open cases by due day ('infinity' when no clock runs): "open" is a sum, "overdue
-- now" a sum over days before today plus today's few read from ops_fact.
CREATE TABLE ops_open (
  kind        text NOT NULL,
  unit_path   text NOT NULL,
  agency_key  text NOT NULL,
  due_day     date NOT NULL,
  n           int NOT NULL,
  PRIMARY KEY (kind, unit_path, agency_key, due_day)
);
CREATE INDEX ops_fact_updated ON ops_fact (updated_at);

-- Targets of the live figures, with the amber threshold; rows an administrator edits.
-- direction 'up': at or above target is green, at or above amber is amber;
-- 'down': at or below target is green, at or below amber is amber.
CREATE TABLE ops_live_target (
  key         text PRIMARY KEY,
  target      numeric NOT NULL,
  amber       numeric NOT NULL,
  direction   text NOT NULL CHECK (direction IN ('up', 'down')),
  basis       text NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  CHECK ((direction = 'up' AND amber <= target) OR (direction = 'down' AND amber >= target))
);
INSERT INTO ops_live_target (key, target, amber, direction, basis) VALUES
  ('dossiers.onTimeRate', 95, 90, 'up', 'Quyết định 766/QĐ-TTg: chỉ số 2.1 (tỷ lệ hồ sơ giải quyết đúng hạn)'),
  ('dossiers.overdueRate', 0, 5, 'down', 'Quyết định 766/QĐ-TTg: không để hồ sơ quá hạn'),
  ('dossiers.onlineShare', 50, 30, 'up', 'Quyết định 942/QĐ-TTg: tỷ lệ hồ sơ nộp trực tuyến'),
  ('dossiers.index766', 80, 60, 'up', 'Quyết định 766/QĐ-TTg: tổng điểm bộ chỉ số (thang 100)'),
  ('petitions.onTimeRate', 90, 80, 'up', 'Quyết định 766/QĐ-TTg: chỉ số 5.2 (phản ánh, kiến nghị xử lý đúng hạn)'),
  ('petitions.overdueRate', 0, 10, 'down', 'Không để phản ánh, kiến nghị quá hạn'),
  ('petitions.satisfaction', 80, 60, 'up', 'Quyết định 766/QĐ-TTg: chỉ số 5.3 (mức độ hài lòng)');
