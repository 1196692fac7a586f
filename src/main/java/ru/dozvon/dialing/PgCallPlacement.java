package ru.dozvon.dialing;

import static ru.dozvon.store.Sql.iso;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import ru.dozvon.deals.DealStatus;
import ru.dozvon.deals.PgTaskStore;
import ru.dozvon.errors.NotFound;
import ru.dozvon.phone.PhoneNumber;
import ru.dozvon.store.Sql;

/**
 * The SQL of placing a call on an attempt, each statement inside the caller's transaction (the deal row locked
 * first, as everywhere in dialing). An attempt that is due (fired to the manager, or pending and due by now) becomes
 * PLACED; with none due, the call is a call outside the ladder: a new attempt row without a step, PLACED at once.
 * A failure on the operator's side puts a ladder attempt back to FIRED (it stays open, its task too) and cancels a
 * call outside the ladder (which the ladder's history ignores: it never reached the lead).
 */
final class PgCallPlacement {

  /** The manager whose phone rings: their extension, and whether they may still work. */
  record Phone(long managerId, String extension, boolean active) {
  }

  /** What a click decides on, read in one statement with the deal's row locked. */
  record Scene(PgAttempts.DealRow deal, Optional<Phone> phone, Optional<PgAttempts.Open> current) {
  }

  /**
   * Locks the deal (as {@link PgAttempts#lockDeal}) and reads, in the same statement, the phone that rings (this
   * manager's, or null: the deal manager's) and the attempt an outcome would land on ({@link PgAttempts#current}).
   */
  static Future<Scene> lockScene(SqlConnection tx, long dealId, Long phoneOf) {
    return tx.preparedQuery("""
            SELECT d.id, d.status, d.stage, d.manager_id, d.arrived_at, d.last_contact_at, d.fields,
                   k.phone, k.phone_kind,
                   (SELECT count(*) FROM attempts x WHERE x.deal_id = d.id AND x.outcome IS NOT NULL) AS ended,
                   m.id AS m_id, m.extension AS m_extension, m.active AS m_active,
                   a.id AS a_id, a.no AS a_no, a.ladder AS a_ladder, a.step AS a_step, a.of_total AS a_of,
                   a.state AS a_state, a.due_at AS a_due_at
            FROM deals d JOIN contacts k ON k.id = d.contact_id
            LEFT JOIN managers m ON m.id = COALESCE($2, d.manager_id)
            LEFT JOIN LATERAL (SELECT id, no, ladder, step, of_total, state, due_at FROM attempts
                               WHERE deal_id = d.id AND state IN ('PENDING', 'FIRED', 'PLACED')
                               ORDER BY state = 'PENDING', no LIMIT 1) a ON true
            WHERE d.id = $1 FOR UPDATE OF d""")
        .execute(Tuple.of(dealId, phoneOf))
        .map(rows -> {
          if (rows.size() == 0) {
            throw new NotFound("deal " + dealId);
          }
          Row r = rows.iterator().next();
          String phone = r.getString("phone");
          PgAttempts.DealRow deal = new PgAttempts.DealRow(dealId, DealStatus.valueOf(r.getString("status")),
              r.getString("stage"), r.getLong("manager_id"), Sql.instant(r, "arrived_at"),
              Sql.instant(r, "last_contact_at"), r.getJsonObject("fields"),
              phone == null ? null : new PhoneNumber(phone, PhoneNumber.Kind.valueOf(r.getString("phone_kind"))),
              r.getLong("ended").intValue());
          Optional<Phone> owner = r.getLong("m_id") == null ? Optional.empty()
              : Optional.of(new Phone(r.getLong("m_id"), r.getString("m_extension"), r.getBoolean("m_active")));
          Optional<PgAttempts.Open> current = r.getLong("a_id") == null ? Optional.empty()
              : Optional.of(new PgAttempts.Open(r.getLong("a_id"), r.getInteger("a_no"), r.getInteger("a_ladder"),
                  r.getInteger("a_step"), r.getInteger("a_of"), AttemptState.valueOf(r.getString("a_state")),
                  Sql.instant(r, "a_due_at")));
          return new Scene(deal, owner, current);
        });
  }

  private PgCallPlacement() {
  }

