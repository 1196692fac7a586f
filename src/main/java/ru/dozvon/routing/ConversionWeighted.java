package ru.dozvon.routing;

import java.util.List;
import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * Random choice in proportion to the smoothed rating: over many leads each eligible manager's share is their
 * rating divided by the sum of ratings. Random rather than a deterministic quota so that nobody can game
 * the order, and because the eligible set changes between leads anyway.
 */
final class ConversionWeighted {

  private ConversionWeighted() {
  }

  static Pick pick(List<Candidate> eligible, RandomGenerator random, String label) {
    double total = 0;
    for (Candidate c : eligible) {
      total += c.rating();
    }
    if (!(total > 0)) {
      // Only when the team has no decided deal yet (all ratings are 0): nothing to weigh by.
      Candidate chosen = eligible.get(random.nextInt(eligible.size()));
      return new Pick(chosen, String.format(Locale.ROOT,
          "%s: no ratings yet (all 0), chose %s uniformly at random among %d eligible",
          label, chosen.describe(), eligible.size()));
    }
    double target = random.nextDouble() * total;
    Candidate chosen = eligible.get(eligible.size() - 1); // guards against rounding at the top end
    double running = 0;
    for (Candidate c : eligible) {
      running += c.rating();
      if (target < running) {
        chosen = c;
        break;
      }
    }
    return new Pick(chosen, String.format(Locale.ROOT, "%s: chose %s with weight %.2f (share %.0f%%) among %d eligible",
        label, chosen.describe(), chosen.rating(), 100 * chosen.rating() / total, eligible.size()));
  }
}
