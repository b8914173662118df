-- Files attached to the answer of a report (the official letter, a photo of the repaired road);
-- public with the answer once it is published.
CREATE TABLE feedback_answer_file (
  report_id  uuid NOT NULL REFERENCES feedback_report(id),
  file_id    text NOT NULL,
  name       text NOT NULL,
  mime       text NOT NULL,
  added_by   text,
  added_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (report_id, file_id)
);
