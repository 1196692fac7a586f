package ru.dozvon.telephony;

import static ru.dozvon.store.Sql.iso;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import ru.dozvon.deals.CallFacts;
import ru.dozvon.errors.NotFound;
import ru.dozvon.metrics.Meters;

/**
 * The dead letters of telephony: ended calls the database refused for good, each kept once (by PBX call id) in
 * {@code unrecordable_calls} with its facts as raw JSON and the refusal, counted
 * ({@code dozvon_calls_unrecordable_total}), listed for staff and acknowledged by them. A row not yet
 * acknowledged makes {@code /health} say DEGRADED.
 *
 * <p>The insert must not fail for the reason the call did: the facts go in as JSON of plain strings, numbers
 * and booleans, into a table without CHECKs, and NUL characters (which no PostgreSQL text or JSONB value may
 * hold, SQLSTATE 22021 / 22P05) are spelled out as the six characters {@code \u0000}.
 */
public final class PgUnrecordableCalls {

  private static final String COLUMNS = "id, pbx_call_id, facts, error, sqlstate, attempts, first_failed_at, filed_at,"
      + " acknowledged_at, acknowledged_by";

  private final Pool pool;
  private final Meters meters;
  private final Clock clock;

  public PgUnrecordableCalls(Pool pool, Meters meters, Clock clock) {
    this.pool = pool;
    this.meters = meters;
    this.clock = clock;
  }

  /**
   * Files a refused call; completes with true once newly stored (and counted), false if it was filed already
   * (the unrecorded-calls file replayed it after a crash, or another instance filed it).
   */
  public Future<Boolean> file(CallFacts call, String error, String sqlState, Instant firstFailedAt, int attempts) {
    JsonObject facts = new JsonObject();
    for (Map.Entry<String, Object> e : UnrecordedCallFile.toJson(call)) {
      facts.put(e.getKey(), e.getValue() instanceof String s ? withoutNul(s) : e.getValue());
    }
    Instant now = clock.instant();
    return pool.preparedQuery("""
            INSERT INTO unrecordable_calls (pbx_call_id, facts, error, sqlstate, attempts, first_failed_at, filed_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (pbx_call_id) DO NOTHING""")
        .execute(Tuple.of(withoutNul(call.pbxCallId()), facts, withoutNul(error), withoutNul(sqlState), attempts,
            (firstFailedAt == null ? now : firstFailedAt).atOffset(ZoneOffset.UTC), now.atOffset(ZoneOffset.UTC)))
        .map(rows -> {
          boolean added = rows.rowCount() == 1;
          if (added) {
            meters.callUnrecordable();
          }
          return added;
        });
  }

  /** Rows no one has acknowledged yet (what degrades {@code /health}). */
  public Future<Integer> unacknowledged() {
    return pool.query("SELECT count(*) FROM unrecordable_calls WHERE acknowledged_at IS NULL").execute()
        .map(rows -> rows.iterator().next().getInteger(0));
  }

  /** The rows, unacknowledged first, then newest first. */
  public Future<JsonArray> list(int limit) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM unrecordable_calls"
            + " ORDER BY acknowledged_at IS NOT NULL, id DESC LIMIT $1")
        .execute(Tuple.of(limit))
        .map(rows -> {
          JsonArray out = new JsonArray();
          rows.forEach(r -> out.add(json(r)));
          return out;
        });
  }

  /** Marks one row seen; acknowledging it again keeps the first acknowledgement. Fails with NotFound. */
  public Future<JsonObject> acknowledge(long id, String actor) {
    return pool.preparedQuery("UPDATE unrecordable_calls SET acknowledged_at = coalesce(acknowledged_at, $2),"
            + " acknowledged_by = coalesce(acknowledged_by, $3) WHERE id = $1 RETURNING " + COLUMNS)
        .execute(Tuple.of(id, clock.instant().atOffset(ZoneOffset.UTC), actor))
        .map(rows -> {
          if (rows.size() == 0) {
            throw new NotFound("unrecordable call " + id);
          }
          return json(rows.iterator().next());
        });
  }

  static String withoutNul(String s) {
    return s == null || s.indexOf('\0') < 0 ? s : s.replace("\0", "\\u0000");
  }

  private static JsonObject json(Row r) {
    return new JsonObject().put("id", r.getLong("id")).put("pbxCallId", r.getString("pbx_call_id"))
        .put("facts", r.getJsonObject("facts")).put("error", r.getString("error"))
        .put("sqlstate", r.getString("sqlstate")).put("attempts", r.getInteger("attempts"))
        .put("firstFailedAt", iso(r, "first_failed_at")).put("filedAt", iso(r, "filed_at"))
        .put("acknowledgedAt", iso(r, "acknowledged_at")).put("acknowledgedBy", r.getString("acknowledged_by"));
  }

}
