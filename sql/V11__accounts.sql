-- Accounts (tokens re-issued and revoked, managers deactivated) and webhook destinations checked at delivery.

-- A manager is deactivated, never deleted: their deals, calls and history keep pointing at them. A deactivated
-- manager takes no lead (routing chooses only active ones), logs in with no token, and stays OFF until reactivated.
ALTER TABLE managers ADD COLUMN active BOOLEAN NOT NULL DEFAULT true;
ALTER TABLE managers ADD COLUMN deactivated_at TIMESTAMPTZ;
ALTER TABLE managers ADD CONSTRAINT managers_deactivated_at CHECK (active = (deactivated_at IS NULL));
ALTER TABLE managers ADD CONSTRAINT managers_inactive_off CHECK (active OR state = 'OFF');

-- A message refused for good (its webhook's address is not allowed: notify.webhook_allow_private) is not tried
-- again; last_error says why. The drainer's claim skips such rows, so the partial index leaves them out.
ALTER TABLE outbox ADD COLUMN failed_at TIMESTAMPTZ;
DROP INDEX outbox_pending;
CREATE INDEX outbox_pending ON outbox (next_try_at) WHERE delivered_at IS NULL AND failed_at IS NULL;
