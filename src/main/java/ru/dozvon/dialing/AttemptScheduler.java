package ru.dozvon.dialing;

import ru.dozvon.store.Sql;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ru.dozvon.deals.PgDealStore;
import ru.dozvon.deals.PgTaskStore;
import ru.dozvon.live.FeedEvent;
import ru.dozvon.live.LiveFeed;
import ru.dozvon.metrics.Meters;
import ru.dozvon.phone.PhoneNumber;

/**
 * The durable scheduler: fires attempts whose time has come, every {@code interval} and once
 * right at start (so what came due during downtime fires at once).
 *
 * <p>One claim is one transaction: it marks up to {@code batch} due PENDING attempts FIRED
 * ({@code FOR UPDATE SKIP LOCKED}: two instances never take the same row) and gives each deal's manager a RED
 * {@code CALLBACK} task (unique per attempt). After commit each
 * fired attempt goes to the live feed ({@code attempt.due}) and to the {@link DueAttemptHandler}.
 * Full batches are claimed again at once until the backlog is drained. "Now" is the injected
 * {@link Clock}, never the database's {@code now()}, so tests move time.
 *
 * <p>An attempt of a deal still waiting for its first routing decision ({@code routing_pending}: a deal
 * from the PBX, routed just after its commit) waits for it, so that its callback task and the
 * {@code attempt.due} event go to the manager chosen, not to nobody; for {@link #ROUTING_GRACE} at most.
 *
 * <p>Attempts of a deal whose row another transaction holds (a call being recorded on it, an
 * outcome being posted) are skipped for this round rather than waited for: the claim never blocks,
 * so it cannot deadlock with those transactions, which lock the deal first and its attempts after.
 */
public final class AttemptScheduler extends VerticleBase {

  public static final Duration DEFAULT_INTERVAL = RetryConfig.Scheduler.DEFAULT.every();
  public static final int DEFAULT_BATCH = RetryConfig.Scheduler.DEFAULT.batch();

  /**
   * How long an attempt waits for routing to decide its deal's owner. Routing normally decides within
   * milliseconds of the commit; should it be down, the callback still becomes a task after this long (without
   * an owner: it shows in the unassigned queue) rather than never.
   */
  public static final Duration ROUTING_GRACE = Duration.ofMinutes(1);

  private static final Logger LOG = LoggerFactory.getLogger(AttemptScheduler.class);

  /**
   * Claim and read-back in one statement (the locking subquery is an ARRAY, run once: as {@code IN (...)} the
   * planner made it a semi join that ran it again for every pending attempt, 1,310 times a claim in auto_explain);
   * $1 now, $2 instance, $3 batch size, $4 arrivals older than this fire even if routing has not decided yet ({@link #ROUTING_GRACE}). The callback tasks follow in the same
   * transaction ({@link PgTaskStore#callbackTasks}: tasks are the deals feature's).
   */
  static final String CLAIM = """
      WITH claimed AS (
        UPDATE attempts a SET state = 'FIRED', fired_at = $1, fired_by = $2
        WHERE a.id = ANY(ARRAY(SELECT p.id FROM attempts p JOIN deals d ON d.id = p.deal_id
                       WHERE p.state = 'PENDING' AND p.due_at <= $1
                         AND (d.arrived_at < $4 OR NOT EXISTS (SELECT 1 FROM routing_pending rp WHERE rp.deal_id = d.id))
                       ORDER BY p.due_at LIMIT $3
                       FOR UPDATE OF p SKIP LOCKED FOR KEY SHARE OF d SKIP LOCKED))
          AND a.state = 'PENDING'
        RETURNING a.id, a.deal_id, a.no, a.step, a.of_total, a.due_at, a.why)
      SELECT c.id, c.deal_id, COALESCE(c.step, c.no) AS step, c.of_total, c.due_at, c.why, d.manager_id, k.phone,
             k.phone_kind
      FROM claimed c JOIN deals d ON d.id = c.deal_id JOIN contacts k ON k.id = d.contact_id
      ORDER BY c.due_at""";

