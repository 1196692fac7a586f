package ru.dozvon.telephony.cdr;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * The service database's side of the recovery: how far each CDR table was reconciled ({@code cdr_watermarks},
 * V19), and which of a set of PBX call ids are stored already (as calls, or filed as unrecordable).
 */
final class PgCdrWatermarks {

  private final Pool pool;

  PgCdrWatermarks(Pool pool) {
    this.pool = pool;
  }

  /** CDR rows ending up to this were reconciled; null before the first reconcile of that table. */
  Future<Instant> load(String source) {
    return pool.preparedQuery("SELECT read_to FROM cdr_watermarks WHERE source = $1").execute(Tuple.of(source))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getOffsetDateTime(0).toInstant());
  }

  /** Moves the watermark; never backwards. */
  Future<Void> save(String source, Instant readTo, Instant now) {
    return pool.preparedQuery("""
            INSERT INTO cdr_watermarks (source, read_to, updated_at) VALUES ($1, $2, $3)
            ON CONFLICT (source) DO UPDATE SET read_to = GREATEST(cdr_watermarks.read_to, EXCLUDED.read_to),
                                               updated_at = EXCLUDED.updated_at""")
        .execute(Tuple.of(source, readTo.atOffset(ZoneOffset.UTC), now.atOffset(ZoneOffset.UTC))).mapEmpty();
  }

  /** Those of the ids already stored as a call or filed as an unrecordable one. */
  Future<Set<String>> stored(Collection<String> pbxCallIds) {
    if (pbxCallIds.isEmpty()) {
      return Future.succeededFuture(Set.of());
    }
    String[] ids = pbxCallIds.toArray(String[]::new);
    return pool.preparedQuery("""
            SELECT pbx_call_id FROM calls WHERE pbx_call_id = ANY($1)
            UNION SELECT pbx_call_id FROM unrecordable_calls WHERE pbx_call_id = ANY($1)""")
        .execute(Tuple.of(ids))
        .map(rows -> {
          Set<String> out = new HashSet<>();
          for (Row r : rows) {
            out.add(r.getString(0));
          }
          return out;
        });
  }
}
