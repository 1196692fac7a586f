package ru.dozvon.deals;

import ru.dozvon.store.Sql;
import ru.dozvon.store.Transactions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import ru.dozvon.phone.PhoneNumber;

/**
 * Stores each ended call once (idempotent on the PBX call id) and, in the same transaction, turns
 * a missed inbound call into a deal or attaches it to the caller's open deal, and marks an answered
 * inbound call as contact made. Withheld callers are recorded but never become a deal.
 */
public final class PgCallRecorder {

  /** What recording a call did. */
  public enum Effect { DUPLICATE, RECORDED_ONLY, DEAL_CREATED, ATTACHED_MISSED, CONTACT_MADE, LINKED }

  /** The result: the call's row id, the deal it landed on (if any), its manager, and what happened. */
  public record Recorded(long callId, Long dealId, Long managerId, Effect effect) {
    Recorded(long callId, Long dealId, Effect effect) {
      this(callId, dealId, null, effect);
    }
  }

  private final Pool pool;
  private final DealEventChain listeners;

  private final ru.dozvon.metrics.Meters meters;

  public PgCallRecorder(Pool pool, DealEventChain listeners) {
    this(pool, listeners, null);
  }

  /**
   * @param meters where a missed-call transaction's stages are timed ({@code connection}: a connection acquired and
   *     BEGIN; {@code statements}; {@code commit}), or null
   */
  public PgCallRecorder(Pool pool, DealEventChain listeners, ru.dozvon.metrics.Meters meters) {
    this.pool = pool;
    this.listeners = listeners;
    this.meters = meters;
  }

  /**
   * A missed-call transaction whose first statement travels with its BEGIN ({@link Transactions#withTransaction}:
   * one round trip fewer), its stages timed: {@code connection} (a connection acquired), {@code statements} (BEGIN
   * and the statements), {@code commit}.
   */
  private <A, T> Future<T> timed(java.util.function.Function<SqlConnection, Future<A>> first,
                                 java.util.function.BiFunction<SqlConnection, A, Future<T>> rest) {
    long start = System.nanoTime();
    long[] at = new long[2];
    return Transactions.withTransaction(pool, tx -> {
      at[0] = System.nanoTime();
      if (meters != null) {
        meters.stage("connection", at[0] - start);
      }
      return first.apply(tx);
    }, (tx, a) -> rest.apply(tx, a).onSuccess(x -> {
      at[1] = System.nanoTime();
      if (meters != null) {
        meters.stage("statements", at[1] - at[0]);
      }
    })).onSuccess(x -> {
      if (meters != null) {
        meters.stage("commit", System.nanoTime() - at[1]);
      }
    });
  }

  /** Records one call in a transaction of its own. */
  public Future<Recorded> record(CallFacts c) {
    if (hotPath(c)) {
      return timed(tx -> contact(tx, c, c.customer()), (tx, rows) -> missedCall(tx, c, c.customer(), rows));
    }
    return pool.withTransaction(tx -> insertCall(tx, c).compose(callId -> {
      if (callId == null) {
        return existing(tx, c.pbxCallId());
      }
      if (CallRule.of(c) == CallRule.Effect.RECORD_ONLY) {
        return Future.succeededFuture(new Recorded(callId, null, Effect.RECORDED_ONLY));
      }
      return linkToOpenDeal(tx, callId, c, c.customer()); // missed calls took missedCall() above
    }));
  }

  /** A missed call from a known number (a deal is made or found): the path {@link #recordTogether} takes. */
  static boolean hotPath(CallFacts c) {
    return CallRule.of(c) == CallRule.Effect.MISSED;
  }

