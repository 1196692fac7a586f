-- Funnel and intake (issue 6): manager webhooks, outbox ownership, speed-to-lead metering.

-- An optional outgoing webhook per manager (e.g. a messenger bot), HMAC-signed with its own secret.
ALTER TABLE managers ADD COLUMN webhook_url TEXT CHECK (webhook_url ~ '^https?://');
ALTER TABLE managers ADD COLUMN webhook_secret TEXT;

-- Whose webhook an outbox row goes to (its secret signs the delivery).
ALTER TABLE outbox ADD COLUMN manager_id BIGINT REFERENCES managers(id);

-- The speed-to-lead histogram counts each deal's first contact once, whichever path made it.
ALTER TABLE deals ADD COLUMN first_contact_metered BOOLEAN NOT NULL DEFAULT false;

-- Silent open deals for the 8-week auto-close scan.
CREATE INDEX deals_open_silence ON deals ((COALESCE(last_contact_at, arrived_at))) WHERE status = 'OPEN';
-- Open tasks that have not been flagged overdue yet.
CREATE INDEX tasks_not_flagged ON tasks (due_at) WHERE done_at IS NULL AND overdue_at IS NULL;
CREATE INDEX webhook_nonces_received ON webhook_nonces (received_at);
