package ru.dozvon.dialing;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import ru.dozvon.deals.AssigneeRole;
import ru.dozvon.deals.ContactChannel;
import ru.dozvon.deals.DealEvent;
import ru.dozvon.deals.PgDealStore;
import ru.dozvon.deals.PgDealWorkflow;
import ru.dozvon.deals.PgTaskStore;
import ru.dozvon.deals.Priority;
import ru.dozvon.deals.TaskKind;
import ru.dozvon.deals.TaskSpec;
import ru.dozvon.metrics.Meters;
import ru.dozvon.phone.PhoneNumber;

/**
 * A deal's callback chain, stored. Every change is the same two moves: write the fact (an outcome, a cancel),
 * then {@link #reconcile}: read the deal's whole history, ask the pure {@link RetryPolicy} what comes next and
 * make the stored attempts say so (schedule, re-plan the pending one, cancel, or end the ladder). Every method
 * runs inside the caller's transaction and returns the deal events its work caused, for the chain to tell.
 */
final class PgRetryChain {

  private final RetryPolicy policy;
  private final PgDealWorkflow deals;
  private final Meters meters;

  PgRetryChain(RetryPolicy policy, PgDealWorkflow deals, Meters meters) {
    this.policy = policy;
    this.deals = deals;
    this.meters = meters;
  }

  /** A new deal with a phone: attempt 1, measured from the lead's arrival. */
  Future<Void> start(SqlConnection tx, long dealId, PhoneNumber phone, Instant arrivedAt, Instant now) {
    Decision d = policy.next(AttemptHistory.startedAt(arrivedAt, phone), now);
    if (d instanceof Decision.ScheduleAttempt s) {
      // The usual case, on the hot path of every missed call: the deal was made by this very
      // transaction (no one else can see it, so no lock), and the attempt and its history row go
      // in one statement.
      return PgAttempts.insertFirst(tx, dealId, s, now, scheduled(s));
    }
    return reconcileNew(tx, dealId, now);
  }

  /** A new deal whose first step is not a plain schedule: the chain reconciled from its history. */
  private Future<Void> reconcileNew(SqlConnection tx, long dealId, Instant now) {
    return PgAttempts.lockDeal(tx, dealId).compose(deal -> reconcile(tx, deal, now, "system", false)).mapEmpty();
  }

  /**
   * {@link #start} for new deals of one transaction at once: the attempts 1 the policy schedules, and their history
   * rows, go in one statement for all; a deal whose first step is not a plain schedule takes {@link #start}.
   */
  Future<Void> startAll(SqlConnection tx, List<DealEvent.Created> created, Instant now) {
    List<PgAttempts.First> first = new ArrayList<>(created.size());
    List<Long> others = new ArrayList<>();
    for (DealEvent.Created c : created) {
      Decision d = policy.next(AttemptHistory.startedAt(c.at(), c.phone()), now);
      if (d instanceof Decision.ScheduleAttempt s) {
        first.add(new PgAttempts.First(c.dealId(), s, scheduled(s)));
      } else {
        others.add(c.dealId());
      }
    }
    Future<Void> chain = PgAttempts.insertFirstAll(tx, first, now);
    for (long dealId : others) {
      chain = chain.compose(x -> reconcileNew(tx, dealId, now));
    }
    return chain;
  }

  /** Something happened that the history now holds (a missed call, a message, contact): the chain follows it. */
  Future<List<DealEvent>> follow(SqlConnection tx, long dealId, Instant now) {
    return PgAttempts.lockDeal(tx, dealId).compose(deal -> follow(tx, deal, now));
  }

  /** The same, on a deal the caller has locked already. */
  Future<List<DealEvent>> follow(SqlConnection tx, PgAttempts.DealRow deal, Instant now) {
    return !deal.open() || deal.phone() == null ? Future.succeededFuture(List.of())
        : reconcile(tx, deal, now, "system", false);
  }

  /** The deal was closed: every attempt not yet ended is cancelled. */
  Future<Void> cancel(SqlConnection tx, long dealId, String why, Instant now) {
    return PgAttempts.cancelOpen(tx, dealId, now).compose(nos -> stopped(tx, dealId, why, now, "system", nos, false));
  }

