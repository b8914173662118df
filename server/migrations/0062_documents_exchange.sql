-- Exchange of documents between congso instances as edXML packets (QCVN 102:2016), over HTTPS
-- with mutual TLS. See docs/documents.md, "Exchange between agencies".

-- The agency registry: where an agency (by its organisation code, OrganId) receives edXML
-- packets, and the TLS certificate its instance presents (pinned by SHA-256 fingerprint, and the
-- CA that issued it). A recipient whose code is here is reached over the exchange, even when the
-- agency also exists in this instance (the single-instance demo maps agencies to our own endpoint).
CREATE TABLE doc_exchange_agency (
  organ_id    text PRIMARY KEY CHECK (organ_id ~ '^[A-Z0-9.-]{2,30}$'),
  name        text NOT NULL,
  endpoint    text NOT NULL CHECK (endpoint ~ '^https://'),
  cert_sha256 text NOT NULL CHECK (cert_sha256 ~ '^[0-9a-f]{64}$'),
  ca_pem      text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Every packet sent or accepted. An inbound packet's id is its PacketId: a second packet with an
-- id already seen is a replay and is refused before anything is stored.
CREATE TABLE doc_edxml_packet (
  id           uuid NOT NULL,
  direction    text NOT NULL CHECK (direction IN ('in', 'out')),
  kind         text NOT NULL CHECK (kind IN ('document', 'status')),
  from_organ   text NOT NULL,
  to_organ     text NOT NULL,
  document_ref text NOT NULL,            -- edXML DocumentId: "OrganId,yyyy/MM/dd,number/symbol"
  status_code  text CHECK (status_code IN ('01', '02', '03', '04', '05', '06', '13', '15', '16')),
  description  text,
  document_id  uuid REFERENCES document(id),   -- our document: the outgoing one sent, or the incoming one created
  recipient_id uuid REFERENCES document_recipient(id),
  sha256       text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (direction, id)
);
CREATE INDEX doc_edxml_packet_document ON doc_edxml_packet (document_id);

-- An incoming document that arrived by edXML: who sent it and under which DocumentId, so that
-- registration, assignment and finishing answer the sender with status packets.
CREATE TABLE doc_edxml_origin (
  document_id  uuid PRIMARY KEY REFERENCES document(id),
  from_organ   text NOT NULL,
  document_ref text NOT NULL,
  packet_id    uuid NOT NULL
);

-- The sender's side: recipients reached over the exchange, and why a recipient refused.
ALTER TABLE document_recipient ADD COLUMN organ_id text;
ALTER TABLE document_recipient ADD COLUMN status_note text;
CREATE UNIQUE INDEX document_recipient_organ ON document_recipient (document_id, organ_id) WHERE organ_id IS NOT NULL;