  /**
   * Records missed calls from known numbers ({@link #hotPath}) in one transaction, in the order given (two calls
   * from one number: the first makes the deal, the second is attached to it). Set-based: the calls go in rounds of
   * distinct numbers (the first call of each number, then the second of each, ...), and a round is three statements
   * for all its calls at once ({@link #missedCalls}), then its deals' events told together, so the callback chain
   * writes every attempt 1 in one statement too. The first round's first statement travels with BEGIN. One failure rolls them all back: the caller then
   * records each on its own.
   */
  Future<List<Recorded>> recordTogether(List<CallFacts> calls) {
    java.util.Map<String, Integer> seen = new java.util.HashMap<>();
    List<List<Integer>> rounds = new ArrayList<>();
    for (int i = 0; i < calls.size(); i++) {
      int round = seen.merge(calls.get(i).customer().e164(), 1, Integer::sum) - 1;
      if (round == rounds.size()) {
        rounds.add(new ArrayList<>());
      }
      rounds.get(round).add(i);
    }
    List<CallFacts> round0 = rounds.get(0).stream().map(calls::get).toList();
    return timed(tx -> lock(tx, round0), (tx, first) -> {
      Recorded[] out = new Recorded[calls.size()];
      Future<Void> chain = Future.succeededFuture();
      for (int r = 0; r < rounds.size(); r++) {
        List<Integer> round = rounds.get(r);
        List<CallFacts> these = round.stream().map(calls::get).toList();
        Future<io.vertx.sqlclient.RowSet<Row>> locked = r == 0 ? Future.succeededFuture(first) : null;
        chain = chain.compose(x -> (locked != null ? locked : lock(tx, these)).compose(rows -> store(tx, these, rows)))
            .map(recorded -> {
              for (int k = 0; k < round.size(); k++) {
                out[round.get(k)] = recorded.get(k);
              }
              return null;
            });
      }
      return chain.map(x -> java.util.Arrays.asList(out));
    });
  }

  /**
   * A contact's open deal ({@code $C}: the contact's id), found among that contact's deals by {@code deals_contact}.
   * Not {@code WHERE contact_id = $C AND status = 'OPEN'}: with the table's statistics behind its growth (a busy
   * hour of new deals before autovacuum analyses it) the planner took another partial index on {@code status =
   * 'OPEN'} for that and filtered every open deal, a millisecond a call at 2,000 open deals (seen with auto_explain
   * at 500 calls/s). {@code OFFSET 0} keeps the status test outside, so only the contact's own deals are read.
   */
  static final String OPEN_DEAL_OF = """
      SELECT id, contact_id, manager_id FROM (SELECT id, contact_id, manager_id, status FROM deals
                                              WHERE contact_id = $C OFFSET 0) own
      WHERE status = 'OPEN' LIMIT 1""";

  /** Statement (1) of a round: the contacts of its calls (distinct numbers) upserted and locked. */
  private static Future<io.vertx.sqlclient.RowSet<Row>> lock(SqlConnection tx, List<CallFacts> round) {
    return round.size() == 1 ? contact(tx, round.get(0), round.get(0).customer()) : contacts(tx, round);
  }

  /** The rest of a round, its contacts locked by {@link #lock}. */
  private Future<List<Recorded>> store(SqlConnection tx, List<CallFacts> round, io.vertx.sqlclient.RowSet<Row> locked) {
    return round.size() == 1 ? missedCall(tx, round.get(0), round.get(0).customer(), locked).map(List::of)
        : missedCalls(tx, round, locked);
  }

  /**
   * {@link #missedCall} for calls from distinct numbers, in three statements for all of them: (1) upsert and lock
   * their contacts (in number order, as every group locks them), unless a call is stored already ({@link #contacts},
   * sent by the caller); with the locks held, (2) find or create each open deal, (3) store each call on it and write
   * the history ({@link #storeOnOpenDeals}). Then the deals' events are told together
   * ({@link DealEventChain#publishTogether}).
   */
  private Future<List<Recorded>> missedCalls(SqlConnection tx, List<CallFacts> calls,
                                             io.vertx.sqlclient.RowSet<Row> locked) {
    java.util.Map<String, Long> contacts = new java.util.HashMap<>();
    java.util.Set<Long> fresh = new java.util.HashSet<>();
    locked.forEach(r -> {
      contacts.put(r.getString(1), r.getLong(0));
      if (r.getBoolean(2)) {
        fresh.add(r.getLong(0));
      }
    });
    return storeOnOpenDeals(tx, calls, contacts, fresh);
  }

