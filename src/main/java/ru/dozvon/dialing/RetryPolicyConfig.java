package ru.dozvon.dialing;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The retry ladder of a company (DOMAIN 3): the steps, in order, and what happens when all have
 * been tried without reaching the lead.
 *
 * @param steps one per attempt; step 1 is measured from the lead's arrival, step k from attempt k-1
 * @param lossReason the loss reason when the ladder is exhausted («не дозвонился»)
 * @param supervisorTask the supervisor's control task on exhaustion («Проконтролировать закрытие сделки»)
 * @param callLaterAfter "reached, call later" without a time named: the next call this long after, inside the
 *     calling window
 */
public record RetryPolicyConfig(List<RetryStep> steps, String lossReason, String supervisorTask,
                                Duration callLaterAfter) {

  /** Three hours: the default of "call later" (seed 002's «Перезвонить» a few hours later). */
  public static final Duration DEFAULT_CALL_LATER = Duration.ofHours(3);

  /** Now, +1 hour, +1 day, +1 hour; then lost «не дозвонился» with the control task (seed 003 rule 1). */
  public static final RetryPolicyConfig DEFAULT = new RetryPolicyConfig(
      List.of(new RetryStep.AfterDelay(Duration.ZERO),
          new RetryStep.AfterDelay(Duration.ofHours(1)),
          new RetryStep.AfterDelay(Duration.ofDays(1)),
          new RetryStep.AfterDelay(Duration.ofHours(1))),
      "не дозвонился", "Проконтролировать закрытие сделки", DEFAULT_CALL_LATER);

  public RetryPolicyConfig(List<RetryStep> steps, String lossReason, String supervisorTask) {
    this(steps, lossReason, supervisorTask, DEFAULT_CALL_LATER);
  }

  public RetryPolicyConfig {
    steps = List.copyOf(Objects.requireNonNull(steps, "steps"));
    if (steps.isEmpty()) {
      throw new IllegalArgumentException("the retry ladder needs at least one step");
    }
    if (Objects.requireNonNull(lossReason, "lossReason").isBlank()) {
      throw new IllegalArgumentException("lossReason must not be blank");
    }
    if (Objects.requireNonNull(supervisorTask, "supervisorTask").isBlank()) {
      throw new IllegalArgumentException("supervisorTask must not be blank");
    }
    if (Objects.requireNonNull(callLaterAfter, "callLaterAfter").isNegative()) {
      throw new IllegalArgumentException("callLaterAfter must not be negative");
    }
  }
}
