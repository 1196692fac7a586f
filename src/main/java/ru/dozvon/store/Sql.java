package ru.dozvon.store;

import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** The row and parameter helpers every repository shares: instants to and from {@code timestamptz}. */
public final class Sql {

  private Sql() {
  }

  /** An instant as a {@code timestamptz} parameter (UTC); null stays null. */
  public static OffsetDateTime ts(Instant i) {
    return i == null ? null : i.atOffset(ZoneOffset.UTC);
  }

  /** A {@code timestamptz} column as an instant; null stays null. */
  public static Instant instant(Row r, String column) {
    OffsetDateTime t = r.getOffsetDateTime(column);
    return t == null ? null : t.toInstant();
  }

  /** A {@code timestamptz} column as ISO-8601 text for JSON; null stays null. */
  public static String iso(Row r, String column) {
    Instant t = instant(r, column);
    return t == null ? null : t.toString();
  }
}
