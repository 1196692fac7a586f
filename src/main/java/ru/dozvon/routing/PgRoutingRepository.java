package ru.dozvon.routing;

import static ru.dozvon.store.Sql.ts;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import ru.dozvon.deals.PgDealStore;
import ru.dozvon.call.PhoneState;
import ru.dozvon.managers.ManagerState;

/**
 * The SQL of routing, each statement run inside the caller's transaction.
 *
 * <p>Caps hold across transactions and instances because every path that assigns a deal to a manager first
 * locks that manager's row ({@code FOR NO KEY UPDATE}, held to commit) and only then, in a later statement
 * (a fresh snapshot in READ COMMITTED), reads the manager's {@code open_deals}: the trigger on deals changes
 * that number only by updating the same row, so once the lock is held it counts every deal given to or taken
 * from them, and nobody else can assign to them until this transaction ends. Managers nobody is
 * assigning to are not locked at all. See docs/ROUTING.md for the lock order.
 */
final class PgRoutingRepository {

  /** How many candidates a stored decision keeps (plus the chosen one when it is not among them). */
  static final int STORED_CANDIDATES = 10;

  /**
   * Managers as the router needs them, with their open deals ({@code open_deals}, kept by a trigger on deals),
   * read without any lock: a snapshot to decide on, checked against the locked row of the manager chosen. Only
   * active operators take leads (supervisors watch the floor; a deactivated manager takes none).
   */
  private static final String SNAPSHOTS = """
      SELECT m.id, m.name, m.state, m.pbx_paused, m.phone_state, m.max_active_deals, m.open_deals AS active_deals
      FROM managers m WHERE m.role = 'operator' AND m.active ORDER BY m.id""";

  /** A lead's score and its previous manager: the owner of the contact's most recent earlier deal that had one. */
  private static final String LEAD_COLUMNS = """
      d.id, d.source, COALESCE(d.score, 0) AS score,
      (SELECT p.manager_id FROM deals p WHERE p.contact_id = d.contact_id AND p.id < d.id
          AND p.manager_id IS NOT NULL ORDER BY p.id DESC LIMIT 1) AS previous_manager""";

  /** Stores a routing decision (the deal's owner and history are written by the deals feature, beside it). */
  private static final String DECISION = """
      INSERT INTO assignments (deal_id, manager_id, strategy, decision, by_hand, created_at)
      VALUES ($1, $2, $3, $4, $5, $6)""";

  /**
   * Stores a batch's routing decisions in one statement (one executed per decision was, at 500 missed calls a
   * second, a statement a deal: 32,000 of them in a benchmark run).
   */
  private static final String DECISIONS = """
      INSERT INTO assignments (deal_id, manager_id, strategy, decision, by_hand, created_at)
      SELECT t.deal_id, t.manager_id, t.strategy, t.decision, false, $2
      FROM jsonb_to_recordset($1::jsonb) AS t(ord int, deal_id bigint, manager_id bigint, strategy text, decision jsonb)
      ORDER BY t.ord""";

  private PgRoutingRepository() {
  }

  /**
   * Locks one manager's row for a new deal and returns the manager as they are now (exact load), or
   * {@code null} when they are no longer an active operator. A savepoint is set just before the lock, so that
   * {@link #releaseManager} can give the row back when the manager cannot take the deal: a transaction that
   * routes a new deal therefore never holds one manager's row while it waits for another's.
   *
   * <p>One round trip: a simple-protocol query of three statements, each with its own snapshot in READ
   * COMMITTED, so the count, taken after the lock was granted, sees the deals of every transaction that held
   * the row before (the id is a number from our own table, never user text).
   */
  static Future<ManagerSnapshot> lockManager(SqlConnection tx, long managerId) {
    String id = Long.toString(managerId);
    return tx.query("SAVEPOINT routing_manager; "
            + "SELECT 1 FROM managers WHERE id = " + id + " FOR NO KEY UPDATE; "
            + "SELECT m.id, m.name, m.state, m.pbx_paused, m.phone_state, m.max_active_deals, m.open_deals AS active_deals "
            + "FROM managers m WHERE m.id = " + id + " AND m.role = 'operator' AND m.active")
        .execute()
        .map(rows -> {
          var now = rows.next().next();
          return now.size() == 0 ? null : toSnapshot(now.iterator().next());
        });
  }

