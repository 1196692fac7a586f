package ru.dozvon.dialing;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import ru.dozvon.deals.AssigneeRole;
import ru.dozvon.deals.PgDealStore;
import ru.dozvon.deals.PgTaskStore;
import ru.dozvon.deals.TaskKind;
import ru.dozvon.deals.TaskSpec;

/**
 * The email variant for a lead with only an email (DOMAIN 3, seed 003 rule 4), stored as the
 * manager's {@code CONTACT_REQUEST} tasks.
 *
 * <p>Kept simple on purpose: the whole plan is written when the deal is created, each request
 * planned as if the previous one went out when it was due ({@link EmailOnlyPolicy} with the
 * previous due time as "sent"). So request 2 exists from the start with its later due time, and
 * shows up as due exactly when it would have been made. When the lead gets in touch or the deal
 * closes, the requests not yet done are closed (done_at set) with a history row.
 */
final class PgEmailRequests {

  private final EmailOnlyPolicy policy;

  PgEmailRequests(EmailOnlyPolicy policy) {
    this.policy = policy;
  }

  Future<Void> start(SqlConnection tx, long dealId, Instant arrivedAt, Instant now) {
    return PgAttempts.lockDeal(tx, dealId)
        .compose(deal -> plan(tx, deal, EmailOnlyPolicy.History.startedAt(arrivedAt), now));
  }

  private Future<Void> plan(SqlConnection tx, PgAttempts.DealRow deal, EmailOnlyPolicy.History h, Instant now) {
    if (!(policy.next(h, now) instanceof EmailOnlyPolicy.Step.SendRequest s)) {
      return Future.succeededFuture();
    }
    TaskSpec task = new TaskSpec(TaskKind.CONTACT_REQUEST, s.task(), s.dueAt(), AssigneeRole.MANAGER);
    return PgTaskStore.create(tx, deal.id(), deal.managerId(), task)
        .compose(x -> PgDealStore.history(tx, deal.id(), now, "task", "system", new JsonObject()
            .put("kind", TaskKind.CONTACT_REQUEST.name()).put("title", s.task()).put("template", s.template())
            .put("no", s.number()).put("of", s.of()).put("dueAt", s.dueAt().toString()).put("why", s.why())))
        .compose(x -> plan(tx, deal, h.withRequestSent(s.dueAt()), s.dueAt()));
  }

  /** The lead got in touch or the deal closed: the requests not yet done are closed. */
  Future<Void> stop(SqlConnection tx, long dealId, String why, Instant now) {
    return PgTaskStore.closeOpen(tx, dealId, TaskKind.CONTACT_REQUEST, now)
        .compose(closed -> closed == 0 ? Future.succeededFuture()
            : PgDealStore.history(tx, dealId, now, "email_requests_stopped", "system",
                new JsonObject().put("closed", closed).put("why", why)));
  }
}
