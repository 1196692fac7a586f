package ru.dozvon.deals;

import java.util.Objects;
import java.util.Optional;

/** The answer to "may this deal move to that stage?": allowed with the task to create, or refused. */
public sealed interface StageMove permits StageMove.Allowed, StageMove.Refused {

  /**
   * The move is allowed. The caller stores the new stage, the submitted fields, a history entry,
   * and creates {@code task} if there is one.
   */
  record Allowed(String fromStage, String toStage, Optional<TaskSpec> task) implements StageMove {
    public Allowed {
      Objects.requireNonNull(fromStage, "fromStage");
      Objects.requireNonNull(toStage, "toStage");
      Objects.requireNonNull(task, "task");
    }
  }

  /** The move breaks a rule; nothing may be stored. */
  record Refused(Refusal refusal) implements StageMove {
    public Refused {
      Objects.requireNonNull(refusal, "refusal");
    }
  }

  default boolean isAllowed() {
    return this instanceof Allowed;
  }

  /** The allowed move, or a {@link FunnelRuleViolation} for the web layer to turn into 409. */
  default Allowed orThrow() {
    if (this instanceof Allowed a) {
      return a;
    }
    throw ((Refused) this).refusal().toException();
  }
}
