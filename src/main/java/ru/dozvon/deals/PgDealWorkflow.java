package ru.dozvon.deals;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import ru.dozvon.errors.RuleViolation;

/**
 * Funnel changes to stored deals, each one transaction: lock the deal, ask the pure {@link Funnel},
 * store what it allows (stage, fields, tasks, closing, history) and tell the listeners. A refusal
 * becomes a {@link RuleViolation} (409 naming the rule and the missing fields).
 */
public final class PgDealWorkflow {

  /** What a reopen did: the same deal back in work, or a new deal linked to the old one. */
  public record Reopened(long dealId, boolean newDeal) {
  }

  private final Pool pool;
  private final Funnel funnel;
  private final DealTxListener listeners;
  private final Clock clock;

  public PgDealWorkflow(Pool pool, Funnel funnel, DealTxListener listeners, Clock clock) {
    this.pool = pool;
    this.funnel = funnel;
    this.listeners = listeners;
    this.clock = clock;
  }

  public Funnel funnel() {
    return funnel;
  }

  /** The funnel's refusal as the web layer's 409. */
  public static RuleViolation violation(Refusal r) {
    return new RuleViolation(r.code(), r.message(), r.missingFields());
  }

  /**
   * Moves a deal to another stage, merging the submitted fields and creating the entry task.
   *
   * @param guard checks the caller may act on the deal (it gets the locked deal)
   */
  public Future<Void> move(long dealId, String stage, JsonObject fields, String reason, String actor,
                           Consumer<LockedDeal> guard) {
    Instant now = clock.instant();
    return pool.withTransaction(tx -> LockedDeal.lock(tx, dealId).compose(d -> {
      guard.accept(d);
      StageMove move = funnel.check(d.view(), stage, DealFields.asText(fields), now);
      if (move instanceof StageMove.Refused r) {
        throw violation(r.refusal());
      }
      StageMove.Allowed ok = (StageMove.Allowed) move;
      Future<Void> steps = tx.preparedQuery("UPDATE deals SET stage = $2, fields = fields || $3, updated_at = $4 WHERE id = $1")
          .execute(Tuple.of(dealId, ok.toStage(), fields, PgDealStore.ts(now))).mapEmpty();
      JsonObject details = new JsonObject().put("from", ok.fromStage()).put("to", ok.toStage()).put("fields", fields)
          .put("reason", reason);
      if (ok.task().isPresent()) {
        TaskSpec task = ok.task().get();
        steps = steps.compose(x -> PgTaskStore.create(tx, dealId, d.managerId(), task))
            .map(taskId -> {
              details.put("task", new JsonObject().put("id", taskId).put("title", task.title())
                  .put("dueAt", task.dueAt().toString()));
              return null;
            });
      }
      return steps.compose(x -> PgDealStore.history(tx, dealId, now, "stage", actor, details));
    }));
  }

  /** Closes a deal as won, lost or invalid by a person. */
  public Future<Void> close(long dealId, DealStatus status, String reason, String comment, String actor,
                            Consumer<LockedDeal> guard) {
    Instant now = clock.instant();
    return pool.withTransaction(tx -> LockedDeal.lock(tx, dealId).compose(d -> {
      guard.accept(d);
      Closure c = funnel.close(d.view(), status, reason, comment, now);
      if (c instanceof Closure.Refused r) {
        throw violation(r.refusal());
      }
      return applyClosure(tx, d, (Closure.Closed) c, actor);
    }));
  }

  /**
   * Closes the deal by the 8-week rule if it is still due (read again under the lock: a contact may
   * have come in since the scan). Returns whether it closed.
   */
  public Future<Boolean> autoCloseIfDue(long dealId) {
    Instant now = clock.instant();
    return pool.withTransaction(tx -> LockedDeal.lock(tx, dealId).compose(d -> {
      Optional<Closure.Closed> due = funnel.autoCloseDue(d.view(), now);
      return due.isEmpty() ? Future.succeededFuture(false) : applyClosure(tx, d, due.get(), "system").map(true);
    }));
  }

  private Future<Void> applyClosure(SqlConnection tx, LockedDeal d, Closure.Closed c, String actor) {
    String status = c.status().name();
    return tx.preparedQuery("""
            UPDATE deals SET status = $2, stage = $3, loss_reason = $4, close_reason = $5, close_comment = $6,
                             closed_at = $7, updated_at = $7
            WHERE id = $1""")
        .execute(Tuple.of(d.id(), status, c.stage(), c.status() == DealStatus.LOST ? c.reason().code() : null,
            c.reason().code(), c.comment(), PgDealStore.ts(c.closedAt())))
        .compose(x -> PgTaskStore.closeManagerTasks(tx, d.id(), c.closedAt()))
        .compose(x -> c.controlTask().isPresent()
            ? PgTaskStore.create(tx, d.id(), null, c.controlTask().get()).mapEmpty() : Future.<Void>succeededFuture())
        .compose(x -> PgDealStore.history(tx, d.id(), c.closedAt(), "closed", actor, new JsonObject()
            .put("status", status).put("reason", c.reason().code()).put("reasonName", c.reason().name())
            .put("comment", c.comment()).put("automatic", c.automatic()).put("notifyCustomer", c.notifyCustomer())))
        .compose(x -> listeners.on(tx, new DealEvent.Closed(d.id(), d.managerId(), status, c.reason().code(),
            c.closedAt())));
  }

