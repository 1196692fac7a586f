package ru.dozvon.deals;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;

/**
 * The one chain that tells every deal event to the listeners, in the order they were registered, inside the
 * caller's transaction. Built once in the composition root; the listeners are registered once, in a visible
 * order (routing before dialing, so a callback task lands on the manager just chosen).
 *
 * <p>No re-entry: a listener returns the events its work caused (routing's {@code Assigned}, dialing's
 * {@code Closed} when the ladder is exhausted), and the chain tells those after the current event has been
 * through every listener, breadth first. A runaway loop of follow-ups fails the transaction.
 */
public final class DealEventChain {

  /** More follow-ups than this from one event is a loop, not a business case. */
  static final int MAX_EVENTS = 64;

  private List<DealTxListener> listeners;

  /** Registers the listeners, once, in the order they run. */
  public synchronized void register(List<DealTxListener> inOrder) {
    if (listeners != null) {
      throw new IllegalStateException("the deal listeners are registered once");
    }
    listeners = List.copyOf(inOrder);
  }

  /** Tells {@code event}, then whatever follows from it, to every listener. */
  public Future<Void> publish(SqlConnection tx, DealEvent event) {
    return publish(tx, List.of(event));
  }

  /** Tells the events in order, then whatever follows from them. */
  public Future<Void> publish(SqlConnection tx, List<? extends DealEvent> events) {
    List<DealTxListener> all = Objects.requireNonNull(listeners, "deal listeners not registered yet");
    ArrayDeque<DealEvent> queue = new ArrayDeque<>(events);
    return drain(tx, all, queue, 0);
  }

  private Future<Void> drain(SqlConnection tx, List<DealTxListener> all, ArrayDeque<DealEvent> queue, int told) {
    DealEvent next = queue.poll();
    if (next == null) {
      return Future.succeededFuture();
    }
    if (told >= MAX_EVENTS) {
      return Future.failedFuture(new IllegalStateException("deal " + next.dealId() + ": more than " + MAX_EVENTS
          + " follow-up events from one change (a listener loop?)"));
    }
    Future<Void> chain = Future.succeededFuture();
    for (DealTxListener l : all) {
      chain = chain.compose(x -> l.on(tx, next)).map(follow -> {
        queue.addAll(follow);
        return null;
      });
    }
    return chain.compose(x -> drain(tx, all, queue, told + 1));
  }
}
