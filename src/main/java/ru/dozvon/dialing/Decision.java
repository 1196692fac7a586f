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
   * @param ladder which run of the ladder (1: the one the deal started with; a missed call after the chain had
   *     stopped, or "call later", starts another)
   */
  record ScheduleAttempt(int number, int of, Instant dueAt, String why, int ladder) implements Decision {
    public ScheduleAttempt(int number, int of, Instant dueAt, String why) {
      this(number, of, dueAt, why, 1);
    }

    public ScheduleAttempt {
      Objects.requireNonNull(dueAt, "dueAt");
      Objects.requireNonNull(why, "why");
      if (number < 1 || number > of) {
        throw new IllegalArgumentException("attempt " + number + " of " + of);
      }
      if (ladder < 1) {
        throw new IllegalArgumentException("ladder " + ladder);
      }
    }
  }

  /**
   * Every step of the ladder was tried without reaching the lead: close the deal as lost with
   * {@code reason} and give the supervisor the control task {@code supervisorTask}. When the lead had been
   * reached before ({@code reachedBefore}: this ladder followed "call later" or a later missed call), the deal
   * is not closed «не дозвонился»: its manager decides what comes next.
   */
  record Exhausted(String reason, String supervisorTask, boolean reachedBefore) implements Decision {
    public Exhausted(String reason, String supervisorTask) {
      this(reason, supervisorTask, false);
    }

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