  /** Brings a lost deal back into work, or starts a new deal linked to it when the loss is too old. */
  public Future<Reopened> reopen(long dealId, String actor, Consumer<LockedDeal> guard) {
    Instant now = clock.instant();
    return pool.withTransaction(tx -> LockedDeal.lock(tx, dealId).compose(d -> {
      guard.accept(d);
      Reopening r = funnel.reopen(d.view(), now);
      if (r instanceof Reopening.Refused refused) {
        throw violation(refused.refusal());
      }
      // Same order as every intake path (contact, then deal) would be nicer, but the deal lock is
      // already held; the partial unique index still refuses a second open deal if one slips in.
      return otherOpenDeal(tx, d).compose(open -> {
        if (open.isPresent()) {
          throw new RuleViolation("contact_has_open_deal", "the contact already has open deal " + open.get()
              + "; work that one instead", java.util.List.of());
        }
        if (r instanceof Reopening.Reopened back) {
          return reopenSame(tx, d, back, actor, now).map(new Reopened(dealId, false));
        }
        return startLinked(tx, d, (Reopening.NewLinkedDeal) r, actor, now);
      });
    }));
  }

  private static Future<Optional<Long>> otherOpenDeal(SqlConnection tx, LockedDeal d) {
    return tx.preparedQuery("SELECT id FROM deals WHERE contact_id = $1 AND status = 'OPEN' AND id <> $2")
        .execute(Tuple.of(d.contactId(), d.id()))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getLong(0)));
  }

  private Future<Void> reopenSame(SqlConnection tx, LockedDeal d, Reopening.Reopened back, String actor, Instant now) {
    return tx.preparedQuery("""
            UPDATE deals SET status = 'OPEN', stage = $2, closed_at = NULL, loss_reason = NULL, close_reason = NULL,
                             close_comment = NULL, updated_at = $3
            WHERE id = $1""")
        .execute(Tuple.of(d.id(), back.stage(), PgDealStore.ts(now)))
        .compose(x -> back.task().isPresent()
            ? PgTaskStore.create(tx, d.id(), d.managerId(), back.task().get()).mapEmpty() : Future.<Void>succeededFuture())
        .compose(x -> PgDealStore.history(tx, d.id(), now, "reopened", actor, new JsonObject()
            .put("stage", back.stage()).put("lostReason", d.view().lossReason())
            .put("closedAt", d.view().closedAt().toString())));
  }

  private Future<Reopened> startLinked(SqlConnection tx, LockedDeal old, Reopening.NewLinkedDeal next, String actor,
                                       Instant now) {
    JsonObject fields = old.fields().copy();
    return PgDealStore.findOrCreateOpenDeal(tx, old.contactId(), old.source(), fields, now).compose(created -> {
      long id = created.dealId();
      return tx.preparedQuery("UPDATE deals SET linked_deal_id = $2, stage = $3, manager_id = $4 WHERE id = $1")
          .execute(Tuple.of(id, old.id(), next.stage(), old.managerId()))
          .compose(x -> PgDealStore.history(tx, id, now, "created", actor, new JsonObject()
              .put("source", old.source()).put("linkedDealId", old.id()).put("stage", next.stage())))
          .compose(x -> PgDealStore.history(tx, old.id(), now, "reopened", actor, new JsonObject()
              .put("newDealId", id).put("closedAt", old.view().closedAt().toString())))
          .compose(x -> phoneOf(tx, old.contactId()))
          .compose(phone -> listeners.on(tx, new DealEvent.Created(id, old.contactId(), old.source(), phone, now)))
          // The old owner keeps the lead; their notification goes out as for any assignment.
          .compose(x -> old.managerId() == null ? Future.<Void>succeededFuture()
              : listeners.on(tx, new DealEvent.Assigned(id, old.managerId(), false, now)))
          // The entry task goes to whoever owns the deal once routing has had its say.
          .compose(x -> tx.preparedQuery("SELECT manager_id FROM deals WHERE id = $1").execute(Tuple.of(id)))
          .compose(rows -> next.task().isPresent()
              ? PgTaskStore.create(tx, id, rows.iterator().next().getLong(0), next.task().get()).mapEmpty()
              : Future.<Void>succeededFuture())
          .map(new Reopened(id, true));
    });
  }

  static Future<ru.dozvon.phone.PhoneNumber> phoneOf(SqlConnection tx, long contactId) {
    return tx.preparedQuery("SELECT phone, phone_kind FROM contacts WHERE id = $1").execute(Tuple.of(contactId))
        .map(rows -> {
          var r = rows.iterator().next();
          return r.getString("phone") == null ? null : new ru.dozvon.phone.PhoneNumber(r.getString("phone"),
              ru.dozvon.phone.PhoneNumber.Kind.valueOf(r.getString("phone_kind") == null ? "OTHER" : r.getString("phone_kind")));
        });
  }

  /** Stores a qualification score and the priority it earns (or the one set by hand). */
  public Future<JsonObject> score(long dealId, Map<String, Integer> points, Optional<Priority> byHand, String actor,
                                  Consumer<LockedDeal> guard) {
    Instant now = clock.instant();
    Qualification.Score score = funnel.qualification().score(points);
    Priority priority = funnel.qualification().priority(Optional.of(score), byHand);
    return pool.withTransaction(tx -> LockedDeal.lock(tx, dealId).compose(d -> {
      guard.accept(d);
      JsonObject details = new JsonObject().put("points", new JsonObject(new java.util.LinkedHashMap<>(score.points())))
          .put("total", score.total()).put("max", score.max()).put("priority", priority.name())
          .put("priorityByHand", byHand.isPresent());
      return tx.preparedQuery("UPDATE deals SET score = $2, priority = $3, updated_at = $4 WHERE id = $1")
          .execute(Tuple.of(dealId, score.total(), priority.name(), PgDealStore.ts(now)))
          .compose(x -> PgDealStore.history(tx, dealId, now, "score", actor, details))
          .map(details);
    }));
  }
}
