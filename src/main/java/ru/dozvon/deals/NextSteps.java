package ru.dozvon.deals;

import java.util.Objects;
import java.util.Optional;

/**
 * "Every contact leaves a next step" (DOMAIN 7; seeds 002, 004, 003 §5.1), pure: an open deal in work (past the
 * funnel's first stage) always has an open task of its manager, or a callback attempt still to come (the scheduler
 * makes its task when it is due). Closing a contact's task (a callback, a stage
 * task, a manual call) that would leave none is refused unless a next step comes with it; the supervisor's tasks
 * do not count, they are not the manager's next move.
 */
public final class NextSteps {

  private NextSteps() {
  }

  /** A deal the rule is about: open, and moved on from the first stage (a brand-new lead has its callback instead). */
  public static boolean inWork(DealStatus status, String stage, String firstStage) {
    return status == DealStatus.OPEN && !Objects.equals(stage, firstStage);
  }

  /**
   * Whether closing a task may go ahead.
   *
   * @param otherOpenTasks the deal's open manager tasks besides this one, and its callback attempts still to come
   * @param nextStepGiven the request brings the next step, created with the closing
   * @return the refusal, empty when allowed
   */
  public static Optional<Refusal> onTaskDone(AfterContactConfig cfg, DealStatus status, String stage, String firstStage,
                                             TaskKind closing, int otherOpenTasks, boolean nextStepGiven) {
    if (!cfg.nextStepRequired() || !closing.isContact() || !inWork(status, stage, firstStage) || otherOpenTasks > 0
        || nextStepGiven) {
      return Optional.empty();
    }
    return Optional.of(Refusal.of(FunnelRule.NEXT_STEP_REQUIRED, "closing this task leaves the deal in work without"
        + " a next step: send {\"nextStep\": {\"title\", \"kind\", \"dueAt\"}} with it"));
  }

  /** After a reached call: the default next step, when the deal in work was left without an open manager task. */
  public static Optional<TaskSpec> afterReachedCall(AfterContactConfig cfg, DealStatus status, String stage,
                                                    String firstStage, int openTasks, java.time.Instant now) {
    if (!inWork(status, stage, firstStage) || openTasks > 0) {
      return Optional.empty();
    }
    StageTask t = cfg.defaultNextStep();
    return Optional.of(new TaskSpec(TaskKind.CALL, t.title(), now.plus(t.within()), AssigneeRole.MANAGER));
  }
}
