package ru.dozvon.routing;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.List;
import ru.dozvon.deals.DealEvent;
import ru.dozvon.deals.DealStatus;
import ru.dozvon.deals.DealTxListener;

/**
 * Routing's part in every deal change (wired first, so later listeners see the manager just chosen).
 *
 * <p>A new deal is routed inside the transaction that created it: it commits with its manager (or with the
 * reason it waits) or not at all; an API caller gets the deal back with its owner. A deal from the PBX
 * ({@link DealEvent.Created#routingPending}) is routed right after its transaction commits, in a batch with the
 * deals that arrived meanwhile: nobody waits for that answer, and a burst of missed calls must not queue, one
 * commit at a time, on the row lock of the manager who converts best.
 *
 * <p>A closed deal frees its manager's capacity: the waiting deals are swept, and the manager's rating updated in
 * memory, once the closing transaction has committed, so a rolled-back closure changes nothing.
 */
final class RoutingListener implements DealTxListener {

  private static final Logger LOG = LoggerFactory.getLogger(RoutingListener.class);

  private final RoutingVerticle routing;
  private final PgLeadAssigner assigner;

  RoutingListener(RoutingVerticle routing, PgLeadAssigner assigner) {
    this.routing = routing;
    this.assigner = assigner;
  }

  @Override
  public Future<List<DealEvent>> on(SqlConnection tx, DealEvent event) {
    if (event instanceof DealEvent.Created created) {
      if (created.routingPending()) {
        // A deal from the PBX: routed once committed, in a batch with the others (its mark survives a crash).
        afterCommit(tx, routing::routePending);
        return NOTHING;
      }
      return assigner.routeNew(tx, created.dealId()); // the assignment, for the notifier after us

    }
    if (event instanceof DealEvent.Closed closed && closed.managerId() != null) {
      // The manager has room again: the queue is swept right after the commit, in a transaction of its own. Not
      // in this one: it holds the manager's row (the open-deals trigger), and the sweep locks managers in
      // ascending id order, which holding one row already could turn into a deadlock with another sweep.
      afterCommit(tx, () -> {
        recordRating(closed);
        routing.assignWaiting();
      });
    }
    return NOTHING;
  }

  private void recordRating(DealEvent.Closed closed) {
    boolean won = closed.status() == DealStatus.WON;
    if (won || closed.status() == DealStatus.LOST) {
      routing.recordClosed(closed.managerId(), won, closed.at())
          .onFailure(e -> LOG.warn("Routing: rating not updated for deal {}", closed.dealId(), e));
    }
  }

  private static void afterCommit(SqlConnection tx, Runnable action) {
    Transaction t = tx.transaction();
    if (t == null) {
      action.run(); // not in an explicit transaction: the statement already committed
    } else {
      t.completion().onSuccess(x -> action.run());
    }
  }
}
