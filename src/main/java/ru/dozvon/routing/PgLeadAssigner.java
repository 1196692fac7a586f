package ru.dozvon.routing;

import static ru.dozvon.store.Sql.iso;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ru.dozvon.deals.DealEvent;
import ru.dozvon.deals.DealEventChain;
import ru.dozvon.live.FeedEvent;
import ru.dozvon.live.LiveFeed;
import ru.dozvon.metrics.Meters;
import ru.dozvon.routing.PgRoutingRepository.Routed;

/**
 * Gives deals their manager by rule: a new deal inside the transaction that created it, and the unassigned
 * queue in a transaction of its own or in the transaction that freed capacity (by hand:
 * {@link PgHandAssigner}). No path takes a company-wide lock: decisions are made on a snapshot read without
 * locks, and only the chosen managers' rows are locked (see {@link PgRoutingRepository}) before their loads
 * are counted for certain. Lock order, on every path: contact and deal rows first, then manager rows, these
 * either one at a time (a new deal) or in ascending id order (the queue); docs/ROUTING.md explains why that
 * cannot deadlock.
 */
final class PgLeadAssigner {

  private static final Logger LOG = LoggerFactory.getLogger(PgLeadAssigner.class);

  /** Deals routed per sweep transaction; a full batch is followed by another. */
  static final int SWEEP_BATCH = 200;

  /** New deals from the PBX routed per transaction (a burst of calls shares one transaction's locks). */
  static final int PENDING_BATCH = 100;

  private final Pool pool;
  private final RoutingVerticle routing;
  private final Clock clock;
  private final LiveFeed feed;
  private final Meters meters;
  private final DealEventChain listeners;

  /**
   * @param listeners told of every assignment this class makes in a transaction of its own (the manager's
   *     notification); a new deal's assignment, made inside a listener, is returned to the chain instead
   */
  PgLeadAssigner(Pool pool, RoutingVerticle routing, Clock clock, LiveFeed feed, Meters meters,
                 DealEventChain listeners) {
    this.pool = pool;
    this.routing = routing;
    this.clock = clock;
    this.feed = feed;
    this.meters = meters;
    this.listeners = listeners;
  }

  /**
   * Routes a deal just created, inside its transaction: assigned, or stored as waiting with the reason; null (and
   * nothing stored) for a deal created with an owner already, as a deal started again from a lost one keeps its.
   */
  Future<List<DealEvent>> routeNew(SqlConnection tx, long dealId) {
    // both read without a lock, pipelined on the connection
    Future<LeadToRoute> lead = PgRoutingRepository.lead(tx, dealId);
    Future<List<ManagerSnapshot>> managers = PgRoutingRepository.snapshots(tx);
    return Future.all(lead, managers)
        .compose(x -> lead.result() == null ? Future.succeededFuture(List.<DealEvent>of()) // an owner already
            : settle(tx, lead.result(), managers.result(), null).compose(routed -> decided(tx, routed)));
  }

  private Future<List<DealEvent>> decided(SqlConnection tx, Routed routed) {
    return store(tx, List.of(routed), clock.instant()).map(assigned -> {
      count(List.of(routed));
      return assigned;
    });
  }

  /** Stores decisions inside the caller's transaction; returns the assignments made, for the listeners. */
  private Future<List<DealEvent>> store(SqlConnection tx, List<Routed> decisions, Instant at) {
    return PgRoutingRepository.apply(tx, decisions, at).map(x -> {
      List<DealEvent> assigned = new ArrayList<>();
      for (Routed r : decisions) {
        if (r.result() instanceof Assignment a) {
          assigned.add(new DealEvent.Assigned(r.lead().dealId(), a.managerId(), false, at));
        }
      }
      return assigned;
    });
  }

  /** Stores decisions made in a transaction of this class's own, and tells the listeners of the assignments. */
  private Future<Void> storeAndTell(SqlConnection tx, List<Routed> decisions, Instant at) {
    return store(tx, decisions, at).compose(assigned -> listeners.publish(tx, assigned));
  }