  /**
   * Records the outcome of a call to the lead. On the attempt that is due (fired to the manager, or pending and due
   * by now) it uses up that step; before the pending step is due, or with no attempt open, it is a call outside
   * the ladder: kept in the history and counted against the per-number limits, using up nothing (DOMAIN 3). A
   * contact sets first/last contact; REACHED moves a new deal into work. Then the chain follows.
   */
  Future<List<DealEvent>> recordOutcome(SqlConnection tx, PgAttempts.DealRow deal, AttemptOutcome outcome, String note,
                                        Instant callBackAt, String actor, String pbxCallId, Instant now) {
    return PgAttempts.current(tx, deal.id()).compose(current -> record(tx, deal, current, outcome, note, callBackAt,
        actor, pbxCallId, now));
  }

  /**
   * The outcome of a call Dozvon placed for a known attempt (click-to-call, the dialer): it lands on that attempt and
   * no other, whether a step (it uses the step up) or a call outside the ladder. An attempt that ended meanwhile (an
   * outcome posted by hand first) or was cancelled takes nothing more; one this database does not know (another
   * installation's channel variable) leaves the decision to {@link #recordOutcome}.
   */
  Future<List<DealEvent>> recordOutcomeOf(SqlConnection tx, PgAttempts.DealRow deal, long attemptId,
                                          AttemptOutcome outcome, String actor, String pbxCallId, Instant now) {
    return PgAttempts.byId(tx, deal.id(), attemptId).compose(a -> {
      if (a.isEmpty()) {
        return recordOutcome(tx, deal, outcome, null, null, actor, pbxCallId, now);
      }
      if (a.get().state() != AttemptState.PLACED && a.get().state() != AttemptState.FIRED) {
        return Future.succeededFuture(List.<DealEvent>of());
      }
      return record(tx, deal, a, outcome, null, null, actor, pbxCallId, now);
    });
  }

  private Future<List<DealEvent>> record(SqlConnection tx, PgAttempts.DealRow deal, Optional<PgAttempts.Open> current,
                                         AttemptOutcome outcome, String note, Instant callBackAt, String actor,
                                         String pbxCallId, Instant now) {
    {
      JsonObject details = new JsonObject().put("outcome", outcome.name()).put("note", note).put("pbxCallId", pbxCallId)
          .put("callBackAt", callBackAt == null ? null : callBackAt.toString());
      boolean early = current.isEmpty() || current.get().state() == AttemptState.PENDING
          && current.get().dueAt().isAfter(now);
      Future<Void> recorded;
      if (early) {
        Integer ladder = current.map(PgAttempts.Open::ladder).orElse(null);
        String why = current.isPresent()
            ? "called before attempt " + current.get().step() + " was due: a call outside the ladder"
            : "a call while no attempt was open";
        details.put("outsideLadder", true).put("calledEarly", current.isPresent());
        recorded = PgAttempts.extraCall(tx, deal.id(), ladder, policy.attempts(), outcome, now, pbxCallId, callBackAt, why)
            .map(no -> {
              details.put("no", no);
              return null;
            });
      } else {
        PgAttempts.Open a = current.get();
        details.put("no", a.no()).put("step", a.step()).put("of", a.of()).put("ladder", a.ladder());
        if (a.step() == null) {
          details.put("outsideLadder", true); // a call outside the ladder placed from a click: ends as one
        }
        recorded = PgAttempts.end(tx, a.id(), outcome, now, pbxCallId, callBackAt);
      }
      meters.attemptEnded(outcome.name());
      List<DealEvent> caused = new ArrayList<>();
      Future<Void> steps = recorded.compose(x -> PgDealStore.history(tx, deal.id(), now, "attempt_outcome", actor, details));
      if (outcome.isContact()) {
        steps = steps.compose(x -> PgDealStore.contactMade(tx, deal.id(), now)).map(x -> {
          caused.add(new DealEvent.ContactMade(deal.id(), ContactChannel.ANSWERED_OUTBOUND_CALL, now));
          return null;
        });
      }
      if (outcome == AttemptOutcome.REACHED) {
        steps = steps.compose(x -> deals.intoWorkOnContact(tx, deal.id(), actor, now));
      }
      if (current.isEmpty() && !outcome.isContact()) {
        // No attempt open: the ladder stopped at an earlier contact. Unanswered on a deal in work, the follow-up
        // cadence takes over: «Перезвонить» a few hours later, stage unchanged (seed 002).
        steps = steps.compose(x -> deals.followUps().noAnswerInWork(tx, deal.id(), deal.managerId(), deal.stage(), now));
      }
      if (deal.phone() != null) {
        steps = steps.compose(x -> reconcile(tx, deal, now, actor, outcome == AttemptOutcome.REACHED)).map(more -> {
          caused.addAll(more);
          return null;
        });
      }
      return steps.map(x -> caused);
    }
  }

