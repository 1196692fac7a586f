package ru.dozvon.routing;

import java.util.Locale;

/**
 * An eligible manager as weighed in one decision; stored with the decision.
 *
 * @param managerId manager id
 * @param name display name
 * @param rating smoothed conversion rating
 * @param won deals won in the rating window
 * @param lost deals lost in the rating window
 * @param activeDeals deals in work at decision time
 * @param maxActiveDeals load cap
 */
public record Candidate(
    long managerId, String name, double rating, int won, int lost, int activeDeals, int maxActiveDeals) {

  static Candidate of(ManagerSnapshot m, ManagerRating r) {
    return new Candidate(m.id(), m.name(), r.value(), r.won(), r.lost(), m.activeDeals(), m.maxActiveDeals());
  }

  /** Deals decided in the rating window. */
  public int decided() {
    return won + lost;
  }

  /** "Ivanova (rating 0.31, 4/10 deals)". */
  public String describe() {
    return String.format(Locale.ROOT, "%s (rating %.2f, %d/%d deals)", name, rating, activeDeals, maxActiveDeals);
  }
}
