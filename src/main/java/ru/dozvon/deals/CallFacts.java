package ru.dozvon.deals;

import java.time.Instant;
import ru.dozvon.phone.PhoneNumber;

/**
 * What the PBX told us about one ended call, in the deals' own terms (telephony converts its
 * call records into this, so deals never depend on telephony types).
 *
 * @param pbxCallId the PBX's id of the whole call (Asterisk Linkedid): the idempotency key
 * @param direction INBOUND, OUTBOUND or INTERNAL
 * @param outcome ANSWERED, NO_ANSWER, BUSY, UNAVAILABLE, CALLER_ABANDONED, QUEUE_ABANDONED, ...
 * @param missed inbound and no operator answered
 * @param customer the customer's number, null when withheld or not a valid number
 * @param callerRaw the caller number exactly as the PBX gave it
 * @param expired closed by our time-out rather than by the PBX's hangups
 */
public record CallFacts(String pbxCallId, String direction, String outcome, boolean missed,
                        PhoneNumber customer, String callerRaw, boolean withheld, String companyNumber,
                        String operatorExtension, String queue, Instant startedAt, Instant answeredAt,
                        Instant endedAt, int ringSeconds, int talkSeconds, boolean expired) {

  public boolean inbound() {
    return "INBOUND".equals(direction);
  }

  /** An inbound call an operator answered: the lead is reached. */
  public boolean answeredInbound() {
    return inbound() && !missed;
  }
}
