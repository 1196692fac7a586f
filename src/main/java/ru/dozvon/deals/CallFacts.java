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
 * @param expired closed by our time-out rather than by the PBX's hangups
 * @param recording the file the dialplan recorded the call to (relative to the recordings folder), or null
 */
public record CallFacts(String pbxCallId, CallDirection direction, CallOutcome outcome, boolean missed,
                        PhoneNumber customer, String callerRaw, boolean withheld, String companyNumber,
                        String operatorExtension, String queue, Instant startedAt, Instant answeredAt,
                        Instant endedAt, int ringSeconds, int talkSeconds, boolean expired, String recording) {

  /** A call nobody recorded. */
  public CallFacts(String pbxCallId, CallDirection direction, CallOutcome outcome, boolean missed,
                   PhoneNumber customer, String callerRaw, boolean withheld, String companyNumber,
                   String operatorExtension, String queue, Instant startedAt, Instant answeredAt,
                   Instant endedAt, int ringSeconds, int talkSeconds, boolean expired) {
    this(pbxCallId, direction, outcome, missed, customer, callerRaw, withheld, companyNumber, operatorExtension,
        queue, startedAt, answeredAt, endedAt, ringSeconds, talkSeconds, expired, null);
  }

  /** The same call with its recording's file name (null: none). */
  public CallFacts withRecording(String file) {
    // a name cut short would point at another file: a name longer than the column takes is not kept
    return file == null || file.length() > 500 ? this : new CallFacts(pbxCallId, direction, outcome, missed, customer, callerRaw, withheld,
        companyNumber, operatorExtension, queue, startedAt, answeredAt, endedAt, ringSeconds, talkSeconds, expired,
        file);
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
