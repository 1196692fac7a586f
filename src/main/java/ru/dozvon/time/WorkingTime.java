package ru.dozvon.time;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * The company's working calendar for deadlines (DOMAIN 7, issue 12): daily hours on some days of the week in one
 * zone, except holidays; the calling window's calendar, shared by the funnel (stage tasks) and the dialing
 * follow-ups without either depending on the other. A deadline counts working time only: a 30-minute task made at
 * 18:50 on Friday is due Monday 10:20, not at night.
 *
 * <p>{@link #plus} reads a duration in three parts, as people mean them: whole <b>weeks</b> are calendar weeks
 * (the same weekday and time, then the next working moment when that is a holiday), whole <b>days</b> are working
 * days (the same time on the next working day: "1 day" from Tuesday 17:00 is Wednesday 17:00, from Friday it is
 * Monday), and the rest (hours, minutes) is counted in working hours only ("4 h" from Tuesday 17:00 with hours
 * 10:00-19:00 is Wednesday 12:00). A start outside working time counts from the next opening.
 *
 * @param zone the company's zone
 * @param opens start of the working day, local time (inclusive)
 * @param closes end of the working day, local time (exclusive)
 * @param days working days of the week
 * @param holidays local dates with no work
 */
public record WorkingTime(ZoneId zone, LocalTime opens, LocalTime closes, Set<DayOfWeek> days,
                          Set<LocalDate> holidays) {

  /** Round the clock, every day: deadlines are plain elapsed time (the funnel's rules alone, in tests). */
  public static final WorkingTime ALWAYS = new WorkingTime(ZoneId.of("UTC"), LocalTime.MIN, LocalTime.MAX,
      EnumSet.allOf(DayOfWeek.class), Set.of());

  private static final int MAX_DAYS_AHEAD = 3 * 366;

  public WorkingTime {
    Objects.requireNonNull(zone, "zone");
    Objects.requireNonNull(opens, "opens");
    Objects.requireNonNull(closes, "closes");
    if (!opens.isBefore(closes)) {
      throw new IllegalArgumentException("working hours must open before they close: " + opens + "-" + closes);
    }
    if (Objects.requireNonNull(days, "days").isEmpty()) {
      throw new IllegalArgumentException("working days must not be empty");
    }
    days = Set.copyOf(days);
    holidays = Set.copyOf(Objects.requireNonNull(holidays, "holidays"));
  }

  /** True for plain elapsed time: every minute of every day is working time. */
  public boolean roundTheClock() {
    return opens.equals(LocalTime.MIN) && closes.equals(LocalTime.MAX) && days.size() == 7 && holidays.isEmpty();
  }

  public boolean isWorkingDay(LocalDate date) {
    return days.contains(date.getDayOfWeek()) && !holidays.contains(date);
  }

  public boolean isWorking(Instant t) {
    ZonedDateTime local = t.atZone(zone);
    LocalTime time = local.toLocalTime();
    return isWorkingDay(local.toLocalDate()) && !time.isBefore(opens) && time.isBefore(closes);
  }

  /** {@code t} itself during working time, else the next opening (Friday 19:30: Monday 10:00). */
  public Instant nextWorking(Instant t) {
    if (isWorking(t)) {
      return t;
    }
    LocalDate start = t.atZone(zone).toLocalDate();
    for (int i = 0; i <= MAX_DAYS_AHEAD; i++) {
      LocalDate date = start.plusDays(i);
      if (isWorkingDay(date)) {
        Instant opening = ZonedDateTime.of(date, opens, zone).toInstant();
        Instant candidate = opening.isBefore(t) ? t : opening;
        if (isWorking(candidate)) {
          return candidate;
        }
      }
    }
    throw new IllegalStateException("no working time within " + MAX_DAYS_AHEAD + " days after " + t);
  }

  /** The deadline {@code d} of working time after {@code start} (weeks by the calendar, days as working days). */
  public Instant plus(Instant start, Duration d) {
    if (d.isNegative()) {
      throw new IllegalArgumentException("a deadline cannot be negative: " + d);
    }
    if (roundTheClock()) {
      return start.plus(d);
    }
    long weeks = d.toDays() / 7;
    long days = d.toDays() % 7;
    Duration rest = d.minusDays(d.toDays());
    Instant at = nextWorking(start);
    if (weeks > 0) {
      at = nextWorking(at.atZone(zone).plusWeeks(weeks).toInstant());
    }
    for (long i = 0; i < days; i++) {
      ZonedDateTime local = at.atZone(zone);
      LocalDate next = local.toLocalDate().plusDays(1);
      while (!isWorkingDay(next)) {
        next = next.plusDays(1);
      }
      at = nextWorking(ZonedDateTime.of(next, local.toLocalTime(), zone).toInstant());
    }
    return addWorkingHours(at, rest);
  }

  /** Spends {@code rest} inside working hours, day by day, from a working instant. */
  private Instant addWorkingHours(Instant from, Duration rest) {
    Instant at = from;
    Duration left = rest;
    for (int i = 0; !left.isZero(); i++) {
      if (i > MAX_DAYS_AHEAD) {
        throw new IllegalStateException("a deadline of " + rest + " does not fit the working calendar");
      }
      at = nextWorking(at);
      ZonedDateTime local = at.atZone(zone);
      Instant closing = closes.equals(LocalTime.MAX)
          ? local.toLocalDate().plusDays(1).atStartOfDay(zone).toInstant()
          : ZonedDateTime.of(local.toLocalDate(), closes, zone).toInstant();
      Duration today = Duration.between(at, closing);
      if (left.compareTo(today) < 0) {
        return at.plus(left);
      }
      left = left.minus(today);
      at = closing;
    }
    return at;
  }
}
