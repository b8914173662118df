-- Operations centre: open cases per handling unit and agency (one row each),
-- written with ops_open in the same transaction. "Overdue now" is then the
-- total less the cases not yet due (ops_open rows from today on, a short range
-- by the index below) plus today's past-due ones, instead of a sum over every
-- past due day.
CREATE TABLE ops_open_total (
  kind        text NOT NULL,
  unit_path   text NOT NULL,
  agency_key  text NOT NULL,
  n           int NOT NULL,
  PRIMARY KEY (kind, unit_path, agency_key)
);
INSERT INTO ops_open_total (kind, unit_path, agency_key, n)
  SELECT kind, unit_path, agency_key, sum(n) FROM ops_open GROUP BY 1, 2, 3;
CREATE INDEX ops_open_due ON ops_open (due_day) INCLUDE (kind, unit_path, agency_key, n);