  /** Statement (1) of {@link #missedCalls}: the contacts of calls from distinct numbers upserted and locked. */
  private static Future<io.vertx.sqlclient.RowSet<Row>> contacts(SqlConnection tx, List<CallFacts> calls) {
    String[] pbx = new String[calls.size()];
    String[] phones = new String[calls.size()];
    String[] kinds = new String[calls.size()];
    for (int i = 0; i < calls.size(); i++) {
      pbx[i] = calls.get(i).pbxCallId();
      phones[i] = calls.get(i).customer().e164();
      kinds[i] = calls.get(i).customer().kind().name();
    }
    return tx.preparedQuery("""
            INSERT INTO contacts (phone, phone_kind)
            SELECT t.phone, t.kind FROM unnest($1::text[], $2::text[], $3::text[]) AS t(pbx, phone, kind)
            LEFT JOIN LATERAL (SELECT 1 AS stored FROM calls c WHERE c.pbx_call_id = t.pbx LIMIT 1) s ON true
            WHERE s.stored IS NULL
            ORDER BY t.phone
            ON CONFLICT (phone) DO UPDATE SET phone_kind = EXCLUDED.phone_kind
            RETURNING id, phone, xmax = 0 AS fresh""")
        .execute(Tuple.of(pbx, phones, kinds));
  }

