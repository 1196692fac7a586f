-- Issue 10: the callback ladder reads its real history, and task kinds are one closed set.

-- attempts.no stays the deal's own sequence number (unique per deal, never reused); which run of the ladder an
-- attempt belongs to and which of its steps it is are kept apart, so a new ladder (a missed call after the chain
-- had stopped) never collides with the rows of an earlier one. step NULL: a call outside the ladder (an outcome
-- posted before the pending step was due): counted against the per-number limits, consuming no step.
ALTER TABLE attempts ADD COLUMN ladder INTEGER NOT NULL DEFAULT 1 CHECK (ladder >= 1);
ALTER TABLE attempts ADD COLUMN step INTEGER CHECK (step >= 1);
UPDATE attempts SET step = no;
-- REACHED_CALL_LATER: the time the lead named (NULL: the default delay)
ALTER TABLE attempts ADD COLUMN call_back_at TIMESTAMPTZ;
-- when a CANCELLED attempt was cancelled
ALTER TABLE attempts ADD COLUMN cancelled_at TIMESTAMPTZ;
UPDATE attempts SET cancelled_at = COALESCE(fired_at, due_at) WHERE state = 'CANCELLED';

-- Task kinds: the names of ru.dozvon.deals.TaskKind, everywhere (three features had spelled them their own way).
UPDATE tasks SET kind = CASE kind
    WHEN 'callback' THEN 'CALLBACK'
    WHEN 'stage_task' THEN 'STAGE_ENTRY'
    WHEN 'control' THEN 'CLOSING_CONTROL'
    WHEN 'email_request' THEN 'CONTACT_REQUEST'
    WHEN 'manual' THEN 'MANUAL'
    ELSE kind END;
UPDATE tasks SET kind = 'MANUAL'
 WHERE kind NOT IN ('STAGE_ENTRY', 'CALLBACK', 'CONTACT_REQUEST', 'CLOSING_CONTROL', 'FOLLOW_UP', 'MANUAL');
ALTER TABLE tasks ADD CONSTRAINT tasks_kind_known
  CHECK (kind IN ('STAGE_ENTRY', 'CALLBACK', 'CONTACT_REQUEST', 'CLOSING_CONTROL', 'FOLLOW_UP', 'MANUAL'));
