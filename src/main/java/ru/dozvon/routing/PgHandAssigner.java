package ru.dozvon.routing;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import ru.dozvon.deals.DealEvent;
import ru.dozvon.deals.DealStatus;
import ru.dozvon.deals.DealEventChain;
import ru.dozvon.errors.NotFound;
import ru.dozvon.errors.RuleViolation;
import ru.dozvon.live.FeedEvent;
import ru.dozvon.live.LiveFeed;

/**
 * A supervisor's reassignment. Locks the deal's row, then the manager's (the order of every routing path),
 * counts the manager's open deals after the lock, and sweeps the queue after the commit when the previous
 * owner got room back.
 */
final class PgHandAssigner {

  private final Pool pool;
  private final RoutingVerticle routing;
  private final Clock clock;
  private final LiveFeed feed;
  private final DealEventChain listeners;

  PgHandAssigner(Pool pool, RoutingVerticle routing, Clock clock, LiveFeed feed, DealEventChain listeners) {
    this.pool = pool;
    this.routing = routing;
    this.clock = clock;
    this.feed = feed;
    this.listeners = listeners;
  }

  /** What a hand assignment did. */
  record ByHand(long dealId, long managerId, Long previousManagerId, boolean aboveCap, JsonObject decision) {
  }

  /**
   * A supervisor gives the deal to a manager. Refused for a closed deal, for the manager who already has it,
   * and above the manager's cap unless forced (the history then says so).
   */
  Future<ByHand> assignByHand(long dealId, long managerId, String reason, boolean force, String actor) {
    Instant now = clock.instant();
    return pool.withTransaction(tx -> tx.preparedQuery("SELECT status, manager_id FROM deals WHERE id = $1 FOR UPDATE")
        .execute(Tuple.of(dealId))
        .compose(rows -> {
          if (rows.size() == 0) {
            throw new NotFound("deal " + dealId);
          }
          Row deal = rows.iterator().next();
          if (DealStatus.valueOf(deal.getString("status")) != DealStatus.OPEN) {
            throw new RuleViolation("deal_closed", "deal " + dealId + " is " + deal.getString("status")
                + "; only an open deal can be reassigned");
          }
          Long previous = deal.getLong("manager_id");
          if (previous != null && previous == managerId) {
            throw new RuleViolation("already_assigned", "deal " + dealId + " is already with manager " + managerId);
          }
          // the managers' rows after the deal's (the order of every path), the new owner's and the previous
          // one's in ascending id order (the trigger on deals updates both), then the load in a later statement
          Long[] owners = previous == null ? new Long[] {managerId}
              : new Long[] {Math.min(managerId, previous), Math.max(managerId, previous)};
          return tx.preparedQuery("SELECT id FROM managers WHERE id = ANY($1) ORDER BY id FOR NO KEY UPDATE")
              .execute(Tuple.of(owners))
              .compose(x -> tx.preparedQuery("""
                  SELECT m.name, m.state, m.max_active_deals, m.open_deals AS active, m.active AS enabled
                  FROM managers m WHERE m.id = $1""").execute(Tuple.of(managerId)))
              .compose(found -> {
                if (found.size() == 0) {
                  throw new NotFound("manager " + managerId);
                }
                Row m = found.iterator().next();
                if (!m.getBoolean("enabled")) {
                  throw new RuleViolation("manager_inactive", m.getString("name") + " (manager " + managerId
                      + ") is deactivated and takes no deals");
                }
                int active = m.getLong("active").intValue();
                int max = m.getInteger("max_active_deals");
                boolean aboveCap = active >= max;
                if (aboveCap && !force) {
                  throw new RuleViolation("load_cap", String.format(Locale.ROOT,
                      "%s already has %d/%d deals; send \"force\": true to assign above the cap",
                      m.getString("name"), active, max));
                }
                String why = reason + (aboveCap ? String.format(Locale.ROOT,
                    " (forced above the load cap: %d/%d deals before this one)", active, max) : "");
                JsonObject decision = new JsonObject().put("strategy", "manual").put("assigned", true)
                    .put("managerId", managerId).put("byHand", true).put("actor", actor).put("reason", why)
                    .put("previousManagerId", previous).put("forcedAboveCap", aboveCap)
                    .put("managerState", m.getString("state"))
                    .put("load", new JsonObject().put("activeDeals", active).put("maxActiveDeals", max));
                JsonObject history = new JsonObject().put("managerId", managerId).put("previousManagerId", previous)
                    .put("byHand", true).put("reason", why).put("forcedAboveCap", aboveCap);
                return PgRoutingRepository.applyByHand(tx, dealId, managerId, decision, actor, history, now)
                    .compose(x -> listeners.publish(tx, new DealEvent.Assigned(dealId, managerId, true, now)))
                    .map(x -> new ByHand(dealId, managerId, previous, aboveCap, decision));
              });
        }))
        .onSuccess(done -> {
          feed.publish(new FeedEvent("deal.assigned", dealId, managerId, now, new JsonObject()
              .put("strategy", "manual").put("reason", done.decision().getString("reason")).put("byHand", true)
              .put("previousManagerId", done.previousManagerId())));
        })
        // The previous owner has room again: a waiting deal may take it. Swept after the commit, in a
        // transaction of its own, because this one holds the new owner's row, and the queue locks managers in
        // id order (holding one row while locking others out of order could deadlock with a sweep).
        .compose(done -> done.previousManagerId() == null ? Future.succeededFuture(done)
            : routing.assignWaiting().map(n -> done));
  }

}
