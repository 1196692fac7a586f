package ru.dozvon.deals;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One stage of the funnel.
 *
 * @param code stable identifier stored on the deal ({@code in_work}); never shown to people
 * @param name what people see («Взята в работу»)
 * @param requiredFields deal fields that must be filled before a deal may enter this stage
 * @param task the task set for the manager on entry, if any
 * @param won entering this stage means the deal is won (exactly one such stage)
 * @param closing the stage where lost and invalid deals rest (exactly one such stage)
 */
public record Stage(String code, String name, List<String> requiredFields, Optional<StageTask> task,
    boolean won, boolean closing) {

  public Stage {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(name, "name");
    requiredFields = List.copyOf(requiredFields);
    Objects.requireNonNull(task, "task");
    if (won && closing) {
      throw new IllegalArgumentException("stage " + code + " cannot be both won and closing");
    }
  }

  /** An ordinary stage a deal can be moved into while it is open. */
  public static Stage open(String code, String name, List<String> requiredFields, StageTask task) {
    return new Stage(code, name, requiredFields, Optional.ofNullable(task), false, false);
  }

  /** Whether a deal in this stage is still being worked (neither won nor closed). */
  public boolean isOpen() {
    return !won && !closing;
  }
}
