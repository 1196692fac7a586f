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
  /** Set by hand by a manager or supervisor. */
  MANUAL
}
