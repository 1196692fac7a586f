package ru.dozvon.deals;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;

/**
 * Follows deal events inside the transaction that caused them (routing assigns a manager, dialing
 * schedules or stops callbacks). A failed future rolls the whole change back.
 */
public interface DealTxListener {
  Future<Void> on(SqlConnection tx, DealEvent event);
}
