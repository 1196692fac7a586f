-- Issue 12, the work after the first contact: notes on tasks, manual tasks by kind, moves and cancels,
-- «статус последнего общения» on the deal, tasks made from date fields.

-- Manual tasks keep their kind (call, email, meeting, other) in the one closed set of ru.dozvon.deals.TaskKind.
ALTER TABLE tasks DROP CONSTRAINT tasks_kind_known;
ALTER TABLE tasks ADD CONSTRAINT tasks_kind_known
  CHECK (kind IN ('STAGE_ENTRY', 'CALLBACK', 'CONTACT_REQUEST', 'CLOSING_CONTROL', 'FOLLOW_UP', 'MANUAL',
                  'CALL', 'EMAIL', 'MEETING', 'OTHER'));

ALTER TABLE tasks ADD COLUMN note TEXT;                 -- the short note it was closed with («отправил»)
ALTER TABLE tasks ADD COLUMN cancelled_at TIMESTAMPTZ;  -- cancelled tasks are also done (done_at), never deleted
ALTER TABLE tasks ADD COLUMN cancel_reason TEXT;
ALTER TABLE tasks ADD COLUMN created_by TEXT;           -- the actor of a manual task; NULL: made by a rule
ALTER TABLE tasks ADD COLUMN date_field TEXT;           -- the deal field a date task follows (funnel.date_tasks)
CREATE UNIQUE INDEX tasks_one_open_per_date_field ON tasks (deal_id, date_field)
  WHERE date_field IS NOT NULL AND done_at IS NULL;
-- "does this deal have an open task" (next steps) is asked per deal
CREATE INDEX tasks_open_deal ON tasks (deal_id) WHERE done_at IS NULL;

ALTER TABLE deals ADD COLUMN contact_status TEXT;
ALTER TABLE deals ADD COLUMN contact_status_at TIMESTAMPTZ;
-- only deals with a status: a deal from the PBX is born without one and costs this index nothing
CREATE INDEX deals_open_contact_status ON deals (contact_status) WHERE status = 'OPEN' AND contact_status IS NOT NULL;