  /**
   * The rest of {@link #missedCalls}, the contacts locked (a call stored already has none): (2) each contact's open
   * deal, made where there is none; (3) the calls stored on them and the history written. Every statement is one
   * pass over its input (no join between the statement's own parts, whose sizes the planner cannot know).
   */
  private Future<List<Recorded>> storeOnOpenDeals(SqlConnection tx, List<CallFacts> calls,
                                                  java.util.Map<String, Long> contacts, java.util.Set<Long> fresh) {
    Recorded[] out = new Recorded[calls.size()];
    List<Integer> todo = new ArrayList<>();
    List<Future<Void>> seen = new ArrayList<>();
    for (int i = 0; i < calls.size(); i++) {
      int k = i;
      if (contacts.containsKey(calls.get(i).customer().e164())) {
        todo.add(i);
      } else {
        seen.add(existing(tx, calls.get(i).pbxCallId()).map(r -> {
          out[k] = r;
          return null;
        }));
      }
    }
    if (todo.isEmpty()) {
      return Future.all(seen).map(x -> java.util.Arrays.asList(out));
    }
    io.vertx.core.json.JsonArray newDeals = new io.vertx.core.json.JsonArray();
    Long[] contactIds = new Long[todo.size()];
    List<Long> known = new ArrayList<>();
    for (int j = 0; j < todo.size(); j++) {
      CallFacts c = calls.get(todo.get(j));
      contactIds[j] = contacts.get(c.customer().e164());
      if (!fresh.contains(contactIds[j])) {
        known.add(contactIds[j]);
      }
      newDeals.add(new JsonObject().put("ord", j).put("contact_id", contactIds[j]).put("arrived_at", iso(c.endedAt()))
          .put("fields", dealFields(c)));
    }
    // the second part's snapshot does not see the rows the first inserts: a contact's deal comes from one part only.
    // Only contacts that existed before this statement (1) can have an open deal to look up (a contact it just made,
    // xmax = 0, has none). Lookups are LATERAL with LIMIT, by the contact's own deals (OPEN_DEAL_OF): one index
    // probe a row, whatever the planner thinks of a table growing fast.
    Future<java.util.Map<Long, Row>> deals = tx.preparedQuery("""
            WITH ins AS (
              INSERT INTO deals (contact_id, source, fields, arrived_at)
              SELECT t.contact_id, 'missed_call', t.fields, t.arrived_at
              FROM jsonb_to_recordset($1::jsonb) AS t(ord int, contact_id bigint, fields jsonb, arrived_at timestamptz)
              ORDER BY t.ord
              ON CONFLICT (contact_id) WHERE status = 'OPEN' DO NOTHING
              RETURNING id, contact_id),
            pending AS (INSERT INTO routing_pending (deal_id) SELECT id FROM ins)
            SELECT id, contact_id, true AS created, NULL::bigint AS manager_id FROM ins
            UNION ALL
            SELECT d.id, d.contact_id, false, d.manager_id FROM unnest($2::bigint[]) AS k(id)
            CROSS JOIN LATERAL (""" + OPEN_DEAL_OF.replace("$C", "k.id") + ") d")
        .execute(Tuple.tuple().addValue(newDeals).addValue(known.toArray(new Long[0])))
        .map(rows -> {
          java.util.Map<Long, Row> byContact = new java.util.HashMap<>();
          rows.forEach(r -> byContact.put(r.getLong("contact_id"), r));
          return byContact;
        });
    return Future.all(seen).compose(x -> deals).compose(byContact -> {
      io.vertx.core.json.JsonArray input = new io.vertx.core.json.JsonArray();
      for (int j = 0; j < todo.size(); j++) {
        CallFacts c = calls.get(todo.get(j));
        Row d = byContact.get(contactIds[j]);
        if (d == null) {
          // as in storeOnOpenDeal: the contact is locked, so its open deal is there or was just made
          throw new IllegalStateException("no open deal found or made for call " + c.pbxCallId());
        }
        input.add(new JsonObject().put("ord", j).put("deal_id", d.getLong("id"))
            .put("kind", d.getBoolean("created") ? "created" : "call")
            .put("details", callDetails(c).put("source", "missed_call"))
            .put("pbx_call_id", c.pbxCallId()).put("direction", c.direction().name())
            .put("outcome", c.outcome().name()).put("missed", c.missed()).put("customer_phone", c.customer().e164())
            .put("caller_raw", c.callerRaw()).put("withheld", c.withheld()).put("company_number", c.companyNumber())
            .put("operator_ext", c.operatorExtension()).put("queue", c.queue()).put("started_at", iso(c.startedAt()))
            .put("answered_at", iso(c.answeredAt())).put("ended_at", iso(c.endedAt()))
            .put("ring_seconds", c.ringSeconds()).put("talk_seconds", c.talkSeconds()).put("expired", c.expired())
            .put("recording", c.recording()).put("attempt_id", c.attemptId()).put("hangup_cause", c.hangupCause())
            .put("wait_seconds", c.waitSeconds()));
      }
      return tx.preparedQuery("""
              WITH input AS (
                SELECT * FROM jsonb_to_recordset($1::jsonb) AS t(
                  ord int, deal_id bigint, kind text, details jsonb, pbx_call_id text, direction text, outcome text,
                  missed boolean, customer_phone text, caller_raw text, withheld boolean, company_number text,
                  operator_ext text, queue text, started_at timestamptz, answered_at timestamptz,
                  ended_at timestamptz, ring_seconds int, talk_seconds int, expired boolean, recording text,
                  attempt_id bigint, hangup_cause int, wait_seconds int)),
              h AS (
                INSERT INTO deal_history (deal_id, at, kind, actor, details)
                SELECT deal_id, ended_at, kind, 'pbx', details FROM input ORDER BY ord)
              INSERT INTO calls (pbx_call_id, direction, outcome, missed, customer_phone, caller_raw, withheld,
                                 company_number, operator_ext, queue, started_at, answered_at, ended_at,
                                 ring_seconds, talk_seconds, expired, recording, attempt_id, hangup_cause, wait_seconds,
                                 deal_id)
              SELECT t.pbx_call_id, t.direction, t.outcome, t.missed, t.customer_phone, t.caller_raw, t.withheld,
                     t.company_number, t.operator_ext, t.queue, t.started_at, t.answered_at, t.ended_at,
                     t.ring_seconds, t.talk_seconds, t.expired, t.recording,
                     (SELECT a.id FROM attempts a WHERE a.id = t.attempt_id), t.hangup_cause, t.wait_seconds, t.deal_id
              FROM input t ORDER BY t.ord
              ON CONFLICT (pbx_call_id) DO NOTHING
              RETURNING id, pbx_call_id""")
          .execute(Tuple.of(input))
          .compose(rows -> {
            java.util.Map<String, Long> callIds = new java.util.HashMap<>();
            rows.forEach(r -> callIds.put(r.getString(1), r.getLong(0)));
            List<DealEvent> events = new ArrayList<>(todo.size());
            for (int j = 0; j < todo.size(); j++) {
              int i = todo.get(j);
              CallFacts c = calls.get(i);
              Long callId = callIds.get(c.pbxCallId());
              if (callId == null) {
                // stored by another transaction after this one's check: never commit a deal or history without
                // its call; the rollback and the caller's retry, call by call, find the duplicate
                throw new IllegalStateException("call " + c.pbxCallId() + " was stored concurrently");
              }
              Row d = byContact.get(contactIds[j]);
              long dealId = d.getLong("id");
              boolean created = d.getBoolean("created");
              out[i] = new Recorded(callId, dealId, d.getLong("manager_id"),
                  created ? Effect.DEAL_CREATED : Effect.ATTACHED_MISSED);
              events.add(created
                  ? new DealEvent.Created(dealId, contactIds[j], "missed_call", c.customer(), c.endedAt(), true)
                  : new DealEvent.MissedAgain(dealId, c.pbxCallId(), c.endedAt()));
            }
            return listeners.publishTogether(tx, events).map(x -> java.util.Arrays.asList(out));
          });
    });
  }

