package ru.dozvon.deals;

import static ru.dozvon.store.Sql.ts;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import ru.dozvon.errors.Forbidden;
import ru.dozvon.errors.InvalidInput;
import ru.dozvon.errors.NotFound;
import ru.dozvon.errors.RuleViolation;

/**
 * Tasks people handle by hand (DOMAIN 7): manual tasks on a deal (also for the supervisor: asking for help), moved or
 * cancelled with a reason, and done with a short note and, where the rule asks, the next step ({@link NextSteps}).
 * Each change is one transaction that locks the deal first, then the task (the order the funnel's changes use), and
 * writes the history.
 */
public final class PgManualTasks {

  /**
   * A task a person sets.
   *
   * @param forManagerId the manager it is for; null: the deal's owner
   * @param forSupervisor for any supervisor instead of a manager
   */
  public record ManualTask(String title, TaskKind kind, Instant dueAt, Long forManagerId, boolean forSupervisor) {
  }

  /** Who acts: {@code managerId} of an operator (null for staff) and the history actor. */
  public record Caller(Long managerId, String actor) {
    boolean operator() {
      return managerId != null;
    }
  }

  private final Pool pool;
  private final AfterContact after;

  public PgManualTasks(Pool pool, PgDealWorkflow workflow) {
    this.pool = pool;
    this.after = workflow.afterContact();
  }

  /** A note on the deal, with the status of the last contact if one came. An operator: own deals only. */
  public Future<Void> note(long dealId, String text, Optional<String> contactStatus, Caller c, Instant now) {
    after.checkContactStatus(contactStatus);
    return pool.withTransaction(tx -> LockedDeal.lock(tx, dealId).compose(d -> {
      ownDeal(d, c);
      Future<Void> noted = after.note(tx, dealId, text, c.actor(), now);
      return contactStatus.isEmpty() ? noted
          : noted.compose(x -> after.setContactStatus(tx, dealId, contactStatus.get(), c.actor(), now));
    }));
  }

  /** Sets a manual task on an open deal; returns the task. */
  public Future<JsonObject> create(long dealId, ManualTask t, Caller c, Instant now) {
    return pool.withTransaction(tx -> LockedDeal.lock(tx, dealId).compose(d -> {
      ownDeal(d, c);
      if (d.view().status().isClosed()) {
        throw new RuleViolation("deal_closed", "the deal is already closed; reopen it first");
      }
      if (c.operator() && t.forManagerId() != null && !t.forManagerId().equals(c.managerId())) {
        throw new Forbidden("an operator may set tasks for themselves or the supervisor only");
      }
      Long owner = t.forSupervisor() ? null : t.forManagerId() != null ? t.forManagerId() : d.managerId();
      return managerExists(tx, t.forManagerId())
          .compose(x -> insert(tx, dealId, owner, t, c.actor(), now))
          .compose(id -> task(tx, id, now));
    }));
  }

  static Future<Long> insert(SqlConnection tx, long dealId, Long managerId, ManualTask t, String actor, Instant now) {
    String role = t.forSupervisor() ? "SUPERVISOR" : "MANAGER";
    return tx.preparedQuery("""
            INSERT INTO tasks (deal_id, manager_id, for_role, kind, title, due_at, created_by)
            VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id""")
        .execute(Tuple.wrap(Arrays.asList(dealId, managerId, role, t.kind().name(), t.title(), ts(t.dueAt()), actor)))
        .map(rows -> rows.iterator().next().getLong(0))
        .compose(id -> PgDealStore.history(tx, dealId, now, "task", actor, new JsonObject().put("taskId", id)
            .put("kind", t.kind().name()).put("title", t.title()).put("dueAt", t.dueAt().toString())
            .put("forRole", role).put("managerId", managerId).put("manual", true)).map(id));
  }

  /**
   * Marks a task done with an optional note. Closing a contact's task that would leave a deal in work without an
   * open manager task needs {@code nextStep} (409 {@code next_step_required}, when {@code funnel.next_step_required}).
   */
  public Future<JsonObject> done(long taskId, Optional<String> note, Optional<ManualTask> nextStep, Caller c,
                                 Instant now) {
    return pool.withTransaction(tx -> lockTask(tx, taskId, c).compose(t -> {
      if (t.row().getOffsetDateTime("done_at") != null) {
        return task(tx, taskId, now);
      }
      return nextStep(tx, t, taskId, nextStep, c, now).compose(nextId -> tx.preparedQuery("UPDATE tasks SET done_at = $2, note = $3 WHERE id = $1")
              .execute(Tuple.of(taskId, ts(now), note.orElse(null)))
              .compose(x -> t.deal() == null ? Future.<Void>succeededFuture()
                  : PgDealStore.history(tx, t.deal().id(), now, "task_done", c.actor(), new JsonObject()
                      .put("taskId", taskId).put("title", t.row().getString("title"))
                      .put("kind", t.row().getString("kind")).put("note", note.orElse(null))
                      .put("nextStepTaskId", nextId.orElse(null))))
              .compose(x -> task(tx, taskId, now))
              .map(json -> json.put("nextStepTaskId", nextId.orElse(null))));
    }));
  }

