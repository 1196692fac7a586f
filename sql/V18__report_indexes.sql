-- Issue 13: reports for a period (ru.dozvon.reports, docs/REPORTS.md) and the live figures of today. Each reads a
-- range of one time column; without these it scanned the whole table once per report (and every 5 s per staff
-- stream, for the live figures of today's leads).
CREATE INDEX deals_arrived ON deals (arrived_at);
CREATE INDEX deals_closed ON deals (closed_at) WHERE closed_at IS NOT NULL;
CREATE INDEX calls_missed_started ON calls (started_at) WHERE missed;
CREATE INDEX attempts_due_all ON attempts (due_at);
