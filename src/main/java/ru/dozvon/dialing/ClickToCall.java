package ru.dozvon.dialing;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ru.dozvon.call.CallOutcome;
import ru.dozvon.deals.PgDealStore;
import ru.dozvon.errors.Forbidden;
import ru.dozvon.errors.RuleViolation;
import ru.dozvon.live.FeedEvent;
import ru.dozvon.live.LiveFeed;
import ru.dozvon.metrics.Meters;
import ru.dozvon.store.Transactions;

/**
 * Places a call on a deal (click-to-call, and the dialer): picks the attempt, checks the rules, marks it PLACED and
 * asks the PBX ({@link Pbx}) to ring the operator's phone, then the lead. Which attempt: the deal's attempt that is
 * due (fired to the manager, or pending and due by now) becomes PLACED; with none due (none open, or the next one not
 * yet due) the call is a call outside the ladder, which uses up no step (docs/DIALING.md).
 *
 * <p>Refusals (409, by {@code rule}): {@code deal_closed}, {@code number_withheld} (no phone), {@code no_extension},
 * {@code outside_calling_window} (unless {@code override}, kept in the history), {@code number_limit} (a call
 * outside the ladder against the per-number limits; the ladder's own attempts were planned inside them),
 * {@code operator_busy} (a call we placed is in flight on that phone), {@code pbx_down}.
 *
 * <p>Once: two clicks on one deal give one call. A click while the deal's call is being placed or in flight answers
 * with that call's attempt ({@code "duplicate": true}) and places nothing.
 *
 * <p>The operator's side: their phone not answering, busy, unregistered, the Originate failing, or the call dropping
 * before the lead was dialled, is never the lead not answering: the attempt stays open (back to FIRED; a call outside
 * the ladder is cancelled, which the ladder ignores), a {@code call_failed} history row says why, and the operator
 * gets {@code call.failed} on the live feed («ваш телефон не ответил»). The lead's side (the call's record from
 * the PBX) lands on the attempt through the deal event chain ({@link DialingListener}).
 */
public final class ClickToCall {

  private static final Logger LOG = LoggerFactory.getLogger(ClickToCall.class);

  /**
   * Who asks for a call.
   *
   * @param actor for the history ({@code manager:12}, {@code admin}, {@code dialer})
   * @param phoneOf whose phone rings: this manager's; null: the deal's manager's
   * @param mustOwn the caller may only call their own deals (an operator), or null
   */
  public record Caller(String actor, Long phoneOf, Long mustOwn) {
    /** The dialer, for the deal's manager (who must still own the deal). */
    static Caller dialer(long managerId) {
      return new Caller("dialer", managerId, managerId);
    }
  }

  /** A placed call that ended, for the dialer's pause: {@code operatorSide} when the operator's phone did not take it. */
  record Finished(long managerId, String extension, Instant at, boolean operatorSide) {
  }

  /** What the click decided inside its transaction. */
  private record Placement(long attemptId, long managerId, String extension, PgAttempts.DealRow deal, JsonObject reply,
                           boolean duplicate) {
  }

  /** A call placed by this instance whose end is not settled yet. */
  private static final class InFlight {
    final long attemptId;
    final long dealId;
    final long managerId;
    final String extension;
    boolean legDone;
    boolean legAnswered;
    boolean endSeen;
    CallOutcome endOutcome;
    boolean settled;

    InFlight(long attemptId, long dealId, long managerId, String extension) {
      this.attemptId = attemptId;
      this.dealId = dealId;
      this.managerId = managerId;
      this.extension = extension;
    }
  }

  private final Pool pool;
  private final Clock clock;
  private final RetryPolicy policy;
  private final NumberLimits limits;
  private final Pbx pbx;
  private final LiveFeed feed;
  private final Meters meters;
  private final ConcurrentMap<Long, Future<JsonObject>> clicking = new ConcurrentHashMap<>();
  private final ConcurrentMap<Long, InFlight> inFlight = new ConcurrentHashMap<>();
  private volatile Consumer<Finished> finished = f -> { };

