-- Warnings and escalation of joint steps (liên thông), docs/services.md.
--
-- Each step has its own time limit (due_at). The platform warns the step's
-- agency before it falls due (warn_at, from the calendar: the same share of the
-- step's working time as a dossier's own clock) and escalates when it is late:
-- to the leaders of the agency holding the step and of the receiving agency.
-- Both are outbox jobs queued when the step starts (run at warn_at / due_at);
-- warned_at and breached_at record that they were sent, once.
ALTER TABLE dossier_joint_step
  ADD COLUMN warn_at     timestamptz,
  ADD COLUMN warned_at   timestamptz,
  ADD COLUMN breached_at timestamptz;
