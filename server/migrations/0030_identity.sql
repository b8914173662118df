-- Identity: accounts (citizens, businesses, officials), sessions, roles as data,
-- role assignments scoped to a unit and/or an agency, login throttling, password
-- reset tokens and OpenID Connect links.

CREATE TABLE account (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  kind           text NOT NULL CHECK (kind IN ('citizen', 'business', 'official')),
  name           text NOT NULL,
  -- Số định danh cá nhân (CCCD, 12 digits) of a citizen; tax code (mã số thuế) of a business.
  personal_id    text CHECK (personal_id ~ '^[0-9]{12}$'),
  tax_code       text CHECK (tax_code ~ '^[0-9]{10}(-[0-9]{3})?$'),
  official_id    uuid REFERENCES official(id),
  -- Stored normalised: email lower-cased, phone as 0XXXXXXXXX.
  email          text,
  phone          text,
  -- NULL when the account signs in only through OpenID Connect.
  password_hash  text,
  totp_secret    text,
  totp_enabled   boolean NOT NULL DEFAULT false,
  totp_pending   text,
  active         boolean NOT NULL DEFAULT true,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  CHECK (kind <> 'citizen' OR personal_id IS NOT NULL),
  CHECK (kind <> 'business' OR tax_code IS NOT NULL),
  CHECK (kind <> 'official' OR official_id IS NOT NULL)
);
CREATE UNIQUE INDEX account_email ON account (email) WHERE email IS NOT NULL;
CREATE UNIQUE INDEX account_phone ON account (phone) WHERE phone IS NOT NULL;
CREATE UNIQUE INDEX account_personal_id ON account (personal_id) WHERE personal_id IS NOT NULL;
CREATE UNIQUE INDEX account_tax_code ON account (tax_code) WHERE tax_code IS NOT NULL;
CREATE UNIQUE INDEX account_official ON account (official_id) WHERE official_id IS NOT NULL;

CREATE TABLE session (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- SHA-256 of the cookie's 256-bit token: a leaked table gives no usable session.
  token_hash    bytea NOT NULL UNIQUE,
  account_id    uuid NOT NULL REFERENCES account(id) ON DELETE CASCADE,
  csrf_token    text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz NOT NULL,
  last_seen_at  timestamptz NOT NULL DEFAULT now(),
  ip            text,
  user_agent    text
);
CREATE INDEX session_account ON session (account_id);
CREATE INDEX session_expires ON session (expires_at);

CREATE TABLE role (
  code     text PRIMARY KEY,
  name     text NOT NULL,
  name_en  text NOT NULL,
  actions  text[] NOT NULL
);

CREATE TABLE role_assignment (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id  uuid NOT NULL REFERENCES account(id) ON DELETE CASCADE,
  role_code   text NOT NULL REFERENCES role(code),
  unit_id     uuid REFERENCES org_unit(id),
  agency_id   uuid REFERENCES agency(id),
  created_at  timestamptz NOT NULL DEFAULT now(),
  created_by  text
);
CREATE INDEX role_assignment_account ON role_assignment (account_id);
CREATE UNIQUE INDEX role_assignment_unique ON role_assignment
  (account_id, role_code, coalesce(unit_id, '00000000-0000-0000-0000-000000000000'::uuid),
   coalesce(agency_id, '00000000-0000-0000-0000-000000000000'::uuid));

-- Failed sign-ins, keyed 'account:<id>', 'ident:<normalised identifier>' (identifiers
-- with no account are locked exactly like real ones, so a lock reveals nothing) and 'ip:<address>'.
CREATE TABLE login_failure (
  key           text PRIMARY KEY,
  failures      int NOT NULL DEFAULT 0,
  first_at      timestamptz NOT NULL DEFAULT now(),
  locked_until  timestamptz
);

CREATE TABLE password_reset (
  token_hash  bytea PRIMARY KEY,
  account_id  uuid NOT NULL REFERENCES account(id) ON DELETE CASCADE,
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL,
  used_at     timestamptz
);
CREATE INDEX password_reset_account ON password_reset (account_id);

CREATE TABLE oidc_link (
  issuer      text NOT NULL,
  subject     text NOT NULL,
  account_id  uuid NOT NULL REFERENCES account(id) ON DELETE CASCADE,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (issuer, subject)
);

-- An OpenID Connect sign-in in progress: state, nonce and PKCE verifier, for ten minutes.
CREATE TABLE oidc_flow (
  state          text PRIMARY KEY,
  nonce          text NOT NULL,
  code_verifier  text NOT NULL,
  return_to      text NOT NULL,
  expires_at     timestamptz NOT NULL
);
