-- Joint processing across agencies (liên thông), docs/services.md.
--
-- A plan is the list of steps other agencies take on a procedure's dossiers,
-- saved with the process definition it belongs to: same procedure code, same
-- version. A dossier pins its definition version when it starts, so it pins
-- the plan too.
CREATE TABLE process_joint_plan (
  procedure_code      text NOT NULL,
  definition_version  int NOT NULL CHECK (definition_version > 0),
  steps               jsonb NOT NULL,
  created_at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (procedure_code, definition_version)
);

-- Each hand-off of a dossier to an agency of its plan: who holds it, since when,
-- until when (the step's own time limit, in working days or hours from the
-- calendar), and how it ended. A step returned and sent again is a new row.
-- The case actions that opened and closed it are `started_seq` / `finished_seq`
-- (case_action.seq), so the action log and this table tell the same story.
CREATE TABLE dossier_joint_step (
  dossier_id    uuid NOT NULL REFERENCES dossier(id) ON DELETE CASCADE,
  seq           int NOT NULL CHECK (seq > 0),
  step_no       int NOT NULL CHECK (step_no > 0),
  agency_id     uuid NOT NULL,
  agency_code   text NOT NULL,
  agency_name   text NOT NULL,
  unit_path     text NOT NULL,
  kind          text NOT NULL CHECK (kind IN ('process', 'consult')),
  label         text NOT NULL,
  duration      jsonb NOT NULL,
  started_at    timestamptz NOT NULL,
  started_seq   int NOT NULL,
  due_at        timestamptz NOT NULL,
  finished_at   timestamptz,
  finished_seq  int,
  outcome       text CHECK (outcome IN ('passed', 'completed', 'returned', 'withdrawn')),
  note          text,
  PRIMARY KEY (dossier_id, seq),
  CHECK ((finished_at IS NULL) = (outcome IS NULL))
);
-- An agency's queue: the dossiers it holds or held.
CREATE INDEX dossier_joint_step_agency ON dossier_joint_step (agency_id, dossier_id);
-- At most one open step per dossier.
CREATE UNIQUE INDEX dossier_joint_step_open ON dossier_joint_step (dossier_id) WHERE finished_at IS NULL;

-- Who takes the joint actions (roles are data; an administrator may change them):
-- the leader holds services.dossier.* already; specialists and heads of division
-- hand dossiers on and do their agency's part.
UPDATE role
   SET actions = actions || ARRAY['services.dossier.transfer', 'services.dossier.joint_pass', 'services.dossier.joint_complete', 'services.dossier.joint_return']
 WHERE code IN ('specialist', 'division_head') AND NOT actions @> ARRAY['services.dossier.transfer'];
