-- Organisation: administrative units, agencies and their divisions, positions, officials.
CREATE TABLE org_unit (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  code           text NOT NULL,
  name           text NOT NULL,
  full_name      text NOT NULL,
  name_en        text,
  type           text NOT NULL CHECK (type IN ('country', 'province', 'city', 'commune', 'ward', 'special_zone')),
  parent_id      uuid REFERENCES org_unit(id),
  -- Materialised path of codes, e.g. '37' or '37.13285': scopes are checked by prefix.
  path           text NOT NULL,
  effective_from date NOT NULL DEFAULT DATE '2025-07-01',
  effective_to   date,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  CHECK (effective_to IS NULL OR effective_to > effective_from)
);
-- One unit per code at a time; a code may come back after a unit ends.
CREATE UNIQUE INDEX org_unit_code_current ON org_unit (code) WHERE effective_to IS NULL;
CREATE INDEX org_unit_parent ON org_unit (parent_id);
CREATE INDEX org_unit_path ON org_unit (path text_pattern_ops);
CREATE INDEX org_unit_name_trgm ON org_unit USING gin (f_unaccent(name) gin_trgm_ops);

-- Lineage: which units a unit came from (mergers, splits, renamings).
CREATE TABLE org_unit_lineage (
  unit_id        uuid NOT NULL REFERENCES org_unit(id),
  predecessor_id uuid NOT NULL REFERENCES org_unit(id),
  kind           text NOT NULL DEFAULT 'merge' CHECK (kind IN ('merge', 'split', 'rename')),
  decision       text,
  PRIMARY KEY (unit_id, predecessor_id)
);

CREATE TABLE agency (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  code        text NOT NULL UNIQUE,
  name        text NOT NULL,
  short_name  text,
  name_en     text,
  kind        text NOT NULL CHECK (kind IN ('people_committee', 'committee_office', 'department', 'service_centre', 'commune_committee', 'other')),
  unit_id     uuid NOT NULL REFERENCES org_unit(id),
  parent_id   uuid REFERENCES agency(id),
  email       text,
  phone       text,
  address     text,
  active      boolean NOT NULL DEFAULT true,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX agency_unit ON agency (unit_id);

CREATE TABLE division (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  agency_id  uuid NOT NULL REFERENCES agency(id),
  code       text NOT NULL,
  name       text NOT NULL,
  UNIQUE (agency_id, code)
);

CREATE TABLE position (
  code     text PRIMARY KEY,
  name     text NOT NULL,
  name_en  text,
  rank     int NOT NULL DEFAULT 0
);

CREATE TABLE official (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  agency_id    uuid NOT NULL REFERENCES agency(id),
  division_id  uuid REFERENCES division(id),
  position_code text NOT NULL REFERENCES position(code),
  full_name    text NOT NULL,
  email        text,
  phone        text,
  active       boolean NOT NULL DEFAULT true,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX official_agency ON official (agency_id);
CREATE UNIQUE INDEX official_email ON official (lower(email)) WHERE email IS NOT NULL;
