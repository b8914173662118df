-- Official documents (Decree 30/2020/NĐ-CP on document work): registers and
-- their numbering, documents with their Decree 30 metadata, the versions of
-- each document's PDF (drafts, signed, issued, received), recipients,
-- handlers, views, and files (hồ sơ công việc). A document is also a case on
-- the case engine (documents.outgoing / documents.incoming): `document.id` is
-- the `case_file.id`; the action log there is the history of opinions,
-- approvals and decisions.

-- A register (sổ đăng ký) of one agency and one year. Numbering restarts on
-- 1 January because a new year is a new register. `sequence` keeps the
-- separate numberings Decree 30 asks for: normative documents and secret
-- documents apart from the other outgoing ones; incoming documents get a
-- consecutive arrival number per year (secret ones in their own register).
CREATE TABLE doc_register (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  agency_id   uuid NOT NULL REFERENCES agency(id),
  year        int NOT NULL CHECK (year BETWEEN 2000 AND 2200),
  direction   text NOT NULL CHECK (direction IN ('outgoing', 'incoming')),
  sequence    text NOT NULL CHECK (sequence IN ('regular', 'normative', 'secret')),
  last_number int NOT NULL DEFAULT 0 CHECK (last_number >= 0),
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (agency_id, year, direction, sequence)
);

CREATE TABLE document (
  id              uuid PRIMARY KEY,
  direction       text NOT NULL CHECK (direction IN ('outgoing', 'incoming')),
  agency_id       uuid NOT NULL REFERENCES agency(id),
  unit_path       text,
  doc_type        text NOT NULL,
  normative       boolean NOT NULL DEFAULT false,
  summary         text NOT NULL,
  -- Number and symbol (số, ký hiệu): assigned at issuance for outgoing ones, copied from the paper for incoming ones.
  number          int,
  symbol          text,
  number_symbol   text,
  issued_on       date,
  issuer_name     text NOT NULL,
  issuer_agency_id uuid REFERENCES agency(id),
  signer_name     text,
  signer_title    text,
  authority       text NOT NULL DEFAULT '' CHECK (authority IN ('', 'TM.', 'KT.', 'Q.', 'TL.', 'TUQ.')),
  secrecy         text NOT NULL DEFAULT 'none' CHECK (secrecy IN ('none', 'mat', 'toi_mat', 'tuyet_mat')),
  urgency         text NOT NULL DEFAULT 'normal' CHECK (urgency IN ('normal', 'khan', 'thuong_khan', 'hoa_toc')),
  pages           int CHECK (pages > 0),
  copies          int CHECK (copies > 0),
  due_date        date,
  drafting_unit   text,
  recipients_text text,
  register_id     uuid REFERENCES doc_register(id),
  -- The register's number: the document's number (outgoing) or its arrival number (incoming).
  register_number int,
  registered_at   timestamptz,
  arrived_at      timestamptz,
  source_document_id uuid REFERENCES document(id),
  reply_to_id     uuid REFERENCES document(id),
  lead_handler_id uuid,
  deadline        timestamptz,
  progress        text,
  finished_at     timestamptz,
  recalled_at     timestamptz,
  sent_at         timestamptz,
  state           text NOT NULL,
  current_version_id uuid,
  created_by      uuid,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (register_id, register_number)
);
CREATE INDEX document_agency ON document (agency_id, direction, created_at DESC);
CREATE INDEX document_dup ON document (agency_id, lower(number_symbol), lower(issuer_name)) WHERE direction = 'incoming';
CREATE INDEX document_lead ON document (lead_handler_id) WHERE lead_handler_id IS NOT NULL;

-- Every PDF a document had, in order; nothing is ever replaced.
CREATE TABLE document_version (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  document_id uuid NOT NULL REFERENCES document(id),
  seq         int NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('draft', 'signed', 'issued', 'received')),
  file_id     uuid NOT NULL REFERENCES file_ref(id),
  sha256      text NOT NULL,
  pages       int,
  note        text,
  -- The kernel/pki validation report of the signatures in this file (signed, issued, received).
  validation  jsonb,
  indication  text,
  created_by  uuid,
  created_by_name text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (document_id, seq)
);
ALTER TABLE document ADD CONSTRAINT document_current_version FOREIGN KEY (current_version_id) REFERENCES document_version(id);

CREATE TABLE document_recipient (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  document_id uuid NOT NULL REFERENCES document(id),
  agency_id   uuid REFERENCES agency(id),
  name        text NOT NULL,
  -- The incoming document created at the recipient agency when it was dispatched within this instance.
  incoming_id uuid REFERENCES document(id),
  status      text NOT NULL DEFAULT 'pending',
  sent_at     timestamptz,
  status_at   timestamptz,
  UNIQUE (document_id, agency_id)
);

CREATE TABLE document_handler (
  document_id uuid NOT NULL REFERENCES document(id),
  account_id  uuid NOT NULL,
  name        text NOT NULL,
  role        text NOT NULL CHECK (role IN ('lead', 'co')),
  assigned_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (document_id, account_id)
);
CREATE INDEX document_handler_account ON document_handler (account_id);

CREATE TABLE document_view (
  id          bigserial PRIMARY KEY,
  document_id uuid NOT NULL REFERENCES document(id),
  account_id  uuid NOT NULL,
  name        text NOT NULL,
  at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX document_view_doc ON document_view (document_id, at);

-- Files (hồ sơ công việc): a folder of an agency holding documents by reference, never copies.
CREATE TABLE doc_folder (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  agency_id   uuid NOT NULL REFERENCES agency(id),
  year        int NOT NULL,
  code        text NOT NULL,
  title       text NOT NULL,
  keeper_id   uuid,
  keeper_name text,
  retention   text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (agency_id, year, code)
);
CREATE TABLE doc_folder_item (
  folder_id   uuid NOT NULL REFERENCES doc_folder(id),
  document_id uuid NOT NULL REFERENCES document(id),
  added_by    uuid,
  added_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (folder_id, document_id)
);

-- The case engine checks `documents.<type>.<action>` grants; the roles table
-- named only the coarse actions. Leaders hold documents.* already.
UPDATE role SET actions = actions || ARRAY['documents.outgoing.submit', 'documents.outgoing.comment', 'documents.outgoing.revise', 'documents.outgoing.cancel',
  'documents.incoming.progress', 'documents.incoming.comment', 'documents.incoming.finish'] WHERE code = 'specialist';
UPDATE role SET actions = actions || ARRAY['documents.outgoing.submit', 'documents.outgoing.comment', 'documents.outgoing.revise', 'documents.outgoing.cancel',
  'documents.outgoing.approve', 'documents.outgoing.return', 'documents.incoming.assign', 'documents.incoming.progress', 'documents.incoming.comment',
  'documents.incoming.finish'] WHERE code = 'division_head';
UPDATE role SET actions = actions || ARRAY['documents.outgoing.issue', 'documents.outgoing.dispatch', 'documents.incoming.register',
  'documents.incoming.refuse', 'documents.incoming.comment'] WHERE code = 'clerk';
