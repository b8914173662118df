-- The digital-transformation programme: resolutions and plans with their task
-- groups, indicators with yearly targets and actuals (with evidence), tasks
-- assigned to agencies with progress reports, projects with budgets.
-- Amounts are in million VND (triệu đồng), as provincial budget tables are.

CREATE TABLE ops_programme (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  code         text NOT NULL UNIQUE,
  kind         text NOT NULL CHECK (kind IN ('resolution', 'plan', 'decision', 'programme')),
  -- Number and symbol as issued, e.g. 01-NQ/TU, 749/QĐ-TTg.
  number       text NOT NULL,
  title        text NOT NULL,
  issued_on    date NOT NULL,
  issuer       text NOT NULL,
  level        text NOT NULL CHECK (level IN ('national', 'provincial')),
  period_from  int NOT NULL,
  period_to    int NOT NULL CHECK (period_to >= period_from),
  created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE ops_task_group (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  programme_id  uuid NOT NULL REFERENCES ops_programme(id),
  seq           int NOT NULL,
  name          text NOT NULL,
  UNIQUE (programme_id, seq)
);

CREATE TABLE ops_indicator (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  code           text NOT NULL UNIQUE,
  programme_id   uuid NOT NULL REFERENCES ops_programme(id),
  group_id       uuid REFERENCES ops_task_group(id),
  name           text NOT NULL,
  unit           text NOT NULL CHECK (unit IN ('percent', 'count', 'million_vnd', 'rank', 'score')),
  baseline       numeric,
  baseline_year  int,
  direction      text NOT NULL CHECK (direction IN ('up', 'down')),
  -- Code of the agency that owns the indicator and enters its actuals (org module).
  owner_agency   text,
  legal_basis    text NOT NULL,
  -- computed: from congso's own data (computed_key names the live figure); entered: by the owner with evidence; imported: from a file.
  source         text NOT NULL CHECK (source IN ('computed', 'entered', 'imported')),
  computed_key   text,
  public         boolean NOT NULL DEFAULT false,
  created_at     timestamptz NOT NULL DEFAULT now(),
  CHECK ((source = 'computed') = (computed_key IS NOT NULL)),
  CHECK (unit <> 'percent' OR baseline IS NULL OR baseline BETWEEN 0 AND 100)
);

CREATE TABLE ops_indicator_target (
  indicator_id  uuid NOT NULL REFERENCES ops_indicator(id),
  year          int NOT NULL CHECK (year BETWEEN 2020 AND 2030),
  value         numeric NOT NULL,
  PRIMARY KEY (indicator_id, year)
);

-- Every actual ever entered is kept; the latest per year counts.
CREATE TABLE ops_indicator_actual (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  indicator_id  uuid NOT NULL REFERENCES ops_indicator(id),
  year          int NOT NULL CHECK (year BETWEEN 2020 AND 2030),
  value         numeric NOT NULL,
  source        text NOT NULL CHECK (source IN ('entered', 'imported')),
  note          text,
  evidence      uuid[] NOT NULL DEFAULT '{}',
  entered_by    text NOT NULL,
  entered_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ops_indicator_actual_latest ON ops_indicator_actual (indicator_id, year, entered_at DESC);

CREATE TABLE ops_task (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  code           text NOT NULL UNIQUE,
  programme_id   uuid NOT NULL REFERENCES ops_programme(id),
  group_id       uuid REFERENCES ops_task_group(id),
  title          text NOT NULL,
  agency_code    text NOT NULL,
  due_on         date NOT NULL,
  progress       int NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
  done_at        timestamptz,
  created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ops_task_due ON ops_task (due_on) WHERE done_at IS NULL;

CREATE TABLE ops_task_report (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  task_id    uuid NOT NULL REFERENCES ops_task(id),
  progress   int NOT NULL CHECK (progress BETWEEN 0 AND 100),
  note       text NOT NULL,
  evidence   uuid[] NOT NULL DEFAULT '{}',
  by_name    text NOT NULL,
  at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ops_task_report_task ON ops_task_report (task_id, at);

CREATE TABLE ops_project (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  code            text NOT NULL UNIQUE,
  programme_id    uuid NOT NULL REFERENCES ops_programme(id),
  name            text NOT NULL,
  agency_code     text NOT NULL,
  year_from       int NOT NULL,
  year_to         int NOT NULL CHECK (year_to >= year_from),
  budget_million  bigint NOT NULL CHECK (budget_million > 0),
  -- The share for cybersecurity (the seeds' rule: at least 10% of the budget).
  cyber_million   bigint NOT NULL CHECK (cyber_million >= 0 AND cyber_million <= budget_million),
  disbursed_million bigint NOT NULL DEFAULT 0 CHECK (disbursed_million >= 0 AND disbursed_million <= budget_million),
  created_at      timestamptz NOT NULL DEFAULT now()
);

-- Agency leaders read the programme and report on what their agency owns.
UPDATE role SET actions = actions || ARRAY['operations.programme.read', 'operations.programme.report'] WHERE code = 'leader';
