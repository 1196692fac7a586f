package ru.dozvon.deals;

import java.time.Duration;
import java.util.Objects;

/**
 * Time limits and side effects of closing and reopening deals (seed 003 §9, seed 002).
 *
 * @param autoCloseAfter an open deal without any contact for this long closes by itself (8 weeks)
 * @param autoCloseReason the loss reason code used then («не отвечает»)
 * @param controlTaskTitle the supervisor's task on every loss
 * @param controlTaskWithin its deadline, counted from the closing
 * @param reopenWithin a deal lost less than this long ago can be reopened (30 days)
 * @param reopenStage the stage a reopened or follow-up deal goes to
 * @param notifyCustomerOnLoss tell the customer their request was closed (seed 003 §9.8)
 */
public record ClosingPolicy(Duration autoCloseAfter, String autoCloseReason, String controlTaskTitle,
    Duration controlTaskWithin, Duration reopenWithin, String reopenStage,
    boolean notifyCustomerOnLoss) {

  public ClosingPolicy {
    Objects.requireNonNull(autoCloseAfter, "autoCloseAfter");
    Objects.requireNonNull(autoCloseReason, "autoCloseReason");
    Objects.requireNonNull(controlTaskTitle, "controlTaskTitle");
    Objects.requireNonNull(controlTaskWithin, "controlTaskWithin");
    Objects.requireNonNull(reopenWithin, "reopenWithin");
    Objects.requireNonNull(reopenStage, "reopenStage");
  }
}
