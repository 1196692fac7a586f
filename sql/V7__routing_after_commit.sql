-- Missed-call deals are routed after their commit, in batches (issue 3 latency: a burst of calls must not queue
-- on the best manager's row lock inside each call's transaction; docs/ROUTING.md "New deals from the PBX").
-- A deal stored this way carries routing_pending until a routing decision (an owner, or the reason it waits)
-- is stored for it; the router finds such deals through the partial index, also after a crash in between.
ALTER TABLE deals ADD COLUMN routing_pending BOOLEAN NOT NULL DEFAULT false;
CREATE INDEX deals_routing_pending ON deals (id) WHERE routing_pending;
