-- Public tracking answers from a few seconds' cache per instance. A dossier's
-- tracked facts change only with an action on its case (the dates on the
-- dossier row change in the same transaction), so this trigger tells every
-- instance, at commit, which dossier to drop.
CREATE OR REPLACE FUNCTION congso_dossier_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.type = 'services.dossier' THEN
    PERFORM pg_notify('congso_dossier', NEW.id::text);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER case_file_dossier_notify AFTER UPDATE ON case_file
  FOR EACH ROW EXECUTE FUNCTION congso_dossier_notify();
