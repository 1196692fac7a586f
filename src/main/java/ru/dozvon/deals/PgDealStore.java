package ru.dozvon.deals;

import static ru.dozvon.store.Sql.ts;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import ru.dozvon.phone.PhoneNumber;

/**
 * The deal-writing steps every feature shares, each run inside the caller's transaction. Together with
 * {@link PgTaskStore} (tasks) this is the only place outside the deals package's own workflows that writes
 * the tables {@code deals}, {@code tasks} and {@code deal_history}: other features (routing, dialing, intake)
 * call these typed commands inside their transaction instead of writing the rows themselves.
 *
 * <p>"One open deal per contact" holds under concurrency: the contact row is upserted with
 * {@code DO UPDATE}, which locks it until commit, so two requests for one number queue on that
 * lock and the second sees the first one's deal; the partial unique index on open deals is the
 * last line of defence.
 */
public final class PgDealStore {

  /** A change of owner: routing's decision or a hand reassignment, with the history row's details. */
  public record OwnerChange(long dealId, long managerId, String actor, JsonObject details, Instant at) {
  }

  /** The open deal of a contact, and whether this transaction created it. */
  public record OpenDeal(long dealId, long contactId, boolean created) {
  }

  private PgDealStore() {
  }

  /** The contact with this phone, created if new; its row stays locked until commit. */
  public static Future<Long> lockContactByPhone(SqlConnection tx, PhoneNumber phone) {
    return tx.preparedQuery("""
            INSERT INTO contacts (phone, phone_kind) VALUES ($1, $2)
            ON CONFLICT (phone) DO UPDATE SET phone_kind = EXCLUDED.phone_kind
            RETURNING id""")
        .execute(Tuple.of(phone.e164(), phone.kind().name()))
        .map(rows -> rows.iterator().next().getLong(0));
  }

  /** The contact's open deal, or a new one from {@code source}. The contact must be locked. */
  public static Future<OpenDeal> findOrCreateOpenDeal(SqlConnection tx, long contactId, String source,
                                                      JsonObject fields, Instant arrivedAt) {
    return tx.preparedQuery("""
            INSERT INTO deals (contact_id, source, fields, arrived_at) VALUES ($1, $2, $3, $4)
            ON CONFLICT (contact_id) WHERE status = 'OPEN' DO NOTHING
            RETURNING id""")
        .execute(Tuple.of(contactId, source, fields, ts(arrivedAt)))
        .compose(rows -> {
          if (rows.rowCount() == 1) {
            return Future.succeededFuture(new OpenDeal(rows.iterator().next().getLong(0), contactId, true));
          }
          return tx.preparedQuery("SELECT id FROM deals WHERE contact_id = $1 AND status = 'OPEN'")
              .execute(Tuple.of(contactId))
              .map(found -> new OpenDeal(found.iterator().next().getLong(0), contactId, false));
        });
  }

  /** Appends one row to the deal's history. */
  public static Future<Void> history(SqlConnection tx, long dealId, Instant at, String kind, String actor,
                                     JsonObject details) {
    return tx.preparedQuery("INSERT INTO deal_history (deal_id, at, kind, actor, details) VALUES ($1, $2, $3, $4, $5)")
        .execute(Tuple.of(dealId, ts(at), kind, actor, details))
        .mapEmpty();
  }

  /** One row of a deal's history, for {@link #histories}. */
  public record HistoryRow(long dealId, Instant at, String kind, String actor, JsonObject details) {
  }

  /** History rows of many deals in one statement, written in the order given. */
  public static Future<Void> histories(SqlConnection tx, List<HistoryRow> rows) {
    if (rows.size() == 1) {
      HistoryRow r = rows.get(0);
      return history(tx, r.dealId(), r.at(), r.kind(), r.actor(), r.details());
    }
    io.vertx.core.json.JsonArray input = new io.vertx.core.json.JsonArray();
    for (HistoryRow r : rows) {
      input.add(new JsonObject().put("ord", input.size()).put("deal_id", r.dealId()).put("at", r.at().toString())
          .put("kind", r.kind()).put("actor", r.actor()).put("details", r.details()));
    }
    return tx.preparedQuery("""
            INSERT INTO deal_history (deal_id, at, kind, actor, details)
            SELECT deal_id, at, kind, actor, details FROM jsonb_to_recordset($1::jsonb)
              AS t(ord int, deal_id bigint, at timestamptz, kind text, actor text, details jsonb)
            ORDER BY ord""")
        .execute(Tuple.of(input))
        .mapEmpty();
  }

  /** Records that the lead was reached (first contact is kept; speed-to-lead ends there; no longer cold). */
  public static Future<Void> contactMade(SqlConnection tx, long dealId, Instant at) {
    return tx.preparedQuery("""
            UPDATE deals SET first_contact_at = COALESCE(first_contact_at, $2),
                             last_contact_at = GREATEST(COALESCE(last_contact_at, $2), $2),
                             cold_since = NULL,
                             updated_at = now()
            WHERE id = $1""")
        .execute(Tuple.of(dealId, ts(at)))
        .mapEmpty();
  }

