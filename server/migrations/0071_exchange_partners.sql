-- Exchange: partner systems of the provincial integration platform (LGSP),
-- their OAuth 2.0 client credentials and tokens, the access they are granted
-- per scope by the agency that owns the data (Decree 47/2020 as amended by
-- Decree 194/2025: answered within 2 working days or refused with reasons),
-- webhook subscriptions and deliveries, and a hash-chained exchange log.

CREATE TABLE exchange_partner (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- X-Road style identifier: member class / member code / subsystem.
  member_class   text NOT NULL CHECK (member_class ~ '^[A-Z]{2,10}$'),
  member_code    text NOT NULL CHECK (member_code ~ '^[A-Za-z0-9.\-]{2,40}$'),
  subsystem      text NOT NULL CHECK (subsystem ~ '^[A-Za-z0-9.\-]{2,40}$'),
  agency_name    text NOT NULL,
  system_name    text NOT NULL,
  contact_name   text NOT NULL,
  contact_email  text NOT NULL,
  client_id      text NOT NULL UNIQUE,
  -- SHA-256 of a 256-bit random secret: high entropy, so a slow hash adds nothing.
  secret_hash    bytea NOT NULL,
  active         boolean NOT NULL DEFAULT true,
  created_by     text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (member_class, member_code, subsystem)
);

CREATE TABLE exchange_token (
  token_hash  bytea PRIMARY KEY,
  partner_id  uuid NOT NULL REFERENCES exchange_partner(id) ON DELETE CASCADE,
  scopes      text[] NOT NULL,
  expires_at  timestamptz NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX exchange_token_expiry ON exchange_token (expires_at);

CREATE TABLE exchange_grant (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partner_id       uuid NOT NULL REFERENCES exchange_partner(id),
  scope            text NOT NULL,
  owner_agency_id  uuid NOT NULL,
  purpose          text NOT NULL,
  status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'granted', 'refused', 'revoked')),
  requested_at     timestamptz NOT NULL DEFAULT now(),
  due_at           timestamptz NOT NULL,
  decided_at       timestamptz,
  decided_by       text,
  reason           text,
  CHECK (status <> 'refused' OR length(reason) >= 10)
);
-- At most one open request or live grant per partner, scope and owner.
CREATE UNIQUE INDEX exchange_grant_live ON exchange_grant (partner_id, scope, owner_agency_id) WHERE status IN ('pending', 'granted');
CREATE INDEX exchange_grant_owner ON exchange_grant (owner_agency_id, status);

CREATE TABLE exchange_subscription (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  partner_id  uuid NOT NULL REFERENCES exchange_partner(id),
  event_type  text NOT NULL,
  url         text NOT NULL,
  -- The HMAC key: it must be readable to sign, so it is kept, never shown again after creation.
  secret      text NOT NULL,
  active      boolean NOT NULL DEFAULT true,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX exchange_subscription_event ON exchange_subscription (event_type) WHERE active;

CREATE TABLE exchange_delivery (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  subscription_id  uuid NOT NULL REFERENCES exchange_subscription(id),
  partner_id       uuid NOT NULL REFERENCES exchange_partner(id),
  event_id         text NOT NULL,
  event_type       text NOT NULL,
  payload          jsonb NOT NULL,
  status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failing')),
  attempts         int NOT NULL DEFAULT 0,
  last_status      int,
  last_error       text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  delivered_at     timestamptz,
  UNIQUE (subscription_id, event_id)
);
CREATE INDEX exchange_delivery_partner ON exchange_delivery (partner_id, created_at DESC);

-- Every partner call and delivery attempt, chained like the audit log: each
-- entry's hash covers its content and the previous entry's hash.
CREATE TABLE exchange_log (
  seq          bigserial PRIMARY KEY,
  at           timestamptz NOT NULL,
  partner_id   uuid,
  kind         text NOT NULL CHECK (kind IN ('token', 'call', 'delivery')),
  operation    text NOT NULL,
  status       int NOT NULL,
  duration_ms  int NOT NULL,
  request_id   text,
  detail       jsonb,
  prev_hash    text NOT NULL,
  hash         text NOT NULL
);
CREATE INDEX exchange_log_partner ON exchange_log (partner_id, at);

UPDATE role SET actions = actions || ARRAY['exchange.grant.decide'] WHERE code = 'leader';
