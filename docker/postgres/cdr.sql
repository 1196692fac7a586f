-- The CDR table Asterisk's cdr_pgsql writes to (docs/TELEPHONY.md "Calls missed while Dozvon was down").
-- Columns and types as Asterisk 22's contrib/realtime/postgresql/postgresql_cdr.sql has them (alembic revisions
-- 210693f3123d and 54cde9847798): no calldate column; start/answer/end are timestamps without a time zone, written
-- in cdr_pgsql.conf's timezone (set timezone=UTC there). cdr_pgsql reads the columns at load and writes only those
-- that exist. Dozvon reads the table; it never writes it. It lives in a schema of its own, asterisk: Dozvon's
-- migrations (Flyway) start only on an empty public schema, and this file runs before Dozvon's first start.
-- In cdr_pgsql.conf: table=asterisk.cdr; for Dozvon: DOZVON_CDR_TABLE=asterisk.cdr.
CREATE SCHEMA IF NOT EXISTS asterisk;
CREATE TABLE IF NOT EXISTS asterisk.cdr (
  accountcode  varchar(80),
  src          varchar(80),
  dst          varchar(80),
  dcontext     varchar(80),
  clid         varchar(80),
  channel      varchar(80),
  dstchannel   varchar(80),
  lastapp      varchar(80),
  lastdata     varchar(80),
  start        timestamp without time zone,
  answer       timestamp without time zone,
  "end"        timestamp without time zone,
  duration     integer,
  billsec      integer,
  disposition  varchar(45),
  amaflags     varchar(45),
  userfield    varchar(256),
  uniqueid     varchar(150),
  linkedid     varchar(150),
  peeraccount  varchar(80),
  sequence     integer
);
-- Asterisk's file creates no index; Dozvon's reconcile reads by "end", then every row of those calls by linkedid.
CREATE INDEX IF NOT EXISTS cdr_end ON asterisk.cdr ("end");
CREATE INDEX IF NOT EXISTS cdr_linkedid ON asterisk.cdr (linkedid);
