package ru.dozvon.dialing;

/** Where one callback attempt stands, as stored in {@code attempts.state}. */
public enum AttemptState {
  /** Scheduled, not yet due (or due and not yet claimed by the scheduler). */
  PENDING,
  /** Due: claimed by the scheduler and on the manager's queue as a callback task. */
  FIRED,
  /** The call is being placed (click-to-call, the dialer). */
  PLACED,
  /** Ended with an outcome. */
  DONE,
  /** Stopped before it ended (contact by another path, the deal closed). */
  CANCELLED;

  /** Not ended yet: at most one such attempt per deal. */
  public boolean isOpen() {
    return this == PENDING || this == FIRED || this == PLACED;
  }
}
