package ru.dozvon.deals;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records missed calls that arrive together in shared transactions (issue 3: hangup to deal committed within
 * 50 ms at 500 missed calls a second). Each commit waits for a WAL flush; sharing one among the calls that
 * arrived meanwhile spends the flushes, and PostgreSQL's per-transaction work, on many calls at once.
 *
 * <p>Adaptive, never delayed: a call starts a transaction at once while fewer than {@code maxInFlight} are
 * running; otherwise it waits for the next one to end and goes in the next group with every call that came
 * meanwhile (at most {@code maxGroup}). So a quiet PBX gets one transaction a call, as before, and a burst
 * gets fewer, larger ones. A group's calls are sorted by number, so two groups lock contacts in the same order
 * and cannot deadlock. A group that fails is rolled back whole and its calls are recorded again one by one,
 * so one bad call costs the others nothing but a retry.
 *
 * <p>Its queue lives on one Vert.x context; calls from elsewhere hop onto it, and their answer hops back to
 * the caller's context. Given no context, it lives on an event loop of its own beside its first caller's (in the
 * service the telephony loop, which hands it every ended call): a call costs a hop each way, and the transactions'
 * steps never wait behind the telephony loop's batches of PBX events.
 */
public final class GroupCommit {

  private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);

  private record Waiting(CallFacts call, Promise<PgCallRecorder.Recorded> done, long queuedAt) {
    Waiting(CallFacts call, Promise<PgCallRecorder.Recorded> done) {
      this(call, done, System.nanoTime());
    }
  }

  private volatile Context context;
  private final PgCallRecorder recorder;
  private final int maxInFlight;
  private final int maxGroup;
  private final ArrayDeque<Waiting> queue = new ArrayDeque<>();
  private final ru.dozvon.metrics.Meters meters;
  private java.util.function.Supplier<Context> fallback;
  private int inFlight;

  /**
   * @param context where the queue lives and the transactions are started; null: the first caller's event loop
   * @param maxInFlight transactions of grouped calls running at once (a share of the pool)
   * @param maxGroup calls in one transaction at most
   */
  public GroupCommit(Context context, PgCallRecorder recorder, int maxInFlight, int maxGroup) {
    this(context, recorder, maxInFlight, maxGroup, null);
  }

  /** @param meters where the stages are timed (queued to the group's start, the group's size), or null */
  public GroupCommit(Context context, PgCallRecorder recorder, int maxInFlight, int maxGroup,
                     ru.dozvon.metrics.Meters meters) {
    this.meters = meters;
    if (maxInFlight < 1 || maxGroup < 1) {
      throw new IllegalArgumentException("maxInFlight and maxGroup must be positive");
    }
    this.context = context;
    this.fallback = null;
    this.recorder = recorder;
    this.maxInFlight = maxInFlight;
    this.maxGroup = maxGroup;
  }

  /**
   * Lives on the event loop of its first caller ({@code fallback}: when that caller is no event loop).
   *
   * @param meters where the stages are timed, or null
   */
  public GroupCommit(java.util.function.Supplier<Context> fallback, PgCallRecorder recorder, int maxInFlight,
                     int maxGroup, ru.dozvon.metrics.Meters meters) {
    this((Context) null, recorder, maxInFlight, maxGroup, meters);
    this.fallback = fallback;
  }

  /** Records the call: a missed call from a known number in a group, any other call on its own. */
  public Future<PgCallRecorder.Recorded> record(CallFacts c) {
    if (!PgCallRecorder.hotPath(c)) {
      return recorder.record(c);
    }
    Promise<PgCallRecorder.Recorded> done = Promise.promise();
    Context caller = Vertx.currentContext();
    if (context == null) {
      adopt(caller);
    }
    if (caller == context) {
      queue.add(new Waiting(c, done));
      next();
      return done.future();
    }
    context.runOnContext(v -> {
      queue.add(new Waiting(c, done));
      next();
    });
    if (caller == null) {
      return done.future();
    }
    // back on the caller's context, as a direct transaction would complete (the caller's state is not thread-safe)
    Promise<PgCallRecorder.Recorded> back = Promise.promise();
    done.future().onComplete(ar -> caller.runOnContext(x -> back.handle(ar)));
    return back.future();
  }

  private synchronized void adopt(Context caller) {
    if (context == null) {
      context = caller != null && caller.isEventLoopContext() ? beside(caller) : recorderContext();
    }
  }

  /**
   * A context of its own on another event loop than its first caller's. The steps of a transaction (BEGIN, each
   * statement, COMMIT) each come back to this context; on the caller's loop, the telephony loop, each waited behind
   * whatever batch of PBX events that loop was folding (milliseconds under load, five times a transaction).
   */
  private static Context beside(Context caller) {
    if (!(caller instanceof io.vertx.core.internal.ContextInternal ci)) {
      return caller;
    }
    io.vertx.core.internal.VertxInternal vertx = ci.owner();
    io.netty.channel.EventLoop theirs = ci.nettyEventLoop();
    for (int i = 0; i < 64; i++) {
      io.netty.channel.EventLoop next = vertx.nettyEventLoopGroup().next();
      if (next != theirs) {
        return vertx.contextBuilder().withThreadingModel(io.vertx.core.ThreadingModel.EVENT_LOOP).withEventLoop(next)
            .build();
      }
    }
    return caller; // a single event loop
  }

  /** Where to live when the first caller is no event loop (a test's thread, a worker). */
  private Context recorderContext() {
    return fallback.get();
  }

  private void next() {
    while (inFlight < maxInFlight && !queue.isEmpty()) {
      List<Waiting> group = new ArrayList<>(Math.min(queue.size(), maxGroup));
      while (group.size() < maxGroup && !queue.isEmpty()) {
        group.add(queue.poll());
      }
      inFlight++;
      run(group).onComplete(x -> {
        inFlight--;
        next();
      });
    }
  }

  private Future<Void> run(List<Waiting> group) {
    if (meters != null) {
      long now = System.nanoTime();
      for (Waiting w : group) {
        meters.stage("group_wait", now - w.queuedAt());
      }
      meters.groupSize(group.size());
    }
    if (group.size() == 1) {
      Waiting w = group.get(0);
      return recorder.record(w.call()).andThen(w.done()).mapEmpty();
    }
    List<Waiting> sorted = new ArrayList<>(group);
    sorted.sort(Comparator.comparing(w -> w.call().customer().e164())); // stable: one number keeps its order
    return recorder.recordTogether(sorted.stream().map(Waiting::call).toList())
        .map(recorded -> {
          for (int i = 0; i < sorted.size(); i++) {
            sorted.get(i).done().complete(recorded.get(i));
          }
          return (Void) null;
        })
        .recover(e -> {
          LOG.warn("A group of {} missed calls was rolled back ({}); recording each on its own", sorted.size(),
              e.toString());
          List<Future<PgCallRecorder.Recorded>> each = new ArrayList<>(sorted.size());
          for (Waiting w : sorted) {
            each.add(recorder.record(w.call()).andThen(w.done()));
          }
          return Future.join(each).<Void>mapEmpty().otherwiseEmpty();
        });
  }

}
