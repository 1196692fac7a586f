package ru.dozvon.dialing;

import ru.dozvon.store.Sql;
import static ru.dozvon.store.Sql.iso;
import static ru.dozvon.store.Sql.instant;
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
import ru.dozvon.call.CallDirection;
import ru.dozvon.deals.ContactChannel;
import ru.dozvon.deals.DealStatus;
import ru.dozvon.deals.PgDealStore;
import ru.dozvon.deals.PgTaskStore;
import ru.dozvon.errors.NotFound;
import ru.dozvon.phone.PhoneNumber;

/**
 * The SQL of a deal's callback attempts, each statement run inside the caller's transaction. Invariant kept by
 * the callers (the deal row is locked first): a deal has at most one attempt that has not ended (PENDING, FIRED
 * or PLACED). {@code no} is the deal's own sequence number, never reused; {@code ladder} and {@code step} say
 * which run of the ladder and which of its steps an attempt is ({@code step} null: a call outside the ladder).
 * The tasks of attempts are the deals feature's ({@link PgTaskStore}).
 */
final class PgAttempts {

  /** The deal as the chain needs it, read with its row locked until commit. */
  record DealRow(long id, DealStatus status, String stage, Long managerId, Instant arrivedAt,
                 Instant lastContactAt, JsonObject fields, PhoneNumber phone, int attemptsEnded) {
    boolean open() {
      return status == DealStatus.OPEN;
    }
  }

