-- Issue 12: follow-up cadences after contact, and the «холодная» mark.
-- cold_since: the deal has been silent for funnel.follow_ups.cold_after (a month); a contact clears it.
ALTER TABLE deals ADD COLUMN cold_since timestamptz;
-- thinking_since: the client "will think it over" without a date: a call every week until the deal moves or closes.
ALTER TABLE deals ADD COLUMN thinking_since timestamptz;
-- Which cadence made a task (no_answer, thinking, offer, client_deadline) and why it is due when it is;
-- NULL for every other task. Cadence tasks close when the deal moves to another stage.
ALTER TABLE tasks ADD COLUMN cadence text;
ALTER TABLE tasks ADD COLUMN why text;
CREATE INDEX deals_cold ON deals (cold_since) WHERE cold_since IS NOT NULL;
CREATE INDEX tasks_open_cadence ON tasks (deal_id) WHERE cadence IS NOT NULL AND done_at IS NULL;
