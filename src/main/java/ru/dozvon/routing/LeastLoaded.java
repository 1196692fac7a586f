package ru.dozvon.routing;

import java.util.List;
import java.util.Locale;

/** The manager with the fewest deals in work; ties go to the freer capacity, then the better rating, then the lower id. */
final class LeastLoaded {

  private LeastLoaded() {
  }

  static Pick pick(List<Candidate> eligible) {
    return pick(eligible, "least_loaded");
  }

  /** The same choice, its reason starting with {@code lead} (another strategy falling back to this one). */
  static Pick pick(List<Candidate> eligible, String lead) {
    Candidate best = null;
    int tied = 0;
    for (Candidate c : eligible) {
      if (best == null || c.activeDeals() < best.activeDeals()) {
        best = c;
        tied = 1;
      } else if (c.activeDeals() == best.activeDeals()) {
        tied++;
        if (better(c, best)) {
          best = c;
        }
      }
    }
    String ties = tied > 1 ? String.format(Locale.ROOT, " (tie of %d broken by free capacity, rating, id)", tied) : "";
    return new Pick(best, String.format(Locale.ROOT, "%s: chose %s with the fewest deals in work among %d eligible%s",
        lead, best.describe(), eligible.size(), ties));
  }

  private static boolean better(Candidate c, Candidate best) {
    int freeC = c.maxActiveDeals() - c.activeDeals();
    int freeBest = best.maxActiveDeals() - best.activeDeals();
    if (freeC != freeBest) {
      return freeC > freeBest;
    }
    if (c.rating() != best.rating()) {
      return c.rating() > best.rating();
    }
    return c.managerId() < best.managerId();
  }
}
