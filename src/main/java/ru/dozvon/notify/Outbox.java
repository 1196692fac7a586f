package ru.dozvon.notify;

import ru.dozvon.store.Sql;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import ru.dozvon.deals.PgDealStore;

/**
 * Outgoing notifications written in the transaction of the change they tell about, so a message
 * exists if and only if the change committed; {@link OutboxDrainer} delivers them at least once.
 */
public final class Outbox {

  private Outbox() {
  }

  /**
   * Queues a message for the manager's webhook, if they have one (else nothing is queued).
   *
   * @return whether a message was queued
   */
  public static Future<Boolean> toManager(SqlConnection tx, long managerId, String topic, JsonObject data, Instant now) {
    JsonObject payload = new JsonObject().put("topic", topic).put("managerId", managerId).put("at", now.toString())
        .put("data", data);
    return tx.preparedQuery("""
            INSERT INTO outbox (topic, target_url, payload, next_try_at, created_at, manager_id)
            SELECT $2, m.webhook_url, $3, $4, $4, m.id FROM managers m WHERE m.id = $1 AND m.webhook_url IS NOT NULL""")
        .execute(Tuple.of(managerId, topic, payload, Sql.ts(now)))
        .map(rows -> rows.rowCount() == 1);
  }

  /**
   * Queues a message about a deal for the manager's webhook, if they have one, in one statement: the data is
   * the deal's id, source and contact (phone, email, name), read in the same statement, plus {@code extra}.
   *
   * @return whether a message was queued
   */
  public static Future<Boolean> dealToManager(SqlConnection tx, long managerId, String topic, long dealId,
                                              JsonObject extra, Instant now) {
    return tx.preparedQuery("""
            INSERT INTO outbox (topic, target_url, payload, next_try_at, created_at, manager_id)
            SELECT $2::text, m.webhook_url,
                   jsonb_build_object('topic', $2::text, 'managerId', m.id, 'at', $5::text, 'data',
                       jsonb_build_object('dealId', d.id, 'source', d.source, 'phone', k.phone, 'email', k.email,
                                          'name', k.name) || $4::jsonb),
                   $6, $6, m.id
            FROM managers m, deals d JOIN contacts k ON k.id = d.contact_id
            WHERE m.id = $1 AND m.webhook_url IS NOT NULL AND d.id = $3""")
        .execute(Tuple.of(managerId, topic, dealId, extra, now.toString(), Sql.ts(now)))
        .map(rows -> rows.rowCount() == 1);
  }
}
