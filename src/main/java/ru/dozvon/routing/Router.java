package ru.dozvon.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Decides which manager gets a lead (DOMAIN.md section 4).
 *
 * <p>For every strategy: only eligible managers are weighed (on shift, not paused in the panel or on the
 * PBX, under their load cap); a returning customer goes back to their previous manager when that manager is
 * eligible; with nobody eligible the result is {@link Unassigned} and the lead waits.
 *
 * <p>One decision is a single pass over the managers plus, for best_to_best, a sort of the eligible ones;
 * ratings are O(1) look-ups in {@link ConversionRating}. Keeps small state: the round-robin cursor
 * (restorable with {@link #restoreRoundRobinCursor}) and the recent lead scores for best_to_best.
 * Not thread-safe: confine it to the thread (verticle) that routes.
 */
public final class Router {

  private final RoutingConfig config;
  private final ConversionRating ratings;
  private final RandomGenerator random;
  private final RoundRobin roundRobin = new RoundRobin();
  private final ScorePercentiles scores;

  /**
   * @param random the randomness for conversion and best_to_best; pass a seeded generator in tests
   */
  public Router(RoutingConfig config, ConversionRating ratings, RandomGenerator random) {
    this.config = Objects.requireNonNull(config, "config");
    this.ratings = Objects.requireNonNull(ratings, "ratings");
    this.random = Objects.requireNonNull(random, "random");
    this.scores = new ScorePercentiles(config.scoreWindow());
  }

  /**
   * Routes one lead among the managers as they are now. The caller applies the result (increments the
   * chosen manager's active deals) before routing the next lead.
   */
  public RoutingResult route(LeadToRoute lead, List<ManagerSnapshot> managers) {
    return route(lead, managers, true);
  }

  /**
   * Decides again for a lead whose chosen manager turned out unable to take it (their row, locked and
   * re-read, showed them at the cap, paused or off shift): the caller passes that manager's fresh snapshot
   * in {@code managers}, and first gives the round-robin turn back with {@link #undoTurn}. The lead's score
   * is not counted a second time into the best_to_best percentiles.
   */
  public RoutingResult reroute(LeadToRoute lead, List<ManagerSnapshot> managers) {
    return route(lead, managers, false);
  }

  /**
   * Gives back the round-robin turn of a choice that was not served: when the cursor still stands on
   * {@code rejectedManagerId}, it goes back to {@code cursorBefore} (read with {@link #roundRobinCursor()}
   * before that choice), so that the retry picks what a decision with the fresh snapshot would have picked.
   * When other decisions moved the cursor since, their moves are kept.
   */
  public void undoTurn(long cursorBefore, long rejectedManagerId) {
    if (roundRobin.cursor() == rejectedManagerId) {
      roundRobin.restore(cursorBefore);
    }
  }

  private RoutingResult route(LeadToRoute lead, List<ManagerSnapshot> managers, boolean firstTry) {
    Strategy strategy = config.strategyFor(lead.source());
    if (strategy == Strategy.BEST_TO_BEST && firstTry) {
      scores.observe(lead.score()); // every lead of this stream shapes the percentiles, even returning ones
    }
    double teamAverage = ratings.refresh();
    List<Candidate> eligible = new ArrayList<>(managers.size());
    Candidate previous = null;
    String previousWhyNot = null;
    int off = 0;
    int paused = 0;
    int pbxPaused = 0;
    int capped = 0;
    int phoneDown = 0;
    for (ManagerSnapshot m : managers) {
      boolean isPrevious = lead.previousManagerId() != null && lead.previousManagerId() == m.id();
      String whyNot = m.whyNotEligible();
      if (whyNot == null) {
        Candidate c = Candidate.of(m, ratings.ratingAsOfLastExpiry(m.id(), teamAverage));
        eligible.add(c);
        if (isPrevious) {
          previous = c;
        }
        continue;
      }
      if (isPrevious) {
        previousWhyNot = m.name() + " is " + whyNot;
      }
      switch (m.state()) {
        case OFF -> off++;
        case PAUSED -> paused++;
        case ON_SHIFT -> {
          if (m.pbxPaused()) {
            pbxPaused++;
          } else if (m.phone().blocksLeads()) {
            phoneDown++;
          } else {
            capped++;
          }
        }
      }
    }
    if (eligible.isEmpty()) {
      return new Unassigned(strategy, String.format(Locale.ROOT,
          "nobody eligible among %d managers: %d off shift, %d paused, %d paused on PBX, %d at load cap",
          managers.size(), off, paused, pbxPaused, capped)
          + (phoneDown == 0 ? "" : String.format(Locale.ROOT, ", %d phone unusable (%s or %s)", phoneDown,
              ManagerSnapshot.PHONE_UNREGISTERED, ManagerSnapshot.PHONE_IN_USE)));
    }
    if (previous != null) {
      return new Assignment(previous.managerId(), new Decision(strategy, true, eligible,
          "returning customer: back to previous manager " + previous.describe()));
    }
    if (lead.previousManagerId() != null && previousWhyNot == null) {
      previousWhyNot = "manager #" + lead.previousManagerId() + " is not in the list";
    }
    List<Candidate> weighed = eligible;
    Pick pick = switch (strategy) {
      case ROUND_ROBIN -> roundRobin.pick(eligible);
      case LEAST_LOADED -> LeastLoaded.pick(eligible);
      case CONVERSION -> ConversionWeighted.pick(eligible, random, "conversion");
      case MIN_CONVERSION -> MinConversion.pick(eligible, roundRobin, config.minConversion(), config.minDecidedDeals());
      case BEST_TO_BEST -> {
        weighed = BestToBest.ranked(eligible);
        yield BestToBest.pick(weighed, lead.score(), scores, random);
      }
    };
    String reason = previousWhyNot == null ? pick.reason()
        : pick.reason() + "; returning customer, but previous manager " + previousWhyNot;
    return new Assignment(pick.chosen().managerId(), new Decision(strategy, false, weighed, reason));
  }

  /** The round-robin position to persist: the id of the last manager served in turn. */
  public long roundRobinCursor() {
    return roundRobin.cursor();
  }

  /** Puts back a position saved from {@link #roundRobinCursor()}, e.g. after a restart. */
  public void restoreRoundRobinCursor(long cursor) {
    roundRobin.restore(cursor);
  }

  public RoutingConfig config() {
    return config;
  }
}
