-- Issue 14: calls missed while Dozvon was down, recovered from Asterisk's CDRs (cdr_pgsql).
-- One row per CDR table read (source: the CDR database, never its password, and the table): CDR rows that ended up
-- to read_to were reconciled. Each reconcile reads again from read_to minus telephony.cdr.overlap.
CREATE TABLE cdr_watermarks (
  source      text        PRIMARY KEY,
  read_to     timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL
);