  ClickToCall(Pool pool, Clock clock, RetryPolicy policy, NumberLimits limits, Pbx pbx, LiveFeed feed, Meters meters) {
    this.pool = pool;
    this.clock = clock;
    this.policy = policy;
    this.limits = limits;
    this.pbx = pbx;
    this.feed = feed;
    this.meters = meters;
    pbx.onEnded(this::ended);
  }

  /** Where ended calls are told (the dialer's wrap-up). */
  void onFinished(Consumer<Finished> listener) {
    this.finished = listener;
  }

  /** True while this deal's call is being placed or is in flight. */
  boolean inFlightFor(long dealId) {
    return clicking.containsKey(dealId) || inFlight.values().stream().anyMatch(f -> f.dealId == dealId);
  }

  /**
   * Places a call on the deal; completes with {@code {"dealId", "attempt", "extension", "device", "override",
   * "duplicate"}} once the Originate is queued (the operator's phone rings shortly), or fails with the rule that
   * refuses it.
   */
  public Future<JsonObject> call(long dealId, Caller who, boolean override) {
    Promise<JsonObject> mine = Promise.promise();
    Future<JsonObject> running = clicking.putIfAbsent(dealId, mine.future());
    if (running != null) {
      return running.map(reply -> reply.copy().put("duplicate", true));
    }
    place(dealId, who, override).onComplete(ar -> {
      clicking.remove(dealId, mine.future());
      mine.handle(ar);
    });
    return mine.future();
  }

  /**
   * One transaction: the deal locked and read with the phone and the attempt, the rules, the attempt PLACED and the
   * history row. The Originate is written as soon as those statements succeeded, before the commit (the click's
   * latency is the PBX's ring): nothing the call causes can overtake the commit, since every path that records on
   * the deal (the call's record, an operator-side failure, an outcome) locks its row first and waits for it. Should
   * the commit fail after all, the call goes on; its end lands on the attempt by its id (still FIRED) or, for a call
   * outside the ladder whose row is gone, as any call's would.
   */
  private Future<JsonObject> place(long dealId, Caller who, boolean override) {
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    // BEGIN and the locking read go out together (Transactions): one round trip fewer before the ring
    return Transactions.withTransaction(pool, tx -> PgCallPlacement.lockScene(tx, dealId, who.phoneOf()),
            (tx, scene) -> decide(tx, scene, who, override, now)
                .onSuccess(p -> {
                  if (!p.duplicate()) {
                    originate(p, who, now);
                  }
                }))
        .onFailure(e -> {
          InFlight f = inFlight.values().stream().filter(fl -> fl.dealId == dealId).findFirst().orElse(null);
          if (f != null) {
            LOG.warn("Deal {}: the call was placed but its attempt {} could not be marked PLACED: {}", dealId,
                f.attemptId, e.toString());
          }
        })
        .map(Placement::reply);
  }