  /**
   * Routes the deals stored with {@code routing_pending} (new deals from the PBX), oldest first, one batch per
   * transaction, until none is left; returns how many got a manager. Deals another transaction holds are left
   * to the next call (the call that wakes routing after that transaction's commit, or the periodic one).
   */
  Future<Integer> routePending() {
    return pool.withTransaction(tx -> pendingBatch(tx, PENDING_BATCH)).compose(b -> {
      count(b.decided());
      b.waited().forEach(meters::routingDelay);
      feedAssigned(b.assigned());
      return b.more()
          ? routePending().map(more -> b.assigned().size() + more) : Future.succeededFuture(b.assigned().size());
    });
  }

  /**
   * One batch of pending deals: locked (skipping rows others hold), decided in order on one snapshot read
   * without locks, then the chosen managers' rows are locked in ascending id order and re-read, and each
   * assignment is kept only while its manager is still eligible and under their cap counted for certain (as
   * in {@link #batch}). Kept assignments and the reasons of deals nobody can take are stored, which clears
   * their mark; trimmed deals stay pending for the next batch, decided again on a fresher snapshot.
   */
  private Future<Batch> pendingBatch(SqlConnection tx, int limit) {
    Instant now = clock.instant();
    return PgRoutingRepository.lockPending(tx, limit).compose(pending -> {
      if (pending.isEmpty()) {
        return Future.succeededFuture(new Batch(List.of(), false));
      }
      List<Long> settled = new ArrayList<>();
      List<LeadToRoute> leads = new ArrayList<>(pending.size());
      for (PgRoutingRepository.Pending p : pending) {
        if (p.stillWaiting()) {
          leads.add(p.lead());
        } else {
          settled.add(p.lead().dealId()); // closed or given an owner meanwhile: nothing to decide
        }
      }
      boolean full = pending.size() == limit;
      return PgRoutingRepository.clearPending(tx, settled)
          .compose(x -> leads.isEmpty() ? Future.succeededFuture(List.<Routed>of())
              : PgRoutingRepository.snapshots(tx).compose(managers -> routing.decide(leads, managers, false)))
          .compose(routed -> {
            List<Routed> chosen = routed.stream().filter(r -> r.result() instanceof Assignment).toList();
            List<Routed> waiting = routed.stream().filter(r -> !(r.result() instanceof Assignment)).toList();
            Future<Batch> kept = chosen.isEmpty() ? Future.succeededFuture(new Batch(List.of(), false))
                : PgRoutingRepository.lockManagers(tx, chosen.stream().map(PgLeadAssigner::managerOf).toList())
                    .map(locked -> withinCaps(chosen, locked, false));
            return kept.compose(b -> {
              List<Routed> decided = new ArrayList<>(b.assigned());
              decided.addAll(waiting);
              boolean trimmed = b.assigned().size() < chosen.size();
              Set<Long> ids = new HashSet<>();
              decided.forEach(r -> ids.add(r.lead().dealId()));
              List<Duration> waited = pending.stream().filter(p -> ids.contains(p.lead().dealId()))
                  .map(PgRoutingRepository.Pending::waited).toList(); // trimmed deals are measured when decided
              return storeAndTell(tx, decided, now).map(x -> new Batch(b.assigned(), decided, full || trimmed, waited));
            });
          });
    });
  }

  /**
   * Decides for one lead; for an assignment, locks the chosen manager's row and re-reads them. If they can no
   * longer take the lead (the snapshot was stale: a concurrent transaction filled their cap, or they went off
   * shift or paused), their row is given back and the lead is decided again with their fresh snapshot. Each
   * retry has one eligible manager fewer, so this ends after at most as many retries as there are managers,
   * with an assignment to a locked manager under their cap, or unassigned (no lock needed to wait).
   */
  private Future<Routed> settle(SqlConnection tx, LeadToRoute lead, List<ManagerSnapshot> managers,
                                RoutingVerticle.Attempt rejected) {
    return routing.decideOne(lead, managers, rejected).compose(attempt -> {
      if (!(attempt.routed().result() instanceof Assignment a)) {
        return Future.succeededFuture(attempt.routed());
      }
      return PgRoutingRepository.lockManager(tx, a.managerId()).compose(now -> {
        if (now != null && now.eligible()) {
          return Future.succeededFuture(attempt.routed());
        }
        LOG.debug("Routing: deal {} chose manager {}, who can no longer take it ({}); deciding again",
            lead.dealId(), a.managerId(), now == null ? "not an operator" : now.whyNotEligible());
        List<ManagerSnapshot> fresher = new ArrayList<>(managers.size());
        for (ManagerSnapshot m : managers) {
          if (m.id() != a.managerId()) {
            fresher.add(m);
          } else if (now != null) {
            fresher.add(now);
          }
        }
        return PgRoutingRepository.releaseManager(tx).compose(x -> settle(tx, lead, fresher, attempt));
      });
    });
  }

