package ru.dozvon.deals;

import static ru.dozvon.store.Sql.ts;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import ru.dozvon.errors.InvalidInput;

/**
 * The after-contact steps other changes run inside their own transaction (DOMAIN 7): «статус последнего
 * общения» set with a contact, notes, the default next step after a reached call, and the tasks date fields make.
 * Dialing's outcome route calls these through {@link PgDealWorkflow#afterContact()}; only this package writes the rows.
 */
public final class AfterContact {

  private final AfterContactConfig cfg;
  private final String firstStage;
  private final ZoneId zone;

  AfterContact(Funnel funnel, ZoneId zone) {
    this.cfg = funnel.config().afterContact();
    this.firstStage = funnel.firstStage().code();
    this.zone = zone;
  }

  public AfterContactConfig config() {
    return cfg;
  }

  String firstStage() {
    return firstStage;
  }

  /**
   * Checks a {@code contactStatus} from a request: empty stays empty, a known code is returned.
   *
   * @throws InvalidInput naming {@code contactStatus} and the known codes when it is not in the list
   */
  public Optional<String> checkContactStatus(Optional<String> code) {
    code.ifPresent(c -> {
      if (cfg.contactStatus(c).isEmpty()) {
        throw new InvalidInput("contactStatus", "'" + c + "' is not a contact status (known: " + cfg.contactStatuses()
            .stream().map(AfterContactConfig.ContactStatus::code).collect(Collectors.joining(", ")) + ")");
      }
    });
    return code;
  }

  /** Stores the status of the last contact on the deal, with its history row. The code must be checked. */
  public Future<Void> setContactStatus(SqlConnection tx, long dealId, String code, String actor, Instant now) {
    String name = cfg.contactStatus(code).map(AfterContactConfig.ContactStatus::name).orElse(code);
    return tx.preparedQuery("UPDATE deals SET contact_status = $2, contact_status_at = $3, updated_at = $3 WHERE id = $1")
        .execute(Tuple.of(dealId, code, ts(now)))
        .compose(x -> PgDealStore.history(tx, dealId, now, "contact_status", actor,
            new JsonObject().put("code", code).put("name", name)));
  }

  /** A note on the deal: in its history (kind {@code note}) with its author and time. */
  Future<Void> note(SqlConnection tx, long dealId, String text, String actor, Instant now) {
    return PgDealStore.history(tx, dealId, now, "note", actor, new JsonObject().put("text", text));
  }

  /**
   * After an outcome recorded by hand, inside its transaction: the contact status, if one came; and when the lead was
   * reached and the deal in work has no open manager task left, the default next step for its manager (the call
   * already happened, so nothing is refused). Returns the id of the task made, if any.
   */
  public Future<Optional<Long>> afterOutcome(SqlConnection tx, long dealId, boolean reached,
                                             Optional<String> contactStatus, String actor, Instant now) {
    Future<Void> status = contactStatus.isPresent()
        ? setContactStatus(tx, dealId, contactStatus.get(), actor, now) : Future.succeededFuture();
    if (!reached) {
      return status.map(Optional.empty());
    }
    return status.compose(x -> tx.preparedQuery("""
            SELECT d.status, d.stage, d.manager_id,
                   (SELECT count(*) FROM tasks t WHERE t.deal_id = d.id AND t.done_at IS NULL AND t.for_role = 'MANAGER')
                   + (SELECT count(*) FROM attempts a WHERE a.deal_id = d.id AND a.state IN ('PENDING', 'FIRED', 'PLACED'))
                     AS open_tasks
            FROM deals d WHERE d.id = $1""").execute(Tuple.of(dealId)))
        .compose(rows -> {
          Row r = rows.iterator().next();
          Optional<TaskSpec> next = NextSteps.afterReachedCall(cfg, DealStatus.valueOf(r.getString("status")),
              r.getString("stage"), firstStage, r.getLong("open_tasks").intValue(), now);
          if (next.isEmpty()) {
            return Future.succeededFuture(Optional.<Long>empty());
          }
          TaskSpec t = next.get();
          return PgTaskStore.create(tx, dealId, r.getLong("manager_id"), t)
              .compose(id -> PgDealStore.history(tx, dealId, now, "task", "system", new JsonObject()
                  .put("kind", t.kind().name()).put("title", t.title()).put("dueAt", t.dueAt().toString())
                  .put("taskId", id).put("why", "next step after a reached call")).map(Optional.of(id)));
        });
  }

