package ru.dozvon.routing;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import ru.dozvon.errors.NotFound;
import ru.dozvon.errors.RuleViolation;
import ru.dozvon.live.FeedEvent;
import ru.dozvon.live.LiveFeed;
import ru.dozvon.live.Meters;
import ru.dozvon.routing.PgRoutingRepository.Routed;

/**
 * Gives deals their manager in the database: a new deal inside the transaction that created it, the
 * unassigned queue in a transaction of its own, and a supervisor's reassignment. Every path takes the routing
 * lock before it counts loads (see {@link PgRoutingRepository}).
 */
final class PgLeadAssigner {

  /** Deals routed per sweep transaction; a full batch is followed by another. */
  static final int SWEEP_BATCH = 200;

  /** Waiting deals tried when one deal's worth of capacity was freed inside another transaction. */
  static final int FREED_BATCH = 10;

  private final Pool pool;
  private final RoutingVerticle routing;
  private final Clock clock;
  private final LiveFeed feed;
  private final Meters meters;

  PgLeadAssigner(Pool pool, RoutingVerticle routing, Clock clock, LiveFeed feed, Meters meters) {
    this.pool = pool;
    this.routing = routing;
    this.clock = clock;
    this.feed = feed;
    this.meters = meters;
  }

  /** Routes a deal just created, inside its transaction: assigned, or stored as waiting with the reason. */
  Future<RoutingResult> routeNew(SqlConnection tx, long dealId) {
    return PgRoutingRepository.lead(tx, dealId)
        .compose(lead -> PgRoutingRepository.lock(tx)
            .compose(x -> PgRoutingRepository.snapshots(tx))
            .compose(managers -> routing.decide(List.of(lead), managers, false)))
        .compose(routed -> PgRoutingRepository.apply(tx, routed, clock.instant()).map(x -> {
          count(routed);
          return routed.get(0).result();
        }));
  }

  /** Assigns waiting deals, oldest first, while anyone can take them; returns how many got a manager. */
  Future<Integer> assignWaiting() {
    return pool.withTransaction(tx -> assignWaiting(tx, SWEEP_BATCH)).compose(assigned -> {
      published(assigned);
      return assigned.size() == SWEEP_BATCH
          ? assignWaiting().map(more -> assigned.size() + more) : Future.succeededFuture(assigned.size());
    });
  }

  /**
   * Inside the caller's transaction (a closure, a reassignment: capacity was freed), gives up to {@code limit}
   * of the oldest waiting deals a manager. Waiting rows another transaction holds are skipped, and the routing
   * lock is taken only when something waits, after the rows: the order every path keeps (rows, then lock), so
   * no two transactions wait for each other.
   *
   * @return the deals assigned; tell the feed with {@link #published} once committed
   */
  Future<List<Routed>> assignWaiting(SqlConnection tx, int limit) {
    return PgRoutingRepository.lockWaiting(tx, limit).compose(leads -> {
      if (leads.isEmpty()) {
        return Future.succeededFuture(List.<Routed>of());
      }
      return PgRoutingRepository.lock(tx)
          .compose(x -> PgRoutingRepository.snapshots(tx))
          .compose(managers -> routing.decide(leads, managers, true))
          .map(routed -> routed.stream().filter(r -> r.result() instanceof Assignment).toList())
          .compose(assigned -> PgRoutingRepository.apply(tx, assigned, clock.instant()).map(assigned));
    });
  }

  /** Counts committed assignments from the queue and tells the live feed. */
  void published(List<Routed> assigned) {
    count(assigned);
    Instant now = clock.instant();
    for (Routed r : assigned) {
      Assignment a = (Assignment) r.result();
      feed.publish(new FeedEvent("deal.assigned", r.lead().dealId(), a.managerId(), now, new JsonObject()
          .put("strategy", a.why().strategy().configName()).put("reason", a.why().reason()).put("byHand", false)));
    }
  }

