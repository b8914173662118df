-- Result files of the agencies taking part in joint processing (liên thông), docs/services.md.
--
-- While an agency holds a step it may attach its own result (a residence
-- registration, a health-insurance card): the PDF it uploads (source_file_id)
-- and what the dossier shows — the same PDF signed with the agency's
-- organisation signature when the platform holds its key (file_id; equal to
-- source_file_id when it does not: signed = false). The file is also one of the
-- dossier's files of kind 'result', so the applicant and the receiving body see
-- it with the dossier's results.
CREATE TABLE dossier_joint_result (
  dossier_id      uuid NOT NULL,
  step_seq        int NOT NULL,
  file_id         uuid NOT NULL REFERENCES file_ref(id),
  source_file_id  uuid NOT NULL REFERENCES file_ref(id),
  signed          boolean NOT NULL,
  added_by        text,
  added_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (dossier_id, file_id),
  FOREIGN KEY (dossier_id, step_seq) REFERENCES dossier_joint_step (dossier_id, seq) ON DELETE CASCADE
);