  /**
   * A due attempt (FIRED, PENDING and due, or PLACED by a run that is gone) becomes PLACED now; its row as
   * {@link #attempt} shows it.
   */
  static Future<JsonObject> placeDue(SqlConnection tx, PgAttempts.Open a, Instant now, String by, String extension) {
    Future<JsonObject> placed = tx.preparedQuery("""
            UPDATE attempts SET state = 'PLACED', placed_at = $2, fired_at = COALESCE(fired_at, $2), placed_by = $3,
                                placed_ext = $4
            WHERE id = $1 RETURNING *""")
        .execute(Tuple.of(a.id(), Sql.ts(now), by, extension))
        .map(rows -> json(rows.iterator().next()));
    // pending until now: it never went to the manager's queue, so its callback task is made here, as the scheduler
    // would have (the call may fail on the operator's side and the attempt go back to the queue); both statements
    // are sent at once, pipelined on the connection
    return a.state() != AttemptState.PENDING ? placed
        : Future.all(placed, PgTaskStore.callbackTasks(tx, List.of(a.id()))).map(x -> placed.result());
  }

  /** A call outside the ladder: a new attempt without a step, PLACED now; {@code ladder} null: the deal's latest. */
  static Future<JsonObject> placeExtra(SqlConnection tx, long dealId, Integer ladder, int of, Instant now, String why,
                                       String by, String extension) {
    return tx.preparedQuery("""
            INSERT INTO attempts (deal_id, no, ladder, step, of_total, due_at, why, state, placed_at, placed_by,
                                  placed_ext)
            SELECT $1, COALESCE(max(no), 0) + 1, COALESCE($2, max(ladder), 1), NULL, $3, $4, $5, 'PLACED', $4, $6, $7
            FROM attempts WHERE deal_id = $1
            RETURNING *""")
        .execute(Tuple.wrap(Arrays.asList(dealId, ladder, of, Sql.ts(now), why, by, extension)))
        .map(rows -> json(rows.iterator().next()));
  }

  /**
   * The operator's side failed: a ladder attempt still PLACED goes back to FIRED (open, on the manager's queue), a
   * call outside the ladder is cancelled. Empty when the attempt was no longer PLACED (its end came another way).
   */
  static Future<Optional<JsonObject>> operatorFailed(SqlConnection tx, long attemptId, Instant now) {
    return tx.preparedQuery("""
            UPDATE attempts SET state = CASE WHEN step IS NULL THEN 'CANCELLED' ELSE 'FIRED' END,
                                cancelled_at = CASE WHEN step IS NULL THEN $2::timestamptz END,
                                placed_at = NULL, placed_by = NULL, placed_ext = NULL
            WHERE id = $1 AND state = 'PLACED' RETURNING id, deal_id, no, ladder, step, of_total, state""")
        .execute(Tuple.of(attemptId, Sql.ts(now)))
        .map(rows -> {
          if (rows.size() == 0) {
            return Optional.empty();
          }
          Row r = rows.iterator().next();
          return Optional.of(new JsonObject().put("attemptId", r.getLong("id")).put("dealId", r.getLong("deal_id"))
              .put("no", r.getInteger("no")).put("step", r.getInteger("step")).put("state", r.getString("state")));
        });
  }

  /** One attempt in the shape of {@code GET /api/deals/{id}}. */
  static Future<JsonObject> attempt(SqlConnection c, long attemptId) {
    return c.preparedQuery("SELECT * FROM attempts WHERE id = $1").execute(Tuple.of(attemptId))
        .map(rows -> json(rows.iterator().next()));
  }

  private static JsonObject json(Row r) {
    return new JsonObject().put("id", r.getLong("id")).put("no", r.getInteger("no"))
        .put("ladder", r.getInteger("ladder")).put("step", r.getInteger("step"))
        .put("of", r.getInteger("of_total")).put("outsideLadder", r.getInteger("step") == null)
        .put("dueAt", iso(r, "due_at")).put("why", r.getString("why")).put("state", r.getString("state"))
        .put("firedAt", iso(r, "fired_at")).put("placedAt", iso(r, "placed_at"))
        .put("placedBy", r.getString("placed_by")).put("outcome", r.getString("outcome"))
        .put("outcomeAt", iso(r, "outcome_at"));
  }
}
