package ru.dozvon.deals;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import ru.dozvon.time.WorkingTime;

/**
 * The task a stage sets for the manager when a deal enters it, e.g. «Подготовить и отправить КП»
 * within 4 hours (seed 003 §3.1).
 *
 * @param title what the manager reads
 * @param within the deadline, counted in working time from the moment the deal enters the stage
 */
public record StageTask(String title, Duration within) {

  public StageTask {
    if (title == null || title.isBlank()) {
      throw new IllegalArgumentException("stage task title is blank");
    }
    Objects.requireNonNull(within, "within");
    if (within.isNegative() || within.isZero()) {
      throw new IllegalArgumentException("stage task deadline must be positive: " + within);
    }
  }

  /** The task to create when a deal enters the stage at {@code enteredAt}, its deadline in plain elapsed time. */
  public TaskSpec at(Instant enteredAt) {
    return at(enteredAt, WorkingTime.ALWAYS);
  }

  /** The task to create when a deal enters the stage at {@code enteredAt}, due {@code within} of working time. */
  public TaskSpec at(Instant enteredAt, WorkingTime working) {
    return new TaskSpec(TaskKind.STAGE_ENTRY, title, working.plus(enteredAt, within), AssigneeRole.MANAGER);
  }
}
