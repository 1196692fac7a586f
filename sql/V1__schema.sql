-- Dozvon schema v1: the whole domain of DOMAIN.md.
-- Never edit an applied migration: add V2__..., V3__... instead.

-- People -------------------------------------------------------------------------------

-- A manager (operator) works leads; a supervisor watches the floor. Both log in with tokens.
CREATE TABLE managers (
  id               BIGSERIAL PRIMARY KEY,
  name             TEXT        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  extension        TEXT        UNIQUE CHECK (extension ~ '^[0-9]{2,10}$'),
  role             TEXT        NOT NULL DEFAULT 'operator' CHECK (role IN ('operator', 'supervisor')),
  max_active_deals INTEGER     NOT NULL CHECK (max_active_deals BETWEEN 0 AND 10000),
  timezone         TEXT,
  state            TEXT        NOT NULL DEFAULT 'OFF' CHECK (state IN ('ON_SHIFT', 'PAUSED', 'OFF')),
  pbx_paused       BOOLEAN     NOT NULL DEFAULT false,
  created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Bearer tokens, stored as SHA-256 hashes only. manager_id NULL = the built-in admin.
CREATE TABLE api_tokens (
  token_hash  BYTEA       PRIMARY KEY,
  role        TEXT        NOT NULL CHECK (role IN ('admin', 'supervisor', 'operator')),
  manager_id  BIGINT      REFERENCES managers(id) ON DELETE CASCADE,
  label       TEXT        NOT NULL,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  revoked_at  TIMESTAMPTZ,
  CHECK ((role = 'admin') = (manager_id IS NULL))
);
CREATE INDEX api_tokens_manager ON api_tokens (manager_id);

-- Contacts and deals --------------------------------------------------------------------

CREATE TABLE contacts (
  id          BIGSERIAL PRIMARY KEY,
  name        TEXT,
  phone       TEXT UNIQUE CHECK (phone ~ '^\+[1-9][0-9]{6,14}$'),   -- E.164
  phone_kind  TEXT CHECK (phone_kind IN ('MOBILE', 'FIXED_LINE', 'OTHER')),
  email       TEXT UNIQUE CHECK (email = lower(email)),
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  CHECK (phone IS NOT NULL OR email IS NOT NULL)
);

CREATE TABLE deals (
  id                BIGSERIAL PRIMARY KEY,
  contact_id        BIGINT      NOT NULL REFERENCES contacts(id),
  source            TEXT        NOT NULL CHECK (source IN
                      ('missed_call', 'inbound_call', 'web_form', 'chat', 'email', 'messenger', 'manual')),
  status            TEXT        NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'WON', 'LOST', 'INVALID')),
  stage             TEXT        NOT NULL DEFAULT 'new',
  manager_id        BIGINT      REFERENCES managers(id),
  priority          TEXT        CHECK (priority IN ('RED', 'YELLOW', 'GREEN')),
  score             INTEGER,
  fields            JSONB       NOT NULL DEFAULT '{}'::jsonb,     -- everything that came with the request
  loss_reason       TEXT,
  close_reason      TEXT,
  close_comment     TEXT,
  linked_deal_id    BIGINT      REFERENCES deals(id),          -- a new deal started from an old lost one
  arrived_at        TIMESTAMPTZ NOT NULL,
  first_contact_at  TIMESTAMPTZ,                                -- speed-to-lead ends here
  last_contact_at   TIMESTAMPTZ,
  closed_at         TIMESTAMPTZ,
  created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
  CHECK ((status = 'OPEN') = (closed_at IS NULL))
);
-- The rule "one open deal per contact", kept by the database itself.
CREATE UNIQUE INDEX deals_one_open_per_contact ON deals (contact_id) WHERE status = 'OPEN';
CREATE INDEX deals_manager_open ON deals (manager_id) WHERE status = 'OPEN';
CREATE INDEX deals_created ON deals (created_at DESC, id DESC);
CREATE INDEX deals_unassigned ON deals (created_at) WHERE status = 'OPEN' AND manager_id IS NULL;

