package ru.dozvon.call;

/**
 * How a call ended. For INBOUND calls everything but {@link #ANSWERED} is a missed call; for
 * OUTBOUND calls the outcome is the customer's side (the retry policy reads it).
 */
public enum CallOutcome {
  /** An operator (inbound) or the customer (outbound) answered. */
  ANSWERED,
  /** It rang and nobody answered (Dial NOANSWER, queue timeout). */
  NO_ANSWER,
  /** The called side was busy (Dial BUSY). */
  BUSY,
  /** The called side could not be reached (Dial CHANUNAVAIL or CONGESTION). */
  UNAVAILABLE,
  /** Inbound: the caller hung up while operators' phones rang (Dial CANCEL) or before any was rung. */
  CALLER_ABANDONED,
  /** Inbound: the caller hung up while waiting in a queue (QueueCallerAbandon). */
  QUEUE_ABANDONED,
  /** Inbound: the dialplan marked the call as outside working hours (marker variable). */
  AFTER_HOURS,
  /** Inbound: the dialplan sent the call to voicemail (marker variable). */
  VOICEMAIL,
  /**
   * Outbound: the customer was never dialled, e.g. the operator did not pick up their leg of a
   * click-to-call; not an attempt on the customer.
   */
  NOT_CONNECTED
}
