package ru.dozvon.deals;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;

/** Time rules for tasks: when a task counts as overdue, and which comes first in a work list. */
public final class Tasks {

  /**
   * Most urgent first: earliest deadline first; at the same deadline the supervisor's control tasks
   * first (they guard against wrongly lost deals), then by title so the order is stable.
   */
  public static final Comparator<TaskSpec> MOST_URGENT = Comparator.comparing(TaskSpec::dueAt)
      .thenComparing(t -> t.assignee() == AssigneeRole.SUPERVISOR ? 0 : 1)
      .thenComparing(TaskSpec::title);

  private Tasks() {
  }

  /** An open task is overdue once its deadline has passed; at the deadline itself it is still on time. */
  public static boolean isOverdue(TaskSpec task, Instant now) {
    Objects.requireNonNull(task, "task");
    return isOverdue(task.dueAt(), null, now);
  }

  /**
   * The same rule for a stored task: a task that is done is never overdue, whenever it was done
   * (lateness of done tasks is a metric, not an alarm).
   *
   * @param doneAt when the task was completed, or {@code null} while it is open
   */
  public static boolean isOverdue(Instant dueAt, Instant doneAt, Instant now) {
    Objects.requireNonNull(dueAt, "dueAt");
    Objects.requireNonNull(now, "now");
    return doneAt == null && now.isAfter(dueAt);
  }

  /** How long past its deadline an open task is; zero when it is not overdue. */
  public static Duration overdueBy(TaskSpec task, Instant now) {
    return isOverdue(task, now) ? Duration.between(task.dueAt(), now) : Duration.ZERO;
  }
}
