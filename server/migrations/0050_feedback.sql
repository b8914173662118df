-- Feedback and petitions (PAKN), complaints and denunciations at one address.
-- A report is a case of type feedback.report on the case engine (state, action log,
-- clocks live there); this table holds what the case is about, for lists, maps and
-- the public page. `state` mirrors the case's state for queries.

CREATE TABLE feedback_category (
  code       text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]{1,40}$'),
  name       text NOT NULL,
  name_en    text,
  -- pakn: phản ánh, kiến nghị; complaint: khiếu nại; denunciation: tố cáo (the last two never public).
  kind       text NOT NULL CHECK (kind IN ('pakn', 'complaint', 'denunciation')),
  -- The agency answerable for the category; NULL: the commune where the point lies.
  agency_id  uuid REFERENCES agency(id),
  urgent     boolean NOT NULL DEFAULT false,
  -- Overrides of the default time limits, e.g. {"triage": {"days": 1}, "answer": {"days": 5}}.
  limits     jsonb,
  active     boolean NOT NULL DEFAULT true,
  sort       int NOT NULL DEFAULT 0
);

-- Boundaries imported from GeoJSON (province and communes). The geometry is kept whole
-- for routing; `display` is a simplified copy for maps.
CREATE TABLE feedback_boundary (
  unit_code  text PRIMARY KEY,
  level      text NOT NULL CHECK (level IN ('province', 'commune')),
  name       text NOT NULL,
  geometry   jsonb NOT NULL,
  display    jsonb NOT NULL,
  min_lon    float8 NOT NULL,
  min_lat    float8 NOT NULL,
  max_lon    float8 NOT NULL,
  max_lat    float8 NOT NULL,
  imported_at timestamptz NOT NULL DEFAULT now()
);

CREATE SEQUENCE feedback_report_no;

CREATE TABLE feedback_report (
  id            uuid PRIMARY KEY,
  code          text NOT NULL UNIQUE,
  kind          text NOT NULL CHECK (kind IN ('pakn', 'complaint', 'denunciation')),
  category_code text NOT NULL REFERENCES feedback_category(code),
  title         text NOT NULL,
  body          text NOT NULL,
  lat           float8,
  lon           float8,
  address       text,
  unit_code     text,
  unit_path     text,
  agency_id     uuid REFERENCES agency(id),
  channel       text NOT NULL CHECK (channel IN ('web', 'app', 'open311', 'hotline', 'desk', 'email')),
  reporter_id   uuid,
  reporter_name text NOT NULL,
  reporter_phone text,
  reporter_email text,
  show_name     boolean NOT NULL DEFAULT false,
  state         text NOT NULL,
  assignee_id   uuid,
  answer        text,
  answered_at   timestamptz,
  published_at  timestamptz,
  closed_at     timestamptz,
  due_at        timestamptz,
  rating        text CHECK (rating IN ('satisfied', 'unsatisfied')),
  rating_reason text,
  rated_at      timestamptz,
  duplicate_of  uuid REFERENCES feedback_report(id),
  hidden        boolean NOT NULL DEFAULT false,
  -- How far up the hierarchy an overdue report has been reported (0: not overdue).
  escalation_level int NOT NULL DEFAULT 0,
  -- Whether any of its clocks ever ran out (766 indicator 5.2); never reset.
  breached      boolean NOT NULL DEFAULT false,
  open311_client text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  CHECK ((lat IS NULL) = (lon IS NULL))
);
-- Map windows and "nearby" suggestions: built-in geometric types with GiST (no PostGIS needed).
CREATE INDEX feedback_report_point ON feedback_report USING gist (point(lon, lat)) WHERE lat IS NOT NULL;
CREATE INDEX feedback_report_open_point ON feedback_report USING gist (point(lon, lat))
  WHERE lat IS NOT NULL AND state NOT IN ('closed', 'refused', 'merged');
CREATE INDEX feedback_report_unit ON feedback_report (unit_path, state);
CREATE INDEX feedback_report_agency ON feedback_report (agency_id, state);
CREATE INDEX feedback_report_published ON feedback_report (published_at DESC) WHERE published_at IS NOT NULL AND NOT hidden;
CREATE INDEX feedback_report_reporter ON feedback_report (reporter_id, created_at DESC);

CREATE TABLE feedback_media (
  report_id  uuid NOT NULL REFERENCES feedback_report(id),
  file_id    text NOT NULL,
  position   int NOT NULL,
  mime       text NOT NULL,
  width      int,
  height     int,
  size       int NOT NULL,
  kept_location boolean NOT NULL DEFAULT false,
  hidden     boolean NOT NULL DEFAULT false,
  PRIMARY KEY (report_id, position)
);

CREATE TABLE feedback_follower (
  report_id  uuid NOT NULL REFERENCES feedback_report(id),
  account_id uuid NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (report_id, account_id)
);

-- Open311 API keys of partner apps (only the hash is kept).
CREATE TABLE feedback_api_key (
  key_hash   text PRIMARY KEY,
  client     text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  active     boolean NOT NULL DEFAULT true
);

-- Accounts blocked from reporting by moderators.
CREATE TABLE feedback_block (
  account_id uuid PRIMARY KEY,
  reason     text NOT NULL,
  blocked_by text,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Who does what on a report (actions are feedback.report.<action> on the case engine).
INSERT INTO role (code, name, name_en, actions) VALUES
  ('feedback_operator', 'Cán bộ tiếp nhận phản ánh, kiến nghị', 'Feedback operator',
    ARRAY['feedback.read', 'feedback.report.file', 'feedback.report.classify', 'feedback.report.refuse', 'feedback.report.merge',
          'feedback.report.assign', 'feedback.report.publish', 'feedback.report.send_back', 'feedback.report.provide_info',
          'feedback.report.close', 'feedback.moderate'])
ON CONFLICT (code) DO NOTHING;
UPDATE role SET actions = actions || ARRAY['feedback.report.assign', 'feedback.report.take', 'feedback.report.request_info',
  'feedback.report.answer', 'feedback.report.request_reassign']
WHERE code = 'division_head';
UPDATE role SET actions = actions || ARRAY['feedback.report.take', 'feedback.report.request_info', 'feedback.report.answer',
  'feedback.report.request_reassign']
WHERE code = 'specialist';
