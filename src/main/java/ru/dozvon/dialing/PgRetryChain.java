package ru.dozvon.dialing;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import ru.dozvon.deals.Funnel;
import ru.dozvon.deals.PgDealStore;
import ru.dozvon.deals.TaskSpec;
import ru.dozvon.live.Meters;
import ru.dozvon.phone.PhoneNumber;

/**
 * A deal's retry chain, stored: asks the pure {@link RetryPolicy} what comes next and writes the
 * answer (an attempt row, a stopped chain, or an exhausted one handed to {@link PgExhaustion}),
 * always with a history row. Every method runs inside the caller's transaction.
 */
final class PgRetryChain {

  private final RetryPolicy policy;
  private final Funnel funnel;
  private final PgExhaustion exhaustion;
  private final Meters meters;

  PgRetryChain(RetryPolicy policy, Funnel funnel, PgExhaustion exhaustion, Meters meters,
               java.util.function.Supplier<ru.dozvon.deals.DealTxListener> listeners) {
    this.policy = policy;
    this.funnel = funnel;
    this.exhaustion = exhaustion;
    this.meters = meters;
    this.listeners = listeners;
  }

  /** Every deal listener (dialing's own included, which ignores its own callback contacts). */
  private final java.util.function.Supplier<ru.dozvon.deals.DealTxListener> listeners;

  /** A new deal with a phone: attempt 1, measured from the lead's arrival. */
  Future<Void> start(SqlConnection tx, long dealId, PhoneNumber phone, Instant arrivedAt, Instant now) {
    Decision d = policy.next(AttemptHistory.startedAt(arrivedAt, phone), now);
    if (d instanceof Decision.ScheduleAttempt s) {
      // The usual case, on the hot path of every missed call: the deal was made by this very
      // transaction (no one else can see it, so no lock), and the attempt and its history row go
      // in one statement.
      return PgAttempts.insertFirst(tx, dealId, s, now, scheduled(s));
    }
    return PgAttempts.lockDeal(tx, dealId).compose(deal -> apply(tx, deal, d, now, "system", false));
  }

  /**
   * The lead called again and was missed: a pending attempt moves (usually to now); one already
   * with the manager stays as it is; a stopped chain gets a plain callback task, as the ladder is over.
   */
  Future<Void> missedAgain(SqlConnection tx, long dealId, Instant at, Instant now) {
    return PgAttempts.lockDeal(tx, dealId).compose(deal -> {
      if (!deal.open() || deal.phone() == null) {
        return Future.succeededFuture();
      }
      return PgAttempts.current(tx, dealId).compose(open -> PgAttempts.history(tx, deal).compose(h -> {
        Decision d = policy.next(h.withMissedCall(at), now);
        if (open.isPresent() && !"PENDING".equals(open.get().state())) {
          return Future.succeededFuture(); // already due and on the manager's queue
        }
        if (open.isPresent() && d instanceof Decision.ScheduleAttempt s && s.number() == open.get().no()) {
          return PgAttempts.reschedule(tx, open.get().id(), s.dueAt(), s.why())
              .compose(x -> PgDealStore.history(tx, dealId, now, "attempt_rescheduled", "system",
                  scheduled(s)));
        }
        if (open.isEmpty() && d instanceof Decision.Stop) {
          String title = "Перезвонить: клиент звонил снова";
          return PgAttempts.task(tx, dealId, deal.managerId(), "MANAGER", "callback", title, "RED", now)
              .compose(x -> PgDealStore.history(tx, dealId, now, "task", "system", new JsonObject()
                  .put("kind", "callback").put("title", title)
                  .put("why", "the lead called again after the retry chain had stopped")));
        }
        return open.isPresent() ? Future.succeededFuture() : apply(tx, deal, d, now, "system", false);
      }));
    });
  }

  /** The lead made contact by themselves: the chain stops (history only if it was running). */
  Future<Void> contactMade(SqlConnection tx, long dealId, ContactChannel channel, Instant at, Instant now) {
    return PgAttempts.lockDeal(tx, dealId).compose(deal -> {
      if (deal.phone() == null) {
        return Future.succeededFuture();
      }
      return PgAttempts.history(tx, deal)
          .compose(h -> apply(tx, deal, policy.next(h.withContact(at, channel), now), now, "system", false));
    });
  }

  /** The deal was closed: every attempt not yet ended is cancelled. */
  Future<Void> cancel(SqlConnection tx, long dealId, String why, Instant now) {
    return stop(tx, dealId, why, now, "system", false);
  }

