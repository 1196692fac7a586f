package ru.dozvon.deals;

import java.util.Objects;

/**
 * The rule "does this ended call create a deal, attach to one, or make contact" (DOMAIN 1 and 3), decided from the
 * call's facts alone; the telephony side's {@code CallVerdict} decided before whether it was missed. Pure.
 */
public final class CallRule {

  /** What an ended call does to the deals. */
  public enum Effect {
    /** Stored, nothing more: no usable customer number (withheld, invalid) or a call between operators. */
    RECORD_ONLY,
    /**
     * A missed inbound call: attached to the number's open deal (a callback is due now) or, with none, a new deal
     * from {@code missed_call}.
     */
    MISSED,
    /** An inbound call an operator answered: contact made on the number's open deal, if it has one. */
    CONTACT,
    /** A call we placed to the number: its result is the open deal's attempt outcome, if it has one. */
    OUTBOUND_RESULT
  }

  private CallRule() {
  }

  public static Effect of(CallFacts c) {
    Objects.requireNonNull(c, "call");
    if (c.customer() == null || c.withheld()) {
      return Effect.RECORD_ONLY;
    }
    return switch (c.direction()) {
      case INBOUND -> c.missed() ? Effect.MISSED : Effect.CONTACT;
      case OUTBOUND -> Effect.OUTBOUND_RESULT;
      case INTERNAL -> Effect.RECORD_ONLY;
    };
  }
}