  /**
   * The hot path (every missed call), in two statements where the general path takes seven: (1) unless
   * the call is stored already, upsert and lock the contact; (2) with the lock held, find or create the
   * open deal, store the call on it and write the history. They cannot be one statement: the second
   * must run after the lock wait, so that its snapshot sees a deal (or this very call) that a concurrent
   * transaction for the same number committed meanwhile; that lock is what keeps one open deal per
   * contact and one row per call. The call row is written once, with its deal, never updated after.
   */
  private Future<Recorded> missedCall(SqlConnection tx, CallFacts c, PhoneNumber phone,
                                      io.vertx.sqlclient.RowSet<Row> locked) {
    return locked.size() == 0 ? existing(tx, c.pbxCallId())
        : storeOnOpenDeal(tx, locked.iterator().next().getLong(0), c, phone);
  }

  /** Statement (1) of {@link #missedCall}: unless the call is stored already, its contact upserted and locked. */
  private static Future<io.vertx.sqlclient.RowSet<Row>> contact(SqlConnection tx, CallFacts c, PhoneNumber phone) {
    return tx.preparedQuery("""
            WITH seen AS (SELECT 1 FROM calls WHERE pbx_call_id = $1)
            INSERT INTO contacts (phone, phone_kind) SELECT $2, $3 WHERE NOT EXISTS (SELECT 1 FROM seen)
            ON CONFLICT (phone) DO UPDATE SET phone_kind = EXCLUDED.phone_kind
            RETURNING id""")
        .execute(Tuple.of(c.pbxCallId(), phone.e164(), phone.kind().name()));
  }

