package ru.dozvon.telephony;

/**
 * What the PBX reported for an Originate (its OriginateResponse event, matched by ActionID).
 *
 * @param actionId our ActionID of the Originate
 * @param success  Response: Success (the originated channel was answered)
 * @param reason   Asterisk's originate reason code: 0 failed, 1 hung up, 3 ringing (no answer),
 *                 4 answered, 5 busy, 8 congestion
 * @param channel  the channel as Asterisk reports it
 * @param uniqueId the Uniqueid of the new channel, {@code <unknown>} or null when none was created
 */
public record OriginateResult(String actionId, boolean success, int reason, String channel, String uniqueId) {

  /** The reason code in words, for logs and the API. */
  public String reasonText() {
    return switch (reason) {
      case 0 -> "failed";
      case 1 -> "hung up";
      case 3 -> "no answer";
      case 4 -> "answered";
      case 5 -> "busy";
      case 8 -> "congestion";
      default -> "reason " + reason;
    };
  }
}
