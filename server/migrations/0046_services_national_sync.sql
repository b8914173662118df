-- The National Public Service Portal adapter (docs/national-portal.md).

-- Every status of a dossier the national portal acknowledged, one row per
-- case version: operators read it to see what the portal knows, and the
-- sync reads the highest version to send only what is missing, in order.
CREATE TABLE national_sync (
  dossier_id       uuid NOT NULL REFERENCES dossier(id) ON DELETE CASCADE,
  version          int NOT NULL CHECK (version > 0),
  status_code      text NOT NULL,
  http_status      int NOT NULL,
  response_id      text,
  acknowledged_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (dossier_id, version)
);
CREATE INDEX national_sync_acknowledged ON national_sync (acknowledged_at DESC);

-- Dossiers filed on the national portal and delivered here: the national code
-- is unique, so a retried delivery finds the dossier it already created.
CREATE TABLE national_dossier (
  national_code  text PRIMARY KEY,
  dossier_id     uuid NOT NULL UNIQUE REFERENCES dossier(id) ON DELETE CASCADE,
  received_at    timestamptz NOT NULL DEFAULT now()
);
