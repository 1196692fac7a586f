package ru.dozvon.telephony.cdr;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads Asterisk's CDR table (as {@code cdr_pgsql} writes it) through the reactive client: the rows of every call
 * with a row that ended in a stretch of time. Which columns exist is read from the catalogue each time (cdr_pgsql
 * itself writes only the columns the table has); the times may be {@code timestamp} (in cdr_pgsql.conf's
 * {@code timezone}) or {@code timestamptz}. Reads only.
 */
final class PgCdrTable {

  /** The columns of postgresql_cdr.sql, in its order; those in {@link #REQUIRED} must exist. */
  static final List<String> COLUMNS = List.of("accountcode", "src", "dst", "dcontext", "clid", "channel",
      "dstchannel", "lastapp", "lastdata", "start", "answer", "end", "duration", "billsec", "disposition",
      "amaflags", "userfield", "uniqueid", "linkedid", "peeraccount", "sequence");
  static final Set<String> REQUIRED = Set.of("start", "end", "src", "dst", "dcontext", "channel", "dstchannel",
      "disposition", "uniqueid", "linkedid");
  private static final Set<String> TIMES = Set.of("start", "answer", "end");
  /** cdr_pgsql writes the epoch (in its time zone) as the answer time of a leg never answered. */
  private static final Instant NEVER = Instant.parse("1971-01-01T00:00:00Z");

  /** The table as found in the catalogue: its columns and their types. */
  record Shape(Map<String, String> types) {
    boolean timestampWithZone(String column) {
      return types.get(column).startsWith("timestamp with time zone");
    }
  }

  private final Pool pool;
  private final CdrSettings settings;

  PgCdrTable(Pool pool, CdrSettings settings) {
    this.pool = pool;
    this.settings = settings;
  }

  /**
   * The table's shape; null when there is no such table.
   *
   * @throws IllegalStateException (failed future) naming the column that is missing or of a type we cannot read
   */
  Future<Shape> shape() {
    return pool.preparedQuery("""
            SELECT a.attname, format_type(a.atttypid, a.atttypmod)
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
              AND (CASE WHEN $2::text IS NULL THEN pg_table_is_visible(c.oid) ELSE n.nspname = $2::text END)
              AND a.attnum > 0 AND NOT a.attisdropped""")
        .execute(Tuple.of(relation(), schema()))
        .map(rows -> {
          if (rows.size() == 0) {
            return null;
          }
          Map<String, String> types = new LinkedHashMap<>();
          for (Row r : rows) {
            types.put(r.getString(0), r.getString(1));
          }
          for (String c : REQUIRED) {
            if (!types.containsKey(c)) {
              throw new IllegalStateException("CDR table " + settings.table() + " has no column " + c
                  + " (expected the columns of Asterisk's postgresql_cdr.sql)");
            }
          }
          for (String c : TIMES) {
            String t = types.get(c);
            if (t != null && !t.startsWith("timestamp")) {
              throw new IllegalStateException("CDR table " + settings.table() + ": column " + c + " is " + t
                  + " (expected timestamp, as postgresql_cdr.sql creates it)");
            }
          }
          return new Shape(types);
        });
  }

  private String relation() {
    String t = settings.table();
    return t.substring(t.indexOf('.') + 1);
  }

  private String schema() {
    String t = settings.table();
    return t.contains(".") ? t.substring(0, t.indexOf('.')) : null;
  }

  /** Every row of the calls that have a row whose end is in {@code (from, to]}, ordered by call. */
  Future<List<CdrRow>> callsEndedIn(Shape shape, Instant from, Instant to) {
    String t = settings.quotedTable();
    StringBuilder select = new StringBuilder();
    for (String c : COLUMNS) {
      select.append(select.length() == 0 ? "" : ", ");
      if (!shape.types().containsKey(c)) {
        select.append("NULL");
      } else if (TIMES.contains(c)) {
        select.append(shape.timestampWithZone(c) ? "\"" + c + "\"" : "(\"" + c + "\" AT TIME ZONE $3)");
      } else {
        select.append("\"").append(c).append("\"::text");
      }
    }
    String sql = "SELECT " + select + " FROM " + t + " WHERE linkedid IN (SELECT linkedid FROM " + t
        + " WHERE \"end\" > $1 AND \"end\" <= $2 AND linkedid <> '') ORDER BY linkedid";
    boolean zoned = shape.timestampWithZone("end");
    ZoneId zone = settings.zone();
    Object a = zoned ? from.atOffset(ZoneOffset.UTC) : from.atZone(zone).toLocalDateTime();
    Object b = zoned ? to.atOffset(ZoneOffset.UTC) : to.atZone(zone).toLocalDateTime();
    return pool.preparedQuery(sql).execute(Tuple.of(a, b, zone.getId())).map(rows -> {
      List<CdrRow> out = new ArrayList<>(rows.size());
      for (Row r : rows) {
        out.add(new CdrRow(time(r, 9), answer(time(r, 10)), time(r, 11), text(r, 1), text(r, 2), text(r, 3),
            text(r, 4), text(r, 5), text(r, 6), text(r, 7), text(r, 8), number(r, 12), number(r, 13), text(r, 14),
            text(r, 15), text(r, 0), text(r, 17), text(r, 16), text(r, 19), text(r, 18), number(r, 20)));
      }
      return out;
    });
  }

  private static Instant time(Row r, int i) {
    Object v = r.getValue(i);
    return v instanceof OffsetDateTime o ? o.toInstant() : null;
  }

  private static Instant answer(Instant at) {
    return at == null || at.isBefore(NEVER) ? null : at;
  }

  private static String text(Row r, int i) {
    String s = r.getString(i);
    return s == null || s.isBlank() ? null : s.strip();
  }

  private static Integer number(Row r, int i) {
    String s = text(r, i);
    if (s == null) {
      return null;
    }
    try {
      return (int) Math.round(Double.parseDouble(s));
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
