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
}
