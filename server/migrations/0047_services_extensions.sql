-- The apology and extension letter (Circular 03/2025 form 04): the new date
-- promised to the applicant. The statutory appointment (due_at) does not move:
-- a dossier finished after it is late for the 766 index, letter or not.
ALTER TABLE dossier ADD COLUMN extended_to timestamptz;
UPDATE role SET actions = actions || ARRAY['services.dossier.extend'] WHERE code = 'division_head';
