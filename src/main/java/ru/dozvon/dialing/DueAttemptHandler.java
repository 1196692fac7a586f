package ru.dozvon.dialing;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The seam between the durable attempt scheduler and whoever acts on a due attempt beyond the
 * manager's task: today nobody ({@link #NONE}); when auto-dial exists, the dialer (Originate) plugs
 * in here and the scheduler does not change.
 *
 * <p>Contract with the scheduler ({@link AttemptScheduler}):
 * <ul>
 *   <li>Each {@link Decision.ScheduleAttempt} is stored as a PENDING row with its {@code dueAt} and
 *       {@code why}. The scheduler claims due rows in small batches ({@code FOR UPDATE SKIP
 *       LOCKED}), so two instances never claim the same row, and in the same transaction marks
 *       them FIRED and puts a RED "call back" task at the top of the deal's manager's queue. That
 *       commit is the durable effect: the manager gets every due attempt exactly once.</li>
 *   <li>After the commit it publishes {@code attempt.due} on the live feed and calls {@link #due}
 *       once per fired attempt. The hand-off is therefore <b>at most once</b>: a crash between
 *       commit and hand-off loses the hand-off but never the task, and a customer is never dialled
 *       twice for one attempt. A dialer that must not miss one can also sweep FIRED attempts that
 *       have no {@code placed_at} after a while; the pair {@code (dealId, number)} identifies an
 *       attempt.</li>
 *   <li>A failed stage is logged, not retried: the attempt stays FIRED with its task.</li>
 *   <li>Rows that came due while the service was down are claimed at start-up and fire once, at
 *       once; {@code dueAt} tells the handler how late it is.</li>
 *   <li>The attempt's outcome comes back through another path (the call's end from telephony, or
 *       {@code POST /api/deals/{id}/outcome}); dialing then asks {@link RetryPolicy#next} again and
 *       stores the next decision.</li>
 * </ul>
 * It returns a JDK {@link CompletionStage} rather than a Vert.x {@code Future} to keep this package's
 * pure part free of Vert.x; adapters convert with {@code Future.fromCompletionStage} and
 * {@code future.toCompletionStage()}.
 */
@FunctionalInterface
public interface DueAttemptHandler {

  /** No auto-dial: the manager's task (made by the scheduler) is the whole effect. */
  DueAttemptHandler NONE = attempt -> CompletableFuture.completedFuture(null);

  /**
   * Acts on an attempt whose time has come. Called on a Vert.x event loop: must not block; return
   * at once and complete the stage when the effect (a placed call request) is done.
   */
  CompletionStage<Void> due(DueAttempt attempt);
}
