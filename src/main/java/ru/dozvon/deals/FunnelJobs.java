package ru.dozvon.deals;

import ru.dozvon.store.Sql;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ru.dozvon.live.FeedEvent;
import ru.dozvon.live.LiveFeed;

/**
 * The funnel's clock-driven work, run every {@code every} by a Vert.x timer: flags tasks that went
 * overdue (once, told to the live feed and to the manager's webhook) and closes deals silent for the
 * auto-close limit (8 weeks). Tests call {@link #tick()} with a moved clock instead of waiting.
 */
public final class FunnelJobs {

  /** Follow-up of tasks just flagged overdue, inside the flagging transaction (the manager webhook's outbox). */
  @FunctionalInterface
  public interface OverdueHook {
    Future<Void> on(SqlConnection tx, List<PgTaskStore.Overdue> overdue, Instant now);
  }

  /** What one run did. */
  public record Result(int overdueFlagged, int autoClosed, int markedCold, int followUpsPlanned) {
  }

  private static final Logger LOG = LoggerFactory.getLogger(FunnelJobs.class);
  private static final int BATCH = 200;

  private final Pool pool;
  private final PgDealWorkflow workflow;
  private final LiveFeed feed;
  private final OverdueHook hook;
  private final Clock clock;
  private boolean running;

  public FunnelJobs(Pool pool, PgDealWorkflow workflow, LiveFeed feed, OverdueHook hook, Clock clock) {
    this.pool = pool;
    this.workflow = workflow;
    this.feed = feed;
    this.hook = hook;
    this.clock = clock;
  }

  /** Starts the timer; a run still in progress makes the next tick skip. */
  public long start(Vertx vertx, Duration every) {
    return vertx.setPeriodic(every.toMillis(), id -> {
      if (running) {
        return;
      }
      running = true;
      tick().onComplete(r -> {
        running = false;
        if (r.failed()) {
          LOG.warn("Funnel jobs run failed: {}", r.cause().getMessage());
        }
      });
    });
  }

  /** One run: overdue tasks, silent deals closed, then the cadences: «холодная» and the weekly calls. */
  public Future<Result> tick() {
    Instant now = clock.instant();
    PgFollowUps followUps = workflow.followUps();
    return flagOverdue(now).compose(flagged -> autoClose(now).compose(closed ->
        pool.withTransaction(tx -> followUps.markCold(tx, now)
                .compose(cold -> followUps.nextThinkingCalls(tx, now, BATCH).map(calls -> new int[] {cold, calls})))
            .map(n -> new Result(flagged, closed, n[0], n[1]))));
  }

  private Future<Integer> flagOverdue(Instant now) {
    return pool.withTransaction(tx -> PgTaskStore.flagOverdue(tx, now)
            .compose(list -> list.isEmpty() ? Future.succeededFuture(list) : hook.on(tx, list, now).map(list)))
        .map(list -> {
          for (PgTaskStore.Overdue t : list) {
            feed.publish(new FeedEvent("task.overdue", t.dealId(), t.managerId(), now, new JsonObject()
                .put("taskId", t.id()).put("title", t.title()).put("forRole", t.role())
                .put("dueAt", t.dueAt().toString())));
          }
          return list.size();
        });
  }

  /** Candidates by the stored silence; each is judged again by the funnel under its lock. */
  private Future<Integer> autoClose(Instant now) {
    Instant silentBefore = now.minus(workflow.funnel().config().closing().autoCloseAfter());
    return pool.preparedQuery("""
            SELECT id FROM deals WHERE status = 'OPEN' AND COALESCE(last_contact_at, arrived_at) <= $1
            ORDER BY COALESCE(last_contact_at, arrived_at), id LIMIT $2""")
        .execute(Tuple.of(Sql.ts(silentBefore), BATCH))
        .compose(rows -> {
          List<Long> ids = new ArrayList<>();
          rows.forEach(r -> ids.add(r.getLong(0)));
          Future<Integer> chain = Future.succeededFuture(0);
          for (long id : ids) {
            chain = chain.compose(n -> workflow.autoCloseIfDue(id)
                .map(closed -> closed ? n + 1 : n)
                .recover(err -> {
                  LOG.warn("Auto-close of deal {} failed: {}", id, err.getMessage());
                  return Future.succeededFuture(n);
                }));
          }
          return chain;
        });
  }
}
