package ru.dozvon.deals;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.util.List;

/**
 * The {@link DealTxListener}s in the order they run (routing before dialing, so a callback task
 * lands on the manager just chosen). Every path that changes deals tells them through this.
 */
public final class DealListeners implements DealTxListener {

  private final List<DealTxListener> listeners;

  public DealListeners(List<DealTxListener> listeners) {
    this.listeners = List.copyOf(listeners);
  }

  @Override
  public Future<Void> on(SqlConnection tx, DealEvent event) {
    Future<Void> chain = Future.succeededFuture();
    for (DealTxListener l : listeners) {
      chain = chain.compose(x -> l.on(tx, event));
    }
    return chain;
  }
}