  /**
   * Statement (2) of {@link #missedCall}; the contact is locked. A new deal is stored with its mark in
   * {@code routing_pending}: routing gives it an owner after the commit, in a batch (see
   * {@link DealEvent.Created#routingPending}), so this transaction locks no manager.
   */
  private Future<Recorded> storeOnOpenDeal(SqlConnection tx, long contactId, CallFacts c, PhoneNumber phone) {
    JsonObject fields = dealFields(c);
    List<Object> args = new ArrayList<>(List.of(contactId, fields, Sql.ts(c.endedAt()),
        callDetails(c).put("source", "missed_call")));
    args.addAll(callColumns(c));
    return tx.preparedQuery("""
            WITH seen AS (SELECT 1 FROM calls WHERE pbx_call_id = $5),
            ins AS (
              INSERT INTO deals (contact_id, source, fields, arrived_at)
              SELECT $1, 'missed_call', $2, $3 WHERE NOT EXISTS (SELECT 1 FROM seen)
              ON CONFLICT (contact_id) WHERE status = 'OPEN' DO NOTHING
              RETURNING id),
            pending AS (INSERT INTO routing_pending (deal_id) SELECT id FROM ins),
            d AS (
              SELECT id, true AS created, NULL::bigint AS manager_id FROM ins
              UNION ALL
              SELECT o.id, false, o.manager_id FROM (""" + OPEN_DEAL_OF.replace("$C", "$1") + """
              ) o WHERE NOT EXISTS (SELECT 1 FROM ins) AND NOT EXISTS (SELECT 1 FROM seen)),
            c AS (
              INSERT INTO calls (pbx_call_id, direction, outcome, missed, customer_phone, caller_raw, withheld,
                                 company_number, operator_ext, queue, started_at, answered_at, ended_at,
                                 ring_seconds, talk_seconds, expired, recording, attempt_id, hangup_cause, wait_seconds,
                                 deal_id)
              SELECT $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21,
                     (SELECT a.id FROM attempts a WHERE a.id = $22), $23, $24, id FROM d
              ON CONFLICT (pbx_call_id) DO NOTHING
              RETURNING id),
            h AS (INSERT INTO deal_history (deal_id, at, kind, actor, details)
                  SELECT id, $3, CASE WHEN created THEN 'created' ELSE 'call' END, 'pbx', $4 FROM d
                  WHERE EXISTS (SELECT 1 FROM c))
            SELECT (SELECT id FROM c) AS call_id, id, created, manager_id FROM d""")
        .execute(Tuple.wrap(args))
        .compose(rows -> {
          Row r = rows.size() == 0 ? null : rows.iterator().next();
          if (r == null || r.getLong(0) == null) {
            if (r != null && r.getBoolean(2)) {
              // only if a duplicate of this call were stored without holding its number's lock: never commit a
              // deal without its call; the rollback and the caller's retry find the duplicate
              throw new IllegalStateException("call " + c.pbxCallId() + " was stored concurrently");
            }
            return existing(tx, c.pbxCallId());
          }
          long callId = r.getLong(0);
          long dealId = r.getLong(1);
          boolean created = r.getBoolean(2);
          Long managerId = r.getLong(3);
          return notify(tx, created
              ? new DealEvent.Created(dealId, contactId, "missed_call", phone, c.endedAt(), true)
              : new DealEvent.MissedAgain(dealId, c.pbxCallId(), c.endedAt()))
              .map(x -> new Recorded(callId, dealId, managerId, created ? Effect.DEAL_CREATED : Effect.ATTACHED_MISSED));
        });
  }