  private Future<Placement> decide(SqlConnection tx, PgCallPlacement.Scene scene, Caller who, boolean override,
                                   Instant now) {
    PgAttempts.DealRow deal = scene.deal();
    if (who.mustOwn() != null && !who.mustOwn().equals(deal.managerId())) {
      throw new Forbidden("an operator may call their own deals only");
    }
    if (!deal.open()) {
      throw new RuleViolation("deal_closed", "the deal is already "
          + deal.status().name().toLowerCase(java.util.Locale.ROOT) + "; nobody is called on it");
    }
    if (deal.phone() == null) {
      throw new RuleViolation("number_withheld", "the deal has no phone number to call (withheld or not given)");
    }
    Long owner = who.phoneOf() != null ? who.phoneOf() : deal.managerId();
    if (owner == null) {
      throw new RuleViolation("no_extension", "the deal has no manager whose phone could ring");
    }
    {
      Optional<PgCallPlacement.Phone> phone = scene.phone();
      Optional<PgAttempts.Open> current = scene.current();
      if (phone.isEmpty() || phone.get().extension() == null || !phone.get().active()) {
        throw new RuleViolation("no_extension", "manager " + owner + " has no phone extension to ring");
      }
      String ext = phone.get().extension();
      Optional<InFlight> flying = inFlight.values().stream().filter(fl -> fl.dealId == deal.id()).findFirst();
      if (flying.isPresent()) {
        InFlight fl = flying.get();
        return PgCallPlacement.attempt(tx, fl.attemptId).map(a -> placement(deal, fl.attemptId, fl.managerId,
            fl.extension, a, override, true));
      }
      boolean due = current.isPresent() && (current.get().state() != AttemptState.PENDING
          || !current.get().dueAt().isAfter(now));
      CallingWindow window = policy.window();
      boolean windowOpen = window.isOpen(now);
      if (!windowOpen && !override) {
        throw new RuleViolation("outside_calling_window", "customers are called " + window.opens() + "-"
            + window.closes() + " on calling days (" + window.zone().getId() + "); the window opens "
            + WhenFormat.format(window.nextOpening(now), now, window.zone())
            + "; send {\"override\": true} to call anyway");
      }
      Future<Void> checked = due ? Future.succeededFuture() : PgAttempts.history(tx, deal).map(h -> {
        NumberLimits.Check c = limits.forKind(deal.phone().kind()).earliestAllowed(now, h.callTimes(), window.zone());
        if (c.moved()) {
          throw new RuleViolation("number_limit", "a call outside the ladder now breaks the per-number limit ("
              + c.movedBy() + "); the next call is allowed " + WhenFormat.format(c.at(), now, window.zone()));
        }
        return null;
      });
      return checked.compose(x -> {
        if (pbx.busy(ext)) {
          throw new RuleViolation("operator_busy", "a call placed by Dozvon is in progress on " + pbx.device(ext)
              + "; wait until it ends");
        }
        if (!pbx.connected()) {
          throw new RuleViolation("pbx_down", "the PBX link is down (AMI not connected); try again shortly");
        }
        JsonObject details = new JsonObject().put("outsideLadder", !due).put("extension", ext)
            .put("device", pbx.device(ext)).put("phone", deal.phone().e164()).put("override", override && !windowOpen)
            .put("overrode", override && !windowOpen ? "outside_calling_window" : null);
        if (due) {
          // the attempt's id is known: its update and the history row go out at once
          Future<JsonObject> placed = PgCallPlacement.placeDue(tx, current.get(), now, who.actor(), ext);
          Future<Void> history = PgDealStore.history(tx, deal.id(), now, "call_placed", who.actor(),
              details.put("attemptId", current.get().id()));
          return Future.all(placed, history).map(y -> placement(deal, current.get().id(), owner, ext,
              placed.result(), override, false));
        }
        String why = current.isPresent()
            ? "a call outside the ladder, placed before attempt " + current.get().step() + " was due"
            : "a call outside the ladder, placed while no attempt was open";
        return PgCallPlacement.placeExtra(tx, deal.id(), current.map(PgAttempts.Open::ladder).orElse(null),
                policy.attempts(), now, why, who.actor(), ext)
            .compose(a -> PgDealStore.history(tx, deal.id(), now, "call_placed", who.actor(),
                details.put("attemptId", a.getLong("id"))).map(y -> placement(deal, a.getLong("id"), owner, ext, a,
                override, false)));
      });
    }
  }

  private Placement placement(PgAttempts.DealRow deal, long attemptId, long owner, String ext, JsonObject attempt,
                              boolean override, boolean duplicate) {
    return new Placement(attemptId, owner, ext, deal, new JsonObject().put("dealId", deal.id()).put("attempt", attempt)
        .put("managerId", owner).put("extension", ext).put("device", pbx.device(ext)).put("override", override)
        .put("duplicate", duplicate), duplicate);
  }

