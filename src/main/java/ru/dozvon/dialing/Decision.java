package ru.dozvon.dialing;

import java.time.Instant;
import java.util.Objects;

/** What the retry policy says should happen next in a deal's chain. */
public sealed interface Decision {

  /**
   * Place attempt {@code number} of {@code of} at {@code dueAt} (never before the decision's
   * {@code now}, always inside the calling window and the per-number limits).
   *
   * @param why readable reason, e.g. "attempt 3 of 4: 1 day after attempt 2, moved to Mon 10:00 by
   *     calling hours"; times in the company's zone
   */
  record ScheduleAttempt(int number, int of, Instant dueAt, String why) implements Decision {
    public ScheduleAttempt {
      Objects.requireNonNull(dueAt, "dueAt");
      Objects.requireNonNull(why, "why");
      if (number < 1 || number > of) {
        throw new IllegalArgumentException("attempt " + number + " of " + of);
      }
    }
  }

  /**
   * Every step of the ladder was tried without reaching the lead: close the deal as lost with
   * {@code reason} and give the supervisor the control task {@code supervisorTask}.
   */
  record Exhausted(String reason, String supervisorTask) implements Decision {
    public Exhausted {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(supervisorTask, "supervisorTask");
    }
  }

  /** Contact is made (the lead answered, called back or replied): no more attempts. */
  record Stop(String why) implements Decision {
    public Stop {
      Objects.requireNonNull(why, "why");
    }
  }
}
