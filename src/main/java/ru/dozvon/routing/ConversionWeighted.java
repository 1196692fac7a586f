package ru.dozvon.routing;

import java.util.List;
import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * Random choice in proportion to the smoothed rating: over many leads each eligible manager's share is their
 * rating divided by the sum of ratings. Random rather than a deterministic quota so that nobody can game
 * the order, and because the eligible set changes between leads anyway. With nothing to weigh by (no
 * eligible manager has a closed deal in the window, or all are rated 0) the lead goes to the least loaded.
 */
final class ConversionWeighted {

  private ConversionWeighted() {
  }

  static Pick pick(List<Candidate> eligible, RandomGenerator random, String label) {
    double total = 0;
    boolean anyData = false;
    for (Candidate c : eligible) {
      total += c.rating();
      anyData |= c.decided() > 0;
    }
    // Without data every rating is the same prior, and a weighted draw would be a coin toss that ignores
    // load (a manager with 1 deal in work chosen over one with none): the least loaded is the better guess.
    if (!anyData) {
      return LeastLoaded.pick(eligible, label + ": no eligible manager has a closed deal in the rating window "
          + "(every rating is only the prior), so by load instead");
    }
    if (!(total > 0)) {
      return LeastLoaded.pick(eligible, label + ": every eligible manager's rating is 0 (no deal won in the "
          + "rating window), so by load instead");
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
