-- What the operations centre has already sent, so a reminder or a monthly
-- report goes out once however often the daily sweeps run (outbox dedupe keys
-- hold only while an entry is pending).
CREATE TABLE ops_sent (
  key      text PRIMARY KEY,
  sent_at  timestamptz NOT NULL DEFAULT now()
);
