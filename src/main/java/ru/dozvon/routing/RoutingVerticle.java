package ru.dozvon.routing;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ru.dozvon.deals.DealEventChain;
import ru.dozvon.deals.DealTxListener;
import ru.dozvon.live.LiveFeed;
import ru.dozvon.metrics.Meters;
import ru.dozvon.routing.PgRoutingRepository.Routed;

/**
 * Owns the routing state of this instance: the {@link Router} and its {@link ConversionRating}, which are not
 * thread-safe, live on this verticle's context only; every other caller hops here with {@link #call}.
 *
 * <p>At start it rebuilds the ratings from the deals closed in the window (one query) and assigns what waited
 * while the service was down. Then it sweeps the unassigned queue periodically (a safety net: the queue is
 * also swept the moment capacity may have appeared) and rebuilds the ratings periodically, so that instances,
 * which each learn only the closures they process themselves, come back in line (ratings are per instance
 * and eventually consistent; see docs/ROUTING.md).
 */
public final class RoutingVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(RoutingVerticle.class);

  /**
   * How often deals left pending are looked for: those whose wake-up was lost (a crash right after the commit,
   * another instance that stopped) or skipped (the row was held by another transaction at the time).
   */
  static final Duration PENDING_EVERY = Duration.ofSeconds(1);

  private final RoutingConfig config;
  private final Pool pool;
  private final Clock clock;
  private final Duration sweepEvery;
  private final Duration rebuildEvery;
  private final ConversionRating rating;
  private final Router router;
  private final PgLeadAssigner assigner;
  private final PgHandAssigner handAssigner;
  private final CoalescedRun sweep;
  private final CoalescedRun pending;
  private long sweepTimer = -1;
  private long pendingTimer = -1;
  private long rebuildTimer = -1;

  /**
   * @param sweepEvery how often the unassigned queue is swept as a safety net (e.g. 5 s)
   * @param rebuildEvery how often the ratings are rebuilt from the database (e.g. 15 min)
   */
  public RoutingVerticle(RoutingConfig config, Pool pool, Clock clock, LiveFeed feed, Meters meters,
                         Duration sweepEvery, Duration rebuildEvery, DealEventChain listeners) {
    this.config = config;
    this.pool = pool;
    this.clock = clock;
    this.sweepEvery = sweepEvery;
    this.rebuildEvery = rebuildEvery;
    this.rating = ConversionRating.of(clock, config);
    this.router = new Router(config, rating, new SplittableRandom());
    this.assigner = new PgLeadAssigner(pool, this, clock, feed, meters, listeners);
    this.handAssigner = new PgHandAssigner(pool, this, clock, feed, listeners);
    this.sweep = new CoalescedRun(() -> assigner.assignWaiting().recover(e -> {
      LOG.warn("Routing: sweeping the unassigned queue failed; the next sweep retries", e);
      return Future.succeededFuture(0);
    }));
    this.pending = new CoalescedRun(() -> assigner.routePending().recover(e -> {
      LOG.warn("Routing: routing new deals failed; the next run retries (within {} ms)", PENDING_EVERY.toMillis(), e);
      return Future.succeededFuture(0);
    }));
  }

  @Override
  public Future<?> start() {
    return rebuildRatings().compose(n -> {
      LOG.info("Routing: ratings rebuilt from {} decided deals in the last {} days, strategy {}", n,
          config.ratingWindowDays(), config.strategy().configName());
      sweepTimer = vertx.setPeriodic(sweepEvery.toMillis(), id -> assignWaiting());
      pendingTimer = vertx.setPeriodic(PENDING_EVERY.toMillis(), id -> routePending());
      rebuildTimer = vertx.setPeriodic(rebuildEvery.toMillis(), id -> rebuildRatings()
          .onFailure(e -> LOG.warn("Routing: rating rebuild failed, keeping the incremental ratings", e)));
      return routePending().compose(x -> assignWaiting());
    });
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(sweepTimer);
    vertx.cancelTimer(pendingTimer);
    vertx.cancelTimer(rebuildTimer);
    return Future.succeededFuture();
  }

  /** The listener to wire first among the deal listeners. */
  public DealTxListener listener() {
    return new RoutingListener(this, assigner);
  }

  /** The queue, for the HTTP routes. */
  PgLeadAssigner assigner() {
    return assigner;
  }

  /** Hand assignment, for the HTTP routes. */
  PgHandAssigner handAssigner() {
    return handAssigner;
  }

  /**
   * Assigns waiting deals now if anyone can take them. Calls while a sweep runs are folded into one more
   * sweep after it, so a burst of closures does not queue a burst of transactions. Never fails.
   *
   * @return how many deals got a manager
   */
  public Future<Integer> assignWaiting() {
    return this.<Future<Integer>>call(sweep::request).compose(f -> f);
  }

  /**
   * Routes the new deals stored with {@code routing_pending} (deals from the PBX, just committed), in batches.
   * Requests while a run is going fold into one more run. Never fails.
   *
   * @return how many deals got a manager
   */
  public Future<Integer> routePending() {
    return this.<Future<Integer>>call(pending::request).compose(f -> f);
  }

  /** Smoothed ratings of these managers, with the team average, as JSON for {@code GET /api/managers}. */
  public Future<Map<Long, JsonObject>> ratings(Collection<Long> managerIds) {
    return call(() -> {
      double team = rating.teamAverage();
      Map<Long, JsonObject> out = new LinkedHashMap<>();
      for (long id : managerIds) {
        ManagerRating r = rating.rating(id);
        out.put(id, new JsonObject().put("value", PgRoutingRepository.round(r.value())).put("won", r.won())
            .put("lost", r.lost()).put("decided", r.decided()).put("teamAverage", PgRoutingRepository.round(team))
            .put("windowDays", rating.windowDays()).put("priorStrength", rating.priorStrength()));
      }
      return out;
    });
  }

  /** Routes leads in order against these managers, counting each assignment into the next lead's loads. */
  Future<List<Routed>> decide(List<LeadToRoute> leads, List<ManagerSnapshot> managers, boolean stopWhenNobody) {
    return call(() -> {
      List<ManagerSnapshot> now = new ArrayList<>(managers);
      List<Routed> out = new ArrayList<>(leads.size());
      for (LeadToRoute lead : leads) {
        RoutingResult result = router.route(lead, now);
        out.add(new Routed(lead, result, rating.teamAverage()));
        if (result instanceof Assignment a) {
          for (int i = 0; i < now.size(); i++) {
            if (now.get(i).id() == a.managerId()) {
              now.set(i, now.get(i).withActiveDeals(now.get(i).activeDeals() + 1));
            }
          }
        } else if (stopWhenNobody) {
          break; // nobody is eligible: nobody will be for the leads behind this one either
        }
      }
      return out;
    });
  }

  /** One lead's decision, with the round-robin cursor as it stood before it (to undo a rejected turn). */
  record Attempt(Routed routed, long cursorBefore) {
  }

  /**
   * Decides for one lead against these managers. With {@code rejected} (the previous attempt for this lead,
   * whose manager could not take it), decides again as {@link Router#reroute} describes.
   */
  Future<Attempt> decideOne(LeadToRoute lead, List<ManagerSnapshot> managers, Attempt rejected) {
    return call(() -> {
      boolean retry = rejected != null && rejected.routed().result() instanceof Assignment;
      if (retry) {
        router.undoTurn(rejected.cursorBefore(), ((Assignment) rejected.routed().result()).managerId());
      }
      long cursorBefore = router.roundRobinCursor();
      RoutingResult result = retry ? router.reroute(lead, managers) : router.route(lead, managers);
      return new Attempt(new Routed(lead, result, rating.teamAverage()), cursorBefore);
    });
  }

  /** Counts a closed deal into the manager's rating (after the closing transaction committed). */
  Future<Void> recordClosed(long managerId, boolean won, Instant at) {
    return call(() -> {
      if (won) {
        rating.recordWin(managerId, at);
      } else {
        rating.recordLoss(managerId, at);
      }
      return null;
    });
  }

  /** Replays the window's decided deals from the database; returns how many. */
  Future<Integer> rebuildRatings() {
    Instant from = clock.instant().truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(config.ratingWindowDays() - 1L));
    return PgRoutingRepository.closedSince(pool, from).compose(days -> call(() -> {
      rating.clear();
      int n = 0;
      for (PgRoutingRepository.ClosedDay d : days) {
        for (int i = 0; i < d.count(); i++) {
          if (d.won()) {
            rating.recordWin(d.managerId(), d.day());
          } else {
            rating.recordLoss(d.managerId(), d.day());
          }
        }
        n += d.count();
      }
      return n;
    }));
  }

  /**
   * Runs {@code work} on this verticle's context and completes on the caller's context (or at once when
   * already here): the only way in to the router and the ratings.
   */
  private <T> Future<T> call(Supplier<T> work) {
    Context caller = Vertx.currentContext();
    if (caller == context) {
      try {
        return Future.succeededFuture(work.get());
      } catch (RuntimeException e) {
        return Future.failedFuture(e);
      }
    }
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> {
      T value;
      try {
        value = work.get();
      } catch (RuntimeException e) {
        back(caller, () -> promise.fail(e));
        return;
      }
      back(caller, () -> promise.complete(value));
    });
    return promise.future();
  }

  private static void back(Context caller, Runnable r) {
    if (caller == null) {
      r.run();
    } else {
      caller.runOnContext(v -> r.run());
    }
  }

  /**
   * One database run at a time (a sweep of the queue, a batch of new deals), on one context: a request while a
   * run is going is folded, with every other request made meanwhile, into one more run after it. So a burst of
   * wake-ups (closures, committed calls) costs a few transactions, not one each, and none is lost: what a
   * request asks for is looked for by the run that starts after it. Not thread-safe; used from the routing
   * verticle's context only.
   */
  private static final class CoalescedRun {

    private final Supplier<Future<Integer>> run;
    private boolean running;
    private Promise<Integer> again;

    /** @param run the run; never fails (it logs and returns 0 on failure, so the next request retries) */
    CoalescedRun(Supplier<Future<Integer>> run) {
      this.run = run;
    }

    /** Starts a run, or joins the one queued after the current run; completes with what that run did. */
    Future<Integer> request() {
      if (!running) {
        running = true;
        return start();
      }
      if (again == null) {
        again = Promise.promise();
      }
      return again.future();
    }

    private Future<Integer> start() {
      return run.get().andThen(ar -> {
        running = false;
        Promise<Integer> next = again;
        again = null;
        if (next != null) {
          running = true;
          start().onComplete(next);
        }
      });
    }
  }
}
