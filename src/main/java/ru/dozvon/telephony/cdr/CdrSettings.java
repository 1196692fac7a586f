package ru.dozvon.telephony.cdr;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import ru.dozvon.store.DbUrl;
import ru.dozvon.time.Durations;

/**
 * Recovery of missed calls from Asterisk's CDRs ({@code cdr_pgsql}): section {@code telephony.cdr} (defaults in
 * {@code config/application.yaml}; docs/TELEPHONY.md "Calls missed while Dozvon was down").
 *
 * @param enabled whether to reconcile at all ({@code DOZVON_CDR_ENABLED})
 * @param db where the CDR table is ({@code DOZVON_CDR_DB_URL}); empty: the service's own database
 * @param table the CDR table, {@code table} or {@code schema.table}, as cdr_pgsql.conf names it
 *     ({@code DOZVON_CDR_TABLE}; default {@code cdr}); folded to lower case as PostgreSQL folds cdr_pgsql's
 *     unquoted name
 * @param every how often to reconcile besides start-up and every AMI resync ({@code DOZVON_CDR_EVERY})
 * @param overlap how far back before the watermark each reconcile reads again (rows written late: cdr.conf's batch
 *     mode holds records up to its {@code time}, 300 s by default)
 * @param settle a call whose last row ended less than this ago is left for the next reconcile (its other legs' rows,
 *     the AMI path's own commit, may still come)
 * @param firstLookback with no watermark yet (the first start), how far back to look
 * @param zone the time zone of the table's {@code timestamp} columns: cdr_pgsql.conf's {@code timezone}
 *     ({@code DOZVON_CDR_TIMEZONE}; set it to UTC there and here)
 * @param inboundContexts the contexts a CDR's {@code dcontext} shows for a customer's call; empty: the same as the
 *     AMI path's inbound contexts ({@code DOZVON_INBOUND_CONTEXTS})
 * @param chunk the widest stretch of time read in one query (a long downtime is read in steps)
 */
