-- Exchange: the open-data catalogue (dữ liệu mở). Datasets are declared in
-- code (server/src/modules/exchange/datasets.ts) and generated from live data
-- on a schedule; each generation replaces the dataset's snapshot in one
-- transaction, so a reader sees the old rows or the new ones, never a mix.
-- Personal data never reaches these tables: the generator refuses a snapshot
-- with anything that looks like an ID number, e-mail address or phone number.

CREATE TABLE open_dataset (
  id            text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{1,99}$'),
  title         text NOT NULL,
  title_en      text NOT NULL,
  notes         text NOT NULL,
  notes_en      text NOT NULL,
  licence_id    text NOT NULL,
  frequency     text NOT NULL CHECK (frequency IN ('daily', 'weekly', 'monthly')),
  -- Code of the publishing agency (org module), shown as the CKAN organization.
  publisher     text NOT NULL,
  tags          text[] NOT NULL DEFAULT '{}',
  -- [{id, type, label, labelEn}]: the columns of the snapshot, in order.
  fields        jsonb NOT NULL,
  row_count     int NOT NULL DEFAULT 0,
  -- SHA-256 of the snapshot's rows: an unchanged regeneration keeps metadata_modified.
  digest        text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  modified_at   timestamptz NOT NULL DEFAULT now(),
  generated_at  timestamptz,
  -- Accent-free id, titles, description and tags, written with the metadata (package_search's q).
  search_text   text NOT NULL DEFAULT ''
);
CREATE INDEX open_dataset_search ON open_dataset USING gin (search_text gin_trgm_ops);

CREATE TABLE open_dataset_row (
  dataset_id   text NOT NULL REFERENCES open_dataset(id) ON DELETE CASCADE,
  row_no       int NOT NULL,
  data         jsonb NOT NULL,
  -- Accent-free text of every value, for datastore_search's q.
  search_text  text NOT NULL,
  PRIMARY KEY (dataset_id, row_no)
);
CREATE INDEX open_dataset_row_data ON open_dataset_row USING gin (data jsonb_path_ops);
CREATE INDEX open_dataset_row_search ON open_dataset_row USING gin (search_text gin_trgm_ops);

-- One regeneration of the catalogue (scheduled or asked for by an administrator), with its progress.
CREATE TABLE open_dataset_run (
  id           bigserial PRIMARY KEY,
  trigger      text NOT NULL CHECK (trigger IN ('schedule', 'manual')),
  status       text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
  total        int NOT NULL DEFAULT 0,
  done         int NOT NULL DEFAULT 0,
  current      text,
  changed      text[] NOT NULL DEFAULT '{}',
  errors       jsonb NOT NULL DEFAULT '[]',
  created_by   text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  started_at   timestamptz,
  finished_at  timestamptz
);
