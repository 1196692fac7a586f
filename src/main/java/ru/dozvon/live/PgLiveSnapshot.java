package ru.dozvon.live;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.function.IntSupplier;

/**
 * The supervisor's view of the floor right now: calls in progress, missed calls today, the
 * callback backlog and its oldest item, speed-to-lead today, overdue tasks, funnel counts, and each
 * manager's state, load and talk time today. "Today" is the company's local day.
 */
public final class PgLiveSnapshot {

  private static final String TOTALS = """
      SELECT
        (SELECT count(*) FROM calls WHERE missed AND ended_at >= $1) AS missed_today,
        (SELECT count(*) FROM calls WHERE ended_at >= $1) AS calls_today,
        (SELECT count(*) FROM attempts WHERE state IN ('PENDING', 'FIRED') AND due_at <= $2) AS backlog,
        (SELECT min(due_at) FROM attempts WHERE state IN ('PENDING', 'FIRED') AND due_at <= $2) AS backlog_oldest,
        (SELECT count(*) FROM tasks WHERE done_at IS NULL AND due_at < $2) AS overdue_tasks,
        (SELECT count(*) FROM deals WHERE status = 'OPEN' AND manager_id IS NULL) AS unassigned,
        (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM first_contact_at - arrived_at))
           FROM deals WHERE arrived_at >= $1 AND first_contact_at IS NOT NULL) AS stl_median,
        (SELECT count(*) FROM deals WHERE arrived_at >= $1) AS leads_today,
        (SELECT count(*) FROM deals WHERE arrived_at >= $1 AND first_contact_at IS NOT NULL
           AND first_contact_at - arrived_at <= interval '20 minutes') AS reached_within_20m
      """;
  private static final String MANAGERS = """
      SELECT m.id, m.name, m.extension, m.state, m.pbx_paused, m.phone_state, m.max_active_deals,
             m.open_deals AS active_deals,
             (SELECT coalesce(sum(c.talk_seconds), 0) FROM calls c
                WHERE c.operator_ext = m.extension AND c.ended_at >= $1) AS talk_seconds_today,
             (SELECT count(*) FROM tasks t WHERE t.manager_id = m.id AND t.done_at IS NULL AND t.due_at < $2)
                AS overdue_tasks
      FROM managers m WHERE m.role = 'operator' ORDER BY m.id
      """;
  // The condition of deals' PgDealQueries.withoutNextStep (GET /api/deals?noNextStep=true), spelled again here:
  // live may not depend on deals (deals tells the live feed).
  private static final String NO_NEXT_STEP = """
      SELECT count(*) FROM deals d WHERE d.status = 'OPEN' AND d.stage <> $1
        AND NOT EXISTS (SELECT 1 FROM tasks nt WHERE nt.deal_id = d.id AND nt.done_at IS NULL AND nt.for_role = 'MANAGER')
        AND NOT EXISTS (SELECT 1 FROM attempts na WHERE na.deal_id = d.id AND na.state IN ('PENDING', 'FIRED', 'PLACED'))
      """;
  private static final String FUNNEL = "SELECT stage, count(*) AS n FROM deals WHERE status = 'OPEN' GROUP BY stage";

  private final Pool pool;
  private final Clock clock;
  private final ZoneId zone;
  private final IntSupplier liveCalls;

  private final String firstStage;
  private final long talkLimitSeconds;

  public PgLiveSnapshot(Pool pool, Clock clock, ZoneId zone, IntSupplier liveCalls) {
    this(pool, clock, zone, liveCalls, "new", java.time.Duration.ofHours(3));
  }

  /**
   * @param firstStage the funnel's first stage: open deals past it without an open manager task have no next step
   * @param talkLimit a manager's talk time today above it is flagged {@code talkOverLimit} (seed 001: 3 h)
   */
  public PgLiveSnapshot(Pool pool, Clock clock, ZoneId zone, IntSupplier liveCalls, String firstStage,
                        java.time.Duration talkLimit) {
    this.pool = pool;
    this.clock = clock;
    this.zone = zone;
    this.liveCalls = liveCalls;
    this.firstStage = firstStage;
    this.talkLimitSeconds = talkLimit.toSeconds();
  }

  public Future<JsonObject> snapshot() {
    Instant now = clock.instant();
    OffsetDateTime startOfDay = LocalDate.ofInstant(now, zone).atStartOfDay(zone).toOffsetDateTime();
    Tuple args = Tuple.of(startOfDay, now.atOffset(ZoneOffset.UTC));
    Future<RowSet<Row>> totals = pool.preparedQuery(TOTALS).execute(args);
    Future<RowSet<Row>> managers = pool.preparedQuery(MANAGERS).execute(args);
    Future<RowSet<Row>> funnel = pool.query(FUNNEL).execute();
    Future<RowSet<Row>> noNext = pool.preparedQuery(NO_NEXT_STEP).execute(Tuple.of(firstStage));
    return Future.all(totals, managers, funnel, noNext).map(x -> {
      Row t = totals.result().iterator().next();
      JsonArray people = new JsonArray();
      managers.result().forEach(m -> people.add(new JsonObject()
          .put("id", m.getLong("id")).put("name", m.getString("name")).put("extension", m.getString("extension"))
          .put("state", m.getString("state")).put("pbxPaused", m.getBoolean("pbx_paused"))
          .put("phoneState", m.getString("phone_state"))
          .put("activeDeals", m.getLong("active_deals")).put("maxActiveDeals", m.getInteger("max_active_deals"))
          .put("talkSecondsToday", m.getLong("talk_seconds_today"))
          .put("talkOverLimit", m.getLong("talk_seconds_today") > talkLimitSeconds)
          .put("overdueTasks", m.getLong("overdue_tasks"))));
      JsonObject stages = new JsonObject();
      funnel.result().forEach(r -> stages.put(r.getString("stage"), r.getLong("n")));
      OffsetDateTime oldest = t.getOffsetDateTime("backlog_oldest");
      Object median = t.getValue("stl_median");
      long leads = t.getLong("leads_today");
      return new JsonObject()
          .put("at", now.toString())
          .put("callsInProgress", liveCalls.getAsInt())
          .put("callsToday", t.getLong("calls_today"))
          .put("missedToday", t.getLong("missed_today"))
          .put("callbackBacklog", new JsonObject().put("count", t.getLong("backlog"))
              .put("oldestDueAt", oldest == null ? null : oldest.toInstant().toString())
              .put("oldestWaitingSeconds", oldest == null ? null : now.getEpochSecond() - oldest.toEpochSecond()))
          .put("unassignedDeals", t.getLong("unassigned"))
          .put("overdueTasks", t.getLong("overdue_tasks"))
          .put("dealsWithoutNextStep", noNext.result().iterator().next().getLong(0))
          .put("speedToLead", new JsonObject()
              .put("medianSecondsToday", median == null ? null : ((Number) median).doubleValue())
              .put("leadsToday", leads)
              .put("reachedWithin20Minutes", t.getLong("reached_within_20m")))
          .put("funnel", stages)
          .put("managers", people);
    });
  }
}
