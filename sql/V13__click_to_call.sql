-- Issue 11 (click-to-call, the Originate queue, call outcomes, the progressive dialer).

-- The progressive dialer, switched on per manager (PATCH /api/managers/{id} {"autoDial": true}) or for everyone
-- (DOZVON_AUTODIAL=true). Off by default.
ALTER TABLE managers ADD COLUMN auto_dial BOOLEAN NOT NULL DEFAULT false;

-- What a call's end says beyond its outcome: the Q.850 hangup cause of the customer's channel (outbound: the
-- customer leg, e.g. 17 busy, 19 no answer, 20 subscriber absent, 34 congestion; inbound: the caller's channel),
-- and how long the customer waited (start to answer, or to the end). ring_seconds is the call's own ring time
-- (first dial to answer or to the last dial's end), no longer ring + wait.
ALTER TABLE calls ADD COLUMN hangup_cause INTEGER;
ALTER TABLE calls ADD COLUMN wait_seconds INTEGER;
-- calls.attempt_id (V1) now says which attempt a call we placed belongs to (its channel variable DOZVON_ATTEMPT,
-- its Originate's ActionID, or the call placed to that operator and number).
CREATE INDEX calls_attempt ON calls (attempt_id) WHERE attempt_id IS NOT NULL;

-- Who placed an attempt's call (manager:12 by a click, dialer), and on which phone.
ALTER TABLE attempts ADD COLUMN placed_by TEXT;
ALTER TABLE attempts ADD COLUMN placed_ext TEXT;

-- The dialer looks for due attempts nobody has placed yet, per manager, oldest first.
CREATE INDEX attempts_fired_unplaced ON attempts (deal_id, due_at) WHERE state = 'FIRED' AND placed_at IS NULL;
