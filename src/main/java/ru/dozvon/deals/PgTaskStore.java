package ru.dozvon.deals;

import ru.dozvon.store.Sql;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import ru.dozvon.errors.Forbidden;
import ru.dozvon.errors.NotFound;

/** Tasks in PostgreSQL: created from the funnel's {@link TaskSpec}s, listed most urgent first, done, flagged overdue. */
public final class PgTaskStore {

  /** Which open tasks to list. {@code managerId} empty: every manager's; {@code dueBefore} empty: any due time. */
  public record Filter(Optional<Long> managerId, boolean withSupervisorTasks, Optional<Instant> dueBefore) {
  }

  /** A task that just went overdue. */
  public record Overdue(long id, Long dealId, Long managerId, String role, String title, Instant dueAt) {
  }

  private final Pool pool;

  public PgTaskStore(Pool pool) {
    this.pool = pool;
  }

  /**
   * Stores a task some rule asked for: a manager's task goes to {@code managerId} (the deal's owner;
   * null while unassigned), a supervisor's task to nobody in particular (any supervisor takes it).
   */
  public static Future<Long> create(SqlConnection tx, long dealId, Long managerId, TaskSpec spec) {
    boolean forSupervisor = spec.assignee() == AssigneeRole.SUPERVISOR;
    return tx.preparedQuery("""
            INSERT INTO tasks (deal_id, manager_id, for_role, kind, title, due_at)
            VALUES ($1, $2, $3, $4, $5, $6) RETURNING id""")
        .execute(Tuple.of(dealId, forSupervisor ? null : managerId, spec.assignee().name(), spec.kind().name(),
            spec.title(), Sql.ts(spec.dueAt())))
        .map(rows -> rows.iterator().next().getLong(0));
  }