  /** Gives back the row {@link #lockManager} locked last (rolls back to its savepoint; nothing was written since). */
  static Future<Void> releaseManager(SqlConnection tx) {
    return tx.query("ROLLBACK TO SAVEPOINT routing_manager").execute().mapEmpty();
  }

  /**
   * Locks these managers' rows in ascending id order (the order every path that locks several keeps, so two
   * such transactions never wait for each other in a cycle), then, in a second statement whose snapshot
   * follows the locks, returns them as they are now (exact loads), by id. Managers no longer active operators
   * are missing from the map.
   */
  static Future<Map<Long, ManagerSnapshot>> lockManagers(SqlConnection tx, Collection<Long> ids) {
    Long[] sorted = ids.stream().distinct().sorted().toArray(Long[]::new);
    return tx.preparedQuery("SELECT id FROM managers WHERE id = ANY($1) ORDER BY id FOR NO KEY UPDATE")
        .execute(Tuple.of(sorted))
        .compose(x -> tx.preparedQuery("""
            SELECT m.id, m.name, m.state, m.pbx_paused, m.phone_state, m.max_active_deals, m.open_deals AS active_deals
            FROM managers m WHERE m.id = ANY($1) AND m.role = 'operator' AND m.active""").execute(Tuple.of(sorted)))
        .map(rows -> {
          Map<Long, ManagerSnapshot> out = new HashMap<>();
          rows.forEach(r -> out.put(r.getLong("id"), toSnapshot(r)));
          return out;
        });
  }

  static Future<List<ManagerSnapshot>> snapshots(SqlClient tx) {
    return tx.query(SNAPSHOTS).execute().map(rows -> {
      List<ManagerSnapshot> out = new ArrayList<>(rows.size());
      for (Row r : rows) {
        out.add(toSnapshot(r));
      }
      return out;
    });
  }

  private static ManagerSnapshot toSnapshot(Row r) {
    return new ManagerSnapshot(r.getLong("id"), r.getString("name"), ManagerState.valueOf(r.getString("state")),
        r.getBoolean("pbx_paused"), r.getLong("active_deals").intValue(), r.getInteger("max_active_deals"),
        PhoneState.valueOf(r.getString("phone_state")));
  }

  /** One deal as a lead to route; null when it has an owner already. */
  static Future<LeadToRoute> lead(SqlConnection tx, long dealId) {
    return tx.preparedQuery("SELECT " + LEAD_COLUMNS + " FROM deals d WHERE d.id = $1 AND d.manager_id IS NULL")
        .execute(Tuple.of(dealId))
        .map(rows -> rows.size() == 0 ? null : toLead(rows.iterator().next()));
  }

  /**
   * The oldest deals waiting for a manager, locked for this transaction (deals not decided even once yet are
   * {@link #lockPending}'s); rows another transaction holds are skipped (never waited for, so the queue cannot
   * deadlock with a deal being closed or reassigned).
   */
  static Future<List<LeadToRoute>> lockWaiting(SqlConnection tx, int limit) {
    return tx.preparedQuery("SELECT " + LEAD_COLUMNS + """
             FROM deals d WHERE d.status = 'OPEN' AND d.manager_id IS NULL
              AND NOT EXISTS (SELECT 1 FROM routing_pending rp WHERE rp.deal_id = d.id)
            ORDER BY d.created_at, d.id LIMIT $1 FOR UPDATE OF d SKIP LOCKED""")
        .execute(Tuple.of(limit))
        .map(rows -> {
          List<LeadToRoute> out = new ArrayList<>(rows.size());
          rows.forEach(r -> out.add(toLead(r)));
          return out;
        });
  }

