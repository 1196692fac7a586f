-- The mark of a deal waiting for its first routing decision (V7's deals.routing_pending) becomes a row of a table of
-- its own. Clearing the column was an UPDATE of the deal right after its insert that no index spared (the predicate
-- of deals_routing_pending changed, so no HOT update): a second version of every deal from the PBX, with an entry in
-- each of the deals table's indexes, and the database's busiest statement at 500 missed calls a second
-- (docs/BENCHMARKS.md, session 10). Now the mark is inserted beside the deal, in the same statement, and deleted when
-- routing decides; the deal row is written once. Deals are never deleted, so no foreign key (its check would lock
-- the deal row just inserted, a write of its own).
CREATE TABLE routing_pending (deal_id BIGINT PRIMARY KEY);
INSERT INTO routing_pending (deal_id) SELECT id FROM deals WHERE routing_pending;
DROP INDEX deals_routing_pending;
ALTER TABLE deals DROP COLUMN routing_pending;
