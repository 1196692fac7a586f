package ru.dozvon.live;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.Optional;

/**
 * The screen pop: what an operator sees while an inbound call rings their phone ({@code call.ringing}, on their
 * stream only). One query, every part of it on an index (managers by extension, contacts by phone, the open
 * deal by contact, its history by deal, calls by phone and time), so it is on the stream well inside the ring.
 */
public final class PgScreenPop {

  /** The feed event type of a screen pop. */
  public static final String RINGING = "call.ringing";

  /** Shown when the number has no open deal (or is withheld). */
  public static final String NEW_CUSTOMER = "новый клиент";

  private static final String POP = """
      SELECT m.id AS manager_id, d.id AS deal_id, k.name AS contact_name,
             (SELECT COALESCE(h.details->>'text', h.details->>'note') FROM deal_history h
               WHERE h.deal_id = d.id AND h.kind = 'note' ORDER BY h.id DESC LIMIT 1) AS last_note,
             (SELECT COALESCE(json_agg(json_build_object('id', c.id, 'direction', c.direction, 'outcome', c.outcome,
                        'startedAt', c.started_at, 'talkSeconds', c.talk_seconds, 'operator', c.operator_ext)
                        ORDER BY c.ended_at DESC), '[]'::json)
                FROM (SELECT * FROM calls WHERE customer_phone = $2 ORDER BY ended_at DESC LIMIT 3) c) AS last_calls
      FROM managers m
      LEFT JOIN contacts k ON k.phone = $2
      LEFT JOIN deals d ON d.contact_id = k.id AND d.status = 'OPEN'
      WHERE m.extension = $1 AND m.active""";

  private final Pool pool;

  public PgScreenPop(Pool pool) {
    this.pool = pool;
  }

  /**
   * The pop for a call ringing the phone of {@code extension}; empty when no active manager has it.
   *
   * @param callerE164 the caller's number in E.164, or null when withheld or not a number
   * @param callerRaw the number as the PBX gave it
   */
  public Future<Optional<FeedEvent>> ringing(String extension, String callerE164, String callerRaw, String pbxCallId,
                                             Instant at) {
    return pool.preparedQuery(POP).execute(Tuple.of(extension, callerE164)).map(rows -> {
      if (rows.size() == 0) {
        return Optional.empty();
      }
      Row r = rows.iterator().next();
      Long dealId = r.getLong("deal_id");
      Object calls = r.getValue("last_calls");
      JsonArray lastCalls = calls instanceof JsonArray a ? a : calls == null ? new JsonArray() : new JsonArray(calls.toString());
      JsonObject data = new JsonObject()
          .put("pbxCallId", pbxCallId)
          .put("extension", extension)
          .put("phone", callerE164)
          .put("callerRaw", callerRaw)
          .put("dealId", dealId)
          .put("customer", dealId == null ? NEW_CUSTOMER : r.getString("contact_name"))
          .put("newCustomer", dealId == null)
          .put("lastNote", dealId == null ? null : r.getString("last_note"))
          .put("lastCalls", callerE164 == null ? new JsonArray() : lastCalls);
      return Optional.of(new FeedEvent(RINGING, dealId, r.getLong("manager_id"), at, data));
    });
  }
}
