package ru.dozvon.live;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The supervisor's view of the floor right now (docs/REPORTS.md, "Live figures"): calls in progress and callers
 * waiting in queues, today's calls, abandon rate and service level, the callback backlog and its oldest item,
 * speed-to-lead today with its breaches, overdue tasks, the supervisor's control tasks, funnel counts, each
 * manager's state, load, calls and talk time today and rating, and the thresholds that turn figures red. "Today"
 * is the company's local day.
 *
 * <p>It is sent every 5 s to each staff stream: four statements, each reading today's rows through an index of its
 * time column (V18), and the streams of one instance share one computation while it runs ({@link #shared()}).
 */
public final class PgLiveSnapshot {

  /** Callers waiting in PBX queues now: the telephony side's count, through App (live does not know telephony). */
  public record Waiting(int callers, Instant oldestSince) {
    public static final Waiting NONE = new Waiting(0, null);
  }

  // $1 start of today, $2 now, $3 service level seconds
  private static final String TOTALS = """
      WITH c AS (SELECT count(*) AS calls_today, count(*) FILTER (WHERE missed) AS missed_today,
                   count(*) FILTER (WHERE direction = 'INBOUND') AS inbound,
                   count(*) FILTER (WHERE direction = 'INBOUND' AND missed) AS abandoned,
                   count(*) FILTER (WHERE direction = 'INBOUND' AND NOT missed AND answered_at IS NOT NULL
                                    AND answered_at - started_at <= make_interval(secs => $3)) AS answered_in_time
                 FROM calls WHERE ended_at >= $1),
           d AS (SELECT count(*) AS leads_today,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM first_contact_at - arrived_at)::float8) AS p50,
                   percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM first_contact_at - arrived_at)::float8) AS p90,
                   count(*) FILTER (WHERE first_contact_at - arrived_at <= interval '20 minutes') AS reached_20,
                   count(*) FILTER (WHERE coalesce(first_contact_at, $2) - arrived_at > interval '5 minutes') AS breach_5,
                   count(*) FILTER (WHERE coalesce(first_contact_at, $2) - arrived_at > interval '20 minutes') AS breach_20
                 FROM deals WHERE arrived_at >= $1),
           b AS (SELECT count(*) AS backlog, min(due_at) AS oldest FROM attempts
                 WHERE state IN ('PENDING', 'FIRED') AND due_at <= $2)
      SELECT c.*, d.*, b.*,
        (SELECT a.deal_id FROM attempts a WHERE a.state IN ('PENDING', 'FIRED') AND a.due_at = b.oldest LIMIT 1)
           AS oldest_deal,
        (SELECT count(*) FROM tasks WHERE done_at IS NULL AND due_at < $2) AS overdue_tasks,
        (SELECT count(*) FROM deals WHERE status = 'OPEN' AND manager_id IS NULL) AS unassigned
      FROM c, d, b""";
  private static final String MANAGERS = """
      WITH t AS (SELECT operator_ext, count(*) AS calls, coalesce(sum(talk_seconds), 0) AS talk FROM calls
                 WHERE ended_at >= $1 AND operator_ext IS NOT NULL GROUP BY operator_ext),
           o AS (SELECT manager_id, count(*) AS overdue FROM tasks
                 WHERE done_at IS NULL AND due_at < $2 AND manager_id IS NOT NULL GROUP BY manager_id)
      SELECT m.id, m.name, m.extension, m.state, m.pbx_paused, m.phone_state, m.max_active_deals,
             m.open_deals AS active_deals, coalesce(t.calls, 0) AS calls_today, coalesce(t.talk, 0) AS talk_seconds_today,
             coalesce(o.overdue, 0) AS overdue_tasks
      FROM managers m LEFT JOIN t ON t.operator_ext = m.extension LEFT JOIN o ON o.manager_id = m.id
      WHERE m.role = 'operator' ORDER BY m.id""";
  // The condition of deals' PgDealQueries.withoutNextStep (GET /api/deals?noNextStep=true), spelled again here:
  // live may not depend on deals (deals tells the live feed). $1 the first stage, $2 control tasks shown.
  private static final String REST = """
      SELECT 'no_next' AS what, NULL::bigint AS task, NULL::bigint AS deal, NULL AS title, NULL::timestamptz AS due,
             count(*) AS n
        FROM deals d WHERE d.status = 'OPEN' AND d.stage <> $1
        AND NOT EXISTS (SELECT 1 FROM tasks nt WHERE nt.deal_id = d.id AND nt.done_at IS NULL AND nt.for_role = 'MANAGER')
        AND NOT EXISTS (SELECT 1 FROM attempts na WHERE na.deal_id = d.id AND na.state IN ('PENDING', 'FIRED', 'PLACED'))
      UNION ALL
      SELECT 'control_count', NULL, NULL, NULL, NULL, count(*) FROM tasks WHERE kind = 'CLOSING_CONTROL' AND done_at IS NULL
      UNION ALL
      (SELECT 'control', id, deal_id, title, due_at, 0 FROM tasks WHERE kind = 'CLOSING_CONTROL' AND done_at IS NULL
       ORDER BY due_at, id LIMIT $2)
      UNION ALL
      SELECT 'stage:' || stage, NULL, NULL, NULL, NULL, count(*) FROM deals WHERE status = 'OPEN' GROUP BY stage""";

  private final Pool pool;
  private final Clock clock;
  private final ZoneId zone;
  private final IntSupplier liveCalls;
  private final String firstStage;
  private final long talkLimitSeconds;
  private final LiveConfig config;
  private final Supplier<Waiting> waiting;
  private final Function<List<Long>, Future<Map<Long, Double>>> ratings;
  private Future<JsonObject> inFlight;

  public PgLiveSnapshot(Pool pool, Clock clock, ZoneId zone, IntSupplier liveCalls) {
    this(pool, clock, zone, liveCalls, "new", Duration.ofHours(3));
  }

  public PgLiveSnapshot(Pool pool, Clock clock, ZoneId zone, IntSupplier liveCalls, String firstStage,
                        Duration talkLimit) {
    this(pool, clock, zone, liveCalls, firstStage, talkLimit, LiveConfig.DEFAULT, () -> Waiting.NONE,
        ids -> Future.succeededFuture(Map.of()));
  }

  /**
   * @param firstStage the funnel's first stage: open deals past it without an open manager task have no next step
   * @param talkLimit a manager's talk time today above it is flagged {@code talkOverLimit} (seed 001: 3 h)
   * @param waiting callers in PBX queues now (the call tracker's state, through a seam)
   * @param ratings managers' routing conversion ratings by id (routing's, through a seam); missing: null
   */
  public PgLiveSnapshot(Pool pool, Clock clock, ZoneId zone, IntSupplier liveCalls, String firstStage,
                        Duration talkLimit, LiveConfig config, Supplier<Waiting> waiting,
                        Function<List<Long>, Future<Map<Long, Double>>> ratings) {
    this.pool = pool;
    this.clock = clock;
    this.zone = zone;
    this.liveCalls = liveCalls;
    this.firstStage = firstStage;
    this.talkLimitSeconds = talkLimit.toSeconds();
    this.config = config;
    this.waiting = waiting;
    this.ratings = ratings;
  }

  /**
   * The snapshot for the streams: while one is being computed, every stream asking gets that one (each staff stream
   * asks every 5 s; N streams cost one computation, not N). Called on one event loop per instance's streams.
   */
  public synchronized Future<JsonObject> shared() {
    if (inFlight == null) {
      inFlight = snapshot().andThen(x -> {
        synchronized (this) {
          inFlight = null;
        }
      });
    }
    return inFlight;
  }

  /** A fresh snapshot (GET /api/live). */
  public Future<JsonObject> snapshot() {
    Instant now = clock.instant();
    OffsetDateTime startOfDay = LocalDate.ofInstant(now, zone).atStartOfDay(zone).toOffsetDateTime();
    OffsetDateTime at = now.atOffset(ZoneOffset.UTC);
    Future<RowSet<Row>> totals = pool.preparedQuery(TOTALS)
        .execute(Tuple.of(startOfDay, at, (double) config.serviceLevelSeconds()));
    Future<RowSet<Row>> managers = pool.preparedQuery(MANAGERS).execute(Tuple.of(startOfDay, at));
    Future<RowSet<Row>> rest = pool.preparedQuery(REST).execute(Tuple.of(firstStage, config.controlTasksShown()));
    Future<Map<Long, Double>> rated = managers.compose(rows -> {
      List<Long> ids = new ArrayList<>();
      rows.forEach(r -> ids.add(r.getLong("id")));
      return ratings.apply(ids).recover(e -> Future.succeededFuture(Map.of()));
    });
    return Future.all(totals, managers, rest, rated).map(x -> build(now, totals.result().iterator().next(),
        managers.result(), rest.result(), rated.result()));
  }

  private JsonObject build(Instant now, Row t, RowSet<Row> managers, RowSet<Row> rest, Map<Long, Double> rated) {
    JsonArray people = new JsonArray();
    managers.forEach(m -> {
      long active = m.getLong("active_deals");
      int cap = m.getInteger("max_active_deals");
      long talk = m.getLong("talk_seconds_today");
      people.add(new JsonObject()
          .put("id", m.getLong("id")).put("name", m.getString("name")).put("extension", m.getString("extension"))
          .put("state", m.getString("state")).put("pbxPaused", m.getBoolean("pbx_paused"))
          .put("phoneState", m.getString("phone_state"))
          .put("activeDeals", active).put("maxActiveDeals", cap).put("load", cap == 0 ? null : (double) active / cap)
          .put("callsToday", m.getLong("calls_today"))
          .put("talkSecondsToday", talk).put("talkOverLimit", talk > talkLimitSeconds)
          .put("rating", rated.get(m.getLong("id")))
          .put("overdueTasks", m.getLong("overdue_tasks")));
    });
    JsonObject stages = new JsonObject();
    JsonArray control = new JsonArray();
    long noNext = 0;
    long controlCount = 0;
    for (Row r : rest) {
      String what = r.getString("what");
      if (what.equals("no_next")) {
        noNext = r.getLong("n");
      } else if (what.equals("control_count")) {
        controlCount = r.getLong("n");
      } else if (what.equals("control")) {
        Instant due = r.getOffsetDateTime("due").toInstant();
        control.add(new JsonObject().put("taskId", r.getLong("task")).put("dealId", r.getLong("deal"))
            .put("title", r.getString("title")).put("dueAt", due.toString()).put("overdue", due.isBefore(now)));
      } else {
        stages.put(what.substring("stage:".length()), r.getLong("n"));
      }
    }
    OffsetDateTime oldest = t.getOffsetDateTime("oldest");
    long inbound = t.getLong("inbound");
    long abandoned = t.getLong("abandoned");
    long inTime = t.getLong("answered_in_time");
    Waiting w = waiting.get();
    return new JsonObject()
        .put("at", now.toString())
        .put("callsInProgress", liveCalls.getAsInt())
        .put("waitingCallers", w.callers())
        .put("longestWaitSeconds", w.oldestSince() == null ? 0
            : Math.max(0, Duration.between(w.oldestSince(), now).toSeconds()))
        .put("callsToday", t.getLong("calls_today"))
        .put("missedToday", t.getLong("missed_today"))
        .put("inboundToday", inbound)
        .put("abandonedToday", abandoned)
        .put("abandonRateToday", inbound == 0 ? null : (double) abandoned / inbound)
        .put("serviceLevel", new JsonObject().put("seconds", config.serviceLevelSeconds())
            .put("target", config.serviceLevelTarget()).put("offered", inbound).put("answeredWithin", inTime)
            .put("share", inbound == 0 ? null : (double) inTime / inbound))
        .put("callbackBacklog", new JsonObject().put("count", t.getLong("backlog"))
            .put("oldestDueAt", oldest == null ? null : oldest.toInstant().toString())
            .put("oldestWaitingSeconds", oldest == null ? null : now.getEpochSecond() - oldest.toEpochSecond())
            .put("oldestDealId", t.getLong("oldest_deal")))
        .put("unassignedDeals", t.getLong("unassigned"))
        .put("overdueTasks", t.getLong("overdue_tasks"))
        .put("dealsWithoutNextStep", noNext)
        .put("speedToLead", new JsonObject()
            .put("medianSecondsToday", t.getDouble("p50"))
            .put("p90SecondsToday", t.getDouble("p90"))
            .put("leadsToday", t.getLong("leads_today"))
            .put("reachedWithin20Minutes", t.getLong("reached_20"))
            .put("breaches5Minutes", t.getLong("breach_5"))
            .put("breaches20Minutes", t.getLong("breach_20")))
        .put("funnel", stages)
        .put("controlTasks", new JsonObject().put("count", controlCount).put("items", control))
        .put("managers", people)
        .put("thresholds", new JsonObject()
            .put("backlogRedAfterSeconds", config.backlogRedAfter().toSeconds())
            .put("serviceLevelSeconds", config.serviceLevelSeconds())
            .put("serviceLevelTarget", config.serviceLevelTarget())
            .put("abandonRateRedAbove", config.abandonRateRedAbove())
            .put("longestWaitRedAfterSeconds", config.longestWaitRedAfter().toSeconds())
            .put("speedToLeadRedAfterSeconds", config.speedToLeadRedAfter().toSeconds())
            .put("talkLimitSeconds", talkLimitSeconds)
            .put("loadRedAbove", config.loadRedAbove()));
  }
}
