-- The audit chain is sealed after commit instead of under a global lock held through every commit.
-- Writers insert entries without a hash; a sealer (every worker instance, under an advisory lock
-- only sealers take) chains committed entries in the order it finds them, recording that order in
-- chain_seq. Content never changes: the only update allowed is the one that seals an entry.
DROP TRIGGER audit_log_no_update ON audit_log;

ALTER TABLE audit_log ALTER COLUMN prev_hash DROP NOT NULL;
ALTER TABLE audit_log ALTER COLUMN hash DROP NOT NULL;
ALTER TABLE audit_log ADD COLUMN chain_seq bigint UNIQUE;
-- Entries chained so far were chained under the lock in seq order.
UPDATE audit_log SET chain_seq = seq;
CREATE INDEX audit_unsealed ON audit_log (seq) WHERE hash IS NULL;

CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.hash IS NULL AND NEW.hash IS NOT NULL AND NEW.prev_hash IS NOT NULL
     AND NEW.chain_seq IS NOT NULL
     AND (NEW.seq, NEW.at, NEW.actor_kind, NEW.actor_id, NEW.actor_name, NEW.action, NEW.entity,
          NEW.entity_id, NEW.before, NEW.after, NEW.request_id)
         IS NOT DISTINCT FROM
         (OLD.seq, OLD.at, OLD.actor_kind, OLD.actor_id, OLD.actor_name, OLD.action, OLD.entity,
          OLD.entity_id, OLD.before, OLD.after, OLD.request_id) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit_log is append-only';
END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