-- Routing decisions: why this manager got this deal.
CREATE TABLE assignments (
  id          BIGSERIAL PRIMARY KEY,
  deal_id     BIGINT      NOT NULL REFERENCES deals(id),
  manager_id  BIGINT      REFERENCES managers(id),
  strategy    TEXT        NOT NULL,
  decision    JSONB       NOT NULL,             -- candidates with rating and load, and the reason
  by_hand     BOOLEAN     NOT NULL DEFAULT false,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX assignments_deal ON assignments (deal_id, id);

-- Telephony ----------------------------------------------------------------------------

-- One row per PBX call, unique by the PBX call id (Asterisk Linkedid).
CREATE TABLE calls (
  id               BIGSERIAL PRIMARY KEY,
  pbx_call_id      TEXT        NOT NULL UNIQUE,
  direction        TEXT        NOT NULL CHECK (direction IN ('INBOUND', 'OUTBOUND', 'INTERNAL')),
  outcome          TEXT        NOT NULL,
  missed           BOOLEAN     NOT NULL,
  customer_phone   TEXT,
  caller_raw       TEXT,
  withheld         BOOLEAN     NOT NULL DEFAULT false,
  company_number   TEXT,
  operator_ext     TEXT,
  queue            TEXT,
  deal_id          BIGINT      REFERENCES deals(id),
  attempt_id       BIGINT,
  started_at       TIMESTAMPTZ NOT NULL,
  answered_at      TIMESTAMPTZ,
  ended_at         TIMESTAMPTZ NOT NULL,
  ring_seconds     INTEGER     NOT NULL DEFAULT 0,
  talk_seconds     INTEGER     NOT NULL DEFAULT 0,
  expired          BOOLEAN     NOT NULL DEFAULT false,     -- closed by time-out, not by the PBX
  recorded_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX calls_deal ON calls (deal_id);
CREATE INDEX calls_phone ON calls (customer_phone, ended_at DESC);
CREATE INDEX calls_ended ON calls (ended_at DESC);

-- Dialing ------------------------------------------------------------------------------

-- Callback attempts: the durable schedule. Claimed with FOR UPDATE SKIP LOCKED when due.
CREATE TABLE attempts (
  id           BIGSERIAL PRIMARY KEY,
  deal_id      BIGINT      NOT NULL REFERENCES deals(id),
  no           INTEGER     NOT NULL CHECK (no >= 1),
  of_total     INTEGER     NOT NULL,
  due_at       TIMESTAMPTZ NOT NULL,
  why          TEXT        NOT NULL,
  state        TEXT        NOT NULL DEFAULT 'PENDING'
                 CHECK (state IN ('PENDING', 'FIRED', 'PLACED', 'DONE', 'CANCELLED')),
  fired_at     TIMESTAMPTZ,
  fired_by     TEXT,                      -- instance that fired it
  placed_at    TIMESTAMPTZ,
  outcome      TEXT CHECK (outcome IN ('REACHED', 'REACHED_CALL_LATER', 'NO_ANSWER', 'BUSY', 'UNAVAILABLE', 'FAILED')),
  outcome_at   TIMESTAMPTZ,
  pbx_call_id  TEXT,
  created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  UNIQUE (deal_id, no)
);
CREATE INDEX attempts_due ON attempts (due_at, id) WHERE state = 'PENDING';
ALTER TABLE calls ADD CONSTRAINT calls_attempt_fk FOREIGN KEY (attempt_id) REFERENCES attempts(id);

-- Tasks ---------------------------------------------------------------------------------

CREATE TABLE tasks (
  id            BIGSERIAL PRIMARY KEY,
  deal_id       BIGINT      REFERENCES deals(id),
  manager_id    BIGINT      REFERENCES managers(id),
  for_role      TEXT        NOT NULL DEFAULT 'MANAGER' CHECK (for_role IN ('MANAGER', 'SUPERVISOR')),
  kind          TEXT        NOT NULL,            -- callback, stage_task, control, email_request, manual
  title         TEXT        NOT NULL,
  priority      TEXT        CHECK (priority IN ('RED', 'YELLOW', 'GREEN')),
  due_at        TIMESTAMPTZ NOT NULL,
  attempt_id    BIGINT      REFERENCES attempts(id),
  done_at       TIMESTAMPTZ,
  overdue_at    TIMESTAMPTZ,                     -- set once by the scheduler when it went overdue
  created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX tasks_open_due ON tasks (due_at) WHERE done_at IS NULL;
CREATE INDEX tasks_open_manager ON tasks (manager_id, due_at) WHERE done_at IS NULL;
CREATE UNIQUE INDEX tasks_one_per_attempt ON tasks (attempt_id) WHERE attempt_id IS NOT NULL;

-- History: append-only. Every change to a deal (stage, owner, attempt, note, call) lands here.
CREATE TABLE deal_history (
  id          BIGSERIAL PRIMARY KEY,
  deal_id     BIGINT      NOT NULL REFERENCES deals(id),
  at          TIMESTAMPTZ NOT NULL DEFAULT now(),
  kind        TEXT        NOT NULL,       -- created, call, attempt_scheduled, attempt_outcome, stage, owner, note, closed, reopened
  actor       TEXT        NOT NULL,       -- 'system', 'pbx', 'manager:12', 'admin'
  details     JSONB       NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX deal_history_deal ON deal_history (deal_id, id);

CREATE FUNCTION deal_history_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'deal_history is append-only';
END $$;
CREATE TRIGGER deal_history_no_update BEFORE UPDATE OR DELETE ON deal_history
  FOR EACH ROW EXECUTE FUNCTION deal_history_append_only();

-- Intake --------------------------------------------------------------------------------

-- Idempotency-Key of POST /api/leads: the same key returns the same deal.
CREATE TABLE lead_requests (
  idempotency_key  TEXT        PRIMARY KEY,
  deal_id          BIGINT      NOT NULL REFERENCES deals(id),
  status_code      INTEGER     NOT NULL,
  created_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Replay protection of signed webhooks.
CREATE TABLE webhook_nonces (
  source      TEXT        NOT NULL,
  signature   TEXT        NOT NULL,
  received_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (source, signature)
);

-- Outgoing notifications, delivered at least once.
CREATE TABLE outbox (
  id            BIGSERIAL PRIMARY KEY,
  topic         TEXT        NOT NULL,
  target_url    TEXT        NOT NULL,
  payload       JSONB       NOT NULL,
  attempts      INTEGER     NOT NULL DEFAULT 0,
  next_try_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  delivered_at  TIMESTAMPTZ,
  last_error    TEXT,
  created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX outbox_pending ON outbox (next_try_at) WHERE delivered_at IS NULL;
