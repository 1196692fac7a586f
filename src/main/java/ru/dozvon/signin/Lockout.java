package ru.dozvon.signin;

import java.time.Duration;
import java.time.Instant;

/**
 * The lock-out rule of repeated wrong passwords, per login (pure): after {@link #FAILURES} wrong passwords in a row
 * the login is locked for a minute; each further lock doubles it, up to an hour. A right password ends the run
 * (failures and locks back to zero); so does a day without a wrong password.
 *
 * @param failures wrong passwords since the last lock (or the last right one)
 * @param locks locks so far in this run
 * @param lockedUntil until when the login is locked; null when never
 * @param lastFailure the last wrong password; null when none
 */
public record Lockout(int failures, int locks, Instant lockedUntil, Instant lastFailure) {

  public static final int FAILURES = 5;
  public static final Duration FIRST_LOCK = Duration.ofMinutes(1);
  public static final Duration MAX_LOCK = Duration.ofHours(1);
  public static final Duration FORGET_AFTER = Duration.ofDays(1);

  public static final Lockout NONE = new Lockout(0, 0, null, null);

  /** Whether sign-in is refused at this moment. */
  public boolean lockedAt(Instant now) {
    return lockedUntil != null && now.isBefore(lockedUntil);
  }

  /** Whole seconds until the lock ends (at least 1 while locked). */
  public long retryAfterSeconds(Instant now) {
    if (!lockedAt(now)) {
      return 0;
    }
    long ms = Duration.between(now, lockedUntil).toMillis();
    return Math.max(1, (ms + 999) / 1000);
  }

  /** The state after one more wrong password at {@code now} (not counted while locked). */
  public Lockout afterFailure(Instant now) {
    if (lockedAt(now)) {
      return this;
    }
    Lockout from = lastFailure != null && Duration.between(lastFailure, now).compareTo(FORGET_AFTER) >= 0 ? NONE : this;
    int f = from.failures + 1;
    if (f < FAILURES) {
      return new Lockout(f, from.locks, from.lockedUntil, now);
    }
    int l = from.locks + 1;
    return new Lockout(0, l, now.plus(lockDuration(l)), now);
  }

  /** How long the n-th lock (from 1) lasts: 1 min, 2, 4, ... at most an hour. */
  public static Duration lockDuration(int n) {
    if (n >= 7) {
      return MAX_LOCK; // 2^6 min = 64 min is already over the cap
    }
    Duration d = FIRST_LOCK.multipliedBy(1L << (n - 1));
    return d.compareTo(MAX_LOCK) > 0 ? MAX_LOCK : d;
  }
}
