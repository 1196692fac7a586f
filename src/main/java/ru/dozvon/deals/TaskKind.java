package ru.dozvon.deals;

/**
 * What a task is for. Kept as a closed set so the task list can be filtered and counted by kind;
 * the human wording lives in {@link TaskSpec#title()}.
 */
public enum TaskKind {
  /** Created when a deal enters a stage that has an entry task (e.g. "send the offer within 4 h"). */
  STAGE_ENTRY,
  /** A scheduled call-back attempt (the dial retry policy). */
  CALLBACK,
  /** Ask an email-only lead for a phone number (seed 003 rule 4). */
  CONTACT_REQUEST,
  /** The supervisor checks a lost deal: «Проконтролировать закрытие сделки» (seed 003 §9.9). */
  CLOSING_CONTROL,
  /** A next step after the callback ladder ended on a lead that had been reached: the manager decides. */
  FOLLOW_UP,
  /** Set by hand before manual tasks had a kind (kept for old rows). */
  MANUAL,
  /** A manual task: call the client. */
  CALL,
  /** A manual task: write to the client. */
  EMAIL,
  /** A manual task: a meeting or a presentation. */
  MEETING,
  /** A manual task of any other kind (also a manager's request for the supervisor's help). */
  OTHER;

  /**
   * A task whose doing is a contact with the client (a call): closing it is where the next step is asked for
   * (DOMAIN 7).
   */
  public boolean isContact() {
    return this == CALLBACK || this == STAGE_ENTRY || this == CALL;
  }

  /** The kind of a manual task from its API name ({@code call}, {@code email}, {@code meeting}, {@code other}). */
  public static java.util.Optional<TaskKind> manual(String apiName) {
    return switch (apiName == null ? "" : apiName) {
      case "call" -> java.util.Optional.of(CALL);
      case "email" -> java.util.Optional.of(EMAIL);
      case "meeting" -> java.util.Optional.of(MEETING);
      case "other" -> java.util.Optional.of(OTHER);
      default -> java.util.Optional.empty();
    };
  }
}
