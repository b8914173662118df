-- Services: the catalogue of administrative procedures (thủ tục hành chính).
-- A procedure keeps every version it ever had; a dossier pins the version it
-- was filed under. The columns of the current version that people search and
-- filter by are kept on `procedure` itself.

CREATE TABLE service_sector (
  code  text PRIMARY KEY,
  name  text NOT NULL
);

CREATE TABLE procedure (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  code             text NOT NULL UNIQUE,
  current_version  int NOT NULL,
  name             text NOT NULL,
  sector_code      text NOT NULL REFERENCES service_sector(code),
  level            text NOT NULL CHECK (level IN ('province', 'commune')),
  agency_code      text,
  online_level     text NOT NULL CHECK (online_level IN ('full', 'partial')),
  active           boolean NOT NULL DEFAULT true,
  -- Accent-free, lower-case text searched by the portal ("dang ky khai sinh").
  search_text      text GENERATED ALWAYS AS (f_unaccent(code || ' ' || name)) STORED,
  updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX procedure_search_trgm ON procedure USING gin (search_text gin_trgm_ops);
CREATE INDEX procedure_sector ON procedure (sector_code) WHERE active;

CREATE TABLE procedure_version (
  procedure_id    uuid NOT NULL REFERENCES procedure(id) ON DELETE CASCADE,
  version         int NOT NULL CHECK (version >= 1),
  effective_from  date NOT NULL,
  data            jsonb NOT NULL,
  created_by      text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (procedure_id, version)
);
