package ru.dozvon.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import ru.dozvon.managers.ManagerState;

/**
 * The conversion strategy before there is anything to weigh: when no eligible manager has a closed deal in the
 * window (every rating is only the prior) or all are rated 0, a weighted draw would be a coin toss blind to
 * load, so the lead goes to the least loaded (ties as least_loaded breaks them), and the reason says so.
 */
class ConversionWithoutDataTest {

  private static final String NO_DATA = "conversion: no eligible manager has a closed deal in the rating window "
      + "(every rating is only the prior), so by load instead: chose ";
  private static final String ALL_ZERO = "conversion: every eligible manager's rating is 0 (no deal won in the "
      + "rating window), so by load instead: chose ";

  /**
   * Each team is {@code id:won:lost:active:max} per manager ({@code id!} is off shift); the same manager must
   * be chosen whatever the seed, with this reason.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "one deal in work against none     | 1:0:0:1:5 2:0:0:0:5               | 2 | NO_DATA | m2 (rating 0.00, 0/5 deals) with the fewest deals in work among 2 eligible",
      "the fewest of three              | 1:0:0:4:9 2:0:0:2:9 3:0:0:3:9     | 2 | NO_DATA | m2 (rating 0.00, 2/9 deals) with the fewest deals in work among 3 eligible",
      "a tie goes to the freer capacity  | 1:0:0:3:5 2:0:0:3:10              | 2 | NO_DATA | m2 (rating 0.00, 3/10 deals) with the fewest deals in work among 2 eligible (tie of 2 broken by free capacity, rating, id)",
      "then to the lower id              | 2:0:0:2:5 1:0:0:2:5               | 1 | NO_DATA | m1 (rating 0.00, 2/5 deals) with the fewest deals in work among 2 eligible (tie of 2 broken by free capacity, rating, id)",
      "data only off shift: the prior    | 1:0:0:2:5 2:0:0:1:5 3!:6:4:0:5    | 2 | NO_DATA | m2 (rating 0.60, 1/5 deals) with the fewest deals in work among 2 eligible",
      "everybody lost everything         | 1:0:5:2:5 2:0:3:1:5               | 2 | ALL_ZERO | m2 (rating 0.00, 1/5 deals) with the fewest deals in work among 2 eligible"})
  void withNothingToWeighTheLeastLoadedGetsTheLead(String what, String team, long expected, String kind,
                                                   String chose) {
    for (long seed = 0; seed < 50; seed++) {
      Team t = team(team);
      RoutingResult r = t.router(Team.config(Strategy.CONVERSION), seed).route(LeadToRoute.fresh(1, "chat", 5),
          t.managers);
      assertThat(r).as(what).isInstanceOfSatisfying(Assignment.class, a -> {
        assertThat(a.managerId()).as("%s, seed", what).isEqualTo(expected);
        assertThat(a.why().reason()).isEqualTo((kind.equals("NO_DATA") ? NO_DATA : ALL_ZERO) + chose);
        assertThat(a.why().strategy()).isEqualTo(Strategy.CONVERSION);
      });
    }
  }

  /** As soon as one eligible manager has a closed deal the ratings carry data, and the draw weighs them again. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "one win among the eligible  | 1:1:0:4:5 2:0:0:0:5",
      "one loss among the eligible | 1:0:0:0:5 2:2:1:3:5"})
  void oneClosedDealAmongTheEligibleBringsTheWeightedDrawBack(String what, String team) {
    List<Long> chosen = new ArrayList<>();
    for (long seed = 0; seed < 200; seed++) {
      Team t = team(team);
      Assignment a = (Assignment) t.router(Team.config(Strategy.CONVERSION), seed)
          .route(LeadToRoute.fresh(1, "chat", 5), t.managers);
      assertThat(a.why().reason()).as(what).startsWith("conversion: chose ").doesNotContain("by load");
      chosen.add(a.managerId());
    }
    assertThat(chosen).as("weighted, so both get leads").contains(1L, 2L);
  }

  /** Leads in a row to a fresh team spread by load, in id order, exactly as least_loaded would spread them. */
  @ParameterizedTest
  @CsvSource({"1", "7", "1234"})
  void leadsInARowToAFreshTeamSpreadEvenly(long seed) {
    Team conversion = team("1:0:0:0:5 2:0:0:0:5 3:0:0:0:5");
    Team leastLoaded = team("1:0:0:0:5 2:0:0:0:5 3:0:0:0:5");
    Router byConversion = conversion.router(Team.config(Strategy.CONVERSION), seed);
    Router byLoad = leastLoaded.router(Team.config(Strategy.LEAST_LOADED), seed);
    List<Long> got = new ArrayList<>();
    for (int lead = 0; lead < 15; lead++) {
      Assignment a = (Assignment) byConversion.route(LeadToRoute.fresh(lead, "chat", 5), conversion.managers);
      Assignment b = (Assignment) byLoad.route(LeadToRoute.fresh(lead, "chat", 5), leastLoaded.managers);
      assertThat(a.managerId()).isEqualTo(b.managerId());
      got.add(a.managerId());
      conversion.assign(a.managerId());
      leastLoaded.assign(b.managerId());
    }
    assertThat(got).containsExactly(1L, 2L, 3L, 1L, 2L, 3L, 1L, 2L, 3L, 1L, 2L, 3L, 1L, 2L, 3L);
    assertThat(byConversion.route(LeadToRoute.fresh(99, "chat", 5), conversion.managers))
        .as("everyone at the cap").isInstanceOf(Unassigned.class);
  }

  /** {@code id:won:lost:active:max} per manager, separated by spaces; {@code id!} is off shift. */
  private static Team team(String spec) {
    Team t = new Team(10);
    for (String m : spec.trim().split("\\s+")) {
      String[] p = m.split(":");
      boolean off = p[0].endsWith("!");
      long id = Long.parseLong(p[0].replace("!", ""));
      t.add(id, Integer.parseInt(p[1]), Integer.parseInt(p[2]), Integer.parseInt(p[3]), Integer.parseInt(p[4]));
      if (off) {
        t.set(t.get(id).withState(ManagerState.OFF));
      }
    }
    return t;
  }
}