  /** A deal stored with {@code routing_pending}: a lead to route, unless it was closed or given an owner since. */
  record Pending(LeadToRoute lead, boolean stillWaiting, Duration waited) {
  }

  /**
   * The oldest deals still waiting for their first routing decision ({@code routing_pending}), locked for this
   * transaction; rows another transaction holds (a call attaching to the deal, a closure, another instance's
   * router) are skipped, never waited for, and left to the next call (so a batch can come back short while more
   * wait: the router runs again after every commit and every second).
   *
   * <p>The queue drives: its first {@code limit} rows not held by another router, locked (a mark another
   * transaction deleted meanwhile is not read, so a deal is decided once: the deal row's own lock does not say
   * whether its mark still exists), then each one's deal by key (LATERAL). Written as a join,
   * the planner (statistics from when both tables were small) walked the deals' primary key from the first deal
   * ever and probed the queue for each: 0.3 ms a run and growing with the table (auto_explain, 500 calls/s).
   */
  static Future<List<Pending>> lockPending(SqlConnection tx, int limit) {
    return tx.preparedQuery("SELECT " + LEAD_COLUMNS + """
            , d.status = 'OPEN' AND d.manager_id IS NULL AS still_waiting,
              (EXTRACT(EPOCH FROM clock_timestamp() - d.created_at) * 1000)::bigint AS waited_ms
             FROM (SELECT deal_id FROM routing_pending ORDER BY deal_id LIMIT $1 FOR UPDATE SKIP LOCKED) rp
            CROSS JOIN LATERAL (SELECT * FROM deals WHERE id = rp.deal_id FOR UPDATE SKIP LOCKED) d
            ORDER BY rp.deal_id""")
        .execute(Tuple.of(limit))
        .map(rows -> {
          List<Pending> out = new ArrayList<>(rows.size());
          rows.forEach(r -> out.add(new Pending(toLead(r), r.getBoolean("still_waiting"),
              Duration.ofMillis(r.getLong("waited_ms")))));
          return out;
        });
  }

  /** Clears the mark of pending deals that need no decision any more (closed, or given an owner meanwhile). */
  static Future<Void> clearPending(SqlConnection tx, List<Long> dealIds) {
    return PgDealStore.clearRoutingPending(tx, dealIds);
  }

  /** Deals closed won or lost by one manager on one UTC day. */
  record ClosedDay(long managerId, boolean won, Instant day, int count) {
  }

  /** The window's decided deals, counted per manager, outcome and UTC day: one query at start-up. */
  static Future<List<ClosedDay>> closedSince(SqlClient db, Instant from) {
    return db.preparedQuery("""
            SELECT manager_id, status = 'WON' AS won, date_trunc('day', closed_at AT TIME ZONE 'UTC') AS day,
                   count(*) AS n
            FROM deals WHERE status IN ('WON', 'LOST') AND manager_id IS NOT NULL AND closed_at >= $1
            GROUP BY 1, 2, 3""")
        .execute(Tuple.of(ts(from)))
        .map(rows -> {
          List<ClosedDay> out = new ArrayList<>(rows.size());
          rows.forEach(r -> out.add(new ClosedDay(r.getLong("manager_id"), r.getBoolean("won"),
              r.getLocalDateTime("day").toInstant(ZoneOffset.UTC), r.getLong("n").intValue())));
          return out;
        });
  }

  private static LeadToRoute toLead(Row r) {
    return new LeadToRoute(r.getLong("id"), r.getString("source"), r.getInteger("score"), r.getLong("previous_manager"));
  }

  /** A routed lead: what the router decided and the team average it weighed against. */
  record Routed(LeadToRoute lead, RoutingResult result, double teamAverage) {
  }

