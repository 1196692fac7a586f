package ru.dozvon.routing;

import ru.dozvon.managers.ManagerState;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Statistical properties of each strategy over 10,000 simulated leads. */
class StrategyPropertiesTest {

  private static final int LEADS = 10_000;
  private static final int NO_CAP = 1_000_000;

  /** Shares under conversion follow rating / sum(ratings), computed here from the smoothing formula. */
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 7, 99, 1234})
  void conversionSharesFollowTheSmoothedRatings(long seed) {
    SplittableRandom setup = new SplittableRandom(seed);
    double k = 20;
    Team team = new Team(k);
    int n = 4 + setup.nextInt(8);
    int[][] record = new int[n][2];
    for (int i = 0; i < n; i++) {
      record[i][0] = setup.nextInt(60);
      record[i][1] = setup.nextInt(120);
      team.add(i + 1, record[i][0], record[i][1], 0, NO_CAP);
    }
    double[] expected = expectedShares(record, k);
    Router router = team.router(Team.config(Strategy.CONVERSION), seed);

    int[] got = new int[n];
    for (int lead = 0; lead < LEADS; lead++) {
      Assignment a = (Assignment) router.route(LeadToRoute.fresh(lead, "chat", 5), team.managers);
      got[(int) a.managerId() - 1]++;
      team.assign(a.managerId());
    }

    for (int i = 0; i < n; i++) {
      assertThat((double) got[i] / LEADS).as("share of manager %d", i + 1).isCloseTo(expected[i], within(0.02));
    }
  }

  private static double[] expectedShares(int[][] record, double k) {
    long won = 0;
    long decided = 0;
    for (int[] r : record) {
      won += r[0];
      decided += r[0] + r[1];
    }
    double avg = (double) won / decided;
    double[] rating = new double[record.length];
    double sum = 0;
    for (int i = 0; i < record.length; i++) {
      rating[i] = (record[i][0] + k * avg) / (record[i][0] + record[i][1] + k);
      sum += rating[i];
    }
    for (int i = 0; i < rating.length; i++) {
      rating[i] /= sum;
    }
    return rating;
  }

  /**
   * A brand-new manager with 2 deals among veterans gets a share near the average share (between half and
   * double), whether the 2 deals were won or lost; without smoothing (k = 0) 2 wins would flood them.
   */
  @ParameterizedTest(name = "new manager {0} won / {1} lost, k={2}: share within {3}..{4} of the average share")
  @CsvSource({
      "2, 0, 50, 0.5, 2.0",
      "0, 2, 50, 0.5, 2.0",
      "1, 1, 50, 0.5, 2.0",
      "2, 0, 0, 2.05, 10.0", // unsmoothed: rating 1.0 against 0.25..0.45 -> over double the average share
      "0, 2, 0, 0.0, 0.05",  // unsmoothed: rating 0 -> starved
  })
  void aBrandNewManagerIsNeitherStarvedNorFlooded(int won, int lost, double k, double low, double high) {
    Team team = new Team(k);
    for (long id = 1; id <= 5; id++) {
      team.add(id, 20 + (int) id * 5, 80 - (int) id * 5, 0, NO_CAP); // veterans 0.25 .. 0.45
    }
    team.add(6, won, lost, 0, NO_CAP);
    Router router = team.router(Team.config(Strategy.CONVERSION), 17);

    int toNew = 0;
    for (int lead = 0; lead < LEADS; lead++) {
      Assignment a = (Assignment) router.route(LeadToRoute.fresh(lead, "chat", 5), team.managers);
      if (a.managerId() == 6) {
        toNew++;
      }
    }

    double relative = toNew / (LEADS / 6.0);
    assertThat(relative).isBetween(low, high);
  }

  @ParameterizedTest(name = "{0} managers")
  @ValueSource(ints = {1, 2, 3, 7, 50, 333})
  void roundRobinIsEven(int n) {
    Team team = new Team(50);
    SplittableRandom random = new SplittableRandom(n);
    for (int i = 0; i < n; i++) {
      team.add(1000 + random.nextInt(1_000_000) * 7L + i, random.nextInt(10), random.nextInt(10), 0, NO_CAP);
    }
    Router router = team.router(Team.config(Strategy.ROUND_ROBIN), 1);
    Map<Long, Integer> got = new HashMap<>();

    for (int lead = 0; lead < LEADS; lead++) {
      Collections.shuffle(team.managers, new java.util.Random(lead)); // list order must not matter
      Assignment a = (Assignment) router.route(LeadToRoute.fresh(lead, "chat", 5), team.managers);
      got.merge(a.managerId(), 1, Integer::sum);
      assertThat(Collections.max(got.values()) - (got.size() < n ? 0 : Collections.min(got.values())))
          .isLessThanOrEqualTo(1);
    }
    assertThat(got).hasSize(n);
  }

  @Test
  void roundRobinResumesFromARestoredCursor() {
    Team team = new Team(50).add(30, 0, 0, 0, NO_CAP).add(10, 0, 0, 0, NO_CAP).add(20, 0, 0, 0, NO_CAP);
    Router first = team.router(Team.config(Strategy.ROUND_ROBIN), 1);
    List<Long> order = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      order.add(((Assignment) first.route(LeadToRoute.fresh(i, "chat", 1), team.managers)).managerId());
    }
    assertThat(order).containsExactly(10L, 20L, 30L, 10L);

    Router restarted = team.router(Team.config(Strategy.ROUND_ROBIN), 2);
    restarted.restoreRoundRobinCursor(first.roundRobinCursor());
    team.add(15, 0, 0, 0, NO_CAP); // joins mid-cycle and gets their turn by id
    team.set(team.get(20).withState(ManagerState.PAUSED));

    List<Long> next = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      next.add(((Assignment) restarted.route(LeadToRoute.fresh(i, "chat", 1), team.managers)).managerId());
    }
    assertThat(next).containsExactly(15L, 30L, 10L, 15L);
  }

  /** Ratings 0.10 .. 0.77 by id; leads scored as the sum of four 1-5 criteria. */
  @ParameterizedTest(name = "{0} managers, seed {1}")
  @CsvSource({"3, 1", "10, 2", "20, 3", "40, 4"})
  void bestToBestPairsTheBestLeadsWithTheBestManagers(int n, long seed) {
    Team team = new Team(0);
    for (int i = 0; i < n; i++) {
      int wonPercent = 10 + (67 * i) / Math.max(1, n - 1);
      team.add(i + 1, wonPercent, 100 - wonPercent, 0, NO_CAP);
    }
    Router router = team.router(Team.config(Strategy.BEST_TO_BEST), seed);
    SplittableRandom random = new SplittableRandom(seed);
    double[] cdf = scoreCdf(); // cdf[s] = P(score <= s)
    long[] scoreSum = new long[n];
    int[] count = new int[n];
    int checked = 0;

    for (int lead = 0; lead < LEADS; lead++) {
      int score = 0;
      for (int c = 0; c < 4; c++) {
        score += 1 + random.nextInt(5);
      }
      Assignment a = (Assignment) router.route(LeadToRoute.fresh(lead, "web_form", score), team.managers);
      int rank = n - (int) a.managerId(); // 0 = best rated
      scoreSum[rank] += score;
      count[rank]++;
      if (lead >= 1_000) { // once the score window is full: rank lies in the band of the true percentile
        int bestRank = (int) Math.floor((1 - cdf[score]) * n);
        int worstRank = (int) Math.floor((1 - cdf[score - 1]) * n);
        assertThat(rank).as("lead %d score %d", lead, score).isBetween(bestRank - 2, worstRank + 2);
        checked++;
      }
    }

    assertThat(checked).isEqualTo(LEADS - 1_000);
    double top = (double) scoreSum[0] / count[0];
    double bottom = (double) scoreSum[n - 1] / count[n - 1];
    assertThat(top).isGreaterThan(bottom + 2);
    for (int r = 1; r < n; r++) { // mean lead score never rises as the rating falls (beyond noise)
      assertThat((double) scoreSum[r] / count[r]).isLessThanOrEqualTo((double) scoreSum[r - 1] / count[r - 1] + 0.35);
    }
    for (int r = 0; r < n; r++) { // and volumes stay about equal
      assertThat((double) count[r] / LEADS).isCloseTo(1.0 / n, within(0.35 / n + 0.01));
    }
  }

  /** P(sum of four uniform 1..5 <= s) for s = 0..20. */
  private static double[] scoreCdf() {
    double[] p = new double[21];
    for (int a = 1; a <= 5; a++) {
      for (int b = 1; b <= 5; b++) {
        for (int c = 1; c <= 5; c++) {
          for (int d = 1; d <= 5; d++) {
            p[a + b + c + d] += 1 / 625.0;
          }
        }
      }
    }
    for (int s = 1; s < p.length; s++) {
      p[s] += p[s - 1];
    }
    return p;
  }

  @Test
  void bestToBestSendsEachScoreTierToItsManagerTier() {
    Team team = new Team(0).add(1, 10, 90, 0, NO_CAP).add(2, 50, 50, 0, NO_CAP).add(3, 90, 10, 0, NO_CAP);
    Router router = team.router(Team.config(Strategy.BEST_TO_BEST), 5);
    for (int lead = 0; lead < 999; lead++) { // fill the score window with equal thirds
      router.route(LeadToRoute.fresh(lead, "web_form", 1 + lead % 3), team.managers);
    }
    for (int lead = 0; lead < 300; lead++) {
      int score = 1 + lead % 3;
      Assignment a = (Assignment) router.route(LeadToRoute.fresh(lead, "web_form", score), team.managers);
      assertThat(a.managerId()).as("score %d", score).isEqualTo(score); // 3 -> best (id 3), 1 -> worst (id 1)
      assertThat(a.why().candidates()).extracting(Candidate::managerId).containsExactly(3L, 2L, 1L);
    }
  }

  static Stream<Arguments> minConversionCases() {
    return Stream.of(
        // threshold, minDecided, managers {won, lost}..., ids that must get no lead, fallback expected
        Arguments.of(0.2, 30, new int[][] {{5, 95}, {40, 60}, {50, 50}}, List.of(1L), false),
        Arguments.of(0.2, 30, new int[][] {{1, 9}, {40, 60}, {50, 50}}, List.of(), false),   // too little data
        Arguments.of(0.2, 0, new int[][] {{0, 0}, {40, 60}, {50, 50}}, List.of(), false),    // new one: avg 0.3
        Arguments.of(0.35, 30, new int[][] {{10, 90}, {30, 70}, {50, 50}}, List.of(1L, 2L), false),
        Arguments.of(0.9, 30, new int[][] {{10, 90}, {30, 70}, {50, 50}}, List.of(1L, 2L), true),
        Arguments.of(0.9, 500, new int[][] {{10, 90}, {30, 70}, {50, 50}}, List.of(), false)); // nobody judged
  }

  @ParameterizedTest(name = "threshold {0}, min decided {1}: no leads for {3}, fallback {4}")
  @MethodSource("minConversionCases")
  void minConversionExcludesOnlyProvenWeakManagers(
      double threshold, int minDecided, int[][] records, List<Long> starved, boolean fallback) {
    Team team = new Team(10);
    for (int i = 0; i < records.length; i++) {
      team.add(i + 1, records[i][0], records[i][1], 0, NO_CAP);
    }
    Router router = team.router(Team.minConversion(threshold, minDecided), 3);
    Map<Long, Integer> got = new HashMap<>();

    for (int lead = 0; lead < 3_000; lead++) {
      Assignment a = (Assignment) router.route(LeadToRoute.fresh(lead, "chat", 5), team.managers);
      got.merge(a.managerId(), 1, Integer::sum);
      assertThat(a.why().reason().contains("fell back to the highest-rated")).isEqualTo(fallback);
    }

    for (long id = 1; id <= records.length; id++) {
      if (starved.contains(id) || (fallback && id != records.length)) {
        assertThat(got).doesNotContainKey(id);
      } else if (!fallback) { // the rest share equally, in turn
        assertThat(got.get(id)).isEqualTo(3_000 / (records.length - starved.size()));
      }
    }
    if (fallback) {
      assertThat(got).containsOnlyKeys((long) records.length); // the highest-rated
    }
  }

  @Test
  void tiesAreBrokenStablyAndFairly() {
    Team team = new Team(10);
    for (long id = 1; id <= 4; id++) {
      team.add(id, 10, 10, 3, NO_CAP); // identical record and load
    }
    Router leastLoaded = team.router(Team.config(Strategy.LEAST_LOADED), 1);
    Router conversion = team.router(Team.config(Strategy.CONVERSION), 1);
    Map<Long, Integer> byConversion = new HashMap<>();
    List<Long> byLoad = new ArrayList<>();

    for (int lead = 0; lead < 8; lead++) {
      Assignment a = (Assignment) leastLoaded.route(LeadToRoute.fresh(lead, "chat", 5), team.managers);
      byLoad.add(a.managerId());
      team.assign(a.managerId());
    }
    for (int lead = 0; lead < LEADS; lead++) {
      Assignment a = (Assignment) conversion.route(LeadToRoute.fresh(lead, "chat", 5), team.managers);
      byConversion.merge(a.managerId(), 1, Integer::sum);
    }

    assertThat(byLoad).containsExactly(1L, 2L, 3L, 4L, 1L, 2L, 3L, 4L);
    assertThat(byConversion.values()).allSatisfy(c -> assertThat(c / (double) LEADS).isCloseTo(0.25, within(0.02)));
  }

  @Test
  void decisionsExplainThemselves() {
    Team team = new Team(0).add(1, 31, 69, 4, 10).add(2, 10, 90, 1, 10).add(3, 20, 80, 2, 10);
    Router router = team.router(Team.config(Strategy.CONVERSION), 1);
    Assignment a;
    do {
      a = (Assignment) router.route(LeadToRoute.fresh(1, "chat", 5), team.managers);
    } while (a.managerId() != 1);

    assertThat(a.why().reason())
        .isEqualTo("conversion: chose m1 (rating 0.31, 4/10 deals) with weight 0.31 (share 51%) among 3 eligible");
    assertThat(a.why().candidates()).extracting(Candidate::managerId, Candidate::won, Candidate::lost,
            Candidate::activeDeals)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(1L, 31, 69, 4),
            org.assertj.core.groups.Tuple.tuple(2L, 10, 90, 1), org.assertj.core.groups.Tuple.tuple(3L, 20, 80, 2));
  }

  @Test
  void leastLoadedTakesTheFewestDeals() {
    Team team = new Team(10).add(1, 5, 5, 7, 10).add(2, 5, 5, 2, 10).add(3, 5, 5, 4, 10);

    Assignment a = (Assignment) team.router(Team.config(Strategy.LEAST_LOADED), 1)
        .route(LeadToRoute.fresh(1, "chat", 5), team.managers);

    assertThat(a.managerId()).isEqualTo(2);
    assertThat(a.why().reason()).isEqualTo(
        "least_loaded: chose m2 (rating 0.50, 2/10 deals) with the fewest deals in work among 3 eligible");
  }
}
