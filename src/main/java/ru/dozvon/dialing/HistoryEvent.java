package ru.dozvon.dialing;

import java.time.Instant;
import java.util.Objects;
import ru.dozvon.deals.ContactChannel;

/**
 * One thing that happened in a deal's callback history; {@link AttemptHistory} holds them in order. The history
 * is the deal's whole story as stored (every ladder, cancelled attempts and calls outside the ladder included),
 * so the {@link RetryPolicy} can tell a running ladder from a stopped or exhausted one.
 */
public sealed interface HistoryEvent {

  /** When it happened. */
  Instant at();

  /**
   * A step of the ladder was tried at {@code at} and ended with {@code outcome}; it used up its step.
   *
   * @param callBackAt for REACHED_CALL_LATER, the time the lead named; null: the default delay
   */
  record Attempt(Instant at, AttemptOutcome outcome, Instant callBackAt) implements HistoryEvent {
    public Attempt {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(outcome, "outcome");
    }

    public Attempt(Instant at, AttemptOutcome outcome) {
      this(at, outcome, null);
    }
  }

  /**
   * A call to the lead outside the ladder's steps: the operator dialled before the pending step was due, or
   * while no ladder ran. It counts against the per-number limits and, when the lead answered, is contact; it
   * uses up no step.
   */
  record ExtraCall(Instant at, AttemptOutcome outcome, Instant callBackAt) implements HistoryEvent {
    public ExtraCall {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(outcome, "outcome");
    }
  }

  /** The attempt that was open was cancelled (contact made by another path, the deal closed): the ladder stopped. */
  record Cancelled(Instant at) implements HistoryEvent {
    public Cancelled {
      Objects.requireNonNull(at, "at");
    }
  }

  /** The ladder ran out and that was dealt with (the deal closed, or a follow-up given): it is over. */
  record LadderEnded(Instant at) implements HistoryEvent {
    public LadderEnded {
      Objects.requireNonNull(at, "at");
    }
  }

  /** Two-way contact by another path (the lead called and was answered, a manager's reply). */
  record ContactMade(Instant at, ContactChannel channel) implements HistoryEvent {
    public ContactMade {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(channel, "channel");
    }
  }

  /** The lead called again and nobody answered: a callback is due at once (DOMAIN 1). */
  record MissedCall(Instant at) implements HistoryEvent {
    public MissedCall {
      Objects.requireNonNull(at, "at");
    }
  }

  /** The lead wrote by themselves (chat, letter, form): like a missed call, a callback is due at once; not contact. */
  record CustomerMessage(Instant at, ContactChannel channel) implements HistoryEvent {
    public CustomerMessage {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(channel, "channel");
    }
  }
}