  /**
   * Records an attempt's outcome on the current attempt (fired, else the next pending one), then:
   * a contact sets first/last contact; REACHED moves a new deal into work and stops the chain; any
   * other outcome schedules the next step or exhausts the ladder. Returns whether an attempt was found.
   */
  Future<Boolean> recordOutcome(SqlConnection tx, PgAttempts.DealRow deal, AttemptOutcome outcome, String note,
                                String actor, String pbxCallId, Instant now) {
    return PgAttempts.current(tx, deal.id()).compose(current -> {
      JsonObject details = new JsonObject().put("outcome", outcome.name()).put("note", note).put("pbxCallId", pbxCallId);
      Future<Void> ended = Future.succeededFuture();
      if (current.isPresent()) {
        PgAttempts.Open a = current.get();
        details.put("no", a.no()).put("of", a.of()).put("calledEarly", "PENDING".equals(a.state()));
        ended = PgAttempts.end(tx, a.id(), outcome, now, pbxCallId).onSuccess(x -> meters.attemptEnded(outcome.name()));
      }
      Future<Void> steps = ended.compose(x -> PgDealStore.history(tx, deal.id(), now, "attempt_outcome", actor, details));
      if (outcome.isContact()) {
        // The others (speed-to-lead, notifications) learn of the contact; dialing itself already acts here.
        steps = steps.compose(x -> PgDealStore.contactMade(tx, deal.id(), now))
            .compose(x -> listeners.get().on(tx, new ru.dozvon.deals.DealEvent.ContactMade(deal.id(),
                ru.dozvon.deals.DealEvent.ContactMade.CALLBACK, now)));
      }
      if (outcome == AttemptOutcome.REACHED) {
        steps = steps.compose(x -> intoWork(tx, deal, now, actor))
            .compose(x -> stop(tx, deal.id(), "the lead was reached (" + actor + ")", now, actor, true));
      } else if (current.isPresent() && deal.phone() != null) {
        steps = steps.compose(x -> PgAttempts.lockDeal(tx, deal.id()))
            .compose(fresh -> PgAttempts.history(tx, fresh)
                .compose(h -> apply(tx, fresh, policy.next(h, now), now, actor, false)));
      }
      return steps.map(current.isPresent());
    });
  }

  /** Stores a decision of the policy. */
  private Future<Void> apply(SqlConnection tx, PgAttempts.DealRow deal, Decision d, Instant now, String actor,
                             boolean reportStop) {
    if (d instanceof Decision.ScheduleAttempt s) {
      return PgAttempts.insert(tx, deal.id(), s)
          .compose(id -> PgDealStore.history(tx, deal.id(), now, "attempt_scheduled", actor, scheduled(s)));
    }
    if (d instanceof Decision.Stop stop) {
      return stop(tx, deal.id(), stop.why(), now, actor, reportStop);
    }
    return exhaustion.close(tx, deal, (Decision.Exhausted) d, now);
  }

  /** Cancels what is open; writes {@code chain_stopped} if anything was (or when {@code always}). */
  private Future<Void> stop(SqlConnection tx, long dealId, String why, Instant now, String actor, boolean always) {
    return PgAttempts.cancelOpen(tx, dealId, now).compose(cancelled -> cancelled.isEmpty() && !always
        ? Future.succeededFuture()
        : PgDealStore.history(tx, dealId, now, "chain_stopped", actor,
            new JsonObject().put("why", why).put("cancelled", new JsonArray(List.copyOf(cancelled)))));
  }

  /** REACHED on a deal still in the funnel's first stage moves it to the next one, with its entry task. */
  private Future<Void> intoWork(SqlConnection tx, PgAttempts.DealRow deal, Instant now, String actor) {
    String first = funnel.firstStage().code();
    if (!first.equals(deal.stage()) || funnel.stages().size() < 2 || !funnel.stages().get(1).isOpen()) {
      return Future.succeededFuture();
    }
    String next = funnel.stages().get(1).code();
    Optional<TaskSpec> task = funnel.entryTask(next, now);
    Future<Void> moved = tx.preparedQuery("UPDATE deals SET stage = $2, updated_at = $3 WHERE id = $1")
        .execute(Tuple.of(deal.id(), next, PgDealStore.ts(now))).mapEmpty();
    moved = moved.compose(x -> PgDealStore.history(tx, deal.id(), now, "stage", actor,
        new JsonObject().put("from", first).put("to", next).put("why", "the lead was reached")));
    if (task.isPresent()) {
      TaskSpec t = task.get();
      moved = moved.compose(x -> PgAttempts.task(tx, deal.id(), deal.managerId(), "MANAGER", "stage_task", t.title(),
          null, t.dueAt()));
    }
    return moved;
  }

  private static JsonObject scheduled(Decision.ScheduleAttempt s) {
    return new JsonObject().put("no", s.number()).put("of", s.of()).put("dueAt", s.dueAt().toString())
        .put("why", s.why());
  }
}
