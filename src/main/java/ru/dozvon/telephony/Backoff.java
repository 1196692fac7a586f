package ru.dozvon.telephony;

import java.time.Duration;

/**
 * Exponential reconnect delay: min, 2*min, 4*min ... capped at max, for ever. Pure; the caller
 * keeps the attempt number and resets it after a successful login.
 */
record Backoff(Duration min, Duration max) {

  Backoff {
    if (min.isNegative() || min.isZero() || max.compareTo(min) < 0) {
      throw new IllegalArgumentException("backoff needs 0 < min <= max, got " + min + ", " + max);
    }
  }

  /** Delay before attempt {@code failures + 1}, given how many attempts in a row failed. */
  Duration delay(int failures) {
    long minMs = min.toMillis();
    long maxMs = max.toMillis();
    int shift = Math.min(Math.max(failures, 0), 30);
    long d = minMs << shift;
    return Duration.ofMillis(d <= 0 || d > maxMs ? maxMs : d);
  }
}
