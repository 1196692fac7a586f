package ru.dozvon.deals;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The answer to "the customer is interested again" (seed 002): a deal lost recently goes back
 * into work; an older one stays closed and a new deal, linked to it, starts instead.
 */
public sealed interface Reopening permits Reopening.Reopened, Reopening.NewLinkedDeal,
    Reopening.Refused {

  /** Reopen the same deal: status OPEN, this stage, clear closedAt and the loss reason. */
  record Reopened(String stage, Optional<TaskSpec> task) implements Reopening {
    public Reopened {
      Objects.requireNonNull(stage, "stage");
      Objects.requireNonNull(task, "task");
    }
  }

  /**
   * Leave the old deal closed; create a new open deal in {@code stage} that links to it and starts
   * with a copy of its fields.
   */
  record NewLinkedDeal(String stage, Map<String, String> fields, Optional<TaskSpec> task)
      implements Reopening {
    public NewLinkedDeal {
      Objects.requireNonNull(stage, "stage");
      fields = Map.copyOf(fields);
      Objects.requireNonNull(task, "task");
    }
  }

  /** The deal cannot be reopened (it is not lost). */
  record Refused(Refusal refusal) implements Reopening {
    public Refused {
      Objects.requireNonNull(refusal, "refusal");
    }
  }

  /** The reopening, or a {@link FunnelRuleViolation} for the web layer to turn into 409. */
  default Reopening orThrow() {
    if (this instanceof Refused r) {
      throw r.refusal().toException();
    }
    return this;
  }
}
