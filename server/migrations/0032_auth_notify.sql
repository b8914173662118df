-- Every instance may cache session lookups for a few seconds (SESSION_CACHE_MS).
-- These triggers tell all instances, at commit, which account's cached sessions
-- are stale ('*' for changes that can touch anyone's grants).
CREATE OR REPLACE FUNCTION congso_auth_notify() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  target text;
BEGIN
  IF TG_TABLE_NAME IN ('session', 'role_assignment') THEN
    target := coalesce(OLD.account_id, NEW.account_id)::text;
    IF TG_OP = 'UPDATE' AND OLD.account_id IS DISTINCT FROM NEW.account_id THEN
      target := '*';
    END IF;
  ELSIF TG_TABLE_NAME = 'account' THEN
    target := coalesce(OLD.id, NEW.id)::text;
  ELSE
    target := '*';
  END IF;
  PERFORM pg_notify('congso_auth', target);
  RETURN NULL;
END $$;

CREATE TRIGGER session_auth_notify AFTER DELETE OR UPDATE OF expires_at, csrf_token, account_id ON session
  FOR EACH ROW EXECUTE FUNCTION congso_auth_notify();
CREATE TRIGGER role_assignment_auth_notify AFTER INSERT OR UPDATE OR DELETE ON role_assignment
  FOR EACH ROW EXECUTE FUNCTION congso_auth_notify();
CREATE TRIGGER account_auth_notify AFTER UPDATE OR DELETE ON account
  FOR EACH ROW EXECUTE FUNCTION congso_auth_notify();
CREATE TRIGGER role_auth_notify AFTER UPDATE OR DELETE ON role
  FOR EACH STATEMENT EXECUTE FUNCTION congso_auth_notify();
CREATE TRIGGER official_auth_notify AFTER UPDATE OF agency_id, active OR DELETE ON official
  FOR EACH STATEMENT EXECUTE FUNCTION congso_auth_notify();
CREATE TRIGGER agency_auth_notify AFTER UPDATE OF name ON agency
  FOR EACH STATEMENT EXECUTE FUNCTION congso_auth_notify();
CREATE TRIGGER org_unit_auth_notify AFTER UPDATE OF path, parent_id, name ON org_unit
  FOR EACH STATEMENT EXECUTE FUNCTION congso_auth_notify();
