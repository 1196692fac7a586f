package ru.dozvon.deals;

import static ru.dozvon.store.Sql.instant;
import static ru.dozvon.store.Sql.ts;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The follow-up cadences, stored (issue 12): the pure {@link FollowUps} decides, this writes the tasks (with
 * {@code tasks.cadence} and {@code tasks.why}) and their history rows inside the caller's transaction. Other
 * features call it (dialing: an unanswered call on a deal in work, a client thinking it over); the funnel calls it
 * on every stage move; {@link FunnelJobs} runs the weekly calls and the «холодная» mark.
 */
public final class PgFollowUps {

  private final Funnel funnel;

  public PgFollowUps(Funnel funnel) {
    this.funnel = funnel;
  }

  private FollowUps rules() {
    return funnel.config().followUps();
  }

  /**
   * An unanswered call on a deal already past the first stage, outside the ladder (which stopped at the contact):
   * «Перезвонить» a few hours later, the stage unchanged (seed 002). An earlier open «Перезвонить» is replaced.
   */
  public Future<Void> noAnswerInWork(SqlConnection tx, long dealId, Long managerId, String stage, Instant now) {
    Optional<Stage> s = funnel.stage(stage);
    if (s.isEmpty() || !s.get().isOpen() || stage.equals(funnel.firstStage().code())) {
      return Future.succeededFuture();
    }
    return rules().noAnswer(now, funnel.workingTime()).map(p -> closeCadence(tx, dealId, FollowUps.NO_ANSWER, now)
        .compose(x -> plan(tx, dealId, managerId, p, now))).orElse(Future.succeededFuture());
  }

  /** The client will think it over and named no date: a call in a week, then every week (seed 003 §4.7). */
  public Future<Void> thinking(SqlConnection tx, long dealId, Long managerId, Instant now) {
    Optional<FollowUps.Planned> first = rules().thinking(now, 1, now, funnel.workingTime());
    if (first.isEmpty()) {
      return Future.succeededFuture();
    }
    return tx.preparedQuery("UPDATE deals SET thinking_since = $2 WHERE id = $1").execute(Tuple.of(dealId, ts(now)))
        .compose(x -> closeCadence(tx, dealId, FollowUps.THINKING, now))
        .compose(x -> plan(tx, dealId, managerId, first.get(), now));
  }

  /**
   * The deal moved to {@code to}: the cadences of the stage it left are over (their open tasks done, the weekly
   * calls stopped); entering the offer stage plans the reminders after the offer and before the client's deadline.
   */
  Future<Void> stageMoved(SqlConnection tx, LockedDeal d, String to, JsonObject mergedFields, Instant now) {
    Future<Void> done = tx.preparedQuery("""
            WITH t AS (UPDATE tasks SET done_at = $2 WHERE deal_id = $1 AND cadence IS NOT NULL AND done_at IS NULL)
            UPDATE deals SET thinking_since = NULL WHERE id = $1""")
        .execute(Tuple.of(d.id(), ts(now))).mapEmpty();
    FollowUps f = rules();
    if (!to.equals(f.offerStage())) {
      return done;
    }
    Optional<LocalDate> deadline = Optional.empty();
    Object raw = f.deadlineField().isEmpty() ? null : mergedFields.getValue(f.deadlineField());
    if (raw != null) {
      try {
        deadline = Optional.of(LocalDate.parse(String.valueOf(raw).strip()));
      } catch (DateTimeParseException e) {
        deadline = Optional.empty(); // not a date: no reminder, the offer reminders stand
      }
    }
    Future<Void> steps = done;
    for (FollowUps.Planned p : f.offerSent(now, deadline, funnel.workingTime())) {
      steps = steps.compose(x -> plan(tx, d.id(), d.managerId(), p, now));
    }
    return steps;
  }

