package ru.dozvon.notify;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.List;
import ru.dozvon.deals.DealEvent;
import ru.dozvon.deals.DealTxListener;
import ru.dozvon.deals.FunnelJobs;
import ru.dozvon.deals.PgTaskStore;

/**
 * Tells a manager's own webhook (e.g. a messenger bot) when a deal lands on them (a new deal routed to them, a
 * waiting one given to them, a reassignment by hand: every {@link DealEvent.Assigned}) and when one of their
 * tasks goes overdue, through the {@link Outbox}, in the transaction of the change.
 */
public final class ManagerNotifier implements DealTxListener, FunnelJobs.OverdueHook {

  @Override
  public Future<List<DealEvent>> on(SqlConnection tx, DealEvent event) {
    if (!(event instanceof DealEvent.Assigned a)) {
      return NOTHING;
    }
    return Outbox.dealToManager(tx, a.managerId(), "deal.assigned", a.dealId(),
        new JsonObject().put("byHand", a.byHand()), a.at()).map(List.of());
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