  /**
   * Gives deals their owners, in one batch: the owner set, the routing mark cleared, the deal's open manager
   * tasks (its callback, its stage task) handed to the owner, and the history row.
   */
  public static Future<Void> assignOwners(SqlConnection tx, List<OwnerChange> changes) {
    if (changes.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Tuple> batch = new ArrayList<>(changes.size());
    for (OwnerChange c : changes) {
      batch.add(Tuple.of(c.dealId(), c.managerId(), ts(c.at()), c.actor(), c.details()));
    }
    return tx.preparedQuery("""
            WITH d AS (UPDATE deals SET manager_id = $2, updated_at = $3 WHERE id = $1 RETURNING id),
                 p AS (DELETE FROM routing_pending WHERE deal_id = $1),
                 t AS (UPDATE tasks SET manager_id = $2 WHERE deal_id = $1 AND done_at IS NULL AND for_role = 'MANAGER'
                       RETURNING id)
            INSERT INTO deal_history (deal_id, at, kind, actor, details) SELECT id, $3, 'owner', $4, $5 FROM d""")
        .executeBatch(batch).mapEmpty();
  }

  /** Clears the routing mark of deals that got a decision without an owner, or need none any more. */
  public static Future<Void> clearRoutingPending(SqlConnection tx, List<Long> dealIds) {
    return dealIds.isEmpty() ? Future.succeededFuture()
        : tx.preparedQuery("DELETE FROM routing_pending WHERE deal_id = ANY($1)")
            .execute(Tuple.of(dealIds.toArray(Long[]::new))).mapEmpty();
  }

  /** Adds the fields a later request brought; the fields already on the deal stay as they are. */
  public static Future<Void> addFields(SqlConnection tx, long dealId, JsonObject fields, Instant now) {
    return tx.preparedQuery("UPDATE deals SET fields = $2 || fields, updated_at = $3 WHERE id = $1")
        .execute(Tuple.of(dealId, fields, ts(now))).mapEmpty();
  }

  /**
   * Moves the locked deal to another stage: the submitted fields merged, the entry task (to the deal's owner)
   * and the history row. Returns the history details (with the task's id).
   */
  static Future<JsonObject> moveStage(SqlConnection tx, LockedDeal d, String from, String to, JsonObject fields,
                                      Optional<TaskSpec> task, String reason, String actor, Instant now) {
    JsonObject details = new JsonObject().put("from", from).put("to", to).put("fields", fields).put("reason", reason);
    Future<Void> steps = tx.preparedQuery("UPDATE deals SET stage = $2, fields = fields || $3, updated_at = $4 WHERE id = $1")
        .execute(Tuple.of(d.id(), to, fields, ts(now)))
        // The earlier stage's task is over once the deal moved on (issue 12); said in the history.
        .compose(x -> PgTaskStore.closeOpenIds(tx, d.id(), TaskKind.STAGE_ENTRY, now))
        .compose(ids -> ids.isEmpty() ? Future.<Void>succeededFuture() : history(tx, d.id(), now, "task_done", actor,
            new JsonObject().put("taskIds", new io.vertx.core.json.JsonArray(ids)).put("kind", TaskKind.STAGE_ENTRY.name())
                .put("why", "the deal moved on from " + from)));
    if (task.isPresent()) {
      TaskSpec t = task.get();
      steps = steps.compose(x -> PgTaskStore.create(tx, d.id(), d.managerId(), t)).map(taskId -> {
        details.put("task", new JsonObject().put("id", taskId).put("title", t.title()).put("dueAt", t.dueAt().toString()));
        return null;
      });
    }
    return steps.compose(x -> history(tx, d.id(), now, "stage", actor, details)).map(details);
  }

  private static Future<Void> controlTask(SqlConnection tx, long dealId, TaskSpec t, Instant at) {
    return PgTaskStore.create(tx, dealId, null, t).compose(id -> history(tx, dealId, at, "task", "system",
        new JsonObject().put("kind", t.kind().name()).put("forRole", t.assignee().name()).put("title", t.title())
            .put("dueAt", t.dueAt().toString()).put("taskId", id)));
  }

  /**
   * Closes the locked deal as the funnel decided ({@link Closure.Closed}: by a person, the 8-week rule or the
   * exhausted callback ladder alike): status, stage, reasons, the manager's open tasks done, the supervisor's
   * control task, the history row. Returns the event the caller tells the listeners.
   */
  static Future<DealEvent.Closed> close(SqlConnection tx, LockedDeal d, Closure.Closed c, String actor,
                                        JsonObject extraHistory) {
    String status = c.status().name();
    JsonObject details = new JsonObject().put("status", status).put("stage", c.stage()).put("reason", c.reason().code())
        .put("reasonName", c.reason().name()).put("comment", c.comment()).put("automatic", c.automatic())
        .put("notifyCustomer", c.notifyCustomer()).mergeIn(extraHistory);
    return tx.preparedQuery("""
            UPDATE deals SET status = $2, stage = $3, loss_reason = $4, close_reason = $5, close_comment = $6,
                             closed_at = $7, updated_at = $7, thinking_since = NULL
            WHERE id = $1 AND status = 'OPEN'""")
        .execute(Tuple.wrap(Arrays.asList(d.id(), status, c.stage(), c.status() == DealStatus.LOST ? c.reason().code() : null,
            c.reason().code(), c.comment(), ts(c.closedAt()))))
        .compose(x -> PgTaskStore.closeManagerTasks(tx, d.id(), c.closedAt()))
        .compose(x -> history(tx, d.id(), c.closedAt(), "closed", actor, details))
        .compose(x -> c.controlTask().isEmpty() ? Future.<Void>succeededFuture() : controlTask(tx, d.id(),
            c.controlTask().get(), c.closedAt()))
        .map(x -> new DealEvent.Closed(d.id(), d.managerId(), c.status(), c.reason().code(), c.closedAt()));
  }
}
