package ru.dozvon.deals;

import java.util.Locale;

/**
 * The rules a funnel operation can break. {@link #code()} is the stable lower-case code clients
 * receive in a 409 body ({@code missing_fields}).
 */
public enum FunnelRule {
  /** The deal is already won, lost or invalid. */
  DEAL_CLOSED,
  /** The target stage is not in the funnel. */
  UNKNOWN_STAGE,
  /** The deal is already in the target stage. */
  SAME_STAGE,
  /** The target is the won or the closing stage: that is done by closing the deal, with a reason. */
  CLOSE_REQUIRED,
  /** A deal that has been worked cannot go back to the first stage («Новая» = never worked). */
  BACK_TO_FIRST_STAGE,
  /** Fields the target stage needs are empty; {@link Refusal#missingFields()} names them. */
  MISSING_FIELDS,
  /** The reason is not in the list for this kind of closing. */
  UNKNOWN_REASON,
  /** The reason asks for more contact attempts than were made. */
  TOO_FEW_ATTEMPTS,
  /** The reason asks for more time since the last contact than has passed. */
  TOO_SOON_SINCE_CONTACT,
  /** Only a lost deal can be reopened. */
  NOT_LOST,
  /** Closing a contact's task would leave a deal in work without any next step (DOMAIN 7). */
  NEXT_STEP_REQUIRED;

  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }
}
