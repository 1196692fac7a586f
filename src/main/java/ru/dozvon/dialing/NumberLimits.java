package ru.dozvon.dialing;

import ru.dozvon.time.Durations;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Collection;
import java.util.Objects;
import ru.dozvon.phone.PhoneNumber;

/**
 * How often one number may be called (seed 001: a mobile at most 3 times a day, at least some hours
 * apart; a landline as often as needed), by kind of line.
 *
 * @param mobile limit for mobile numbers
 * @param fixedLine limit for landlines
 * @param other limit for numbers libphonenumber cannot classify (VoIP, toll-free...)
 */
public record NumberLimits(Limit mobile, Limit fixedLine, Limit other) {

  /**
   * Mobiles 3 a day (seed 001), 1 h apart: seed 001 asks for 2 h, but the ladder's 1-hour steps win (DOMAIN 3),
   * and a larger gap would stretch them; landlines free; unclassified numbers get the mobile limits, since a
   * call too many annoys more than a call too few loses.
   */
  public static final NumberLimits DEFAULT = new NumberLimits(
      new Limit(3, Duration.ofHours(1)), Limit.NONE, new Limit(3, Duration.ofHours(1)));

  public NumberLimits {
    Objects.requireNonNull(mobile, "mobile");
    Objects.requireNonNull(fixedLine, "fixedLine");
    Objects.requireNonNull(other, "other");
  }

  /** The limit that applies to a number of this kind. */
  public Limit forKind(PhoneNumber.Kind kind) {
    return switch (kind) {
      case MOBILE -> mobile;
      case FIXED_LINE -> fixedLine;
      case OTHER -> other;
    };
  }

  /**
   * A limit on calls to one number.
   *
   * @param maxPerDay most calls on one local calendar day of the lead; 0 means no limit
   * @param minGap least time between two calls; zero means no limit
   */
  public record Limit(int maxPerDay, Duration minGap) {

    /** No limit at all. */
    public static final Limit NONE = new Limit(0, Duration.ZERO);

    public Limit {
      if (maxPerDay < 0) {
        throw new IllegalArgumentException("maxPerDay must be 0 (no limit) or more: " + maxPerDay);
      }
      if (Objects.requireNonNull(minGap, "minGap").isNegative()) {
        throw new IllegalArgumentException("minGap must not be negative: " + minGap);
      }
    }

    /**
     * The earliest instant at or after {@code t} that keeps this limit, given the calls already
     * placed, and which rule (if any) moved it. One pass: the gap first, then the daily count; the
     * caller re-checks after the calling window moves the time again.
     *
     * @param placed times calls were placed to the number (any order)
     * @param zone the lead's zone (the company's when the number tells none), whose local days the daily count uses
     */
    public Check earliestAllowed(Instant t, Collection<Instant> placed, ZoneId zone) {
      Instant at = t;
      String movedBy = null;
      if (!minGap.isZero()) {
        for (Instant call : placed.stream().sorted().toList()) {
          Instant free = call.plus(minGap);
          // Sorted ascending, so a call the moved time has passed is still seen.
          if (!call.isAfter(at) && free.isAfter(at)) {
            at = free;
            movedBy = "at least " + Durations.describe(minGap) + " between calls";
          }
        }
      }
      if (maxPerDay > 0) {
        LocalDate day = at.atZone(zone).toLocalDate();
        long sameDay = placed.stream().filter(c -> c.atZone(zone).toLocalDate().equals(day)).count();
        if (sameDay >= maxPerDay) {
          at = day.plusDays(1).atStartOfDay(zone).toInstant();
          movedBy = "at most " + maxPerDay + " calls a day";
        }
      }
      return new Check(at, movedBy);
    }
  }

  /**
   * Result of a limit check.
   *
   * @param at earliest allowed instant
   * @param movedBy the rule that moved it, null when {@code at} is the asked time
   */
  public record Check(Instant at, String movedBy) {
    public boolean moved() {
      return movedBy != null;
    }
  }
}
