package ru.dozvon.notify;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.List;
import ru.dozvon.deals.DealEvent;
import ru.dozvon.deals.DealTxListener;
import ru.dozvon.deals.FunnelJobs;
import ru.dozvon.deals.PgTaskStore;

/**
 * Tells a manager's own webhook (e.g. a messenger bot) when a new deal lands on them and when one of
 * their tasks goes overdue, through the {@link Outbox}. Runs last among the deal listeners, so it
 * sees the manager routing has just chosen.
 */
public final class ManagerNotifier implements DealTxListener, FunnelJobs.OverdueHook {

  @Override
  public Future<Void> on(SqlConnection tx, DealEvent event) {
    if (!(event instanceof DealEvent.Created c)) {
      return Future.succeededFuture();
    }
    return tx.preparedQuery("""
            SELECT d.manager_id, d.source, k.phone, k.email, k.name FROM deals d JOIN contacts k ON k.id = d.contact_id
            WHERE d.id = $1""")
        .execute(Tuple.of(c.dealId()))
        .compose(rows -> {
          var r = rows.iterator().next();
          Long managerId = r.getLong("manager_id");
          if (managerId == null) {
            return Future.succeededFuture();
          }
          JsonObject data = new JsonObject().put("dealId", c.dealId()).put("source", r.getString("source"))
              .put("phone", r.getString("phone")).put("email", r.getString("email")).put("name", r.getString("name"));
          return Outbox.toManager(tx, managerId, "deal.assigned", data, c.at()).mapEmpty();
        });
  }

  @Override
  public Future<Void> on(SqlConnection tx, List<PgTaskStore.Overdue> overdue, Instant now) {
    Future<Void> chain = Future.succeededFuture();
    for (PgTaskStore.Overdue t : overdue) {
      if (t.managerId() != null) {
        JsonObject data = new JsonObject().put("taskId", t.id()).put("dealId", t.dealId()).put("title", t.title())
            .put("dueAt", t.dueAt().toString());
        chain = chain.compose(x -> Outbox.toManager(tx, t.managerId(), "task.overdue", data, now).mapEmpty());
      }
    }
    return chain;
  }
}
