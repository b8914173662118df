-- Consultations on draft policies (lấy ý kiến dự thảo): an agency publishes a draft in sections
-- with attachments and open/close dates; citizens comment on a section or the whole and support
-- each other's comments; the agency answers comments and publishes a summary of what it accepted
-- and why. Short surveys ride along. Everything stays public after closing.

CREATE TABLE consultation (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  agency_id   uuid NOT NULL REFERENCES agency(id),
  unit_path   text NOT NULL,
  title       text NOT NULL,
  summary     text NOT NULL,
  opens_at    timestamptz NOT NULL,
  closes_at   timestamptz NOT NULL,
  -- The agency's report on the comments: what it accepted, what not, and why.
  conclusion  text,
  concluded_at timestamptz,
  created_by  uuid NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  CHECK (closes_at > opens_at)
);
CREATE INDEX consultation_open ON consultation (closes_at DESC);

CREATE TABLE consultation_section (
  consultation_id uuid NOT NULL REFERENCES consultation(id),
  position   int NOT NULL,
  heading    text NOT NULL,
  body       text NOT NULL,
  PRIMARY KEY (consultation_id, position)
);

CREATE TABLE consultation_attachment (
  consultation_id uuid NOT NULL REFERENCES consultation(id),
  file_id    text NOT NULL,
  name       text NOT NULL,
  PRIMARY KEY (consultation_id, file_id)
);

CREATE TABLE consultation_comment (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  consultation_id uuid NOT NULL REFERENCES consultation(id),
  -- NULL: on the draft as a whole.
  section     int,
  account_id  uuid NOT NULL,
  author_name text NOT NULL,
  body        text NOT NULL,
  answer      text,
  -- The agency's decision on the comment: taken in (true), not taken (false), undecided (NULL).
  accepted    boolean,
  answered_at timestamptz,
  hidden      boolean NOT NULL DEFAULT false,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX consultation_comment_of ON consultation_comment (consultation_id, created_at);

CREATE TABLE consultation_support (
  comment_id  uuid NOT NULL REFERENCES consultation_comment(id),
  account_id  uuid NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (comment_id, account_id)
);

CREATE TABLE consultation_question (
  consultation_id uuid NOT NULL REFERENCES consultation(id),
  position   int NOT NULL,
  kind       text NOT NULL CHECK (kind IN ('single', 'multiple', 'scale', 'text')),
  prompt     text NOT NULL,
  options    jsonb,
  PRIMARY KEY (consultation_id, position)
);

CREATE TABLE consultation_response (
  consultation_id uuid NOT NULL REFERENCES consultation(id),
  account_id  uuid NOT NULL,
  answers     jsonb NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consultation_id, account_id)
);

UPDATE role SET actions = actions || ARRAY['feedback.consultation.manage', 'feedback.category.manage'] WHERE code = 'feedback_operator';