  /** Writes one cadence task and its history row («task», with the cadence and the why). */
  static Future<Void> plan(SqlConnection tx, long dealId, Long managerId, FollowUps.Planned p, Instant now) {
    TaskSpec t = p.spec();
    return tx.preparedQuery("""
            INSERT INTO tasks (deal_id, manager_id, for_role, kind, title, due_at, cadence, why)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id""")
        // Arrays.asList, not List.of: a deal waiting for a manager gives its task to nobody yet (null)
        .execute(Tuple.wrap(java.util.Arrays.asList(dealId, managerId, t.assignee().name(), t.kind().name(), t.title(),
            ts(t.dueAt()), p.cadence(), p.why())))
        .compose(rows -> PgDealStore.history(tx, dealId, now, "task", "system", new JsonObject()
            .put("kind", t.kind().name()).put("title", t.title()).put("dueAt", t.dueAt().toString())
            .put("cadence", p.cadence()).put("why", p.why()).put("taskId", rows.iterator().next().getLong(0))));
  }

  private static Future<Void> closeCadence(SqlConnection tx, long dealId, String cadence, Instant now) {
    return tx.preparedQuery("UPDATE tasks SET done_at = $3 WHERE deal_id = $1 AND cadence = $2 AND done_at IS NULL")
        .execute(Tuple.of(dealId, cadence, ts(now))).mapEmpty();
  }

  /** The next weekly call of every deal thinking it over whose last call is done; returns how many were planned. */
  Future<Integer> nextThinkingCalls(SqlConnection tx, Instant now, int batch) {
    return tx.preparedQuery("""
            SELECT d.id, d.manager_id, d.thinking_since,
                   (SELECT max(t.due_at) FROM tasks t WHERE t.deal_id = d.id AND t.cadence = 'thinking'
                      AND t.due_at > d.thinking_since) AS last_due,
                   (SELECT count(*) FROM tasks t WHERE t.deal_id = d.id AND t.cadence = 'thinking'
                      AND t.due_at > d.thinking_since) AS calls
            FROM deals d
            WHERE d.status = 'OPEN' AND d.thinking_since IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.deal_id = d.id AND t.cadence = 'thinking' AND t.done_at IS NULL)
            ORDER BY d.id LIMIT $1 FOR UPDATE OF d SKIP LOCKED""")
        .execute(Tuple.of(batch))
        .compose(rows -> {
          List<Row> due = new ArrayList<>();
          rows.forEach(due::add);
          Future<Integer> chain = Future.succeededFuture(0);
          for (Row r : due) {
            Instant previous = r.getValue("last_due") == null ? instant(r, "thinking_since") : instant(r, "last_due");
            int number = r.getLong("calls").intValue() + 1;
            Optional<FollowUps.Planned> next = rules().thinking(previous, number, now, funnel.workingTime());
            if (next.isPresent()) {
              chain = chain.compose(n -> plan(tx, r.getLong("id"), r.getLong("manager_id"), next.get(), now).map(n + 1));
            }
          }
          return chain;
        });
  }

  /** Marks open deals silent for {@code cold_after} «холодная» (seed 000), with a history row; returns how many. */
  Future<Integer> markCold(SqlClient tx, Instant now) {
    FollowUps f = rules();
    if (f.coldAfter().isZero()) {
      return Future.succeededFuture(0);
    }
    return tx.preparedQuery("""
            WITH c AS (UPDATE deals SET cold_since = $1
                       WHERE status = 'OPEN' AND cold_since IS NULL AND COALESCE(last_contact_at, arrived_at) <= $2
                       RETURNING id, COALESCE(last_contact_at, arrived_at) AS silent_since)
            INSERT INTO deal_history (deal_id, at, kind, actor, details)
            SELECT id, $1, 'cold', 'system', jsonb_build_object('silentSince', silent_since, 'why',
                   'no contact for ' || $3::text) FROM c""")
        .execute(Tuple.of(ts(now), ts(now.minus(f.coldAfter())), ru.dozvon.time.Durations.describe(f.coldAfter())))
        .map(r -> r.rowCount());
  }
}
