-- Rollup rows are striped: each database session adds to its own stripe of a (day, unit, agency,
-- sector) row, so concurrent submissions to one office no longer queue on one row lock held until
-- commit. Readers already SUM over rows, so they read the stripes without change.
ALTER TABLE dossier_rollup ADD COLUMN stripe smallint NOT NULL DEFAULT 0;
ALTER TABLE dossier_rollup DROP CONSTRAINT dossier_rollup_pkey;
ALTER TABLE dossier_rollup ADD PRIMARY KEY (day, unit_path, agency_key, sector_code, stripe);

ALTER TABLE dossier_rollup_month ADD COLUMN stripe smallint NOT NULL DEFAULT 0;
ALTER TABLE dossier_rollup_month DROP CONSTRAINT dossier_rollup_month_pkey;
ALTER TABLE dossier_rollup_month ADD PRIMARY KEY (month, unit_path, agency_key, stripe);

ALTER TABLE dossier_open_by_due ADD COLUMN stripe smallint NOT NULL DEFAULT 0;
ALTER TABLE dossier_open_by_due DROP CONSTRAINT dossier_open_by_due_pkey;
ALTER TABLE dossier_open_by_due ADD PRIMARY KEY (due_day, unit_path, agency_key, stripe);
