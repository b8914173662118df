-- Per-instance caches of read-mostly tables are dropped on every instance when the table
-- changes: each statement that writes one announces the table's name on channel congso_cache at
-- commit. First user: the case engine's latest process definitions (kernel/workflow).
CREATE OR REPLACE FUNCTION congso_cache_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('congso_cache', TG_TABLE_NAME);
  RETURN NULL;
END $$;

CREATE TRIGGER process_definition_cache_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON process_definition
  FOR EACH STATEMENT EXECUTE FUNCTION congso_cache_notify();
