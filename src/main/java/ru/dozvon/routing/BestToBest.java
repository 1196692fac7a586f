package ru.dozvon.routing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * The best leads to the best managers, for a stream of leads that arrive one by one.
 *
 * <p>Leads cannot be sorted against each other when they arrive one at a time, so a lead's score is placed
 * as a percentile p of the recent scores ({@link ScorePercentiles}), and the eligible managers are ranked by
 * rating (best first, ties by id) and given equal slices of [0, 1): the best manager owns the top slice.
 * The lead goes to the manager whose slice holds p: index {@code floor((1 - p) * n)}. Each manager thus gets
 * about an equal number of leads, and the better the manager the better the leads. Scores are few distinct
 * values, so many leads share one; p is drawn uniformly within the score's percentile interval so that a
 * common score spreads over the managers whose slices it covers instead of always hitting one manager.
 * Before any history, p is uniform in [0, 1).
 */
final class BestToBest {

  private static final Comparator<Candidate> BEST_FIRST = (a, b) -> {
    int byRating = Double.compare(b.rating(), a.rating());
    return byRating != 0 ? byRating : Long.compare(a.managerId(), b.managerId());
  };

  private BestToBest() {
  }

  /** Candidates ranked best first, as stored in the decision for this strategy. */
  static List<Candidate> ranked(List<Candidate> eligible) {
    List<Candidate> sorted = new ArrayList<>(eligible);
    sorted.sort(BEST_FIRST);
    return sorted;
  }

  static Pick pick(List<Candidate> ranked, int score, ScorePercentiles scores, RandomGenerator random) {
    double[] interval = scores.interval(score);
    double p = interval[0] + random.nextDouble() * (interval[1] - interval[0]);
    int n = ranked.size();
    int index = Math.min(n - 1, (int) Math.floor((1 - p) * n));
    Candidate chosen = ranked.get(index);
    return new Pick(chosen, String.format(Locale.ROOT,
        "best_to_best: lead score %d is at percentile %.0f-%.0f of the last %d leads; chose %s, rated %d of %d eligible",
        score, 100 * interval[0], 100 * interval[1], scores.size(), chosen.describe(), index + 1, n));
  }
}
