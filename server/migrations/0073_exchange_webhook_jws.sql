-- Exchange: webhooks may be signed with JWS (RFC 7515, detached payload,
-- ES256) instead of HMAC. The platform's signing keys are kept here so every
-- instance signs with the same key; the public halves are published as a
-- JWKS at /api/exchange/jwks.json. A key is retired by setting retired_at; it
-- stays in the JWKS for a week after, so deliveries signed just before a
-- rotation still verify.

CREATE TABLE exchange_signing_key (
  kid          text PRIMARY KEY,
  alg          text NOT NULL CHECK (alg IN ('ES256')),
  public_jwk   jsonb NOT NULL,
  private_jwk  jsonb NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  retired_at   timestamptz
);
-- One live key at a time: two instances creating the first key at once keep one.
CREATE UNIQUE INDEX exchange_signing_key_live ON exchange_signing_key ((true)) WHERE retired_at IS NULL;

ALTER TABLE exchange_subscription ADD COLUMN signature text NOT NULL DEFAULT 'hmac' CHECK (signature IN ('hmac', 'jws'));
