package ru.dozvon.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

/** A clock tests move by hand; time never passes by itself. */
public final class MovableClock extends Clock {

  // Read by the app's event loops while the test thread moves it.
  private volatile Instant now;
  private final ZoneId zone;

  /** Starts at {@code start}, in UTC. */
  public MovableClock(Instant start) {
    this(start, ZoneId.of("UTC"));
  }

  public MovableClock(Instant start, ZoneId zone) {
    this.now = start;
    this.zone = zone;
  }

  public void advance(Duration d) {
    now = now.plus(d);
  }

  /** Moves forward to {@code t}; never backwards, like real time. */
  public void moveTo(Instant t) {
    if (t.isAfter(now)) {
      now = t;
    }
  }

  /**
   * Sets the time, also backwards: for a test class that shares one app across unrelated dates
   * (each deal's rules only look at its own times).
   */
  public void set(Instant t) {
    now = t;
  }

  @Override
  public Instant instant() {
    return now;
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  @Override
  public Clock withZone(ZoneId z) {
    return new MovableClock(now, z);
  }
}
