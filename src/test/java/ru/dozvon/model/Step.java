package ru.dozvon.model;

import java.time.Duration;

/**
 * One step of a generated history. Steps name contacts and managers by their place in the history
 * (contact A, B, C; manager M1..M3), never by ids: a history runs again on fresh contacts, so a
 * shorter history (a few steps dropped) still means something.
 */
public sealed interface Step {

  String describe();

  static String letter(int i) {
    return String.valueOf((char) ('A' + i));
  }

  /** How a lead names its contact. */
  enum Ident { PHONE, EMAIL, BOTH }

  /** When an outcome is posted, against the current attempt's due time. */
  enum Timing { ON_TIME, EARLY, LATE }

  /** A missed inbound call from the contact. */
  record Missed(int contact, PbxCalls.Shape shape) implements Step {
    public String describe() {
      return "missed call from " + letter(contact) + " (" + shape.file + ")";
    }
  }

  /** An answered inbound call from the contact. */
  record Answered(int contact, PbxCalls.Shape shape) implements Step {
    public String describe() {
      return "answered call from " + letter(contact) + " (" + shape.file + ")";
    }
  }

  /** {@code POST /api/leads}; {@code keyed}: with an Idempotency-Key (sent twice, the same body). */
  record Lead(int contact, String source, Ident ident, boolean keyed) implements Step {
    public String describe() {
      return "lead " + source + " from " + letter(contact) + " by " + ident.name().toLowerCase()
          + (keyed ? " with an Idempotency-Key" : "");
    }
  }

  /** The {@code keyedNo}-th keyed lead of the history again: the same key, the same body. */
  record Replay(int keyedNo) implements Step {
    public String describe() {
      return "keyed lead #" + (keyedNo + 1) + " posted again (same key, same body)";
    }
  }

  /** The customer writes on their own ({@code chat}, {@code email}, {@code messenger}, a second {@code web_form}). */
  record Message(int contact, String source) implements Step {
    public String describe() {
      return "message by " + source + " from " + letter(contact);
    }
  }

  /**
   * {@code POST /api/deals/{id}/outcome} on the contact's deal. ON_TIME moves the clock to the current
   * attempt's due time first, LATE to {@code lateBy} after it, EARLY posts before it.
   */
  record Outcome(int contact, String result, Timing timing, Duration lateBy, boolean callBackAt, boolean asOwner)
      implements Step {
    public String describe() {
      return "outcome " + result + " " + switch (timing) {
        case ON_TIME -> "on time";
        case EARLY -> "early";
        case LATE -> "late (+" + Durations.text(lateBy) + ")";
      } + " on " + letter(contact) + "'s deal" + (callBackAt ? " with callBackAt" : "")
          + (asOwner ? " by its owner" : "");
    }
  }

  /** Time passes; the scheduler fires what came due. */
  record MoveClock(Duration by) implements Step {
    public String describe() {
      return "clock +" + Durations.text(by);
    }
  }

  /** {@code POST /api/deals/{id}/stage}; {@code withFields}: every stage's required fields sent along. */
  record Stage(int contact, String stage, boolean withFields) implements Step {
    public String describe() {
      return "stage " + stage + (withFields ? " (with fields)" : "") + " on " + letter(contact) + "'s deal";
    }
  }

  /** {@code POST /api/deals/{id}/close}. */
  record Close(int contact, String status, String reason, boolean withComment) implements Step {
    public String describe() {
      return "close " + status + " " + reason + (withComment ? "" : " (no comment)") + " on " + letter(contact)
          + "'s deal";
    }
  }

  /** {@code POST /api/deals/{id}/reopen} on the contact's latest deal. */
  record Reopen(int contact) implements Step {
    public String describe() {
      return "reopen " + letter(contact) + "'s latest deal";
    }
  }

  /** {@code POST /api/deals/{id}/assign}. */
  record Assign(int contact, int manager, boolean force) implements Step {
    public String describe() {
      return "assign " + letter(contact) + "'s deal to M" + (manager + 1) + (force ? " (force)" : "");
    }
  }

  /** {@code PATCH /api/managers/{id}} with a new state. */
  record Shift(int manager, String state) implements Step {
    public String describe() {
      return "M" + (manager + 1) + " goes " + state;
    }
  }

  /** The service stops and starts again on the same database. */
  record Restart() implements Step {
    public String describe() {
      return "restart the service";
    }
  }

  /** Short durations for step texts. */
  final class Durations {
    private Durations() {
    }

    static String text(Duration d) {
      if (d.toDays() > 0 && d.toHoursPart() == 0 && d.toMinutesPart() == 0) {
        return d.toDays() + "d";
      }
      if (d.toHours() > 0 && d.toMinutesPart() == 0) {
        return d.toHours() + "h";
      }
      return d.toHours() > 0 ? d.toHours() + "h" + d.toMinutesPart() + "m" : d.toMinutes() + "m";
    }
  }
}