  /** Assigns waiting deals, oldest first, while anyone can take them; returns how many got a manager. */
  Future<Integer> assignWaiting() {
    return pool.withTransaction(tx -> batch(tx, SWEEP_BATCH)).compose(b -> {
      published(b.assigned());
      return b.more()
          ? assignWaiting().map(more -> b.assigned().size() + more) : Future.succeededFuture(b.assigned().size());
    });
  }

  /**
   * One batch: what was assigned, every decision stored (assignments and reasons to wait), whether another batch
   * may do more, and how long the decided pending deals had waited.
   */
  private record Batch(List<Routed> assigned, List<Routed> decided, boolean more, List<Duration> waited) {
    Batch(List<Routed> assigned, boolean more) {
      this(assigned, assigned, more, List.of());
    }
  }

  /**
   * Locks up to {@code limit} waiting deals, decides them in order on a snapshot read without locks, then
   * locks the chosen managers' rows in ascending id order, re-reads them and keeps each assignment only while
   * its manager is still eligible and under their cap counted for certain. Deals trimmed that way keep
   * waiting (with the reason stored before); the sweep then runs another batch.
   */
  private Future<Batch> batch(SqlConnection tx, int limit) {
    return PgRoutingRepository.lockWaiting(tx, limit).compose(leads -> {
      if (leads.isEmpty()) {
        return Future.succeededFuture(new Batch(List.of(), false));
      }
      return PgRoutingRepository.snapshots(tx)
          .compose(managers -> routing.decide(leads, managers, true))
          .map(routed -> routed.stream().filter(r -> r.result() instanceof Assignment).toList())
          .compose(chosen -> chosen.isEmpty() ? Future.succeededFuture(new Batch(List.of(), false))
              : PgRoutingRepository.lockManagers(tx, chosen.stream().map(r -> managerOf(r)).toList())
                  .map(now -> withinCaps(chosen, now, leads.size() == limit)))
          .compose(b -> storeAndTell(tx, b.assigned(), clock.instant()).map(b));
    });
  }

  /** The assignments that the locked managers can take, in order; the rest are trimmed. */
  private static Batch withinCaps(List<Routed> chosen, Map<Long, ManagerSnapshot> now, boolean fullBatch) {
    Map<Long, Integer> load = new HashMap<>();
    List<Routed> kept = new ArrayList<>(chosen.size());
    for (Routed r : chosen) {
      ManagerSnapshot m = now.get(managerOf(r));
      if (m == null) {
        continue;
      }
      int deals = load.getOrDefault(m.id(), m.activeDeals());
      if (m.withActiveDeals(deals).eligible()) {
        kept.add(r);
        load.put(m.id(), deals + 1);
      }
    }
    return new Batch(kept, !kept.isEmpty() && (fullBatch || kept.size() < chosen.size()));
  }

  private static long managerOf(Routed r) {
    return ((Assignment) r.result()).managerId();
  }

  /** Counts committed assignments from the queue and tells the live feed. */
  void published(List<Routed> assigned) {
    count(assigned);
    feedAssigned(assigned);
  }

  private void feedAssigned(List<Routed> assigned) {
    Instant now = clock.instant();
    for (Routed r : assigned) {
      Assignment a = (Assignment) r.result();
      feed.publish(new FeedEvent("deal.assigned", r.lead().dealId(), a.managerId(), now, new JsonObject()
          .put("strategy", a.why().strategy().configName()).put("reason", a.why().reason()).put("byHand", false)));
    }
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

}