  /** After the commit: the call is in flight from now; the PBX is asked through the Originate queue. */
  private void originate(Placement p, Caller who, Instant now) {
    InFlight f = new InFlight(p.attemptId(), p.deal().id(), p.managerId(), p.extension());
    inFlight.put(p.attemptId(), f);
    meters.callPlaced("dialer".equals(who.actor()) ? "dialer" : "click");
    if (feed != null) {
      feed.publish(new FeedEvent("call.placed", p.deal().id(), p.managerId(), now, new JsonObject()
          .put("attemptId", p.attemptId()).put("extension", p.extension()).put("phone", p.deal().phone().e164())
          .put("by", who.actor()).put("attempt", p.reply().getJsonObject("attempt"))));
    }
    Future.fromCompletionStage(pbx.place(new PlaceCall(p.deal().id(), p.attemptId(), p.managerId(), p.extension(),
            p.deal().phone())))
        .recover(e -> Future.succeededFuture(OperatorLeg.failed("refused", e.getMessage())))
        .onSuccess(leg -> leg(f, leg));
  }

  /** What the PBX said of the operator's leg (the OriginateResponse, a refusal, or no answer in time). */
  private void leg(InFlight f, OperatorLeg leg) {
    boolean settle;
    OperatorLeg failure = null;
    synchronized (f) {
      if (f.settled) {
        return;
      }
      f.legDone = true;
      f.legAnswered = leg.answered();
      if (!leg.answered()) {
        failure = leg;
        settle = true;
      } else {
        settle = f.endSeen;
        if (settle && (f.endOutcome == null || f.endOutcome == CallOutcome.NOT_CONNECTED)) {
          failure = OperatorLeg.failed("dropped", "the call ended before the lead was dialled");
        }
      }
      f.settled = settle;
    }
    if (settle) {
      settled(f, failure);
    }
  }

  /** The call's record came from the PBX (or it was given up on). */
  private void ended(Pbx.Ended e) {
    InFlight f = inFlight.get(e.attemptId());
    if (f == null) {
      return; // placed by a run before a restart, or settled already: its record speaks for itself
    }
    boolean settle;
    OperatorLeg failure = null;
    synchronized (f) {
      if (f.settled) {
        return;
      }
      f.endSeen = true;
      f.endOutcome = e.outcome();
      // Before the operator's leg is decided (the OriginateResponse may come after the call's Hangups), wait for it:
      // it says why the operator's phone did not take the call.
      settle = f.legDone && f.legAnswered;
      if (settle && (e.outcome() == null || e.outcome() == CallOutcome.NOT_CONNECTED)) {
        failure = OperatorLeg.failed("dropped", "the call ended before the lead was dialled");
      }
      f.settled = settle;
    }
    if (settle) {
      settled(f, failure);
    }
  }

  private void settled(InFlight f, OperatorLeg failure) {
    inFlight.remove(f.attemptId, f);
    Instant now = clock.instant();
    if (failure == null) {
      finished.accept(new Finished(f.managerId, f.extension, now, false));
      return;
    }
    meters.callFailedOnOperatorSide(failure.failure());
    pool.withTransaction(tx -> PgAttempts.lockDeal(tx, f.dealId)
            .compose(deal -> PgCallPlacement.operatorFailed(tx, f.attemptId, now))
            .compose(changed -> changed.isEmpty() ? Future.succeededFuture(changed)
                : PgDealStore.history(tx, f.dealId, now, "call_failed", "pbx", changed.get().copy()
                    .put("side", "operator").put("extension", f.extension).put("reason", failure.failure())
                    .put("text", failure.text()).put("detail", failure.detail())).map(changed)))
        .onComplete(ar -> {
          if (ar.failed()) {
            LOG.warn("Attempt {} of deal {}: the operator's side failed ({}) but could not be recorded: {}",
                f.attemptId, f.dealId, failure.failure(), ar.cause().toString());
          } else if (ar.result().isPresent() && feed != null) {
            feed.publish(new FeedEvent("call.failed", f.dealId, f.managerId, now, new JsonObject()
                .put("attemptId", f.attemptId).put("extension", f.extension).put("side", "operator")
                .put("reason", failure.failure()).put("text", failure.text()).put("detail", failure.detail())
                .put("attemptState", ar.result().get().getString("state"))));
          }
          finished.accept(new Finished(f.managerId, f.extension, now, true));
        });
  }
}
