package ru.dozvon.telephony;

import ru.dozvon.call.CallDirection;
import ru.dozvon.call.CallOutcome;
import java.time.Instant;
import ru.dozvon.phone.PhoneNumber;

/**
 * One finished call, as {@link CallTracker} pieced it together from the PBX's events. Made once
 * per call; {@code linkedid} is its unique key for storage (idempotent on it).
 *
 * @param linkedid the PBX's call id (Asterisk Linkedid)
 * @param direction inbound, outbound or internal
 * @param outcome how it ended
 * @param customerNumber the customer's number in E.164, or null when withheld or not a valid number
 * @param callerRaw the customer's number as the PBX gave it (caller id for inbound, dialled
 *     number for outbound), null when none was seen
 * @param withheld the caller hid their number (empty, {@code <unknown>}, {@code anonymous}...):
 *     recorded and shown, never called back
 * @param companyNumber the company number the customer dialled (Exten in the inbound context),
 *     null for outbound calls
 * @param operatorExtension the operator who answered (inbound) or placed the call (outbound), or null
 * @param queue the queue the caller waited in, or null
 * @param startedAt when the call's first channel appeared
 * @param answeredAt when an operator (inbound) or the customer (outbound) answered, or null
 * @param endedAt when its last channel hung up (or when it was closed, if expired or partial)
 * @param waitSeconds seconds the caller waited: start to answer, or to end if never answered
 * @param ringSeconds seconds from the first dial to answer, or to the last dial's end; 0 if no dial
 * @param talkSeconds seconds from answer to end; 0 if never answered
 * @param expired closed because its events stopped for the idle time-out, not by hangups
 * @param partial part of the call happened while we were not listening (it began before a
 *     reconnect, or ended while disconnected), so some facts may be missing
 * @param attemptTag the {@code DOZVON_ATTEMPT} channel variable of a call Dozvon placed, or null
 * @param dealTag the {@code DOZVON_DEAL} channel variable of a call Dozvon placed, or null
 * @param hangupCause the Q.850 hangup cause of the customer's channel (outbound: the customer leg; without one,
 *     the operator's channel), or null when none was reported
 */
public record CallRecord(String linkedid, CallDirection direction, CallOutcome outcome,
    PhoneNumber customerNumber, String callerRaw, boolean withheld, String companyNumber,
    String operatorExtension, String queue, Instant startedAt, Instant answeredAt, Instant endedAt,
    long waitSeconds, long ringSeconds, long talkSeconds, boolean expired, boolean partial,
    String attemptTag, String dealTag, Integer hangupCause) {

  /** A record without the tags of a call Dozvon placed. */
  public CallRecord(String linkedid, CallDirection direction, CallOutcome outcome,
      PhoneNumber customerNumber, String callerRaw, boolean withheld, String companyNumber,
      String operatorExtension, String queue, Instant startedAt, Instant answeredAt, Instant endedAt,
      long waitSeconds, long ringSeconds, long talkSeconds, boolean expired, boolean partial) {
    this(linkedid, direction, outcome, customerNumber, callerRaw, withheld, companyNumber, operatorExtension, queue,
        startedAt, answeredAt, endedAt, waitSeconds, ringSeconds, talkSeconds, expired, partial, null, null, null);
  }

  /** An inbound call that no operator answered: it must become (or touch) a missed-call deal. */
  public boolean missed() {
    return direction == CallDirection.INBOUND && outcome != CallOutcome.ANSWERED;
  }

  /** A missed call that can be called back: missed and with a valid customer number. */
  public boolean callableMissed() {
    return missed() && customerNumber != null;
  }
}