  /** An answered inbound call or an outbound call: lands on the caller's open deal, if any. */
  private Future<Recorded> linkToOpenDeal(SqlConnection tx, long callId, CallFacts c, PhoneNumber phone) {
    return tx.preparedQuery("""
            SELECT d.id, d.manager_id FROM deals d JOIN contacts k ON k.id = d.contact_id
            WHERE k.phone = $1 AND d.status = 'OPEN' FOR UPDATE OF d""")
        .execute(Tuple.of(phone.e164()))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture(new Recorded(callId, null, Effect.RECORDED_ONLY));
          }
          long dealId = rows.iterator().next().getLong(0);
          Long managerId = rows.iterator().next().getLong(1);
          boolean contact = CallRule.of(c) == CallRule.Effect.CONTACT;
          Future<Void> steps = attach(tx, callId, dealId)
              .compose(x -> PgDealStore.history(tx, dealId, c.endedAt(), "call", "pbx",
                  callDetails(c).put("contactMade", contact)));
          if (contact) {
            steps = steps.compose(x -> PgDealStore.contactMade(tx, dealId, c.answeredAt() != null ? c.answeredAt() : c.endedAt()))
                .compose(x -> notify(tx, new DealEvent.ContactMade(dealId, ContactChannel.ANSWERED_INBOUND_CALL,
                    c.endedAt())));
          } else if (CallRule.of(c) == CallRule.Effect.OUTBOUND_RESULT) {
            steps = steps.compose(x -> notify(tx, new DealEvent.OutboundCallEnded(dealId, c.pbxCallId(), c.outcome(),
                c.operatorExtension(), c.endedAt(), c.attemptId())));
          }
          return steps.map(x -> new Recorded(callId, dealId, managerId, contact ? Effect.CONTACT_MADE : Effect.LINKED));
        });
  }

  private Future<Void> notify(SqlConnection tx, DealEvent e) {
    return listeners.publish(tx, e);
  }

  private static Future<Long> insertCall(SqlConnection tx, CallFacts c) {
    return tx.preparedQuery("""
            INSERT INTO calls (pbx_call_id, direction, outcome, missed, customer_phone, caller_raw, withheld,
                               company_number, operator_ext, queue, started_at, answered_at, ended_at,
                               ring_seconds, talk_seconds, expired, recording, attempt_id, hangup_cause, wait_seconds)
            SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
                   (SELECT a.id FROM attempts a WHERE a.id = $18), $19, $20
            ON CONFLICT (pbx_call_id) DO NOTHING
            RETURNING id""")
        .execute(Tuple.wrap(callColumns(c)))
        .map(rows -> rows.rowCount() == 0 ? null : rows.iterator().next().getLong(0));
  }

  /**
   * $1..$20 of the calls row. The attempt id is looked up rather than written as given: a channel variable names an
   * attempt that may not exist here (another installation's call), and the call must still be stored.
   */
  private static List<Object> callColumns(CallFacts c) {
    return java.util.Arrays.asList(c.pbxCallId(), c.direction().name(), c.outcome().name(), c.missed(),
        c.customer() == null ? null : c.customer().e164(), c.callerRaw(), c.withheld(), c.companyNumber(),
        c.operatorExtension(), c.queue(), Sql.ts(c.startedAt()), Sql.ts(c.answeredAt()),
        Sql.ts(c.endedAt()), c.ringSeconds(), c.talkSeconds(), c.expired(), c.recording(), c.attemptId(),
        c.hangupCause(), c.waitSeconds());
  }

  private static Future<Recorded> existing(SqlConnection tx, String pbxCallId) {
    return tx.preparedQuery("SELECT id, deal_id FROM calls WHERE pbx_call_id = $1").execute(Tuple.of(pbxCallId))
        .map(rows -> {
          var r = rows.iterator().next();
          return new Recorded(r.getLong("id"), r.getLong("deal_id"), Effect.DUPLICATE);
        });
  }

  private static Future<Void> attach(SqlConnection tx, long callId, long dealId) {
    return tx.preparedQuery("UPDATE calls SET deal_id = $2 WHERE id = $1").execute(Tuple.of(callId, dealId)).mapEmpty();
  }

  /** A deal made by a missed call: its fields. */
  private static JsonObject dealFields(CallFacts c) {
    return new JsonObject().put("pbxCallId", c.pbxCallId()).put("companyNumber", c.companyNumber())
        .put("queue", c.queue()).put("outcome", c.outcome().name());
  }

  private static String iso(java.time.Instant t) {
    return t == null ? null : t.toString();
  }

  private static JsonObject callDetails(CallFacts c) {
    return new JsonObject().put("pbxCallId", c.pbxCallId()).put("direction", c.direction().name())
        .put("outcome", c.outcome().name()).put("missed", c.missed()).put("operator", c.operatorExtension())
        .put("queue", c.queue()).put("ringSeconds", c.ringSeconds()).put("talkSeconds", c.talkSeconds())
        .put("hangupCause", c.hangupCause()).put("attemptId", c.attemptId());
  }
}
