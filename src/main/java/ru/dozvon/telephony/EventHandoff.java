package ru.dozvon.telephony;

import io.vertx.core.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Moves items from one producer thread (Asterisk-Java's event pump) to a Vert.x context in batches:
 * the producer only enqueues, and at most one {@code runOnContext} is outstanding at a time, so a
 * burst of events costs one context hop per batch rather than one per event. Items stay queued
 * until {@link #open()}, so a connection's events never overtake its onConnected.
 */
final class EventHandoff {

    /** Upper bound per hop, so one burst does not hold the event loop for long. */
    static final int MAX_BATCH = 8192;

    private final Context context;
    private final Consumer<List<Object>> sink;
    private final Queue<Object> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private volatile boolean open;

    EventHandoff(Context context, Consumer<List<Object>> sink) {
        this.context = context;
        this.sink = sink;
    }

    /** Any thread. */
    void add(Object item) {
        queue.offer(item);
        if (open && !scheduled.get() && scheduled.compareAndSet(false, true)) {
            context.runOnContext(v -> drain());
        }
    }

    /** On the context: start delivering, queued items first. */
    void open() {
        open = true;
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

    private void drain() {
        scheduled.set(false);
        List<Object> items = new ArrayList<>(Math.min(MAX_BATCH, 256));
        Object o;
        while (items.size() < MAX_BATCH && (o = queue.poll()) != null) {
            items.add(o);
        }
        if (!items.isEmpty()) {
            sink.accept(items);
        }
        if (!queue.isEmpty() && open && scheduled.compareAndSet(false, true)) {
            context.runOnContext(v -> drain());
        }
    }
}
