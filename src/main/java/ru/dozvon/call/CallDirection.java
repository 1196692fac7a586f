package ru.dozvon.call;

/** Who started a call, as {@link CallTracker} decides it from the dialplan contexts it went through. */
public enum CallDirection {
  /** A customer called the company: the call's first channel started in an inbound context. */
  INBOUND,
  /** We called a customer: click-to-call (an outbound context) or an operator dialled out. */
  OUTBOUND,
  /** Between operators: neither inbound nor reaching a customer number. */
  INTERNAL
}
