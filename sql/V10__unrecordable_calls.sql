-- Calls the database refused for good (a constraint, a value PostgreSQL will not take), kept in a minimal form
-- so that none is lost and none blocks the calls behind it: the call's facts as the PBX gave them (JSON, NUL
-- characters spelled out as \u0000 text), why it was refused, and whether someone has looked at it. Written only
-- by telephony; no CHECK here, so the row itself cannot be refused for the call's content.
CREATE TABLE unrecordable_calls (
  id               BIGSERIAL   PRIMARY KEY,
  pbx_call_id      TEXT        NOT NULL UNIQUE,
  facts            JSONB       NOT NULL,
  error            TEXT        NOT NULL,
  sqlstate         TEXT,                      -- null for a failure that carried none (a bug in our code)
  attempts         INTEGER     NOT NULL,      -- tries to record it (in the run that filed it)
  first_failed_at  TIMESTAMPTZ NOT NULL,
  filed_at         TIMESTAMPTZ NOT NULL,
  acknowledged_at  TIMESTAMPTZ,               -- a supervisor has seen it: no longer degrades /health
  acknowledged_by  TEXT
);
-- /health counts the rows nobody has acknowledged, on every poll: usually none, so an empty index.
CREATE INDEX unrecordable_calls_open ON unrecordable_calls (id) WHERE acknowledged_at IS NULL;
