package ru.dozvon.deals;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.util.List;

/**
 * Follows deal events inside the transaction that caused them (routing assigns a manager, dialing schedules or
 * stops callbacks). A listener never tells the chain itself: what its work caused (an assignment, a closed
 * deal) it returns, and the {@link DealEventChain} tells those next. A failed future rolls the whole change back.
 */
public interface DealTxListener {

  /** Nothing follows. */
  Future<List<DealEvent>> NOTHING = Future.succeededFuture(List.of());

  Future<List<DealEvent>> on(SqlConnection tx, DealEvent event);

  /**
   * Follows a batch of events of distinct deals, in order (the deals a group of missed calls made, one
   * transaction): by default one {@link #on} after the other. A listener whose work is one row per event
   * overrides it to write the batch in one statement. Returns what followed, in order.
   */
  default Future<List<DealEvent>> onAll(SqlConnection tx, List<? extends DealEvent> events) {
    List<DealEvent> caused = new java.util.ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (DealEvent e : events) {
      chain = chain.compose(x -> on(tx, e)).map(follow -> {
        caused.addAll(follow);
        return null;
      });
    }
    return chain.map(x -> caused);
  }
}
