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
 * through every listener, breadth first. A runaway loop of follow-ups (a follow-up of a follow-up, deeper than
 * any business case) fails the transaction; a batch of any size (routing assigns 100 deals at once) does not.
 */
public final class DealEventChain {

  /** Follow-ups of follow-ups deeper than this are a loop, not a business case (the deepest real one is 2). */
  static final int MAX_DEPTH = 16;

  private record Told(DealEvent event, int depth) {
  }

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
    ArrayDeque<Told> queue = new ArrayDeque<>();
    events.forEach(e -> queue.add(new Told(e, 0)));
    return drain(tx, all, queue);
  }

  /**
   * Tells a batch of events of distinct deals (the deals one group of missed calls made or found): each
   * listener, in order, takes the whole batch at once ({@link DealTxListener#onAll}), so one that writes a row
   * an event writes them in one statement; then what followed is told as {@link #publish} tells it. For each
   * deal the listeners still run in their registered order; events of different deals are independent.
   */
  public Future<Void> publishTogether(SqlConnection tx, List<? extends DealEvent> events) {
    List<DealTxListener> all = Objects.requireNonNull(listeners, "deal listeners not registered yet");
    if (events.isEmpty()) {
      return Future.succeededFuture();
    }
    if (events.size() == 1) {
      return publish(tx, events);
    }
    if (events.stream().map(DealEvent::dealId).distinct().count() != events.size()) {
      return Future.failedFuture(new IllegalArgumentException("a batch of deal events must name distinct deals"));
    }
    ArrayDeque<Told> queue = new ArrayDeque<>();
    Future<Void> chain = Future.succeededFuture();
    for (DealTxListener l : all) {
      chain = chain.compose(x -> l.onAll(tx, events)).map(follow -> {
        follow.forEach(e -> queue.add(new Told(e, 1)));
        return null;
      });
    }
    return chain.compose(x -> drain(tx, all, queue));
  }

  /**
   * Tells the queued events one after the other. Events whose listeners answered at once are told in a loop, not
   * by recursion, so a batch of hundreds cannot run the stack out; an answer still to come resumes the loop.
   */
  private Future<Void> drain(SqlConnection tx, List<DealTxListener> all, ArrayDeque<Told> queue) {
    while (true) {
      Told next = queue.poll();
      if (next == null) {
        return Future.succeededFuture();
      }
      if (next.depth() > MAX_DEPTH) {
        return Future.failedFuture(new IllegalStateException("deal " + next.event().dealId() + ": follow-up events "
            + MAX_DEPTH + " deep from one change (a listener loop?)"));
      }
      Future<Void> told = tell(tx, all, next, queue);
      if (!told.isComplete()) {
        return told.compose(x -> drain(tx, all, queue));
      }
      if (told.failed()) {
        return told;
      }
    }
  }

  private static Future<Void> tell(SqlConnection tx, List<DealTxListener> all, Told told, ArrayDeque<Told> queue) {
    Future<Void> chain = Future.succeededFuture();
    for (DealTxListener l : all) {
      chain = chain.compose(x -> l.on(tx, told.event())).map(follow -> {
        follow.forEach(e -> queue.add(new Told(e, told.depth() + 1)));
        return null;
      });
    }
    return chain;
  }
}
