-- Operations centre: live-figure targets per level. The same figure may have a
-- different target and amber threshold for the province, an agency and a
-- commune (a commune's few petitions make a rate swing more). Each existing
-- target becomes the province's and is copied to the other two levels; the
-- administrators edit them from the targets screen (who and when kept here, the
-- before/after in the audit log).
ALTER TABLE ops_live_target ADD COLUMN level text NOT NULL DEFAULT 'province' CHECK (level IN ('province', 'agency', 'commune'));
ALTER TABLE ops_live_target ADD COLUMN updated_by text;
ALTER TABLE ops_live_target DROP CONSTRAINT ops_live_target_pkey;
ALTER TABLE ops_live_target ADD PRIMARY KEY (key, level);
INSERT INTO ops_live_target (key, level, target, amber, direction, basis)
  SELECT key, l.level, target, amber, direction, basis FROM ops_live_target, (VALUES ('agency'), ('commune')) AS l(level)
  WHERE ops_live_target.level = 'province';
-- Shares and scores are out of 100; counts are not negative.
ALTER TABLE ops_live_target ADD CONSTRAINT ops_live_target_range CHECK (target >= 0 AND amber >= 0);
