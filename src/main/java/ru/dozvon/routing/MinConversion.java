package ru.dozvon.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;

/**
 * Equal split (in turn, sharing the round-robin cursor) among the managers not proven weak. A manager is
 * proven weak when they have at least {@code minDecidedDeals} decided deals in the window and their smoothed
 * rating is below the threshold; with less data they are not judged (treated as average) and stay in.
 *
 * <p>If that leaves nobody, the lead is not held back (speed-to-lead matters more than the threshold): it
 * goes to the highest-rated eligible manager, and the reason says so.
 */
final class MinConversion {

  private static final int NAMES_IN_REASON = 3;

  private MinConversion() {
  }

  static Pick pick(List<Candidate> eligible, RoundRobin turn, double threshold, int minDecided) {
    List<Candidate> kept = new ArrayList<>(eligible.size());
    StringJoiner excluded = new StringJoiner(", ");
    int excludedCount = 0;
    for (Candidate c : eligible) {
      if (c.decided() >= minDecided && c.rating() < threshold) {
        if (++excludedCount <= NAMES_IN_REASON) {
          excluded.add(String.format(Locale.ROOT, "%s %.3f over %d deals", c.name(), c.rating(), c.decided()));
        }
      } else {
        kept.add(c);
      }
    }
    String rule = String.format(Locale.ROOT, "below %.3f with >= %d decided deals", threshold, minDecided);
    if (kept.isEmpty()) {
      Candidate best = eligible.get(0);
      for (Candidate c : eligible) {
        if (c.rating() > best.rating() || (c.rating() == best.rating() && c.managerId() < best.managerId())) {
          best = c;
        }
      }
      return new Pick(best, String.format(Locale.ROOT,
          "min_conversion: all %d eligible are %s; fell back to the highest-rated: %s",
          eligible.size(), rule, best.describe()));
    }
    Candidate chosen = turn.next(kept);
    String exclusion = excludedCount == 0 ? "none excluded"
        : String.format(Locale.ROOT, "%d excluded as %s (%s%s)", excludedCount, rule, excluded,
            excludedCount > NAMES_IN_REASON ? ", ..." : "");
    return new Pick(chosen, String.format(Locale.ROOT, "min_conversion: chose %s in turn among %d of %d eligible; %s",
        chosen.describe(), kept.size(), eligible.size(), exclusion));
  }
}
