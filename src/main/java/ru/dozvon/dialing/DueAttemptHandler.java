package ru.dozvon.dialing;

import java.util.concurrent.CompletionStage;

/**
 * The seam between the durable attempt scheduler and whoever acts on a due attempt.
 *
 * <p>Today's implementation puts a "call back" task at the top of the deal's manager's queue and on
 * the live feed; when auto-dial exists, another implementation hands the attempt to the dialer
 * (Originate), and the scheduler does not change.
 *
 * <p>Contract with the scheduler (PostgreSQL, not in this class):
 * <ul>
 *   <li>The scheduler stores each {@link Decision.ScheduleAttempt} as a pending row with its
 *       {@code dueAt} and {@code why}; it claims due rows in small batches
 *       ({@code FOR UPDATE SKIP LOCKED}), so two instances never claim the same row.</li>
 *   <li>For each claimed row it calls {@link #due} and marks the row fired only when the returned
 *       stage completes normally; if it fails, the row stays pending and is retried later. Hence a
 *       hand-off is at least once, and the handler makes it idempotent on
 *       {@code (dealId, number)}.</li>
 *   <li>Rows that came due while the service was down are claimed at start-up and fire once, at
 *       once; {@code dueAt} tells the handler how late it is.</li>
 *   <li>The attempt's outcome comes back through another path (telephony events or the manual
 *       outcome API) as a {@link HistoryEvent.Attempt}; the deals service then asks
 *       {@link RetryPolicy#next} again and stores the next decision.</li>
 * </ul>
 * It returns a JDK {@link CompletionStage} rather than a Vert.x {@code Future} to keep this package
 * free of Vert.x; adapters convert with {@code Future.fromCompletionStage} and
 * {@code future.toCompletionStage()}.
 */
@FunctionalInterface
public interface DueAttemptHandler {

  /**
   * Acts on an attempt whose time has come. Must not block: return at once and complete the stage
   * when the effect (a stored task, a placed call request) is durable.
   */
  CompletionStage<Void> due(DueAttempt attempt);
}
