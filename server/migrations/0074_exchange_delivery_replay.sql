-- Exchange: a delivery's acknowledgement (the receiver's 2xx) is final, and a
-- partner's replay request is counted once. `replay_pending` is set when a
-- replay is accepted and cleared when it has been sent (acknowledged, or out
-- of attempts): a second request while one is waiting queues nothing.
-- `replays` counts accepted replay requests, `last_replayed_at` the last send
-- of one; `delivered_at` keeps the first acknowledgement.

ALTER TABLE exchange_delivery
  ADD COLUMN replays int NOT NULL DEFAULT 0,
  ADD COLUMN replay_pending boolean NOT NULL DEFAULT false,
  ADD COLUMN last_replayed_at timestamptz;
