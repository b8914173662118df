-- Short videos with reports: stored as sent until a job re-encodes them (resized, metadata
-- removed unless the reporter keeps the location); only the re-encoded copy is ever served.
ALTER TABLE feedback_media
  ADD COLUMN kind text NOT NULL DEFAULT 'photo' CHECK (kind IN ('photo', 'video')),
  ADD COLUMN status text NOT NULL DEFAULT 'ready' CHECK (status IN ('processing', 'ready', 'failed'));
