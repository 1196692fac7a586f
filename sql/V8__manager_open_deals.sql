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

CREATE TRIGGER deals_count_open AFTER INSERT OR DELETE OR UPDATE OF manager_id, status ON deals
  FOR EACH ROW EXECUTE FUNCTION deals_count_open();