  /**
   * The next-step rule for a task about to be closed: 409 {@code next_step_required} when it applies and none came;
   * else the next step made, if one came (on an open deal). Returns its id.
   */
  private Future<Optional<Long>> nextStep(SqlConnection tx, LockedTask t, long taskId, Optional<ManualTask> nextStep,
                                          Caller c, Instant now) {
    LockedDeal d = t.deal();
    if (d == null) {
      return Future.succeededFuture(Optional.empty());
    }
    return openTasksBesides(tx, d.id(), taskId).compose(others -> {
      TaskKind kind = TaskKind.valueOf(t.row().getString("kind"));
      boolean managerTask = "MANAGER".equals(t.row().getString("for_role"));
      Optional<Refusal> refused = managerTask ? NextSteps.onTaskDone(after.config(), d.view().status(),
          d.view().stage(), after.firstStage(), kind, others, nextStep.isPresent()) : Optional.empty();
      if (refused.isPresent()) {
        throw PgDealWorkflow.violation(refused.get());
      }
      if (nextStep.isEmpty() || d.view().status().isClosed()) {
        return Future.succeededFuture(Optional.<Long>empty());
      }
      return insert(tx, d.id(), d.managerId(), nextStep.get(), c.actor(), now).map(Optional::of);
    });
  }

  /**
   * Moves an open task to another deadline ({@code dueAt} present) or cancels it; {@code reason} is kept. A cancel is
   * a close like done: the next-step rule applies to it too ({@code nextStep}), else cancelling would dodge it.
   */
  public Future<JsonObject> change(long taskId, Optional<Instant> dueAt, boolean cancel, String reason,
                                   Optional<ManualTask> nextStep, Caller c, Instant now) {
    return pool.withTransaction(tx -> lockTask(tx, taskId, c).compose(t -> {
      if (t.row().getOffsetDateTime("done_at") != null) {
        throw new RuleViolation("task_done", "the task is already done or cancelled");
      }
      Long dealId = t.deal() == null ? null : t.deal().id();
      Future<Void> change = cancel
          ? nextStep(tx, t, taskId, nextStep, c, now).compose(x -> cancel(tx, dealId, taskId, reason, c.actor(), now))
          : move(tx, dealId, taskId, t.row().getOffsetDateTime("due_at").toInstant(), dueAt.orElseThrow(), reason,
              c.actor(), now);
      return change.compose(x -> task(tx, taskId, now));
    }));
  }

  static Future<Void> move(SqlConnection tx, Long dealId, long taskId, Instant from, Instant to, String reason,
                           String actor, Instant now) {
    return tx.preparedQuery("UPDATE tasks SET due_at = $2, overdue_at = NULL WHERE id = $1")
        .execute(Tuple.of(taskId, ts(to)))
        .compose(x -> dealId == null ? Future.<Void>succeededFuture() : PgDealStore.history(tx, dealId, now,
            "task_moved", actor, new JsonObject().put("taskId", taskId).put("from", from.toString())
                .put("to", to.toString()).put("reason", reason)));
  }

  static Future<Void> cancel(SqlConnection tx, Long dealId, long taskId, String reason, String actor, Instant now) {
    return tx.preparedQuery("UPDATE tasks SET done_at = $2, cancelled_at = $2, cancel_reason = $3 WHERE id = $1")
        .execute(Tuple.of(taskId, ts(now), reason))
        .compose(x -> dealId == null ? Future.<Void>succeededFuture() : PgDealStore.history(tx, dealId, now,
            "task_cancelled", actor, new JsonObject().put("taskId", taskId).put("reason", reason)));
  }

  private record LockedTask(Row row, LockedDeal deal) {
  }

  /** The deal first (when the task has one), then the task: the lock order of every deal change. */
  private static Future<LockedTask> lockTask(SqlConnection tx, long taskId, Caller c) {
    return tx.preparedQuery("SELECT deal_id FROM tasks WHERE id = $1").execute(Tuple.of(taskId)).compose(rows -> {
      if (rows.size() == 0) {
        throw new NotFound("task " + taskId);
      }
      Long dealId = rows.iterator().next().getLong(0);
      Future<LockedDeal> deal = dealId == null ? Future.succeededFuture(null) : LockedDeal.lock(tx, dealId);
      return deal.compose(d -> tx.preparedQuery("SELECT * FROM tasks WHERE id = $1 FOR UPDATE").execute(Tuple.of(taskId))
          .map(t -> {
            Row row = t.iterator().next();
            if (c.operator() && !c.managerId().equals(row.getLong("manager_id"))) {
              throw new Forbidden("an operator may handle their own tasks only");
            }
            return new LockedTask(row, d);
          }));
    });
  }

  /** The deal's next steps besides this task: open manager tasks, and callback attempts still to come (a task when due). */
  private static Future<Integer> openTasksBesides(SqlConnection tx, long dealId, long taskId) {
    return tx.preparedQuery("""
            SELECT (SELECT count(*) FROM tasks WHERE deal_id = $1 AND id <> $2 AND done_at IS NULL AND for_role = 'MANAGER')
                 + (SELECT count(*) FROM attempts WHERE deal_id = $1 AND state IN ('PENDING', 'FIRED', 'PLACED'))""")
        .execute(Tuple.of(dealId, taskId)).map(rows -> rows.iterator().next().getLong(0).intValue());
  }

  private static Future<Void> managerExists(SqlConnection tx, Long managerId) {
    return managerId == null ? Future.succeededFuture()
        : tx.preparedQuery("SELECT 1 FROM managers WHERE id = $1 AND active").execute(Tuple.of(managerId)).map(rows -> {
          if (rows.size() == 0) {
            throw new InvalidInput("forManagerId", "no active manager " + managerId);
          }
          return null;
        });
  }

  private static void ownDeal(LockedDeal d, Caller c) {
    if (c.operator() && !c.managerId().equals(d.managerId())) {
      throw new Forbidden("an operator may act on their own deals only");
    }
  }

  private static Future<JsonObject> task(SqlConnection tx, long taskId, Instant now) {
    return tx.preparedQuery("SELECT t.*, NULL::text AS deal_priority, NULL::text AS source FROM tasks t WHERE id = $1")
        .execute(Tuple.of(taskId)).map(rows -> PgTaskStore.json(rows.iterator().next(), now));
  }
}
