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
 * <p>With the write-ahead journal ({@link EndedCallJournal}) every call is appended there as its first try starts, and
 * marked committed once recorded or filed, so a crash loses no call whose write was in flight; the next start
 * replays what is not marked. Calls held in memory for retry are bounded ({@code telephony.journal.max_buffered_calls}):
 * beyond, a failed call is kept in the journal (and the unrecorded-calls file) only, and read back from the journal,
 * oldest first, once the calls in memory are recorded.
 *
 * <p>Lives on the telephony event loop, its one writer; the counter is read from other threads.
 */
final class UnrecordedCalls {

  private static final Logger LOG = LoggerFactory.getLogger(UnrecordedCalls.class);

  /**
   * @param kept counted as pending
   * @param spooled written to the unrecorded-calls file (its removal is written when it is done)
   * @param journaled written ahead to the journal (so it may leave memory)
   * @param attempts tries to record it so far
   * @param firstFailedAt null before its first failure in this run
   * @param refused the database has refused it once (permanently): the next refusal files it
   */
  private record Pending(CallFacts call, Instant seenAt, boolean kept, boolean spooled, boolean journaled,
                         int attempts, Instant firstFailedAt, boolean refused) {
  }

  private final Vertx vertx;
  private final Clock clock;
  private final TelephonyService.EndedCalls sink;
  private final TelephonyService.DeadLetters deadLetters;
  private final UnrecordedCallFile spool;
  private final EndedCallJournal journal;
  private final int maxBuffered;
  private final ArrayDeque<Pending> retries = new ArrayDeque<>();
  private final Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(30));
  private Context context;
  private int droppedFromMemory;
  private long retryTimer = -1;
  private Future<Void> retrying;
  private int retryFailures;
  private volatile int unconfirmed;
  /** Kept calls only the journal holds now (counted in unconfirmed). */
  private int spilledHere;
  /** Kept calls being tried outside the retry queue. */
  private int inFlightKept;
  private boolean refilling;
  private volatile int peakBuffered;

  UnrecordedCalls(Vertx vertx, Clock clock, TelephonyService.EndedCalls sink, TelephonyService.DeadLetters deadLetters,
                  Path file) {
    this(vertx, clock, sink, deadLetters, file, null, 200_000);
  }

  /**
   * @param journal the write-ahead journal, or null for none
   * @param maxBuffered failed calls held in memory at most; beyond, journaled ones are kept in the journal only
   */
  UnrecordedCalls(Vertx vertx, Clock clock, TelephonyService.EndedCalls sink, TelephonyService.DeadLetters deadLetters,
                  Path file, EndedCallJournal journal, int maxBuffered) {
    this.journal = journal;
    this.maxBuffered = maxBuffered;
    this.vertx = vertx;
    this.clock = clock;
    this.sink = sink;
    this.deadLetters = deadLetters;
    this.spool = new UnrecordedCallFile(vertx, file);
  }

  /** On the owning event loop: takes back what the last run left in the file, and starts recording it. */
  Future<Void> start() {
    context = vertx.getOrCreateContext();
    Future<List<CallFacts>> written = journal == null ? Future.succeededFuture(List.of()) : journal.open(maxBuffered);
    return spool.load().compose(left -> written.map(replay -> {
      Instant now = clock.instant();
      java.util.Set<String> ids = new java.util.HashSet<>();
      if (!left.isEmpty()) {
        LOG.warn("{} ended calls were not recorded by the last run (database unavailable): recording them now",
            left.size());
        for (CallFacts c : left) {
          retries.addLast(new Pending(c, now, true, true, false, 0, null, false));
          ids.add(c.pbxCallId());
          unconfirmed++;
        }
      }
      for (CallFacts c : replay) {
        if (!ids.add(c.pbxCallId())) {
          continue;
        }
        unconfirmed++;
        if (retries.size() >= maxBuffered) {
          journal.spilled(c.pbxCallId());
          spilledHere++;
        } else {
          retries.addLast(new Pending(c, now, true, false, true, 0, null, false));
        }
      }
      if (journal != null) {
        spilledHere += journal.spilledCount();
        unconfirmed += journal.spilledCount();
      }
      noteBuffered();
      scheduleRetry();
      return null;
    }));
  }

  Future<Void> stop() {
    vertx.cancelTimer(retryTimer);
    if (unconfirmed > 0) {
      LOG.error("Stopping with {} ended calls not yet recorded (database unavailable); the {} keeps them for the"
          + " next start", unconfirmed, journal == null ? "unrecorded-calls file" : "journal");
    }
    return journal == null ? Future.succeededFuture() : journal.close();
  }

  /** Ended calls that failed to record and are neither recorded nor filed as unrecordable yet (memory and journal). */
  int pending() {
    return unconfirmed + droppedFromMemory;
  }

  /** Of those, the ones held in memory now (the retry queue). */
  int buffered() {
    return retries.size();
  }

  /** The most calls the retry queue held at once since the start. */
  int peakBuffered() {
    return peakBuffered;
  }

  /** Of the waiting calls, those only the journal holds. */
  int spilled() {
    return journal == null ? 0 : journal.spilledCount();
  }

  /** The write-ahead journal, or null. */
  EndedCallJournal journal() {
    return journal;
  }

  /**
   * Records a call that just ended; a failure keeps it. With the journal, the append and the database write start
   * together: the deal does not wait for the journal's fsync. No call is less safe for it: at any moment a call is
   * safe once either write has completed, and running them side by side only ends that window sooner (a kill or a
   * power cut before both completes loses nothing that the append-first order would have kept). The call's
   * bookkeeping (committed in the journal, or kept for retry) waits for both answers, so the journal sees its
   * append before its commit mark, and a kept call knows whether the journal holds it.
   */
  void send(CallFacts call, Instant seenAt) {
    if (journal == null) {
      send(new Pending(call, seenAt, false, false, false, 0, null, false));
      return;
    }
    Future<Boolean> journaled = journal.append(call).map(true).otherwise(e -> {
      journal.countUnjournaled();
      if (!(e instanceof EndedCallJournal.JournalFull)) {
        LOG.warn("Call {} not written ahead ({}); recording it without", call.pbxCallId(), e.getMessage());
      }
      return false;
    });
    Pending first = new Pending(call, seenAt, false, false, false, 0, null, false);
    attempt(first).onComplete(ar -> journaled.onComplete(j -> {
      Pending p = new Pending(call, seenAt, false, false, j.result(), 0, null, false);
      if (ar.succeeded()) {
        done(p);
      } else {
        keep(p, ar.cause());
        scheduleRetry();
      }
    }));
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
    if (p.kept()) {
      inFlightKept++;
    }
    attempt(p).onComplete(ar -> {
      if (p.kept()) {
        inFlightKept--;
      }
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
    if (journal != null) {
      journal.committed(p.call().pbxCallId());
    }
    if (p.kept()) {
      unconfirmed--;
      Future<Void> written = p.spooled() ? spool.recorded(p.call().pbxCallId()) : Future.succeededFuture();
      if (unconfirmed == 0 && droppedFromMemory == 0) {
        written = written.compose(x -> spool.clear());
      }
      written.onFailure(e -> LOG.warn("Unrecorded-calls file not updated: {}", e.getMessage()));
    }
    refill();
  }

  /**
   * Once the calls in memory are recorded (queue empty, none in flight), reads the next calls only the journal holds
   * back into memory, oldest first, as many as the bound allows, and tries them.
   */
  private void refill() {
    if (spilledHere == 0 || refilling || !retries.isEmpty() || retrying != null || inFlightKept > 0) {
      return;
    }
    refilling = true;
    journal.takeSpilled(maxBuffered).onComplete(ar -> {
      refilling = false;
      if (ar.failed()) {
        LOG.error("Calls kept in the journal could not be read back ({}); they are replayed at the next start",
            ar.cause().getMessage());
        return;
      }
      List<CallFacts> back = ar.result();
      if (back.isEmpty()) {
        LOG.error("The journal holds none of the {} calls it was given to keep; counted as recorded", spilledHere);
        unconfirmed -= spilledHere;
        spilledHere = 0;
        return;
      }
      spilledHere -= back.size();
      LOG.info("{} calls kept in the journal only are being recorded ({} more still there)", back.size(),
          spilledHere);
      Instant now = clock.instant();
      for (CallFacts c : back) {
        send(new Pending(c, now, true, true, true, 0, null, false));
      }
    });
  }

  private void noteBuffered() {
    if (retries.size() > peakBuffered) {
      peakBuffered = retries.size();
    }
  }

  /** A first failure: the call is kept, in memory and on disk, to be retried. */
  private void keep(Pending p, Throwable err) {
    Pending next = failedOnce(p, err);
    if (!p.kept()) {
      unconfirmed++;
      spool.kept(p.call()).onFailure(e -> LOG.error("Call {} could not be kept on disk either ({}): only memory holds"
          + " it until the database returns", p.call().pbxCallId(), e.getMessage()));
    }
    if (retries.size() >= maxBuffered) {
      if (next.journaled()) { // the journal has it: it waits there, not in memory
        if (spilledHere == 0) {
          LOG.warn("{} ended calls wait in memory for the database (telephony.journal.max_buffered_calls): the next"
              + " ones wait in the journal only, and are read back once these are recorded", maxBuffered);
        }
        journal.spilled(next.call().pbxCallId());
        spilledHere++;
        return;
      }
      Pending dropped = retries.pollFirst();
      if (dropped.journaled()) {
        journal.spilled(dropped.call().pbxCallId());
        spilledHere++;
      } else {
        unconfirmed--;
        droppedFromMemory++;
        LOG.error("Retry queue full ({}): the oldest unrecorded call {} leaves memory; it stays in the"
            + " unrecorded-calls file and is recorded at the next start", maxBuffered, dropped.call().pbxCallId());
      }
    }
    retries.addLast(next);
    noteBuffered();
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
    return new Pending(p.call(), p.seenAt(), true, p.spooled() || !p.kept(), p.journaled(), p.attempts() + 1,
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
