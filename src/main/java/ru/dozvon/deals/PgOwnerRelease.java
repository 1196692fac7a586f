package ru.dozvon.deals;

import ru.dozvon.store.Sql;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Takes a manager's open deals and open tasks away from them (a manager deactivated), inside the caller's
 * transaction: the deals lose their owner and are marked (a row in {@code routing_pending}), so that the router's next
 * run gives them to someone else (or stores why they wait); the manager's open tasks lose their owner too, and
 * those of a deal follow it when routing assigns it (routing's assignment hands a deal's open manager tasks to
 * the new owner). Every deal gets an {@code owner} history row.
 *
 * <p>Lock order (docs/ROUTING.md): {@link #lockOpenDeals} first, before the caller locks the manager's row,
 * as every path locks deal rows before manager rows; {@link #release} then writes, the trigger on deals taking
 * each deal off the manager's {@code open_deals} on the row the caller holds.
 */
public final class PgOwnerRelease {

  /** What a release did. */
  public record Released(List<Long> dealIds, int tasks) {
  }

  private static final String RELEASE = """
      WITH d AS (UPDATE deals SET manager_id = NULL, updated_at = $3
                 WHERE manager_id = $1 AND status = 'OPEN' RETURNING id),
           p AS (INSERT INTO routing_pending (deal_id) SELECT id FROM d ON CONFLICT DO NOTHING),
           t AS (UPDATE tasks SET manager_id = NULL
                 WHERE manager_id = $1 AND done_at IS NULL AND for_role = 'MANAGER' RETURNING id),
           h AS (INSERT INTO deal_history (deal_id, at, kind, actor, details)
                 SELECT id, $3, 'owner', $2, $4 FROM d)
      SELECT d.id, (SELECT count(*) FROM t) AS tasks FROM d
      UNION ALL SELECT NULL, (SELECT count(*) FROM t) WHERE NOT EXISTS (SELECT 1 FROM d)""";

  private PgOwnerRelease() {
  }

  /**
   * Locks the manager's open deals, waiting for transactions that hold one (a closure, a hand reassignment),
   * so that the caller can then lock the manager's row without breaking the lock order.
   */
  public static Future<Void> lockOpenDeals(SqlConnection tx, long managerId) {
    return tx.preparedQuery("SELECT id FROM deals WHERE manager_id = $1 AND status = 'OPEN' FOR NO KEY UPDATE")
        .execute(Tuple.of(managerId)).mapEmpty();
  }

  /**
   * Releases every open deal and open manager task of the manager. The caller holds the manager's row (so no
   * deal can be given to them meanwhile) and wakes routing after its commit.
   *
   * @param actor who did it, for the history ({@code admin}, {@code manager:3})
   * @param reason why, for the history ("manager deactivated")
   */
  public static Future<Released> release(SqlConnection tx, long managerId, String actor, String reason, Instant at) {
    JsonObject details = new JsonObject().put("managerId", null).put("previousManagerId", managerId)
        .put("reason", reason);
    return tx.preparedQuery(RELEASE).execute(Tuple.of(managerId, actor, Sql.ts(at), details)).map(rows -> {
      List<Long> deals = new ArrayList<>(rows.size());
      int tasks = 0;
      for (Row r : rows) {
        tasks = r.getLong("tasks").intValue();
        if (r.getLong("id") != null) {
          deals.add(r.getLong("id"));
        }
      }
      return new Released(List.copyOf(deals), tasks);
    });
  }
}
