package ru.dozvon.routing;

import ru.dozvon.support.MovableClock;
import ru.dozvon.managers.ManagerState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Builds managers and their track records for router tests. */
final class Team {

  static final Instant NOW = Instant.parse("2025-03-10T12:00:00Z");

  final MovableClock clock = new MovableClock(NOW);
  final ConversionRating ratings;
  final List<ManagerSnapshot> managers = new ArrayList<>();

  Team(double priorStrength) {
    ratings = new ConversionRating(clock, 90, priorStrength);
  }

  /** Adds an on-shift manager with this record (decided over the last days) and load. */
  Team add(long id, int won, int lost, int active, int max) {
    managers.add(new ManagerSnapshot(id, "m" + id, ManagerState.ON_SHIFT, false, active, max));
    for (int i = 0; i < won; i++) {
      ratings.recordWin(id, NOW.minusSeconds(3600L * (i % 48)));
    }
    for (int i = 0; i < lost; i++) {
      ratings.recordLoss(id, NOW.minusSeconds(3600L * (i % 48)));
    }
    return this;
  }

  Team add(ManagerSnapshot m) {
    managers.add(m);
    return this;
  }

  Router router(RoutingConfig config, long seed) {
    return new Router(config, ratings, new SplittableRandom(seed));
  }

  static RoutingConfig config(Strategy strategy) {
    RoutingConfig d = RoutingConfig.DEFAULTS;
    return new RoutingConfig(strategy, d.perSource(), d.ratingWindowDays(), d.priorStrength(),
        d.minConversion(), d.minDecidedDeals(), d.scoreWindow());
  }

  static RoutingConfig minConversion(double threshold, int minDecided) {
    RoutingConfig d = RoutingConfig.DEFAULTS;
    return new RoutingConfig(Strategy.MIN_CONVERSION, d.perSource(), d.ratingWindowDays(), d.priorStrength(),
        threshold, minDecided, d.scoreWindow());
  }

  int indexOf(long id) {
    for (int i = 0; i < managers.size(); i++) {
      if (managers.get(i).id() == id) {
        return i;
      }
    }
    throw new IllegalArgumentException("no manager " + id);
  }

  /** Applies an assignment: the chosen manager has one more deal in work. */
  void assign(long id) {
    int i = indexOf(id);
    managers.set(i, managers.get(i).withActiveDeals(managers.get(i).activeDeals() + 1));
  }

  void set(ManagerSnapshot m) {
    managers.set(indexOf(m.id()), m);
  }

  ManagerSnapshot get(long id) {
    return managers.get(indexOf(id));
  }
}
