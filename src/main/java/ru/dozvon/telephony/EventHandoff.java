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
 */
final class EventHandoff {

  /** Upper bound per batch, so one burst does not hold the event loop for long. */
  static final int MAX_BATCH = 8192;
  static final long COALESCE_MS = 1;

  private final Context context;
  private final Consumer<List<Object>> sink;
  private final Queue<Object> queue = new ConcurrentLinkedQueue<>();
  /** True while a drain is due (a runOnContext or a timer); the producer then need not wake anyone. */
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private volatile boolean open;
  /** When the oldest item not yet drained was queued (nanoTime), or 0 when none is. */
  private final java.util.concurrent.atomic.AtomicLong oldestSince = new java.util.concurrent.atomic.AtomicLong();
  private final java.util.function.LongConsumer waited;

  EventHandoff(Context context, Consumer<List<Object>> sink) {
    this(context, sink, nanos -> { });
  }

  /** @param waited told, per batch, how long its oldest item waited in the queue (nanoseconds) */
  EventHandoff(Context context, Consumer<List<Object>> sink, java.util.function.LongConsumer waited) {
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
    if (open && !scheduled.get() && scheduled.compareAndSet(false, true)) {
      context.runOnContext(v -> drain());
    }
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
    return items;
  }

  /** On the context, with {@code scheduled} true. */
  private void drain() {
    List<Object> items = new ArrayList<>(Math.min(MAX_BATCH, 256));
    Object o;
    while (items.size() < MAX_BATCH && (o = queue.poll()) != null) {
      items.add(o);
    }
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
