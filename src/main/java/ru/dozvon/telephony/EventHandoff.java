package ru.dozvon.telephony;

import io.vertx.core.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Moves items from Asterisk-Java's event thread to a Vert.x context in batches. The producer only
 * enqueues; it wakes the event loop (a {@code runOnContext}, which costs a syscall when the loop
 * sleeps) only when no drain is pending. While events keep coming, the context drains on a 1 ms
 * timer of its own instead, so a burst costs the producer no wake-ups at all; once a drain finds
 * the queue empty, the next event wakes the loop again. Cost: up to 1 ms of extra latency in a burst.
 * Items stay queued until {@link #open()}, so a connection's events never overtake its onConnected.
 *
 * <p>Bounded by backpressure, not by dropping: a producer that calls {@link #awaitRoom} (the AMI reader, before
 * each event) waits while {@link #HIGH_WATER} items are queued, until the context has taken them down to
 * {@link #LOW_WATER}. The reader then stops reading the socket and TCP holds the PBX back; nothing is lost.
 */
final class EventHandoff {

  /** Upper bound per batch, so one burst does not hold the event loop for long. */
  static final int MAX_BATCH = 8192;
  static final long COALESCE_MS = 1;
  /** Items queued past which {@link #awaitRoom} holds the producer (about a second of a 500 calls/s PBX). */
  static final int HIGH_WATER = 50_000;
  static final int LOW_WATER = 25_000;
  /** A context that takes nothing for this long is stuck: the producer goes on rather than hang with it. */
  static final long STUCK_NANOS = 30_000_000_000L;

  private final Context context;
  private final Consumer<List<Object>> sink;
  private final Queue<Object> queue = new ConcurrentLinkedQueue<>();
  /** True while a drain is due (a runOnContext or a timer); the producer then need not wake anyone. */
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private volatile boolean open;
  /** When the oldest item not yet drained was queued (nanoTime), or 0 when none is. */
  private final java.util.concurrent.atomic.AtomicLong oldestSince = new java.util.concurrent.atomic.AtomicLong();
  private final java.util.function.LongConsumer waited;
  private final java.util.concurrent.atomic.AtomicInteger size = new java.util.concurrent.atomic.AtomicInteger();
  private volatile boolean released;
  private final int highWater;
  private final int lowWater;

  EventHandoff(Context context, Consumer<List<Object>> sink) {
    this(context, sink, nanos -> { });
  }

  /** @param waited told, per batch, how long its oldest item waited in the queue (nanoseconds) */
  EventHandoff(Context context, Consumer<List<Object>> sink, java.util.function.LongConsumer waited) {
    this(context, sink, waited, HIGH_WATER, LOW_WATER);
  }

  /** @param highWater items queued past which {@link #awaitRoom} waits, until {@code lowWater} */
  EventHandoff(Context context, Consumer<List<Object>> sink, java.util.function.LongConsumer waited, int highWater,
               int lowWater) {
    if (lowWater < 0 || highWater <= lowWater) {
      throw new IllegalArgumentException("need 0 <= lowWater < highWater");
    }
    this.highWater = highWater;
    this.lowWater = lowWater;
    this.context = context;
    this.sink = sink;
    this.waited = waited;
  }

  /** Any thread. */
  void add(Object item) {
    if (oldestSince.get() == 0) {
      oldestSince.compareAndSet(0, System.nanoTime());
    }
    queue.offer(item);
    size.incrementAndGet();
    if (open && !scheduled.get() && scheduled.compareAndSet(false, true)) {
      context.runOnContext(v -> drain());
    }
  }

  /**
   * The producer's thread (never the context's): returns at once while fewer than the high water mark are queued;
   * else waits until the context has taken them down to the low water mark, this handoff is {@link #release}d, or
   * the context took nothing for {@link #STUCK_NANOS}. Before {@link #open} it never waits (nothing drains yet).
   *
   * @return how long it waited, in nanoseconds (0: not at all)
   */
  long awaitRoom() {
    if (size.get() < highWater || !open || released || Context.isOnVertxThread()) {
      return 0;
    }
    long start = System.nanoTime();
    long progressAt = start;
    int last = size.get();
    while (!released) {
      int now = size.get();
      if (now <= lowWater) {
        break;
      }
      long t = System.nanoTime();
      if (now < last) {
        last = now;
        progressAt = t;
      } else if (t - progressAt > STUCK_NANOS) {
        org.slf4j.LoggerFactory.getLogger(EventHandoff.class).error("AMI: the telephony loop took none of {} queued"
            + " events for {} s; reading on without waiting for it", now, STUCK_NANOS / 1_000_000_000L);
        break;
      }
      java.util.concurrent.locks.LockSupport.parkNanos(250_000);
    }
    return Math.max(1, System.nanoTime() - start);
  }

  /** Any thread: no producer waits on this handoff again (its connection is being replaced or closed). */
  void release() {
    released = true;
  }

  /** Items queued and not yet taken by the context. */
  int size() {
    return size.get();
  }

  /** On the context: start delivering, queued items first. */
  void open() {
    open = true;
    scheduled.set(true);
    drain();
  }

  /** On the context: everything queued now, without delivering it (the caller does). */
  List<Object> takeAll() {
    List<Object> items = new ArrayList<>();
    Object o;
    while ((o = queue.poll()) != null) {
      items.add(o);
    }
    size.addAndGet(-items.size());
    return items;
  }

  /** On the context, with {@code scheduled} true. */
  private void drain() {
    List<Object> items = new ArrayList<>(Math.min(MAX_BATCH, 256));
    Object o;
    while (items.size() < MAX_BATCH && (o = queue.poll()) != null) {
      items.add(o);
    }
    size.addAndGet(-items.size());
    if (items.isEmpty()) {
      // idle: hand the wake-up back to the producer, then close the race with an item added meanwhile
      scheduled.set(false);
      if (!queue.isEmpty() && scheduled.compareAndSet(false, true)) {
        context.runOnContext(v -> drain());
      }
      return;
    }
    long since = oldestSince.getAndSet(0);
    if (since != 0) {
      waited.accept(System.nanoTime() - since);
    }
    sink.accept(items);
    if (items.size() == MAX_BATCH) {
      context.runOnContext(v -> drain());
    } else {
      context.owner().setTimer(COALESCE_MS, id -> drain());
    }
  }
}
