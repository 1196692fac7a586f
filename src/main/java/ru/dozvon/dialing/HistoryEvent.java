package ru.dozvon.dialing;

import java.time.Instant;
import java.util.Objects;

/** One thing that happened in a deal's retry chain; {@link AttemptHistory} holds them in order. */
public sealed interface HistoryEvent {

  /** When it happened. */
  Instant at();

  /**
   * An outbound attempt that was placed at {@code at} and has ended with {@code outcome}.
   * Every attempt counts against the per-number limits, whatever its outcome.
   */
  record Attempt(Instant at, AttemptOutcome outcome) implements HistoryEvent {
    public Attempt {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(outcome, "outcome");
    }
  }

  /** The lead made contact by themselves (answered call back, a reply on any channel). */
  record ContactMade(Instant at, ContactChannel channel) implements HistoryEvent {
    public ContactMade {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(channel, "channel");
    }
  }

  /** The lead called again and nobody answered: the next attempt is due at once (DOMAIN 1). */
  record MissedCall(Instant at) implements HistoryEvent {
    public MissedCall {
      Objects.requireNonNull(at, "at");
    }
  }
}
