package ru.dozvon.dialing;

/**
 * Whether an operator's phone is free for a call placed now: the dialer asks it before it originates for an
 * operator. A pure seam; the default ({@code App}) says idle unless a call Dozvon placed is in flight on that
 * extension. The PBX's own view (device state, registration) plugs in with {@link #and}.
 */
@FunctionalInterface
public interface OperatorPhones {

  /** Every phone idle (nothing known against any). */
  OperatorPhones ALWAYS_IDLE = extension -> true;

  /** True when the phone of this extension can be rung now. */
  boolean idle(String extension);

  /** Idle only when both say so (e.g. no call of ours in flight, and the PBX says the device is free). */
  default OperatorPhones and(OperatorPhones other) {
    return extension -> idle(extension) && other.idle(extension);
  }
}
