package ru.dozvon.dialing;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import ru.dozvon.deals.PgDealStore;
import ru.dozvon.errors.NotFound;
import ru.dozvon.phone.PhoneNumber;

/**
 * The SQL of a deal's retry chain (attempts, their tasks, the chain's history), each statement run
 * inside the caller's transaction. Invariant kept by the callers: a deal has at most one attempt
 * that has not ended (PENDING, FIRED or PLACED), and attempt k+1 is made only once k has ended.
 */
final class PgAttempts {

  /** The deal as the chain needs it, read with its row locked until commit. */
  record DealRow(long id, String status, String stage, Long managerId, Instant arrivedAt,
                 Instant lastContactAt, JsonObject fields, PhoneNumber phone, int attemptsEnded) {
    boolean open() {
      return "OPEN".equals(status);
    }
  }

  /** An attempt that has not ended yet. */
  record Open(long id, int no, int of, String state, Instant dueAt) {
  }

  private PgAttempts() {
  }

  /** Locks the deal row (outcomes, calls and the scheduler's follow-ups on one deal queue here). */
  static Future<DealRow> lockDeal(SqlConnection tx, long dealId) {
    return tx.preparedQuery("""
            SELECT d.id, d.status, d.stage, d.manager_id, d.arrived_at, d.last_contact_at, d.fields,
                   k.phone, k.phone_kind,
                   (SELECT count(*) FROM attempts a WHERE a.deal_id = d.id AND a.outcome IS NOT NULL) AS ended
            FROM deals d JOIN contacts k ON k.id = d.contact_id WHERE d.id = $1 FOR UPDATE OF d""")
        .execute(Tuple.of(dealId))
        .map(rows -> {
          if (rows.size() == 0) {
            throw new NotFound("deal " + dealId);
          }
          Row r = rows.iterator().next();
          String phone = r.getString("phone");
          PhoneNumber number = phone == null ? null
              : new PhoneNumber(phone, PhoneNumber.Kind.valueOf(r.getString("phone_kind")));
          return new DealRow(dealId, r.getString("status"), r.getString("stage"), r.getLong("manager_id"),
              instant(r, "arrived_at"), instant(r, "last_contact_at"), r.getJsonObject("fields"), number,
              r.getLong("ended").intValue());
        });
  }

  /**
   * The chain so far, in one query: ended attempts (at the time they were placed), and the lead's
   * own inbound calls after the one that opened the deal (missed: called again; answered: contact).
   */
  static Future<AttemptHistory> history(SqlConnection tx, DealRow deal) {
    return tx.preparedQuery("""
            SELECT 'A' AS k, COALESCE(placed_at, outcome_at) AS at, outcome FROM attempts
             WHERE deal_id = $1 AND outcome IS NOT NULL
            UNION ALL
            SELECT CASE WHEN missed THEN 'M' ELSE 'C' END, COALESCE(answered_at, ended_at), NULL FROM calls
             WHERE deal_id = $1 AND direction = 'INBOUND' AND ended_at > $2""")
        .execute(Tuple.of(deal.id(), PgDealStore.ts(deal.arrivedAt())))
        .map(rows -> {
          List<HistoryEvent> events = new ArrayList<>();
          for (Row r : rows) {
            Instant at = instant(r, "at");
            events.add(switch (r.getString("k")) {
              case "A" -> new HistoryEvent.Attempt(at, AttemptOutcome.valueOf(r.getString("outcome")));
              case "M" -> new HistoryEvent.MissedCall(at);
              default -> new HistoryEvent.ContactMade(at, ContactChannel.ANSWERED_INBOUND_CALL);
            });
          }
          return new AttemptHistory(deal.arrivedAt(), deal.phone(), events);
        });
  }

