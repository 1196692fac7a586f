package ru.dozvon.deals;

import java.time.Instant;
import ru.dozvon.call.CallDirection;
import ru.dozvon.call.CallOutcome;
import ru.dozvon.phone.PhoneNumber;

/**
 * What the PBX told us about one ended call, in the deals' own terms (telephony converts its
 * call records into this, so deals never depend on telephony types).
 *
 * @param pbxCallId the PBX's id of the whole call (Asterisk Linkedid): the idempotency key
 * @param direction who started the call
 * @param outcome how it ended (for an outbound call: the customer's side)
 * @param missed inbound and no operator answered
 * @param customer the customer's number, null when withheld or not a valid number
 * @param callerRaw the caller number exactly as the PBX gave it
 * @param ringSeconds the call's own ring time: first dial to answer, or to the last dial's end (never summed over
 *     the phones rung, nor with the wait)
 * @param expired closed by our time-out rather than by the PBX's hangups
 * @param recording the file the dialplan recorded the call to (relative to the recordings folder), or null
 * @param attemptId the attempt a call Dozvon placed belongs to (its channel variable, its Originate's ActionID, or
 *     the call placed to that operator and number), or null for any other call
 * @param hangupCause the Q.850 hangup cause of the customer's channel, or null
 * @param waitSeconds how long the customer waited: start to answer, or to the end
 */
public record CallFacts(String pbxCallId, CallDirection direction, CallOutcome outcome, boolean missed,
                        PhoneNumber customer, String callerRaw, boolean withheld, String companyNumber,
                        String operatorExtension, String queue, Instant startedAt, Instant answeredAt,
                        Instant endedAt, int ringSeconds, int talkSeconds, boolean expired, String recording,
                        Long attemptId, Integer hangupCause, int waitSeconds) {

  /** Facts of a call with no recording, attempt, cause or wait known. */
  public CallFacts(String pbxCallId, CallDirection direction, CallOutcome outcome, boolean missed,
                   PhoneNumber customer, String callerRaw, boolean withheld, String companyNumber,
                   String operatorExtension, String queue, Instant startedAt, Instant answeredAt,
                   Instant endedAt, int ringSeconds, int talkSeconds, boolean expired) {
    this(pbxCallId, direction, outcome, missed, customer, callerRaw, withheld, companyNumber, operatorExtension, queue,
        startedAt, answeredAt, endedAt, ringSeconds, talkSeconds, expired, null, null, null, 0);
  }

  /** The same call with its recording's file name (null: none). */
  public CallFacts withRecording(String file) {
    // a name cut short would point at another file: a name longer than the column takes is not kept
    return file == null || file.length() > 500 ? this : new CallFacts(pbxCallId, direction, outcome, missed, customer,
        callerRaw, withheld, companyNumber, operatorExtension, queue, startedAt, answeredAt, endedAt, ringSeconds,
        talkSeconds, expired, file, attemptId, hangupCause, waitSeconds);
  }

  /** The same facts, placed by Dozvon for this attempt. */
  public CallFacts withAttempt(Long attempt) {
    return new CallFacts(pbxCallId, direction, outcome, missed, customer, callerRaw, withheld, companyNumber,
        operatorExtension, queue, startedAt, answeredAt, endedAt, ringSeconds, talkSeconds, expired, recording, attempt,
        hangupCause, waitSeconds);
  }

  public boolean inbound() {
    return direction == CallDirection.INBOUND;
  }

  public boolean outbound() {
    return direction == CallDirection.OUTBOUND;
  }

  /** An inbound call an operator answered: the lead is reached. */
  public boolean answeredInbound() {
    return inbound() && !missed;
  }
}
