-- How an applicant wants to hear about their dossiers (docs/services.md,
-- "Notifications"): any of email, SMS, Zalo. No row: email (or SMS when the
-- dossier has a phone number and no email).
CREATE TABLE notification_preference (
  owner_id    text PRIMARY KEY,
  channels    text[] NOT NULL CHECK (channels <@ ARRAY['email', 'sms', 'zalo']::text[] AND cardinality(channels) > 0),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
