package ru.dozvon.dialing;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import ru.dozvon.deals.Closure;
import ru.dozvon.deals.DealEvent;
import ru.dozvon.deals.DealStatus;
import ru.dozvon.deals.DealTxListener;
import ru.dozvon.deals.DealView;
import ru.dozvon.deals.Funnel;
import ru.dozvon.deals.PgDealStore;
import ru.dozvon.deals.Reason;

/**
 * Closes a deal whose ladder is exhausted: lost with the retry policy's reason («не дозвонился»),
 * the supervisor's control task, history rows, and {@link DealEvent.Closed} told to every listener.
 *
 * <p>The closing itself is the funnel's pure {@link Funnel#close} (stage, reason check, control
 * task deadline), so an exhausted ladder closes a deal exactly as a manager closing it by hand
 * would; only the writing is here. The listeners come through a {@link Supplier} because this
 * class is built before the {@code DealListeners} that contain it; dialing's own listener gets the
 * Closed event too and finds nothing left to cancel.
 */
final class PgExhaustion {

  private final Funnel funnel;
  private final Reason reason;
  private final Supplier<DealTxListener> listeners;

  /**
   * @param lossReason the retry section's {@code exhausted.loss_reason}: a funnel loss reason's
   *     code or name
   * @throws IllegalArgumentException when it is not one of the funnel's loss reasons
   */
  PgExhaustion(Funnel funnel, String lossReason, Supplier<DealTxListener> listeners) {
    this.funnel = funnel;
    this.listeners = listeners;
    this.reason = funnel.reasonsFor(DealStatus.LOST).stream()
        .filter(r -> r.code().equals(lossReason) || r.name().equals(lossReason)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("retry.exhausted.loss_reason: '" + lossReason
            + "' is not a loss reason of the funnel (expected a code or name from funnel.loss_reasons)"));
  }

  Future<Void> close(SqlConnection tx, PgAttempts.DealRow deal, Decision.Exhausted e, Instant now) {
    DealView view = new DealView(DealStatus.OPEN, deal.stage(), fields(deal.fields()), deal.attemptsEnded(),
        deal.lastContactAt(), deal.arrivedAt(), null, null);
    String comment = "Не дозвонились: " + deal.attemptsEnded() + " попыт. без ответа, все шаги графика перезвона пройдены";
    Closure.Closed closed = funnel.close(view, DealStatus.LOST, reason.code(), comment, now).orThrow();
    Instant taskDue = closed.controlTask().map(t -> t.dueAt()).orElse(now);
    return tx.preparedQuery("""
            UPDATE deals SET status = 'LOST', stage = $2, loss_reason = $3, close_comment = $4, closed_at = $5,
                             updated_at = $5
            WHERE id = $1 AND status = 'OPEN'""")
        .execute(Tuple.of(deal.id(), closed.stage(), reason.code(), comment, PgDealStore.ts(now)))
        .compose(x -> PgDealStore.history(tx, deal.id(), now, "closed", "system", new JsonObject()
            .put("status", "LOST").put("stage", closed.stage()).put("reason", reason.code())
            .put("reasonName", reason.name()).put("comment", comment).put("automatic", true)
            .put("by", "retry policy: ladder exhausted")))
        .compose(x -> PgAttempts.task(tx, deal.id(), null, "SUPERVISOR", "control", e.supervisorTask(), null, taskDue))
        .compose(x -> PgDealStore.history(tx, deal.id(), now, "task", "system", new JsonObject()
            .put("kind", "control").put("forRole", "SUPERVISOR").put("title", e.supervisorTask())
            .put("dueAt", taskDue.toString())))
        .compose(x -> listeners.get().on(tx, new DealEvent.Closed(deal.id(), deal.managerId(), "LOST", reason.code(), now)));
  }

  private static Map<String, String> fields(JsonObject json) {
    Map<String, String> out = new HashMap<>();
    if (json != null) {
      json.forEach(en -> {
        if (en.getValue() != null) {
          out.put(en.getKey(), String.valueOf(en.getValue()));
        }
      });
    }
    return out;
  }
}
