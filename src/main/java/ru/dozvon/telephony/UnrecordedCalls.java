package ru.dozvon.telephony;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import ru.dozvon.deals.CallFacts;
import ru.dozvon.store.SqlFailures;

/**
 * Ended calls on their way to the database, and those it has not taken yet. A call the sink fails is kept, in
 * memory and in the unrecorded-calls file ({@link UnrecordedCallFile}), and retried with backoff, oldest first:
 * one call at a time while it fails, all the rest at once when one succeeds.
 *
 * <p>How long a call waits depends on why it failed ({@link SqlFailures}). While the database is away (a
 * transient failure) it waits for ever: it is never dropped. A call the database refuses (a constraint, a value
 * it will not take, a bug in the statement: permanent) is tried once more, since it may have failed beside
 * others or lost a race, and if refused again it is filed as unrecordable ({@link TelephonyService.DeadLetters}),
 * logged once at ERROR, and leaves the queue and the file, so the calls behind it go on. If even filing it fails
 * (the database went away meanwhile) it keeps waiting like any other call.
 *
 * <p>Lives on the telephony event loop, its one writer; the counter is read from other threads.
 */
final class UnrecordedCalls {

  private static final Logger LOG = LoggerFactory.getLogger(UnrecordedCalls.class);
  private static final int MAX_PENDING = 200_000;

  /**
   * @param kept counted as pending and written to the file
   * @param attempts tries to record it so far
   * @param firstFailedAt null before its first failure in this run
   * @param refused the database has refused it once (permanently): the next refusal files it
   */
  private record Pending(CallFacts call, Instant seenAt, boolean kept, int attempts, Instant firstFailedAt,
                         boolean refused) {
  }

