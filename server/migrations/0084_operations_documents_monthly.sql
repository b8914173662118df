-- Operations centre: document figures (issued, received, electronically signed,
-- overdue) projected from the documents' case events, and a monthly rollup so a
-- year's screen sums a few thousand rows instead of a year of days.

ALTER TABLE ops_fact DROP CONSTRAINT ops_fact_kind_check;
ALTER TABLE ops_fact ADD CONSTRAINT ops_fact_kind_check CHECK (kind IN ('dossier', 'report', 'document'));
-- Documents: issued (outgoing) with an electronic signature; NULL when not known.
ALTER TABLE ops_fact ADD COLUMN signed boolean;
-- Documents' counters: received = incoming documents arrived, issued = outgoing documents
-- issued, signed = of those, issued with an electronic signature; finished / on_time / late =
-- incoming documents handled (against their deadline).
ALTER TABLE ops_daily ADD COLUMN issued int NOT NULL DEFAULT 0, ADD COLUMN signed int NOT NULL DEFAULT 0;
-- "Overdue now" of every kind reads today's few open cases by due day.
CREATE INDEX ops_fact_open_day ON ops_fact (((due_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date)) WHERE open AND due_at IS NOT NULL;

-- The same counters per calendar month, written in the same transaction as ops_daily:
-- a period's figures are whole months from here and the edge days from ops_daily.
CREATE TABLE ops_monthly (
  month        date NOT NULL,
  kind         text NOT NULL,
  unit_path    text NOT NULL,
  agency_key   text NOT NULL,
  channel      text NOT NULL,
  received     int NOT NULL DEFAULT 0,
  finished     int NOT NULL DEFAULT 0,
  early        int NOT NULL DEFAULT 0,
  on_time      int NOT NULL DEFAULT 0,
  late         int NOT NULL DEFAULT 0,
  rated        int NOT NULL DEFAULT 0,
  satisfied    int NOT NULL DEFAULT 0,
  issued       int NOT NULL DEFAULT 0,
  signed       int NOT NULL DEFAULT 0,
  PRIMARY KEY (month, kind, unit_path, agency_key, channel),
  CHECK (month = date_trunc('month', month)::date)
);
INSERT INTO ops_monthly (month, kind, unit_path, agency_key, channel, received, finished, early, on_time, late, rated, satisfied, issued, signed)
  SELECT date_trunc('month', day)::date, kind, unit_path, agency_key, channel, sum(received), sum(finished), sum(early), sum(on_time),
         sum(late), sum(rated), sum(satisfied), sum(issued), sum(signed)
    FROM ops_daily GROUP BY 1, 2, 3, 4, 5;

INSERT INTO ops_live_target (key, target, amber, direction, basis) VALUES
  ('documents.signedShare', 100, 90, 'up', 'Quyết định 749/QĐ-TTg: 100% văn bản trao đổi giữa các cơ quan nhà nước dưới dạng điện tử, có ký số'),
  ('documents.overdueRate', 0, 10, 'down', 'Nghị định 30/2020/NĐ-CP: văn bản đến được giải quyết đúng thời hạn')
ON CONFLICT (key) DO NOTHING;
