-- Services: fees and charges of a dossier and how they were paid (docs/services.md,
-- "Phí, lệ phí và thanh toán"). One row per attempt to pay: a payment started at a
-- gateway, a bank transfer by VietQR confirmed from the statement, or cash or card
-- at the one-stop desk with its receipt.
CREATE TABLE dossier_payment (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  dossier_id    uuid NOT NULL REFERENCES dossier(id),
  -- The dossier's place, copied so payments are scoped without a join.
  unit_path     text NOT NULL,
  agency_id     uuid,
  -- What was asked (VND) and for which fees of the dossier's procedure version.
  amount        bigint NOT NULL CHECK (amount > 0),
  purpose       text NOT NULL,
  fees          jsonb NOT NULL DEFAULT '[]'::jsonb,
  method        text NOT NULL CHECK (method IN ('vietqr', 'gateway', 'desk')),
  status        text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'paid', 'failed', 'cancelled')),
  -- A gateway payment: the gateway's name, our reference for the attempt (sent to the
  -- gateway, echoed in its callback) and the gateway's own transaction number.
  provider      text,
  provider_ref  text,
  provider_txn  text,
  -- What the provider or the desk says was paid; reconciliation shows where it differs from `amount`.
  paid_amount   bigint CHECK (paid_amount >= 0),
  receipt_no    text,
  recorded_by   text,
  note          text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  paid_at       timestamptz,
  CHECK ((status = 'paid') = (paid_at IS NOT NULL)),
  CHECK (status <> 'paid' OR paid_amount IS NOT NULL),
  CHECK (method <> 'gateway' OR (provider IS NOT NULL AND provider_ref IS NOT NULL)),
  CHECK (method = 'gateway' OR receipt_no IS NOT NULL),
  -- A callback delivered twice finds the same attempt; one gateway transaction pays one attempt.
  UNIQUE (provider, provider_ref),
  UNIQUE (provider, provider_txn)
);
-- A receipt number is used once in an office's series.
CREATE UNIQUE INDEX dossier_payment_receipt ON dossier_payment (unit_path, coalesce(agency_id::text, ''), receipt_no) WHERE receipt_no IS NOT NULL;
CREATE INDEX dossier_payment_dossier ON dossier_payment (dossier_id, created_at);
CREATE INDEX dossier_payment_paid ON dossier_payment (paid_at) WHERE status = 'paid';
