package ru.dozvon.routing;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ru.dozvon.deals.DealEvent;
import ru.dozvon.deals.DealTxListener;

/**
 * Routing's part in every deal change (wired first, so later listeners see the manager just chosen).
 *
 * <p>A new deal is routed inside the transaction that created it: it commits with its manager (or with the
 * reason it waits) or not at all. A closed deal updates the manager's rating and frees their capacity; both
 * happen only once the closing transaction has committed, so a rolled-back closure changes nothing in memory.
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
  public Future<Void> on(SqlConnection tx, DealEvent event) {
    if (event instanceof DealEvent.Created created) {
      return assigner.routeNew(tx, created.dealId()).mapEmpty();
    }
    if (event instanceof DealEvent.Closed closed) {
      afterCommit(tx, () -> closedCommitted(closed));
    }
    return Future.succeededFuture();
  }

  private void closedCommitted(DealEvent.Closed closed) {
    boolean won = "WON".equals(closed.status());
    if (closed.managerId() != null && (won || "LOST".equals(closed.status()))) {
      routing.recordClosed(closed.managerId(), won, closed.at())
          .onFailure(e -> LOG.warn("Routing: rating not updated for deal {}", closed.dealId(), e));
    }
    if (closed.managerId() != null) {
      routing.assignWaiting(); // capacity was freed
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