  /** What a hand assignment did. */
  record ByHand(long dealId, long managerId, Long previousManagerId, boolean aboveCap, JsonObject decision,
                List<Routed> alsoAssigned) {
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
          if (!"OPEN".equals(deal.getString("status"))) {
            throw new RuleViolation("deal_closed", "deal " + dealId + " is " + deal.getString("status")
                + "; only an open deal can be reassigned");
          }
          Long previous = deal.getLong("manager_id");
          if (previous != null && previous == managerId) {
            throw new RuleViolation("already_assigned", "deal " + dealId + " is already with manager " + managerId);
          }
          return PgRoutingRepository.lock(tx).compose(x -> tx.preparedQuery("""
                  SELECT m.name, m.state, m.max_active_deals,
                         (SELECT count(*) FROM deals d WHERE d.manager_id = m.id AND d.status = 'OPEN') AS active
                  FROM managers m WHERE m.id = $1""").execute(Tuple.of(managerId)))
              .compose(found -> {
                if (found.size() == 0) {
                  throw new NotFound("manager " + managerId);
                }
                Row m = found.iterator().next();
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
                    // the previous owner has room again: a waiting deal may take it
                    .compose(x -> previous == null ? Future.succeededFuture(List.<Routed>of())
                        : assignWaiting(tx, FREED_BATCH))
                    .map(also -> new ByHand(dealId, managerId, previous, aboveCap, decision, also));
              });
        }))
        .onSuccess(done -> {
          feed.publish(new FeedEvent("deal.assigned", dealId, managerId, now, new JsonObject()
              .put("strategy", "manual").put("reason", done.decision().getString("reason")).put("byHand", true)
              .put("previousManagerId", done.previousManagerId())));
          published(done.alsoAssigned());
        });
  }

  /** Open deals without a manager, oldest first, each with the stored reason it waits. */
  Future<JsonObject> waiting(int limit) {
    Future<JsonArray> deals = pool.preparedQuery("""
            SELECT d.id, d.source, d.score, d.arrived_at, d.created_at, k.phone, k.email,
                   a.strategy, a.decision ->> 'reason' AS reason, a.created_at AS decided_at
            FROM deals d JOIN contacts k ON k.id = d.contact_id
            LEFT JOIN LATERAL (SELECT * FROM assignments x WHERE x.deal_id = d.id ORDER BY x.id DESC LIMIT 1) a ON true
            WHERE d.status = 'OPEN' AND d.manager_id IS NULL
            ORDER BY d.created_at, d.id LIMIT $1""").execute(Tuple.of(limit))
        .map(rows -> {
          JsonArray out = new JsonArray();
          for (Row r : rows) {
            out.add(new JsonObject().put("dealId", r.getLong("id")).put("source", r.getString("source"))
                .put("score", r.getInteger("score")).put("phone", r.getString("phone")).put("email", r.getString("email"))
                .put("arrivedAt", iso(r, "arrived_at")).put("waitingSince", iso(r, "created_at"))
                .put("strategy", r.getString("strategy")).put("reason", r.getString("reason"))
                .put("decidedAt", iso(r, "decided_at")));
          }
          return out;
        });
    Future<Long> total = pool.query("SELECT count(*) FROM deals WHERE status = 'OPEN' AND manager_id IS NULL")
        .execute().map(rows -> rows.iterator().next().getLong(0));
    return Future.all(deals, total).map(x -> new JsonObject().put("total", total.result()).put("deals", deals.result()));
  }

  private void count(List<Routed> routed) {
    for (Routed r : routed) {
      meters.routingDecision(r.result() instanceof Unassigned u ? u.strategy().configName()
          : ((Assignment) r.result()).why().strategy().configName(), r.result() instanceof Assignment);
    }
  }

  private static String iso(Row r, String column) {
    var t = r.getOffsetDateTime(column);
    return t == null ? null : t.toInstant().toString();
  }
}
