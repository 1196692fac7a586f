package ru.dozvon.telephony;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * At most one log line per {@code every} for one kind of trouble, the first at once: a flood of bad input (100,000
 * forged events a second) then costs a line now and then, each saying how many it stands for. Not thread-safe: one
 * owner (the tracker's event loop, or one reader thread).
 */
final class LogLimit {

  private final Clock clock;
  private final Duration every;
  private Instant last;
  private long suppressed;

  LogLimit(Clock clock, Duration every) {
    this.clock = clock;
    this.every = every;
  }

  /** -1: do not log now (counted); otherwise log, and the number is how many lines were suppressed since the last. */
  long allow() {
    Instant now = clock.instant();
    if (last != null && now.isBefore(last.plus(every))) {
      suppressed++;
      return -1;
    }
    last = now;
    long n = suppressed;
    suppressed = 0;
    return n;
  }
}
