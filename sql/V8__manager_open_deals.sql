-- Each manager's open deals, kept by the database itself (issue 3 latency): routing read them by counting the
-- deals of every on-shift manager for every batch, a cost that grew with the floor's open deals. The trigger
-- updates the manager's row in the transaction that changes a deal's owner or status, so the number is exact
-- for whoever holds that row's lock, which is how routing keeps load caps (docs/ROUTING.md, "Load caps").
ALTER TABLE managers ADD COLUMN open_deals INTEGER NOT NULL DEFAULT 0 CHECK (open_deals >= 0);

UPDATE managers m SET open_deals = (SELECT count(*) FROM deals d WHERE d.manager_id = m.id AND d.status = 'OPEN');

CREATE FUNCTION deals_count_open() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  was BIGINT := NULL;
  now_owner BIGINT := NULL;
BEGIN
  IF TG_OP <> 'INSERT' AND OLD.status = 'OPEN' THEN
    was := OLD.manager_id;
  END IF;
  IF TG_OP <> 'DELETE' AND NEW.status = 'OPEN' THEN
    now_owner := NEW.manager_id;
  END IF;
  IF was IS NOT DISTINCT FROM now_owner THEN
    RETURN NULL;
  END IF;
  IF was IS NOT NULL THEN
    UPDATE managers SET open_deals = open_deals - 1 WHERE id = was;
  END IF;
  IF now_owner IS NOT NULL THEN
    UPDATE managers SET open_deals = open_deals + 1 WHERE id = now_owner;
  END IF;
  RETURN NULL;
END $$;

-- WHEN clauses keep the function from being called at all for the common rows: a deal from the PBX is created
-- without an owner, and most updates change neither owner nor status.
CREATE TRIGGER deals_count_open_insert AFTER INSERT ON deals
  FOR EACH ROW WHEN (NEW.manager_id IS NOT NULL AND NEW.status = 'OPEN') EXECUTE FUNCTION deals_count_open();
CREATE TRIGGER deals_count_open_update AFTER UPDATE OF manager_id, status ON deals
  FOR EACH ROW WHEN (OLD.manager_id IS DISTINCT FROM NEW.manager_id OR OLD.status IS DISTINCT FROM NEW.status)
  EXECUTE FUNCTION deals_count_open();
CREATE TRIGGER deals_count_open_delete AFTER DELETE ON deals
  FOR EACH ROW WHEN (OLD.manager_id IS NOT NULL AND OLD.status = 'OPEN') EXECUTE FUNCTION deals_count_open();