  /**
   * Makes the stored attempts say what the policy says of the deal's history now.
   *
   * @param reportStop write {@code chain_stopped} even when nothing was left to cancel (the lead was just reached)
   */
  private Future<List<DealEvent>> reconcile(SqlConnection tx, PgAttempts.DealRow deal, Instant now, String actor,
                                            boolean reportStop) {
    return PgAttempts.current(tx, deal.id()).compose(open -> PgAttempts.history(tx, deal).compose(h -> {
      Decision d = policy.next(h, now);
      if (d instanceof Decision.ScheduleAttempt s) {
        return schedule(tx, deal.id(), open, s, now, actor).map(List.<DealEvent>of());
      }
      if (d instanceof Decision.Stop stop) {
        return PgAttempts.cancelOpen(tx, deal.id(), now)
            .compose(nos -> stopped(tx, deal.id(), stop.why(), now, actor, nos, reportStop)).map(List.<DealEvent>of());
      }
      return open.isPresent() ? Future.succeededFuture(List.<DealEvent>of())
          : exhausted(tx, deal, (Decision.Exhausted) d, now);
    }));
  }

  /** An attempt that is due or being placed stays as it is; a pending one is re-planned; else a new one. */
  private static Future<Void> schedule(SqlConnection tx, long dealId, Optional<PgAttempts.Open> open,
                                       Decision.ScheduleAttempt s, Instant now, String actor) {
    if (open.isEmpty()) {
      return PgAttempts.insert(tx, dealId, s)
          .compose(id -> PgDealStore.history(tx, dealId, now, "attempt_scheduled", actor, scheduled(s)));
    }
    PgAttempts.Open o = open.get();
    boolean same = o.ladder() == s.ladder() && o.step() != null && o.step() == s.number() && o.dueAt().equals(s.dueAt());
    if (o.state() != AttemptState.PENDING || same) {
      return Future.succeededFuture();
    }
    return PgAttempts.replan(tx, o.id(), s)
        .compose(x -> PgDealStore.history(tx, dealId, now, "attempt_rescheduled", actor, scheduled(s).put("no", o.no())));
  }

  /**
   * Every step was tried. A lead never reached is closed lost «не дозвонился» with the supervisor's control task,
   * exactly as the funnel closes a deal; a lead reached before stays open with a callback task for its manager,
   * who decides what comes next.
   */
  private Future<List<DealEvent>> exhausted(SqlConnection tx, PgAttempts.DealRow deal, Decision.Exhausted e,
                                            Instant now) {
    Future<Void> ended = PgDealStore.history(tx, deal.id(), now, "ladder_ended", "system", new JsonObject()
        .put("attempts", deal.attemptsEnded()).put("reachedBefore", e.reachedBefore()));
    if (!e.reachedBefore()) {
      String comment = "Не дозвонились: все шаги графика перезвона пройдены без ответа";
      return ended.compose(x -> deals.closeByLadder(tx, deal.id(), e.reason(), comment, now))
          .map(closed -> closed.<List<DealEvent>>map(List::of).orElse(List.of()));
    }
    // the lead was reached once and asked for this call (or called us since): they are still called back, by the
    // manager, who also decides what comes next; no more automatic steps
    TaskSpec next = new TaskSpec(TaskKind.CALLBACK,
        "Перезвонить: клиент не ответил на все шаги после контакта, решите, что дальше", now, AssigneeRole.MANAGER);
    return ended.compose(x -> PgTaskStore.create(tx, deal.id(), deal.managerId(), next, Priority.YELLOW, null))
        .compose(id -> PgDealStore.history(tx, deal.id(), now, "task", "system", new JsonObject()
            .put("kind", next.kind().name()).put("title", next.title()).put("taskId", id)))
        .map(List.<DealEvent>of());
  }

  /** Writes {@code chain_stopped} when anything was cancelled (or {@code always}). */
  private static Future<Void> stopped(SqlConnection tx, long dealId, String why, Instant now, String actor,
                                      List<Integer> cancelled, boolean always) {
    return cancelled.isEmpty() && !always ? Future.succeededFuture()
        : PgDealStore.history(tx, dealId, now, "chain_stopped", actor,
            new JsonObject().put("why", why).put("cancelled", new JsonArray(List.copyOf(cancelled))));
  }

  private static JsonObject scheduled(Decision.ScheduleAttempt s) {
    return new JsonObject().put("no", s.number()).put("step", s.number()).put("of", s.of()).put("ladder", s.ladder())
        .put("dueAt", s.dueAt().toString()).put("why", s.why());
  }
}