  /** An attempt that has not ended yet. */
  record Open(long id, int no, int ladder, Integer step, int of, AttemptState state, Instant dueAt) {
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
          return new DealRow(dealId, DealStatus.valueOf(r.getString("status")), r.getString("stage"),
              r.getLong("manager_id"), instant(r, "arrived_at"), instant(r, "last_contact_at"),
              r.getJsonObject("fields"), number, r.getLong("ended").intValue());
        });
  }

  /**
   * The deal's whole callback history, read from its own history rows (every fact the chain follows writes one):
   * attempts that ended (steps and calls outside the ladder), cancelled attempts, the ends of exhausted ladders,
   * the lead's own inbound calls but the one that opened the deal (missed: called again; answered: contact) and the
   * lead's own messages, in the order they were written (the history row's id: the one order every fact shares,
   * and the order the chain acted on them; the PBX's and this service's clocks need not agree to the second).
   */
  static Future<AttemptHistory> history(SqlConnection tx, DealRow deal) {
    return tx.preparedQuery("""
            SELECT at, kind, details FROM deal_history
            WHERE deal_id = $1 AND kind IN ('attempt_outcome', 'call', 'chain_stopped', 'message', 'ladder_ended')
            ORDER BY id""")
        .execute(Tuple.of(deal.id()))
        .map(rows -> {
          List<HistoryEvent> events = new ArrayList<>();
          for (Row r : rows) {
            HistoryEvent e = event(instant(r, "at"), r.getString("kind"), r.getJsonObject("details"));
            if (e != null) {
              events.add(e);
            }
          }
          return new AttemptHistory(deal.arrivedAt(), deal.phone(), events);
        });
  }

  /** One history row as the chain reads it; null for rows it does not follow. */
  private static HistoryEvent event(Instant at, String kind, JsonObject d) {
    switch (kind) {
      case "attempt_outcome" -> {
        AttemptOutcome outcome = AttemptOutcome.valueOf(d.getString("outcome"));
        String named = d.getString("callBackAt");
        Instant callBackAt = named == null ? null : Instant.parse(named);
        return d.getBoolean("outsideLadder", false)
            ? new HistoryEvent.ExtraCall(at, outcome, callBackAt) : new HistoryEvent.Attempt(at, outcome, callBackAt);
      }
      case "call" -> {
        if (!CallDirection.INBOUND.name().equals(d.getString("direction"))) {
          return null; // our own calls come back as attempt outcomes
        }
        return d.getBoolean("missed", false) ? new HistoryEvent.MissedCall(at)
            : new HistoryEvent.ContactMade(at, ContactChannel.ANSWERED_INBOUND_CALL);
      }
      case "chain_stopped" -> {
        JsonArray cancelled = d.getJsonArray("cancelled");
        return cancelled == null || cancelled.isEmpty() ? null : new HistoryEvent.Cancelled(at);
      }
      case "message" -> {
        return new HistoryEvent.CustomerMessage(at, channel(d.getString("channel")));
      }
      case "ladder_ended" -> {
        return new HistoryEvent.LadderEnded(at);
      }
      default -> {
        return null;
      }
    }
  }

  private static ContactChannel channel(String name) {
    try {
      return name == null ? ContactChannel.OTHER : ContactChannel.valueOf(name);
    } catch (IllegalArgumentException e) {
      return ContactChannel.OTHER;
    }
  }

  /** The attempt to record an outcome on: the one fired to the manager, else the pending one. */
  static Future<Optional<Open>> current(SqlConnection tx, long dealId) {
    return tx.preparedQuery("""
            SELECT id, no, ladder, step, of_total, state, due_at FROM attempts
            WHERE deal_id = $1 AND state IN ('PENDING', 'FIRED', 'PLACED')
            ORDER BY state = 'PENDING', no LIMIT 1""")
        .execute(Tuple.of(dealId))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(open(rows.iterator().next())));
  }

  /** One attempt of the deal, whatever its state; empty when the deal has no such attempt. */
  static Future<Optional<Open>> byId(SqlConnection tx, long dealId, long attemptId) {
    return tx.preparedQuery("SELECT id, no, ladder, step, of_total, state, due_at FROM attempts WHERE id = $1 AND deal_id = $2")
        .execute(Tuple.of(attemptId, dealId))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(open(rows.iterator().next())));
  }

  /** A new attempt, numbered after every attempt the deal has had. The deal must be locked. */
  static Future<Long> insert(SqlConnection tx, long dealId, Decision.ScheduleAttempt s) {
    return tx.preparedQuery("""
            INSERT INTO attempts (deal_id, no, ladder, step, of_total, due_at, why)
            SELECT $1, COALESCE(max(no), 0) + 1, $2, $3, $4, $5, $6 FROM attempts WHERE deal_id = $1
            RETURNING id""")
        .execute(Tuple.of(dealId, s.ladder(), s.number(), s.of(), Sql.ts(s.dueAt()), s.why()))
        .map(rows -> rows.iterator().next().getLong(0));
  }

  /**
   * Attempt 1 of a deal this transaction created, with its {@code attempt_scheduled} history row (the deals
   * feature's): both statements sent at once, pipelined on the connection, since nothing else can see the deal.
   */
  static Future<Void> insertFirst(SqlConnection tx, long dealId, Decision.ScheduleAttempt s, Instant now,
                                  JsonObject details) {
    Future<?> attempt = tx.preparedQuery("""
            INSERT INTO attempts (deal_id, no, ladder, step, of_total, due_at, why) VALUES ($1, 1, 1, $2, $3, $4, $5)""")
        .execute(Tuple.of(dealId, s.number(), s.of(), Sql.ts(s.dueAt()), s.why()));
    Future<Void> history = PgDealStore.history(tx, dealId, now, "attempt_scheduled", "system", details);
    return Future.all(attempt, history).mapEmpty();
  }

  /** Attempt 1 of a new deal, as the policy scheduled it, with its history row's details. */
  record First(long dealId, Decision.ScheduleAttempt s, JsonObject details) {
  }

  /**
   * {@link #insertFirst} for many new deals in one statement: their attempts 1 and, in the same order, their
   * {@code attempt_scheduled} history rows.
   */
  static Future<Void> insertFirstAll(SqlConnection tx, List<First> first, Instant now) {
    if (first.isEmpty()) {
      return Future.succeededFuture();
    }
    if (first.size() == 1) {
      First f = first.get(0);
      return insertFirst(tx, f.dealId(), f.s(), now, f.details());
    }
    io.vertx.core.json.JsonArray rows = new io.vertx.core.json.JsonArray();
    List<PgDealStore.HistoryRow> history = new ArrayList<>(first.size());
    for (First f : first) {
      rows.add(new JsonObject().put("ord", rows.size()).put("deal_id", f.dealId()).put("step", f.s().number())
          .put("of_total", f.s().of()).put("due_at", f.s().dueAt().toString()).put("why", f.s().why()));
      history.add(new PgDealStore.HistoryRow(f.dealId(), now, "attempt_scheduled", "system", f.details()));
    }
    Future<?> attempts = tx.preparedQuery("""
            INSERT INTO attempts (deal_id, no, ladder, step, of_total, due_at, why)
            SELECT deal_id, 1, 1, step, of_total, due_at, why FROM jsonb_to_recordset($1::jsonb)
              AS t(ord int, deal_id bigint, step int, of_total int, due_at timestamptz, why text)
            ORDER BY ord""")
        .execute(Tuple.of(rows));
    // pipelined on the connection: one round trip for both, as insertFirst
    return Future.all(attempts, PgDealStore.histories(tx, history)).mapEmpty();
  }

  /** Re-plans a pending attempt (it has not fired, so no task exists yet): its time, and which step it is. */
  static Future<Void> replan(SqlConnection tx, long attemptId, Decision.ScheduleAttempt s) {
    return tx.preparedQuery("""
            UPDATE attempts SET due_at = $2, why = $3, ladder = $4, step = $5, of_total = $6
            WHERE id = $1 AND state = 'PENDING'""")
        .execute(Tuple.of(attemptId, Sql.ts(s.dueAt()), s.why(), s.ladder(), s.number(), s.of())).mapEmpty();
  }

  /** Cancels every attempt of the deal that has not ended, and closes their tasks; returns their numbers. */
  static Future<List<Integer>> cancelOpen(SqlConnection tx, long dealId, Instant now) {
    return tx.preparedQuery("""
            UPDATE attempts SET state = 'CANCELLED', cancelled_at = $2
            WHERE deal_id = $1 AND state IN ('PENDING', 'FIRED', 'PLACED') RETURNING id, no""")
        .execute(Tuple.of(dealId, Sql.ts(now)))
        .compose(rows -> {
          List<Long> ids = new ArrayList<>();
          List<Integer> nos = new ArrayList<>();
          rows.forEach(r -> {
            ids.add(r.getLong("id"));
            nos.add(r.getInteger("no"));
          });
          nos.sort(null);
          return PgTaskStore.closeAttemptTasks(tx, ids, now).map(nos);
        });
  }

  /** Ends an attempt with its outcome and marks its task done. */
  static Future<Void> end(SqlConnection tx, long attemptId, AttemptOutcome outcome, Instant now, String pbxCallId,
                          Instant callBackAt) {
    return tx.preparedQuery("""
            UPDATE attempts SET state = 'DONE', outcome = $2, outcome_at = $3, placed_at = COALESCE(placed_at, $3),
                                pbx_call_id = COALESCE($4, pbx_call_id), call_back_at = $5
            WHERE id = $1""")
        .execute(Tuple.of(attemptId, outcome.name(), Sql.ts(now), pbxCallId, Sql.ts(callBackAt)))
        .compose(x -> PgTaskStore.closeAttemptTasks(tx, List.of(attemptId), now));
  }

  /**
   * A call outside the ladder's steps, ended at once; it takes the next number and no step. {@code ladder} null:
   * the deal's latest ladder.
   */
  static Future<Integer> extraCall(SqlConnection tx, long dealId, Integer ladder, int of, AttemptOutcome outcome,
                                   Instant now, String pbxCallId, Instant callBackAt, String why) {
    return tx.preparedQuery("""
            INSERT INTO attempts (deal_id, no, ladder, step, of_total, due_at, why, state, placed_at, outcome,
                                  outcome_at, pbx_call_id, call_back_at)
            SELECT $1, COALESCE(max(no), 0) + 1, COALESCE($2, max(ladder), 1), NULL, $3, $4, $5, 'DONE', $4, $6, $4, $7, $8
            FROM attempts WHERE deal_id = $1
            RETURNING no""")
        .execute(Tuple.wrap(Arrays.asList(dealId, ladder, of, Sql.ts(now), why, outcome.name(), pbxCallId,
            Sql.ts(callBackAt))))
        .map(rows -> rows.iterator().next().getInteger(0));
  }

  /** Every attempt of the deal in the shape of {@code GET /api/deals/{id}}. */
  static Future<JsonArray> list(SqlConnection c, long dealId) {
    return c.preparedQuery("SELECT * FROM attempts WHERE deal_id = $1 ORDER BY no").execute(Tuple.of(dealId))
        .map(rows -> {
          JsonArray out = new JsonArray();
          rows.forEach(r -> out.add(new JsonObject().put("id", r.getLong("id")).put("no", r.getInteger("no"))
              .put("ladder", r.getInteger("ladder")).put("step", r.getInteger("step"))
              .put("of", r.getInteger("of_total")).put("dueAt", iso(r, "due_at")).put("why", r.getString("why"))
              .put("state", r.getString("state")).put("firedAt", iso(r, "fired_at"))
              .put("placedAt", iso(r, "placed_at")).put("outcome", r.getString("outcome"))
              .put("outcomeAt", iso(r, "outcome_at")).put("callBackAt", iso(r, "call_back_at"))
              .put("cancelledAt", iso(r, "cancelled_at"))));
          return out;
        });
  }

  private static Open open(Row r) {
    return new Open(r.getLong("id"), r.getInteger("no"), r.getInteger("ladder"), r.getInteger("step"),
        r.getInteger("of_total"), AttemptState.valueOf(r.getString("state")), instant(r, "due_at"));
  }

}
