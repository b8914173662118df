-- Exchange: each open dataset's snapshot gets a table of its own, with typed
-- columns and a B-tree index per column, in the schema open_data_store (as
-- CKAN's DataStore does, one table per resource). One jsonb table for every
-- dataset made datastore_search read one heap page per matching row of a
-- million-row resource; typed columns are a third of the size and an index
-- on (column, _id) answers a filter in _id order and counts it from the index.
--
-- A generation creates a new table, fills and indexes it, points
-- open_dataset.store_table at it and drops the old one, in one transaction:
-- readers see the old snapshot or the new one, never a mix. The names are
-- made by the code (s_ + a hash of the dataset id + a generation stamp), never
-- from input. The previous snapshots were in open_dataset_row; they are
-- regenerated from live data by the next scheduled run (generated_at and
-- digest are cleared so every dataset is due).

CREATE SCHEMA open_data_store;

ALTER TABLE open_dataset ADD COLUMN store_table text CHECK (store_table ~ '^s_[0-9a-f]{16}_[0-9a-z]{1,16}$');

UPDATE open_dataset SET generated_at = NULL, digest = NULL, row_count = 0;

DROP TABLE open_dataset_row;
