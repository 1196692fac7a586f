package ru.dozvon.deals;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** The answer to "may this deal be closed so?": how to store the closed deal, or refused. */
public sealed interface Closure permits Closure.Closed, Closure.Refused {

  /**
   * Close the deal so.
   *
   * @param status WON, LOST or INVALID
   * @param stage the stage the deal goes to (the won stage, or the closing stage)
   * @param reason the reason picked from the list for this status
   * @param comment the manager's comment, stripped; may be empty except for a loss
   * @param closedAt when it was closed
   * @param controlTask the supervisor's «Проконтролировать закрытие сделки» task, on every loss
   * @param notifyCustomer send the customer the "your request was closed" message (seed 003 §9.8)
   * @param automatic closed by the 8-week rule, not by a person
   */
  record Closed(DealStatus status, String stage, Reason reason, String comment, Instant closedAt,
      Optional<TaskSpec> controlTask, boolean notifyCustomer, boolean automatic) implements Closure {
    public Closed {
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(stage, "stage");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(comment, "comment");
      Objects.requireNonNull(closedAt, "closedAt");
      Objects.requireNonNull(controlTask, "controlTask");
    }
  }

  /** Closing so breaks a rule; nothing may be stored. */
  record Refused(Refusal refusal) implements Closure {
    public Refused {
      Objects.requireNonNull(refusal, "refusal");
    }
  }

  default boolean isClosed() {
    return this instanceof Closed;
  }

  /** The closing, or a {@link FunnelRuleViolation} for the web layer to turn into 409. */
  default Closed orThrow() {
    if (this instanceof Closed c) {
      return c;
    }
    throw ((Refused) this).refusal().toException();
  }
}
