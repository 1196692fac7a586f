package ru.dozvon.reports;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import ru.dozvon.errors.InvalidInput;

/**
 * The days a report covers, in the company's time zone: {@code from} 00:00 local up to the end of {@code to}
 * (the next day's 00:00 local, exclusive), daylight saving included.
 *
 * @param start the first instant of the period
 * @param end the instant after its last (exclusive)
 */
public record ReportPeriod(LocalDate from, LocalDate to, ZoneId zone, Instant start, Instant end) {

  /** The longest period asked for at once: a leap year. */
  public static final int MAX_DAYS = 366;
  /** Without {@code from}: this many days ending with {@code to}. */
  public static final int DEFAULT_DAYS = 30;

  /**
   * Reads the query's {@code from} and {@code to} ({@code YYYY-MM-DD}, both optional: {@code to} is today,
   * {@code from} is {@code to} minus 29 days); refuses bad dates, {@code to} before {@code from} and a period over
   * {@link #MAX_DAYS}, naming the field.
   */
  public static ReportPeriod parse(String fromRaw, String toRaw, Instant now, ZoneId zone) {
    LocalDate to = blank(toRaw) ? LocalDate.ofInstant(now, zone) : date("to", toRaw);
    LocalDate from = blank(fromRaw) ? to.minusDays(DEFAULT_DAYS - 1L) : date("from", fromRaw);
    if (to.isBefore(from)) {
      throw new InvalidInput("to", "'" + to + "' is before from '" + from + "'");
    }
    long days = ChronoUnit.DAYS.between(from, to) + 1;
    if (days > MAX_DAYS) {
      throw new InvalidInput("to", "the period from " + from + " to " + to + " is " + days
          + " days; at most " + MAX_DAYS + " days at once");
    }
    return new ReportPeriod(from, to, zone, from.atStartOfDay(zone).toInstant(),
        to.plusDays(1).atStartOfDay(zone).toInstant());
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private static LocalDate date(String field, String raw) {
    String s = raw.strip();
    if (!s.matches("\\d{4}-\\d{2}-\\d{2}")) {
      throw new InvalidInput(field, "'" + shorten(raw) + "' is not a date (expected YYYY-MM-DD)");
    }
    try {
      return LocalDate.parse(s);
    } catch (DateTimeParseException e) {
      throw new InvalidInput(field, "'" + s + "' is not a date of the calendar (expected YYYY-MM-DD)");
    }
  }

  private static String shorten(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }
}
