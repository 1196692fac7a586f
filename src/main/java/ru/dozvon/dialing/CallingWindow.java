package ru.dozvon.dialing;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import ru.dozvon.time.WorkingTime;

/**
 * When calls to leads may be placed: daily hours on some days of the week, in the company's time
 * zone, except holidays (DOMAIN 3, seed 001: 10:00-19:00). An attempt that falls outside is moved
 * to the {@link #nextOpening next opening}.
 *
 * <p>All arithmetic is on local dates and wall-clock times of {@code zone}, so daylight saving is
 * handled by {@code java.time}: the window opens at 10:00 local on both sides of a switch. Hours
 * never span midnight ({@code opens < closes}); {@code closes} is exclusive.
 *
 * @param zone the company's time zone (DOZVON_TIMEZONE)
 * @param opens first minute calls may be placed, local time (inclusive)
 * @param closes end of calling hours, local time (exclusive)
 * @param days days of the week calls may be placed
 * @param holidays local dates with no calls, whatever the day of the week
 */
public record CallingWindow(
    ZoneId zone, LocalTime opens, LocalTime closes, Set<DayOfWeek> days, Set<LocalDate> holidays) {

  /** 10:00-19:00, Monday to Friday, Europe/Moscow, no holidays. */
  public static final CallingWindow DEFAULT = new CallingWindow(ZoneId.of("Europe/Moscow"),
      LocalTime.of(10, 0), LocalTime.of(19, 0),
      EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY), Set.of());

  /** How far ahead an opening is looked for before the window is declared never open. */
  private static final int MAX_DAYS_AHEAD = 3 * 366;

  public CallingWindow {
    Objects.requireNonNull(zone, "zone");
    Objects.requireNonNull(opens, "opens");
    Objects.requireNonNull(closes, "closes");
    if (!opens.isBefore(closes)) {
      throw new IllegalArgumentException(
          "calling hours must open before they close: " + opens + "-" + closes);
    }
    if (Objects.requireNonNull(days, "days").isEmpty()) {
      throw new IllegalArgumentException("calling days must not be empty");
    }
    days = Set.copyOf(days);
    holidays = Set.copyOf(new TreeSet<>(Objects.requireNonNull(holidays, "holidays")));
  }

  /** The same window in another zone (DOZVON_TIMEZONE override). */
  public CallingWindow withZone(ZoneId newZone) {
    return new CallingWindow(newZone, opens, closes, days, holidays);
  }

  /** The same calendar as working time, for deadlines (stage tasks, follow-ups): see {@link WorkingTime}. */
  public WorkingTime workingTime() {
    return new WorkingTime(zone, opens, closes, days, holidays);
  }

  /** True when {@code date} is a calling day: an allowed day of the week and not a holiday. */
  public boolean isCallingDay(LocalDate date) {
    return days.contains(date.getDayOfWeek()) && !holidays.contains(date);
  }

  /** True when a call may be placed at {@code t}. */
  public boolean isOpen(Instant t) {
    ZonedDateTime local = t.atZone(zone);
    LocalTime time = local.toLocalTime();
    return isCallingDay(local.toLocalDate()) && !time.isBefore(opens) && time.isBefore(closes);
  }

  /**
   * The earliest instant at or after {@code t} when calls may be placed: {@code t} itself when the
   * window is open, else the next opening (e.g. Friday 19:30 gives Monday 10:00).
   *
   * @throws IllegalStateException when holidays leave no calling day within three years
   */
  public Instant nextOpening(Instant t) {
    if (isOpen(t)) {
      return t;
    }
    LocalDate start = t.atZone(zone).toLocalDate();
    for (int i = 0; i <= MAX_DAYS_AHEAD; i++) {
      LocalDate date = start.plusDays(i);
      if (!isCallingDay(date)) {
        continue;
      }
      // A local time inside a spring-forward gap is shifted later by java.time; isOpen re-checks.
      Instant opening = openingOn(date);
      Instant candidate = opening.isBefore(t) ? t : opening;
      if (isOpen(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("the calling window has no opening within "
        + MAX_DAYS_AHEAD + " days after " + t + " (are all days holidays?)");
  }

  /** The instant the window opens on {@code date} (whether or not it is a calling day). */
  public Instant openingOn(LocalDate date) {
    return ZonedDateTime.of(date, opens, zone).toInstant();
  }

  /** The first calling day strictly after {@code date}. */
  public LocalDate nextCallingDayAfter(LocalDate date) {
    LocalDate d = date.plusDays(1);
    for (int i = 0; i <= MAX_DAYS_AHEAD; i++, d = d.plusDays(1)) {
      if (isCallingDay(d)) {
        return d;
      }
    }
    throw new IllegalStateException("no calling day within " + MAX_DAYS_AHEAD + " days after " + date);
  }

  /** Daily calling hours, {@code opens} inclusive, {@code closes} exclusive. */
  public record Hours(LocalTime opens, LocalTime closes) {

    /** {@code 9:30} as well as {@code 09:30}. */
    private static final java.time.format.DateTimeFormatter CLOCK_TIME =
        java.time.format.DateTimeFormatter.ofPattern("H:mm");

    /**
     * Parses {@code 10:00-19:00} (DOZVON_CALLING_HOURS).
     *
     * @throws IllegalArgumentException quoting the text and the expected form
     */
    public static Hours parse(String text) {
      String expected = " (expected e.g. 10:00-19:00, opening before closing)";
      String[] parts = text == null ? new String[0] : text.strip().split("\\s*-\\s*", -1);
      if (parts.length != 2) {
        throw new IllegalArgumentException("'" + text + "' is not calling hours" + expected);
      }
      try {
        LocalTime opens = LocalTime.parse(parts[0], CLOCK_TIME);
        LocalTime closes = "24:00".equals(parts[1]) ? LocalTime.MAX : LocalTime.parse(parts[1], CLOCK_TIME);
        if (!opens.isBefore(closes)) {
          throw new IllegalArgumentException("'" + text + "' closes before it opens" + expected);
        }
        return new Hours(opens, closes);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("'" + text + "' is not calling hours" + expected, e);
      }
    }
  }

  /**
   * Parses calling days (DOZVON_CALLING_DAYS): {@code MON-FRI}, {@code MON,TUE,SAT},
   * {@code MON-WED,SAT}; full names ({@code MONDAY}) and any letter case are accepted; a range may
   * wrap the week ({@code FRI-MON}).
   *
   * @throws IllegalArgumentException quoting the text and the expected form
   */
  public static Set<DayOfWeek> parseDays(String text) {
    String expected = " (expected e.g. MON-FRI or MON,TUE,SAT)";
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("'" + (text == null ? "" : text) + "' is not calling days" + expected);
    }
    Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
    for (String item : text.split(",", -1)) {
      String[] range = item.strip().split("\\s*-\\s*", -1);
      if (range.length > 2) {
        throw new IllegalArgumentException("'" + text + "' is not calling days" + expected);
      }
      DayOfWeek from = day(range[0], text, expected);
      DayOfWeek to = range.length == 2 ? day(range[1], text, expected) : from;
      for (DayOfWeek d = from; ; d = d.plus(1)) {
        days.add(d);
        if (d == to) {
          break;
        }
      }
    }
    return days;
  }

  private static DayOfWeek day(String name, String text, String expected) {
    String upper = name.strip().toUpperCase(Locale.ROOT);
    for (DayOfWeek d : DayOfWeek.values()) {
      if (d.name().equals(upper) || (upper.length() == 3 && d.name().startsWith(upper))) {
        return d;
      }
    }
    throw new IllegalArgumentException(
        "'" + text + "' is not calling days: '" + name.strip() + "' is not a day" + expected);
  }
}