  /** One fired attempt: what the handler gets, plus where it landed. */
  public record Fired(long attemptId, Long managerId, Long taskId, DueAttempt attempt) {
  }

  private final Pool pool;
  private final Clock clock;
  private final Meters meters;
  private final LiveFeed feed;
  private final DueAttemptHandler handler;
  private final String instance;
  private final Duration interval;
  private final int batch;
  private long timer = -1;
  private boolean running;

  public AttemptScheduler(Pool pool, Clock clock, Meters meters, LiveFeed feed, DueAttemptHandler handler,
                          Duration interval, int batch) {
    this.pool = Objects.requireNonNull(pool, "pool");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.meters = Objects.requireNonNull(meters, "meters");
    this.feed = feed;
    this.handler = Objects.requireNonNull(handler, "handler");
    this.interval = interval;
    this.batch = batch;
    this.instance = "pid" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Override
  public Future<?> start() {
    timer = vertx.setPeriodic(interval.toMillis(), id -> tick());
    tick(); // what came due while we were down fires now, not a period later
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }

  /** The id written to {@code attempts.fired_by}. */
  public String instance() {
    return instance;
  }

  private void tick() {
    if (running) {
      return; // the previous drain is still going; it will pick up whatever is due now
    }
    running = true;
    drain().onComplete(r -> {
      running = false;
      if (r.failed()) {
        LOG.warn("Firing due attempts failed (retried in {} ms): {}", interval.toMillis(), r.cause().toString());
      }
    });
  }

  /** Claims batch after batch until one comes back short; the total fired. */
  public Future<Integer> drain() {
    return claimOnce().compose(fired -> fired.size() < batch
        ? Future.succeededFuture(fired.size())
        : drain().map(more -> fired.size() + more));
  }

  /** One claim of at most {@code batch} due attempts; they are handed over after commit. */
  public Future<List<Fired>> claimOnce() {
    Instant now = clock.instant();
    Tuple args = Tuple.of(Sql.ts(now), instance, batch, Sql.ts(now.minus(ROUTING_GRACE)));
    return pool.withTransaction(tx -> tx.preparedQuery(CLAIM).execute(args).compose(rows -> {
      List<Row> claimed = new ArrayList<>(rows.size());
      rows.forEach(claimed::add);
      List<Long> ids = claimed.stream().map(r -> r.getLong("id")).toList();
      return PgTaskStore.callbackTasks(tx, ids).map(tasks -> {
        List<Fired> fired = new ArrayList<>(claimed.size());
        for (Row r : claimed) {
          fired.add(fired(r, tasks.get(r.getLong("id"))));
        }
        return fired;
      });
    })).onSuccess(fired -> fired.forEach(f -> handOver(f, now)));
  }

  private static Fired fired(Row r, Long taskId) {
    DueAttempt a = new DueAttempt(r.getLong("deal_id"), r.getInteger("step"), Math.max(r.getInteger("of_total"),
        r.getInteger("step")),
        new PhoneNumber(r.getString("phone"), PhoneNumber.Kind.valueOf(r.getString("phone_kind"))),
        Sql.instant(r, "due_at"), r.getString("why"));
    return new Fired(r.getLong("id"), r.getLong("manager_id"), taskId, a);
  }

  private void handOver(Fired f, Instant now) {
    DueAttempt a = f.attempt();
    meters.attemptFired(Duration.between(a.dueAt(), now));
    if (feed != null) {
      feed.publish(new FeedEvent("attempt.due", a.dealId(), f.managerId(), now, new JsonObject()
          .put("attemptId", f.attemptId()).put("no", a.number()).put("of", a.of()).put("dueAt", a.dueAt().toString())
          .put("why", a.why()).put("phone", a.phone().e164()).put("taskId", f.taskId())));
    }
    try {
      Future.fromCompletionStage(handler.due(a)).onFailure(err ->
          LOG.warn("Due attempt handler failed for deal {} attempt {}: {}", a.dealId(), a.number(), err.toString()));
    } catch (RuntimeException err) {
      LOG.warn("Due attempt handler failed for deal {} attempt {}: {}", a.dealId(), a.number(), err.toString());
    }
  }
}