public record CdrSettings(boolean enabled, Optional<DbUrl> db, String table, Duration every, Duration overlap,
                          Duration settle, Duration firstLookback, ZoneId zone, Set<String> inboundContexts,
                          Duration chunk) {

  /** The keys of section {@code telephony.cdr}. */
  public static final List<String> KEYS = List.of("enabled", "db_url", "table", "every", "overlap", "settle",
      "first_lookback", "timezone", "inbound_contexts", "chunk");

  private static final Pattern TABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*(\\.[A-Za-z_][A-Za-z0-9_$]*)?");

  public CdrSettings {
    inboundContexts = Set.copyOf(inboundContexts);
    table = table.toLowerCase(java.util.Locale.ROOT);
  }

  public static CdrSettings defaults() {
    return new CdrSettings(true, Optional.empty(), "cdr", Duration.ofMinutes(3), Duration.ofMinutes(10),
        Duration.ofMinutes(1), Duration.ofHours(1), ZoneId.of("UTC"), Set.of(), Duration.ofHours(1));
  }

  /** The same settings reading the table from this database. */
  public CdrSettings withDb(Optional<DbUrl> url) {
    return new CdrSettings(enabled, url, table, every, overlap, settle, firstLookback, zone, inboundContexts, chunk);
  }

  /** The table as an SQL name: each part quoted, as PostgreSQL resolves cdr_pgsql's unquoted one. */
  public String quotedTable() {
    StringBuilder b = new StringBuilder();
    for (String part : table.split("\\.")) {
      b.append(b.length() == 0 ? "" : ".").append('"').append(part).append('"');
    }
    return b.toString();
  }

  /** Which table the watermark belongs to: the database (never its password) and the table. */
  public String source() {
    return db.map(u -> u.host() + ":" + u.port() + "/" + u.database()).orElse("service-database") + "/" + table;
  }

  /**
   * Reads {@code telephony.cdr} from the telephony section; {@code db_url} is the loader's to parse (a URL, a
   * secret) and is only accepted here.
   *
   * @throws IllegalArgumentException naming the key path, the bad value and the expected form
   */
  public static CdrSettings fromTelephony(Map<String, Object> telephony) {
    CdrSettings d = defaults();
    Object raw = telephony == null ? null : telephony.get("cdr");
    if (raw == null) {
      return d;
    }
    if (!(raw instanceof Map<?, ?> m)) {
      throw new IllegalArgumentException("telephony.cdr: '" + raw + "' is not a section (expected keys "
          + String.join(", ", KEYS) + ")");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> s = (Map<String, Object>) m;
    for (String key : s.keySet()) {
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException("telephony.cdr." + key + ": unknown key (expected one of "
            + String.join(", ", KEYS) + ")");
      }
    }
    String table = s.containsKey("table") ? String.valueOf(s.get("table")).strip() : d.table();
    if (!TABLE.matcher(table).matches()) {
      throw new IllegalArgumentException("telephony.cdr.table: '" + table
          + "' is not a table name (expected e.g. cdr or asterisk.cdr)");
    }
    Duration every = duration(s, "every", d.every(), false);
    if (every.compareTo(Duration.ofSeconds(10)) < 0) {
      throw new IllegalArgumentException("telephony.cdr.every: '" + s.get("every")
          + "' is too often (expected at least 10s, e.g. 3m)");
    }
    return new CdrSettings(bool(s, "enabled", d.enabled()), Optional.empty(), table, every,
        duration(s, "overlap", d.overlap(), true), duration(s, "settle", d.settle(), true),
        duration(s, "first_lookback", d.firstLookback(), true), zone(s, d.zone()), contexts(s),
        duration(s, "chunk", d.chunk(), false));
  }

  private static boolean bool(Map<String, Object> s, String key, boolean dflt) {
    Object v = s.get(key);
    if (v == null) {
      return dflt;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    String t = String.valueOf(v).strip().toLowerCase(java.util.Locale.ROOT);
    if (t.equals("true") || t.equals("yes") || t.equals("on")) {
      return true;
    }
    if (t.equals("false") || t.equals("no") || t.equals("off")) {
      return false;
    }
    throw new IllegalArgumentException("telephony.cdr." + key + ": '" + v
        + "' is not true or false (expected true or false)");
  }

  private static Duration duration(Map<String, Object> s, String key, Duration dflt, boolean zeroAllowed) {
    Object v = s.get(key);
    if (v == null) {
      return dflt;
    }
    Duration d;
    try {
      d = v instanceof Number n ? Duration.ofSeconds(n.longValue()) : Durations.parse(String.valueOf(v));
    } catch (IllegalArgumentException e) {
      d = null;
    }
    if (d == null || d.isNegative() || (!zeroAllowed && d.isZero())) {
      throw new IllegalArgumentException("telephony.cdr." + key + ": '" + v + "' is not a"
          + (zeroAllowed ? "" : " positive") + " duration (expected e.g. 3m, 90s, 1h)");
    }
    return d;
  }

  private static ZoneId zone(Map<String, Object> s, ZoneId dflt) {
    Object v = s.get("timezone");
    if (v == null || String.valueOf(v).isBlank()) {
      return dflt;
    }
    String id = String.valueOf(v).strip();
    // PostgreSQL reads "+03:00" the POSIX way (west of Greenwich): only region names and UTC are unambiguous.
    if (id.matches("[A-Za-z_]+(/[A-Za-z0-9_+\\-]+)*")) {
      try {
        return ZoneId.of(id);
      } catch (DateTimeException e) {
        // below
      }
    }
    throw new IllegalArgumentException("telephony.cdr.timezone: '" + v
        + "' is not a time zone name (expected e.g. UTC or Europe/Moscow)");
  }

  private static Set<String> contexts(Map<String, Object> s) {
    Object v = s.get("inbound_contexts");
    List<Object> items = new ArrayList<>();
    if (v instanceof List<?> list) {
      items.addAll(list);
    } else if (v instanceof String str) {
      if (!str.isBlank()) {
        items.addAll(List.of((Object[]) str.split(",")));
      }
    } else if (v != null) {
      throw new IllegalArgumentException("telephony.cdr.inbound_contexts: '" + v
          + "' is not a list of dialplan contexts (expected e.g. [from-trunk, ext-queues])");
    }
    Set<String> out = new LinkedHashSet<>();
    for (Object item : items) {
      String name = String.valueOf(item).strip();
      if (!name.matches("[A-Za-z0-9_+.\\-]+")) {
        throw new IllegalArgumentException("telephony.cdr.inbound_contexts: '" + item
            + "' is not a dialplan context name (expected e.g. from-trunk)");
      }
      out.add(name);
    }
    return out;
  }
}
