package ru.dozvon.dialing;

import ru.dozvon.time.Durations;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.Objects;

/**
 * One rung of the retry ladder: when an attempt is due, measured from the previous attempt (for
 * attempt 1: from the lead's arrival). The calling window and number limits are applied after.
 */
public sealed interface RetryStep {

  /** The policy time of this step, before the calling window and the limits move it. */
  Instant dueAfter(Instant previous, CallingWindow window);

  /** Readable reason, e.g. "1 day after attempt 2"; {@code previous} names the point measured from. */
  String describe(String previous);

  /**
   * A fixed delay after the previous attempt.
   *
   * <p>Whole days are calendar days of the company zone: "1d" is the same wall-clock time on the
   * next day (23 or 25 hours across a daylight-saving switch), and so is "24h". The rest is exact
   * elapsed time. If that lands outside calling hours (Saturday, 19:30, a holiday), the window moves
   * it to its next opening: "1 day" after Friday 12:00 is Monday 10:00, not Monday 12:00; the delay
   * is a minimum wait, not an appointment.
   */
  record AfterDelay(Duration delay) implements RetryStep {
    public AfterDelay {
      if (Objects.requireNonNull(delay, "delay").isNegative()) {
        throw new IllegalArgumentException("delay must not be negative: " + delay);
      }
    }

    @Override
    public Instant dueAfter(Instant previous, CallingWindow window) {
      long days = delay.toDays();
      ZonedDateTime local = previous.atZone(window.zone()).plusDays(days);
      return local.toInstant().plus(delay.minusDays(days));
    }

    @Override
    public String describe(String previous) {
      return delay.isZero() ? "right away" : Durations.describe(delay) + " after " + previous;
    }
  }

  /**
   * The first calling day after the day of the previous attempt, {@code offset} after the window
   * opens (offset zero: at opening). Use it for "the next morning" whatever the hour of the last try.
   */
  record NextCallingDay(Duration offset) implements RetryStep {
    public NextCallingDay {
      if (Objects.requireNonNull(offset, "offset").isNegative()) {
        throw new IllegalArgumentException("offset must not be negative: " + offset);
      }
    }

    @Override
    public Instant dueAfter(Instant previous, CallingWindow window) {
      var day = window.nextCallingDayAfter(previous.atZone(window.zone()).toLocalDate());
      return window.openingOn(day).plus(offset);
    }

    @Override
    public String describe(String previous) {
      return "next calling day after " + previous
          + (offset.isZero() ? ", at opening" : ", " + Durations.describe(offset) + " after opening");
    }
  }
}