  /**
   * The same with a priority colour and, for a callback, the attempt it is for (one task per attempt: a
   * second one for the same attempt is not made, and its id comes back as null).
   */
  public static Future<Long> create(SqlConnection tx, long dealId, Long managerId, TaskSpec spec, Priority priority,
                                    Long attemptId) {
    boolean forSupervisor = spec.assignee() == AssigneeRole.SUPERVISOR;
    return tx.preparedQuery("""
            INSERT INTO tasks (deal_id, manager_id, for_role, kind, title, priority, due_at, attempt_id)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            ON CONFLICT (attempt_id) WHERE attempt_id IS NOT NULL DO NOTHING RETURNING id""")
        .execute(Tuple.wrap(java.util.Arrays.asList(dealId, forSupervisor ? null : managerId, spec.assignee().name(),
            spec.kind().name(), spec.title(), priority == null ? null : priority.name(), Sql.ts(spec.dueAt()),
            attemptId)))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getLong(0));
  }

  /**
   * The RED callback task of each fired attempt, given to its deal's owner (one per attempt: fired twice, it is
   * made once). Returns the task id of each attempt that got one now.
   */
  public static Future<java.util.Map<Long, Long>> callbackTasks(SqlConnection tx, List<Long> attemptIds) {
    if (attemptIds.isEmpty()) {
      return Future.succeededFuture(java.util.Map.of());
    }
    return tx.preparedQuery("""
            INSERT INTO tasks (deal_id, manager_id, kind, title, priority, due_at, attempt_id)
            SELECT a.deal_id, d.manager_id, 'CALLBACK',
                   'Перезвонить клиенту: попытка ' || COALESCE(a.step, a.no) || ' из ' || a.of_total, 'RED', a.due_at, a.id
            FROM attempts a JOIN deals d ON d.id = a.deal_id WHERE a.id = ANY($1)
            ON CONFLICT (attempt_id) WHERE attempt_id IS NOT NULL DO NOTHING
            RETURNING id, attempt_id""")
        .execute(Tuple.of(attemptIds.toArray(Long[]::new)))
        .map(rows -> {
          java.util.Map<Long, Long> out = new java.util.HashMap<>();
          rows.forEach(r -> out.put(r.getLong("attempt_id"), r.getLong("id")));
          return out;
        });
  }

  /** Marks the tasks of these attempts done (the attempt ended or was cancelled). */
  public static Future<Void> closeAttemptTasks(SqlConnection tx, List<Long> attemptIds, Instant at) {
    return attemptIds.isEmpty() ? Future.succeededFuture()
        : tx.preparedQuery("UPDATE tasks SET done_at = $2 WHERE attempt_id = ANY($1) AND done_at IS NULL")
            .execute(Tuple.of(attemptIds.toArray(Long[]::new), Sql.ts(at))).mapEmpty();
  }

  /** Marks the deal's open tasks of one kind done; returns how many. */
  public static Future<Integer> closeOpen(SqlConnection tx, long dealId, TaskKind kind, Instant at) {
    return tx.preparedQuery("UPDATE tasks SET done_at = $3 WHERE deal_id = $1 AND kind = $2 AND done_at IS NULL")
        .execute(Tuple.of(dealId, kind.name(), Sql.ts(at))).map(rows -> rows.rowCount());
  }

  /** Marks the deal's open tasks of one kind done; returns their ids (for the history). */
  static Future<List<Long>> closeOpenIds(SqlConnection tx, long dealId, TaskKind kind, Instant at) {
    return tx.preparedQuery("UPDATE tasks SET done_at = $3 WHERE deal_id = $1 AND kind = $2 AND done_at IS NULL RETURNING id")
        .execute(Tuple.of(dealId, kind.name(), Sql.ts(at))).map(rows -> {
          List<Long> ids = new ArrayList<>();
          rows.forEach(r -> ids.add(r.getLong(0)));
          return ids;
        });
  }

  /** Marks the deal's open manager tasks done (the deal was closed: nothing is left to do on them). */
  static Future<Void> closeManagerTasks(SqlConnection tx, long dealId, Instant at) {
    return tx.preparedQuery("UPDATE tasks SET done_at = $2 WHERE deal_id = $1 AND done_at IS NULL AND for_role = 'MANAGER'")
        .execute(Tuple.of(dealId, Sql.ts(at))).mapEmpty();
  }

  /** Open tasks, most urgent first ({@link Tasks#MOST_URGENT}), at most 500. */
  public Future<JsonArray> list(Filter f, Instant now) {
    List<Object> args = new ArrayList<>();
    StringBuilder where = new StringBuilder("t.done_at IS NULL");
    if (f.managerId().isPresent()) {
      args.add(f.managerId().get());
      where.append(" AND (t.manager_id = $1").append(f.withSupervisorTasks() ? " OR t.for_role = 'SUPERVISOR')" : ")");
    } else if (!f.withSupervisorTasks()) {
      where.append(" AND t.for_role = 'MANAGER'");
    }
    f.dueBefore().ifPresent(before -> {
      args.add(Sql.ts(before));
      where.append(" AND t.due_at < $").append(args.size());
    });
    String sql = "SELECT t.*, d.priority AS deal_priority, d.source FROM tasks t LEFT JOIN deals d ON d.id = t.deal_id WHERE "
        + where + " ORDER BY t.due_at, t.id LIMIT 500";
    return pool.preparedQuery(sql).execute(Tuple.wrap(args)).map(rows -> {
      List<Row> all = new ArrayList<>();
      rows.forEach(all::add);
      Comparator<Row> urgent = Comparator.comparing(PgTaskStore::spec, Tasks.MOST_URGENT);
      all.sort(urgent.thenComparing(r -> r.getLong("id")));
      JsonArray out = new JsonArray();
      all.forEach(r -> out.add(json(r, now)));
      return out;
    });
  }

  /** Flags every open task past its deadline as overdue, once; returns those flagged now. */
  public static Future<List<Overdue>> flagOverdue(SqlClient tx, Instant now) {
    return tx.preparedQuery("""
            UPDATE tasks SET overdue_at = $1
            WHERE done_at IS NULL AND overdue_at IS NULL AND due_at < $1
            RETURNING id, deal_id, manager_id, for_role, title, due_at""")
        .execute(Tuple.of(Sql.ts(now)))
        .map(rows -> {
          List<Overdue> out = new ArrayList<>();
          rows.forEach(r -> out.add(new Overdue(r.getLong("id"), r.getLong("deal_id"), r.getLong("manager_id"),
              r.getString("for_role"), r.getString("title"), r.getOffsetDateTime("due_at").toInstant())));
          return out;
        });
  }

  private static TaskSpec spec(Row r) {
    TaskKind kind = TaskKind.valueOf(r.getString("kind"));
    return new TaskSpec(kind, r.getString("title"), r.getOffsetDateTime("due_at").toInstant(),
        AssigneeRole.valueOf(r.getString("for_role")));
  }

  static JsonObject json(Row r, Instant now) {
    Instant due = r.getOffsetDateTime("due_at").toInstant();
    Instant doneAt = r.getOffsetDateTime("done_at") == null ? null : r.getOffsetDateTime("done_at").toInstant();
    String priority = r.getString("priority") != null ? r.getString("priority") : r.getString("deal_priority");
    return new JsonObject()
        .put("id", r.getLong("id"))
        .put("dealId", r.getLong("deal_id"))
        .put("managerId", r.getLong("manager_id"))
        .put("forRole", r.getString("for_role"))
        .put("kind", r.getString("kind"))
        .put("title", r.getString("title"))
        .put("cadence", r.getString("cadence"))
        .put("why", r.getString("why"))
        .put("priority", priority)
        .put("source", r.getString("source"))
        .put("dueAt", due.toString())
        .put("overdue", Tasks.isOverdue(due, doneAt, now))
        .put("overdueAt", Sql.iso(r, "overdue_at"))
        .put("doneAt", doneAt == null ? null : doneAt.toString())
        .put("note", r.getString("note"))
        .put("cancelledAt", Sql.iso(r, "cancelled_at"))
        .put("cancelReason", r.getString("cancel_reason"))
        .put("createdBy", r.getString("created_by"))
        .put("createdAt", Sql.iso(r, "created_at"));
  }
}