  /** Applies routing decisions in one batch: owners set, decisions and history stored. */
  static Future<Void> apply(SqlConnection tx, List<Routed> routed, Instant at) {
    List<PgDealStore.OwnerChange> owners = new ArrayList<>();
    List<Long> waitingIds = new ArrayList<>();
    JsonArray decisions = new JsonArray();
    for (Routed r : routed) {
      if (r.result() instanceof Assignment a) {
        String strategy = a.why().strategy().configName();
        owners.add(new PgDealStore.OwnerChange(r.lead().dealId(), a.managerId(), "system", new JsonObject()
            .put("managerId", a.managerId()).put("strategy", strategy).put("reason", a.why().reason()), at));
        decisions.add(new JsonObject().put("ord", decisions.size()).put("deal_id", r.lead().dealId())
            .put("manager_id", a.managerId()).put("strategy", strategy).put("decision", decisionJson(a, r.teamAverage())));
      } else if (r.result() instanceof Unassigned u) {
        // No history row for a lead that waits: the owner did not change; the deal shows this decision as its
        // latest assignment until a manager is found.
        JsonObject decision = new JsonObject().put("strategy", u.strategy().configName()).put("assigned", false)
            .put("reason", u.reason());
        waitingIds.add(r.lead().dealId());
        decisions.add(new JsonObject().put("ord", decisions.size()).put("deal_id", r.lead().dealId())
            .putNull("manager_id").put("strategy", u.strategy().configName()).put("decision", decision));
      }
    }
    return PgDealStore.assignOwners(tx, owners)
        .compose(x -> PgDealStore.clearRoutingPending(tx, waitingIds))
        .compose(x -> decisions.isEmpty() ? Future.succeededFuture()
            : tx.preparedQuery(DECISIONS).execute(Tuple.of(decisions, ts(at))).mapEmpty());
  }

  /** Stores a hand-made assignment: by_hand, with the actor in the history. */
  static Future<Void> applyByHand(SqlConnection tx, long dealId, long managerId, JsonObject decision, String actor,
                                  JsonObject history, Instant at) {
    return PgDealStore.assignOwners(tx, List.of(new PgDealStore.OwnerChange(dealId, managerId, actor, history, at)))
        .compose(x -> tx.preparedQuery(DECISION).execute(Tuple.of(dealId, managerId, "manual", decision, true, ts(at))))
        .mapEmpty();
  }

  /**
   * The decision as stored: strategy, reason, the team average, how many candidates there were and the
   * strongest ones (by rating) plus the chosen one, so that a decision among 500 managers stays small.
   */
  static JsonObject decisionJson(Assignment a, double teamAverage) {
    Decision d = a.why();
    List<Candidate> shown = new ArrayList<>(d.candidates());
    shown.sort((x, y) -> Double.compare(y.rating(), x.rating()));
    if (shown.size() > STORED_CANDIDATES) {
      List<Candidate> top = new ArrayList<>(shown.subList(0, STORED_CANDIDATES));
      shown.stream().filter(c -> c.managerId() == a.managerId()).findFirst()
          .filter(c -> !top.contains(c)).ifPresent(top::add);
      shown = top;
    }
    JsonArray candidates = new JsonArray();
    for (Candidate c : shown) {
      candidates.add(new JsonObject().put("managerId", c.managerId()).put("name", c.name())
          .put("rating", round(c.rating())).put("won", c.won()).put("lost", c.lost())
          .put("activeDeals", c.activeDeals()).put("maxActiveDeals", c.maxActiveDeals())
          .put("chosen", c.managerId() == a.managerId()));
    }
    return new JsonObject().put("strategy", d.strategy().configName()).put("assigned", true)
        .put("managerId", a.managerId()).put("returningCustomer", d.returningCustomer()).put("reason", d.reason())
        .put("teamAverage", round(teamAverage)).put("candidateCount", d.candidates().size())
        .put("candidatesShown", shown.size()).put("candidates", candidates);
  }

  static double round(double v) {
    return Math.round(v * 10_000) / 10_000.0;
  }

}