  private final Vertx vertx;
  private final Clock clock;
  private final TelephonyService.EndedCalls sink;
  private final TelephonyService.DeadLetters deadLetters;
  private final UnrecordedCallFile spool;
  private final ArrayDeque<Pending> retries = new ArrayDeque<>();
  private final Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(30));
  private Context context;
  private int droppedFromMemory;
  private long retryTimer = -1;
  private Future<Void> retrying;
  private int retryFailures;
  private volatile int unconfirmed;

  UnrecordedCalls(Vertx vertx, Clock clock, TelephonyService.EndedCalls sink, TelephonyService.DeadLetters deadLetters,
                  Path file) {
    this.vertx = vertx;
    this.clock = clock;
    this.sink = sink;
    this.deadLetters = deadLetters;
    this.spool = new UnrecordedCallFile(vertx, file);
  }

  /** On the owning event loop: takes back what the last run left in the file, and starts recording it. */
  Future<Void> start() {
    context = vertx.getOrCreateContext();
    return spool.load().map(left -> {
      if (!left.isEmpty()) {
        LOG.warn("{} ended calls were not recorded by the last run (database unavailable): recording them now",
            left.size());
        Instant now = clock.instant();
        for (CallFacts c : left) {
          retries.addLast(new Pending(c, now, true, 0, null, false));
          unconfirmed++;
        }
        scheduleRetry();
      }
      return null;
    });
  }

  void stop() {
    vertx.cancelTimer(retryTimer);
    if (!retries.isEmpty()) {
      LOG.error("Stopping with {} ended calls not yet recorded (database unavailable); the unrecorded-calls file"
          + " keeps them for the next start", retries.size());
    }
  }

  /** Ended calls that failed to record and are neither recorded nor filed as unrecordable yet. */
  int pending() {
    return unconfirmed;
  }

  /** Records a call that just ended; a failure keeps it. */
  void send(CallFacts call, Instant seenAt) {
    send(new Pending(call, seenAt, false, 0, null, false));
  }

  /**
   * Runs the next retry now instead of at the end of its backoff (tests: time rules are not tested by waiting);
   * completes once that attempt is settled. From any thread.
   */
  Future<Void> retryNow() {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      vertx.cancelTimer(retryTimer);
      retryTimer = -1;
      retryHead().onComplete(done);
    });
    return done.future();
  }

  private void send(Pending p) {
    attempt(p).onComplete(ar -> {
      if (ar.succeeded()) {
        done(p);
      } else {
        keep(p, ar.cause());
        scheduleRetry();
      }
    });
  }

  /** Records the call, or files it if the database refuses it a second time; fails when it must wait. */
  private Future<Void> attempt(Pending p) {
    Future<?> sent;
    try {
      sent = sink.accept(p.call(), p.seenAt());
    } catch (RuntimeException e) { // a bug that threw instead of failing: the call must not vanish with it
      sent = Future.failedFuture(e);
    }
    return sent.<Void>mapEmpty().recover(err -> p.refused() && SqlFailures.permanent(err) ? file(p, err)
        : Future.failedFuture(err));
  }

  private Future<Void> file(Pending p, Throwable refusal) {
    String why = SqlFailures.describe(refusal);
    String state = SqlFailures.sqlState(refusal);
    return deadLetters.file(p.call(), why, state, p.firstFailedAt(), p.attempts() + 1).onFailure(e ->
        LOG.warn("Call {}, refused by the database, could not be filed as unrecordable yet ({}); it keeps waiting",
            p.call().pbxCallId(), e.getMessage())).map(added -> {
      String id = p.call().pbxCallId();
      MDC.put("linkedid", id + " ");
      if (added) {
        LOG.error("Call {} is unrecordable: the database refuses it (SQLSTATE {}: {}); filed after {} attempts in"
            + " unrecordable_calls with its facts (GET /api/calls/unrecordable), the calls after it go on",
            id, state == null ? "none" : state, why, p.attempts() + 1);
      } else {
        LOG.warn("Call {} refused again (SQLSTATE {}: {}); it was filed as unrecordable before", id,
            state == null ? "none" : state, why);
      }
      MDC.remove("linkedid");
      return null;
    });
  }

  /** The call is recorded, or filed as unrecordable: it leaves the file (emptied once nothing waits). */
  private void done(Pending p) {
    if (p.kept()) {
      unconfirmed--;
      Future<Void> written = spool.recorded(p.call().pbxCallId());
      if (unconfirmed == 0 && droppedFromMemory == 0) {
        written = written.compose(x -> spool.clear());
      }
      written.onFailure(e -> LOG.warn("Unrecorded-calls file not updated: {}", e.getMessage()));
    }
  }

  /** A first failure: the call is kept, in memory and on disk, to be retried. */
  private void keep(Pending p, Throwable err) {
    Pending next = failedOnce(p, err);
    if (retries.size() >= MAX_PENDING) {
      Pending dropped = retries.pollFirst();
      unconfirmed--;
      droppedFromMemory++;
      LOG.error("Retry queue full ({}): the oldest unrecorded call {} leaves memory; it stays in the unrecorded-calls"
          + " file and is recorded at the next start", MAX_PENDING, dropped.call().pbxCallId());
    }
    if (!p.kept()) {
      unconfirmed++;
      spool.kept(p.call()).onFailure(e -> LOG.error("Call {} could not be kept on disk either ({}): only memory holds"
          + " it until the database returns", p.call().pbxCallId(), e.getMessage()));
    }
    retries.addLast(next);
  }

  /** The call after one more failed attempt; says so in the log the first time, and at its first refusal. */
  private Pending failedOnce(Pending p, Throwable err) {
    boolean refusedNow = !p.refused() && SqlFailures.permanent(err);
    MDC.put("linkedid", p.call().pbxCallId() + " ");
    if (refusedNow) {
      String state = SqlFailures.sqlState(err);
      LOG.warn("Call refused by the database (SQLSTATE {}: {}); trying once more before filing it as unrecordable",
          state == null ? "none" : state, SqlFailures.describe(err));
    } else if (!p.kept()) {
      LOG.warn("Call not recorded yet, will retry: {}", err.getMessage());
    } else {
      LOG.debug("Call still not recorded: {}", err.getMessage());
    }
    MDC.remove("linkedid");
    return new Pending(p.call(), p.seenAt(), true, p.attempts() + 1,
        p.firstFailedAt() != null ? p.firstFailedAt() : clock.instant(), p.refused() || refusedNow);
  }

  /** One call at a time while the database is away; all the rest at once when it is back. */
  private void scheduleRetry() {
    if (retryTimer >= 0 || retrying != null || retries.isEmpty()) {
      return;
    }
    long delay = backoff.delay(retryFailures).toMillis();
    retryTimer = vertx.setTimer(Math.max(1, delay), id -> {
      retryTimer = -1;
      retryHead();
    });
  }

  private Future<Void> retryHead() {
    if (retrying != null) {
      return retrying;
    }
    Pending head = retries.pollFirst();
    if (head == null) {
      return Future.succeededFuture();
    }
    Promise<Void> settled = Promise.promise();
    retrying = settled.future();
    attempt(head).onComplete(ar -> {
      retrying = null;
      if (ar.succeeded()) {
        retryFailures = 0;
        done(head);
        List<Pending> rest = List.copyOf(retries);
        retries.clear();
        rest.forEach(this::send);
      } else {
        retryFailures++;
        retries.addFirst(failedOnce(head, ar.cause()));
        scheduleRetry();
      }
      settled.complete();
    });
    return settled.future();
  }
}