  /**
   * The tasks of the configured date fields among {@code submitted}: made, moved when the date changed, cancelled when
   * the field was emptied; each in the history.
   *
   * @throws InvalidInput naming {@code fields.<field>} when a value is not an ISO date or date-time
   */
  Future<Void> dateTasks(SqlConnection tx, long dealId, Long managerId, JsonObject fields, String actor, Instant now) {
    // null empties a field as "" does (asText leaves nulls out)
    Map<String, String> submitted = new java.util.HashMap<>(DealFields.asText(fields));
    fields.fieldNames().forEach(k -> submitted.putIfAbsent(k, ""));
    DateTasks.badValue(cfg.dateTasks(), submitted, zone).ifPresent(f -> {
      throw new InvalidInput("fields." + f, "'" + submitted.get(f) + "' is not an ISO date or date-time, e.g. "
          + "2026-03-10 or 2026-03-10T15:00:00+03:00");
    });
    Future<Void> steps = Future.succeededFuture();
    for (DateTasks.Plan p : DateTasks.plan(cfg.dateTasks(), submitted, zone)) {
      steps = steps.compose(x -> dateTask(tx, dealId, managerId, p, actor, now));
    }
    return steps;
  }

  /**
   * A lead brought fields: the date tasks follow the deal's stored date fields (a lead never overwrites a field the
   * deal has). A value that is not a date makes no task and refuses nothing: a lead is never lost over it.
   */
  public Future<Void> leadDateTasks(SqlConnection tx, long dealId, String actor, Instant now) {
    if (cfg.dateTasks().isEmpty()) {
      return Future.succeededFuture();
    }
    return tx.preparedQuery("SELECT manager_id, fields FROM deals WHERE id = $1").execute(Tuple.of(dealId))
        .compose(rows -> {
          Row r = rows.iterator().next();
          JsonObject all = r.getJsonObject("fields") == null ? new JsonObject() : r.getJsonObject("fields");
          Map<String, String> text = DealFields.asText(all);
          JsonObject dates = new JsonObject();
          cfg.dateTasks().forEach(d -> {
            String v = text.get(d.field());
            if (v != null && !v.isBlank() && DateTasks.parse(v.strip(), zone).isPresent()) {
              dates.put(d.field(), v);
            }
          });
          return dates.isEmpty() ? Future.<Void>succeededFuture()
              : dateTasks(tx, dealId, r.getLong("manager_id"), dates, actor, now);
        });
  }

  private Future<Void> dateTask(SqlConnection tx, long dealId, Long managerId, DateTasks.Plan p, String actor,
                                Instant now) {
    return tx.preparedQuery("SELECT id, due_at FROM tasks WHERE deal_id = $1 AND date_field = $2 AND done_at IS NULL")
        .execute(Tuple.of(dealId, p.field())).compose(rows -> {
          Row open = rows.size() == 0 ? null : rows.iterator().next();
          if (p.task().isEmpty()) {
            return open == null ? Future.<Void>succeededFuture() : PgManualTasks.cancel(tx, dealId, open.getLong("id"),
                "the field " + p.field() + " was emptied", actor, now);
          }
          TaskSpec t = p.task().get();
          if (open == null) {
            return tx.preparedQuery("""
                    INSERT INTO tasks (deal_id, manager_id, for_role, kind, title, due_at, date_field)
                    VALUES ($1, $2, 'MANAGER', $3, $4, $5, $6) RETURNING id""")
                .execute(Tuple.of(dealId, managerId, t.kind().name(), t.title(), ts(t.dueAt()), p.field()))
                .compose(ids -> PgDealStore.history(tx, dealId, now, "task", actor, new JsonObject()
                    .put("kind", t.kind().name()).put("title", t.title()).put("dueAt", t.dueAt().toString())
                    .put("taskId", ids.iterator().next().getLong(0)).put("dateField", p.field())));
          }
          Instant was = open.getOffsetDateTime("due_at").toInstant();
          return was.equals(t.dueAt()) ? Future.<Void>succeededFuture()
              : PgManualTasks.move(tx, dealId, open.getLong("id"), was, t.dueAt(), "the field " + p.field()
                  + " changed", actor, now);
        });
  }
}
