-- The provincial digital-transformation index (DTI) as configuration: a
-- framework per version (Decision 922/QĐ-BTTTT of 2022, Decision 405/QĐ-BKHCN
-- of 2025), its main and component indicators as rows, scores per year at
-- three stages (self-assessed, appraised, final; published on a 0–1 scale) and
-- the province's rank history.

CREATE TABLE ops_dti_framework (
  version     text PRIMARY KEY,
  decision    text NOT NULL,
  -- Left empty when the day is not known to whoever configured it.
  issued_on   date,
  -- First assessment year the version applies to.
  from_year   int NOT NULL UNIQUE
);

CREATE TABLE ops_dti_indicator (
  version       text NOT NULL REFERENCES ops_dti_framework(version),
  code          text NOT NULL,
  parent_code   text,
  seq           int NOT NULL,
  name          text NOT NULL,
  -- Weight of a main indicator in the index (main indicators of a version sum to 1).
  weight        numeric NOT NULL DEFAULT 0 CHECK (weight >= 0 AND weight <= 1),
  -- The live figure or module fact congso can evidence it with, if any.
  evidence_key  text,
  evidence_note text,
  PRIMARY KEY (version, code),
  FOREIGN KEY (version, parent_code) REFERENCES ops_dti_indicator(version, code)
);

CREATE TABLE ops_dti_score (
  year        int NOT NULL CHECK (year BETWEEN 2020 AND 2035),
  version     text NOT NULL,
  code        text NOT NULL,
  self        numeric CHECK (self BETWEEN 0 AND 1),
  appraised   numeric CHECK (appraised BETWEEN 0 AND 1),
  final       numeric CHECK (final BETWEEN 0 AND 1),
  updated_by  text NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (year, code),
  FOREIGN KEY (version, code) REFERENCES ops_dti_indicator(version, code)
);

CREATE TABLE ops_dti_rank (
  year        int PRIMARY KEY CHECK (year BETWEEN 2018 AND 2035),
  rank        int NOT NULL CHECK (rank >= 1),
  of_total    int NOT NULL CHECK (of_total >= rank),
  score       numeric CHECK (score BETWEEN 0 AND 1),
  source      text NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);