  /** The attempt to record an outcome on: the one fired to the manager, else the next pending one. */
  static Future<Optional<Open>> current(SqlConnection tx, long dealId) {
    return tx.preparedQuery("""
            SELECT id, no, of_total, state, due_at FROM attempts
            WHERE deal_id = $1 AND state IN ('PENDING', 'FIRED', 'PLACED')
            ORDER BY state = 'PENDING', no LIMIT 1""")
        .execute(Tuple.of(dealId))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(open(rows.iterator().next())));
  }

  static Future<Long> insert(SqlConnection tx, long dealId, Decision.ScheduleAttempt s) {
    return tx.preparedQuery("INSERT INTO attempts (deal_id, no, of_total, due_at, why) VALUES ($1, $2, $3, $4, $5) RETURNING id")
        .execute(Tuple.of(dealId, s.number(), s.of(), PgDealStore.ts(s.dueAt()), s.why()))
        .map(rows -> rows.iterator().next().getLong(0));
  }

  /** Attempt 1 of a deal this transaction created, with its {@code attempt_scheduled} history row. */
  static Future<Void> insertFirst(SqlConnection tx, long dealId, Decision.ScheduleAttempt s, Instant now,
                                  io.vertx.core.json.JsonObject details) {
    return tx.preparedQuery("""
            WITH a AS (INSERT INTO attempts (deal_id, no, of_total, due_at, why) VALUES ($1, $2, $3, $4, $5) RETURNING id)
            INSERT INTO deal_history (deal_id, at, kind, actor, details)
            SELECT $1, $6, 'attempt_scheduled', 'system', $7 FROM a""")
        .execute(Tuple.of(dealId, s.number(), s.of(), PgDealStore.ts(s.dueAt()), s.why(), PgDealStore.ts(now), details))
        .mapEmpty();
  }

  /** Moves a pending attempt (it has not fired, so no task exists yet). */
  static Future<Void> reschedule(SqlConnection tx, long attemptId, Instant dueAt, String why) {
    return tx.preparedQuery("UPDATE attempts SET due_at = $2, why = $3 WHERE id = $1 AND state = 'PENDING'")
        .execute(Tuple.of(attemptId, PgDealStore.ts(dueAt), why)).mapEmpty();
  }

  /** Cancels every attempt of the deal that has not ended, and closes their tasks; returns their numbers. */
  static Future<List<Integer>> cancelOpen(SqlConnection tx, long dealId, Instant now) {
    return tx.preparedQuery("""
            WITH c AS (UPDATE attempts SET state = 'CANCELLED'
                       WHERE deal_id = $1 AND state IN ('PENDING', 'FIRED', 'PLACED') RETURNING id, no),
                 t AS (UPDATE tasks SET done_at = $2 WHERE attempt_id IN (SELECT id FROM c) AND done_at IS NULL)
            SELECT no FROM c ORDER BY no""")
        .execute(Tuple.of(dealId, PgDealStore.ts(now)))
        .map(rows -> {
          List<Integer> nos = new ArrayList<>();
          rows.forEach(r -> nos.add(r.getInteger(0)));
          return nos;
        });
  }

  /** Ends an attempt with its outcome and marks its task done. */
  static Future<Void> end(SqlConnection tx, long attemptId, AttemptOutcome outcome, Instant now, String pbxCallId) {
    return tx.preparedQuery("""
            WITH a AS (UPDATE attempts SET state = 'DONE', outcome = $2, outcome_at = $3,
                              placed_at = COALESCE(placed_at, $3), pbx_call_id = COALESCE($4, pbx_call_id)
                       WHERE id = $1 RETURNING id)
            UPDATE tasks SET done_at = $3 WHERE attempt_id IN (SELECT id FROM a) AND done_at IS NULL""")
        .execute(Tuple.of(attemptId, outcome.name(), PgDealStore.ts(now), pbxCallId)).mapEmpty();
  }

  /** Adds a task; {@code managerId} null with role SUPERVISOR is the supervisors' queue. */
  static Future<Void> task(SqlConnection tx, long dealId, Long managerId, String forRole, String kind, String title,
                           String priority, Instant dueAt) {
    return tx.preparedQuery("""
            INSERT INTO tasks (deal_id, manager_id, for_role, kind, title, priority, due_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7)""")
        .execute(Tuple.wrap(Arrays.asList(dealId, managerId, forRole, kind, title, priority, PgDealStore.ts(dueAt))))
        .mapEmpty();
  }

  /** Every attempt of the deal in the shape of {@code GET /api/deals/{id}}. */
  static Future<JsonArray> list(SqlConnection c, long dealId) {
    return c.preparedQuery("SELECT * FROM attempts WHERE deal_id = $1 ORDER BY no").execute(Tuple.of(dealId))
        .map(rows -> {
          JsonArray out = new JsonArray();
          rows.forEach(r -> out.add(new JsonObject().put("id", r.getLong("id")).put("no", r.getInteger("no"))
              .put("of", r.getInteger("of_total")).put("dueAt", iso(r, "due_at")).put("why", r.getString("why"))
              .put("state", r.getString("state")).put("firedAt", iso(r, "fired_at"))
              .put("placedAt", iso(r, "placed_at")).put("outcome", r.getString("outcome"))
              .put("outcomeAt", iso(r, "outcome_at"))));
          return out;
        });
  }

  private static Open open(Row r) {
    return new Open(r.getLong("id"), r.getInteger("no"), r.getInteger("of_total"), r.getString("state"),
        instant(r, "due_at"));
  }

  static Instant instant(Row r, String column) {
    OffsetDateTime t = r.getOffsetDateTime(column);
    return t == null ? null : t.toInstant();
  }

  private static String iso(Row r, String column) {
    Instant t = instant(r, column);
    return t == null ? null : t.toString();
  }
}
