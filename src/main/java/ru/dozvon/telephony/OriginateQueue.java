package ru.dozvon.telephony;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The one queue every Originate goes through (click-to-call and the dialer): first in, first out, at most
 * {@code perSecond} written to the PBX in any second and at most {@code maxInFlight} waiting for their
 * OriginateResponse. Mass Originate is a known weak point of Asterisk's manager interface and of Asterisk-Java (each
 * Originate is a thread in Asterisk until the phone answers); this keeps the PBX's load flat however many clicks
 * come at once. Nothing waits on the event loop: a full window or a full flight sets a timer, or waits for a
 * response.
 *
 * <p>One entry per key (a deal) at a time: submitting a key already queued or in flight returns the same result, so
 * two clicks on one deal give one Originate.
 *
 * <p>Confined to one context (the telephony event loop); {@link #submit} may be called from any thread.
 */
public final class OriginateQueue {

  private static final long WINDOW_NANOS = Duration.ofSeconds(1).toNanos();

  private final Vertx vertx;
  private final Context context;
  private final Sender sender;
  private final int perSecond;
  private final int maxInFlight;

  // confined to the context
  private final ArrayDeque<Entry> waiting = new ArrayDeque<>();
  /** The Originates of the last second, by when they were written to the PBX (0: being written now). */
  private final ArrayDeque<long[]> window = new ArrayDeque<>();
  private final Map<String, Entry> byKey = new HashMap<>();
  private int inFlight;
  private long timer = -1;

  // read from anywhere (gauges, tests)
  private volatile int queuedNow;
  private volatile int inFlightNow;
  private volatile int mostInASecond;

  private final Timer waited;
  private final ConcurrentMap<String, Counter> results = new ConcurrentHashMap<>();
  private final MeterRegistry registry;

  /** Writes one Originate ({@link AmiClient#originate(OriginateRequest, Runnable)}). */
  @FunctionalInterface
  public interface Sender {
    /** Completes with the OriginateResponse; {@code written} runs, on any thread, once the PBX was sent the action. */
    Future<OriginateResult> send(OriginateRequest request, Runnable written);
  }

  private static final class Entry {
    final String key;
    final OriginateRequest request;
    final Promise<OriginateResult> result = Promise.promise();
    final long queuedAt = System.nanoTime();

    Entry(String key, OriginateRequest request) {
      this.key = key;
      this.request = request;
    }
  }

  /**
   * @param sender writes one Originate and completes with its OriginateResponse ({@link AmiClient#originate})
   */
  public OriginateQueue(Vertx vertx, Context context, Sender sender, int perSecond, int maxInFlight,
                        MeterRegistry registry) {
    this.vertx = vertx;
    this.context = context;
    this.sender = sender;
    this.perSecond = perSecond;
    this.maxInFlight = maxInFlight;
    this.registry = registry;
    Gauge.builder("dozvon_originates_queued", () -> queuedNow)
        .description("Originates waiting in the queue for the rate limit or a free slot").register(registry);
    Gauge.builder("dozvon_originates_in_flight", () -> inFlightNow)
        .description("Originates written to the PBX whose OriginateResponse has not come yet").register(registry);
    waited = Timer.builder("dozvon_originate_queue_wait_seconds")
        .description("From an Originate queued to written to the PBX")
        .publishPercentiles(0.5, 0.99).register(registry);
  }

  /** Queues an Originate; a key already queued or in flight gets that one's result instead. */
  public Future<OriginateResult> submit(String key, OriginateRequest request) {
    Promise<OriginateResult> out = Promise.promise();
    if (Vertx.currentContext() == context) {
      enqueue(key, request, out);
    } else {
      context.runOnContext(v -> enqueue(key, request, out));
    }
    return out.future();
  }

  private void enqueue(String key, OriginateRequest request, Promise<OriginateResult> out) {
    Entry e = byKey.get(key);
    if (e == null) {
      e = new Entry(key, request);
      byKey.put(key, e);
      waiting.add(e);
      queuedNow = waiting.size();
      pump();
    }
    e.result.future().onComplete(out);
  }

  /** The most Originates written to the PBX within one second so far (at most {@code perSecond}). */
  public int mostWrittenInASecond() {
    return mostInASecond;
  }

  private void written(long at) {
    int n = 0;
    for (long[] w : window) {
      if (w[0] != 0 && w[0] <= at && at - w[0] < WINDOW_NANOS) {
        n++;
      }
    }
    mostInASecond = Math.max(mostInASecond, n);
  }

  /** Originates waiting for the rate limit or a free slot. */
  public int queued() {
    return queuedNow;
  }

  /** Originates written whose OriginateResponse has not come yet. */
  public int inFlight() {
    return inFlightNow;
  }

  private void pump() {
    while (!waiting.isEmpty() && inFlight < maxInFlight) {
      long now = System.nanoTime();
      window.removeIf(w -> w[0] != 0 && now - w[0] >= WINDOW_NANOS);
      if (window.size() >= perSecond) {
        // Full: the next may go one second after the oldest was written (one still being written calls pump when it is).
        long oldest = window.stream().mapToLong(w -> w[0]).filter(w -> w != 0).min().orElse(0);
        if (oldest != 0 && timer < 0) {
          long waitMs = Math.max(1, (oldest + WINDOW_NANOS - now) / 1_000_000 + 1);
          timer = vertx.setTimer(waitMs, t -> context.runOnContext(v -> {
            timer = -1;
            pump();
          }));
        }
        break;
      }
      Entry e = waiting.poll();
      long[] slot = {0};
      window.addLast(slot);
      inFlight++;
      waited.record(Duration.ofNanos(now - e.queuedAt));
      Future<OriginateResult> sent;
      try {
        sent = sender.send(e.request, () -> {
          long writtenAt = System.nanoTime(); // on the writing thread: the hop to the loop may take a while
          context.runOnContext(v -> {
            slot[0] = writtenAt;
            written(writtenAt);
            pump();
          });
        });
      } catch (RuntimeException ex) {
        sent = Future.failedFuture(ex);
      }
      sent.onComplete(ar -> context.runOnContext(v -> {
        if (slot[0] == 0) {
          // Its answer came before the news that it was written (the writing thread was descheduled in between), or
          // it was never written (not connected): counted from now, which errs on the safe side.
          slot[0] = System.nanoTime();
        }
        done(e, ar.succeeded() ? ar.result() : null, ar.cause());
      }));
    }
    queuedNow = waiting.size();
    inFlightNow = inFlight;
  }

  private void done(Entry e, OriginateResult r, Throwable failure) {
    inFlight--;
    inFlightNow = inFlight;
    byKey.remove(e.key, e);
    String result = r == null ? "error" : r.success() ? "answered" : r.reasonText().replace(' ', '_');
    results.computeIfAbsent(result, k -> Counter.builder("dozvon_originates").tag("result", k)
        .description("Originates by what the PBX reported for the operator's leg").register(registry)).increment();
    if (r != null) {
      e.result.tryComplete(r);
    } else {
      e.result.tryFail(failure);
    }
    pump();
  }
}
