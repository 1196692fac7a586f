package ru.dozvon.dialing;

/**
 * How one outbound call attempt to a lead ended. Telephony decides it from the call itself (no
 * answer, busy, unreachable, congestion, rejected); a manager may set it by hand.
 */
public enum AttemptOutcome {
  /** The lead answered and talked: contact made, the chain stops. */
  REACHED,
  /**
   * Answered, but "not the person" or "can't talk now": it counts as a contact (speed-to-lead) but
   * the lead still has to be called again, so the ladder moves on to its next step.
   */
  REACHED_CALL_LATER,
  /** Rang out unanswered, or rejected. */
  NO_ANSWER,
  /** The line was busy. */
  BUSY,
  /** Switched off, out of coverage, not in service, congestion. */
  UNAVAILABLE,
  /** Our side failed to place the call (PBX error, originate refused). */
  FAILED;

  /** True when this outcome ends the retry chain: the lead has been talked to. */
  public boolean stopsChain() {
    return this == REACHED;
  }

  /** True when a person answered (both REACHED and REACHED_CALL_LATER): the first-contact time. */
  public boolean isContact() {
    return this == REACHED || this == REACHED_CALL_LATER;
  }
}
