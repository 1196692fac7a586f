package ru.dozvon.routing;

import ru.dozvon.managers.ManagerState;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** Rules that hold whatever the strategy (DOMAIN.md section 4). */
class RouterRulesTest {

  @ParameterizedTest
  @EnumSource(Strategy.class)
  void everyonePausedOffOrCappedLeavesTheLeadUnassigned(Strategy strategy) {
    Team team = new Team(50)
        .add(new ManagerSnapshot(1, "a", ManagerState.PAUSED, false, 0, 10))
        .add(new ManagerSnapshot(2, "b", ManagerState.ON_SHIFT, true, 0, 10))
        .add(new ManagerSnapshot(3, "c", ManagerState.OFF, false, 0, 10))
        .add(new ManagerSnapshot(4, "d", ManagerState.ON_SHIFT, false, 10, 10))
        .add(new ManagerSnapshot(5, "e", ManagerState.ON_SHIFT, false, 0, 0));

    RoutingResult result = team.router(Team.config(strategy), 1).route(LeadToRoute.fresh(1, "web_form", 10),
        team.managers);

    assertThat(result).isEqualTo(new Unassigned(strategy,
        "nobody eligible among 5 managers: 1 off shift, 1 paused, 1 paused on PBX, 2 at load cap"));
  }

  @ParameterizedTest
  @EnumSource(Strategy.class)
  void anEmptyTeamLeavesTheLeadUnassigned(Strategy strategy) {
    Team team = new Team(50);

    RoutingResult result = team.router(Team.config(strategy), 1).route(LeadToRoute.fresh(1, "chat", 3), team.managers);

    assertThat(result).isInstanceOf(Unassigned.class);
  }

  @ParameterizedTest
  @EnumSource(Strategy.class)
  void oneEligibleManagerGetsEveryLeadUntilTheCap(Strategy strategy) {
    Team team = new Team(50).add(1, 3, 7, 0, 5)
        .add(new ManagerSnapshot(2, "off", ManagerState.OFF, false, 0, 5));
    Router router = team.router(Team.config(strategy), 3);

    for (int lead = 0; lead < 5; lead++) {
      RoutingResult r = router.route(LeadToRoute.fresh(lead, "missed_call", lead), team.managers);
      assertThat(r).isInstanceOfSatisfying(Assignment.class, a -> {
        assertThat(a.managerId()).isEqualTo(1);
        assertThat(a.why().candidates()).extracting(Candidate::managerId).containsExactly(1L);
      });
      team.assign(1);
    }
    assertThat(router.route(LeadToRoute.fresh(9, "missed_call", 1), team.managers)).isInstanceOf(Unassigned.class);
  }

  @ParameterizedTest
  @EnumSource(Strategy.class)
  void aReturningCustomerGoesBackToTheirEligibleManager(Strategy strategy) {
    Team team = new Team(50).add(1, 50, 50, 9, 10).add(2, 1, 99, 0, 10).add(3, 90, 10, 0, 10);
    Router router = team.router(Team.config(strategy), 5);

    for (long previous = 1; previous <= 3; previous++) {
      RoutingResult r = router.route(new LeadToRoute(10 + previous, "missed_call", 1, previous), team.managers);
      long expected = previous;
      assertThat(r).isInstanceOfSatisfying(Assignment.class, a -> {
        assertThat(a.managerId()).isEqualTo(expected);
        assertThat(a.why().returningCustomer()).isTrue();
        assertThat(a.why().reason()).startsWith("returning customer: back to previous manager m" + expected);
      });
    }
  }

  @ParameterizedTest(name = "{0}: previous manager {1}")
  @CsvSource({
      "ROUND_ROBIN, PAUSED, false, 3, 'm1 is paused'",
      "LEAST_LOADED, ON_SHIFT, true, 3, 'm1 is paused on PBX'",
      "CONVERSION, OFF, false, 3, 'm1 is off shift'",
      "MIN_CONVERSION, ON_SHIFT, false, 10, 'm1 is at load cap'",
      "BEST_TO_BEST, PAUSED, true, 0, 'm1 is paused'",
  })
  void aReturningCustomerWhoseManagerIsUnavailableGoesToSomeoneElse(
      Strategy strategy, ManagerState state, boolean pbxPaused, int active, String why) {
    Team team = new Team(50).add(new ManagerSnapshot(1, "m1", state, pbxPaused, active, 10))
        .add(2, 5, 5, 0, 10).add(3, 6, 4, 0, 10);

    RoutingResult r = team.router(Team.config(strategy), 7).route(new LeadToRoute(1, "chat", 5, 1L), team.managers);

    assertThat(r).isInstanceOfSatisfying(Assignment.class, a -> {
      assertThat(a.managerId()).isIn(2L, 3L);
      assertThat(a.why().returningCustomer()).isFalse();
      assertThat(a.why().reason()).startsWith(strategy.configName() + ":")
          .endsWith("; returning customer, but previous manager " + why);
    });
  }

  /**
   * 10,000 leads while deals close at random and managers go on and off shift and pause: nobody is ever
   * given a lead at their cap or while unavailable; caps really bind (some leads wait).
   */
  @ParameterizedTest
  @EnumSource(Strategy.class)
  void capsAndAvailabilityHoldOverASimulatedDay(Strategy strategy) {
    SplittableRandom random = new SplittableRandom(strategy.ordinal() + 11);
    Team team = new Team(20);
    for (long id = 1; id <= 12; id++) {
      team.add(id, random.nextInt(30), random.nextInt(60), 0, 2 + random.nextInt(6));
    }
    Router router = team.router(Team.config(strategy), strategy.ordinal());
    int waited = 0;
    Map<ManagerState, Integer> assignedIn = new EnumMap<>(ManagerState.class);
    Set<Long> served = new HashSet<>();
    for (int lead = 0; lead < 10_000; lead++) {
      for (int i = 0; i < team.managers.size(); i++) { // some deals close, some managers change state
        ManagerSnapshot m = team.managers.get(i);
        if (m.activeDeals() > 0 && random.nextInt(4) == 0) {
          m = m.withActiveDeals(m.activeDeals() - 1);
        }
        if (random.nextInt(50) == 0) {
          m = m.withState(ManagerState.values()[random.nextInt(3)]);
        }
        if (random.nextInt(80) == 0) {
          m = new ManagerSnapshot(m.id(), m.name(), m.state(), !m.pbxPaused(), m.activeDeals(), m.maxActiveDeals());
        }
        team.managers.set(i, m);
      }
      Long previous = random.nextInt(5) == 0 ? (long) (1 + random.nextInt(12)) : null;
      RoutingResult r = router.route(new LeadToRoute(lead, "web_form", 4 + random.nextInt(17), previous), team.managers);
      if (r instanceof Assignment a) {
        ManagerSnapshot chosen = team.get(a.managerId());
        assertThat(chosen.activeDeals()).as("lead %d to %d", lead, a.managerId()).isLessThan(chosen.maxActiveDeals());
        assertThat(chosen.pbxPaused()).isFalse();
        assignedIn.merge(chosen.state(), 1, Integer::sum);
        served.add(a.managerId());
        team.assign(a.managerId());
      } else {
        assertThat(team.managers).noneMatch(ManagerSnapshot::eligible);
        waited++;
      }
    }
    assertThat(assignedIn).containsOnlyKeys(ManagerState.ON_SHIFT);
    assertThat(waited).as("caps and pauses must bind sometimes").isPositive();
    assertThat(served).hasSize(12);
  }

  @ParameterizedTest
  @EnumSource(Strategy.class)
  void aManagerGoingOffShiftKeepsTheirDealsButGetsNoNewLeads(Strategy strategy) {
    Team team = new Team(50).add(1, 90, 10, 4, 5).add(2, 10, 90, 0, 50).add(3, 30, 70, 0, 50);
    Router router = team.router(Team.config(strategy), 2);
    team.set(team.get(1).withState(ManagerState.OFF));

    for (int lead = 0; lead < 200; lead++) {
      RoutingResult r = router.route(new LeadToRoute(lead, "chat", lead % 20, lead % 2 == 0 ? 1L : null), team.managers);
      assertThat(r).isInstanceOfSatisfying(Assignment.class, a -> assertThat(a.managerId()).isNotEqualTo(1));
    }
    assertThat(team.get(1).activeDeals()).isEqualTo(4); // routing never takes deals away

    team.set(team.get(1).withState(ManagerState.ON_SHIFT).withActiveDeals(5)); // back, still at cap
    assertThat(router.route(new LeadToRoute(500, "chat", 1, 1L), team.managers))
        .isInstanceOfSatisfying(Assignment.class, a -> assertThat(a.managerId()).isNotEqualTo(1));

    team.set(team.get(1).withActiveDeals(4)); // one deal closed: their returning customer comes back
    assertThat(router.route(new LeadToRoute(501, "chat", 1, 1L), team.managers))
        .isInstanceOfSatisfying(Assignment.class, a -> assertThat(a.managerId()).isEqualTo(1));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "web_form, BEST_TO_BEST",
      "missed_call, ROUND_ROBIN",
      "chat, LEAST_LOADED",
      "email, LEAST_LOADED",
      "some_new_source, LEAST_LOADED",
  })
  void theStrategyComesFromTheLeadSource(String source, Strategy expected) {
    RoutingConfig d = RoutingConfig.DEFAULTS;
    RoutingConfig config = new RoutingConfig(Strategy.LEAST_LOADED,
        Map.of("web_form", Strategy.BEST_TO_BEST, "missed_call", Strategy.ROUND_ROBIN),
        d.ratingWindowDays(), d.priorStrength(), d.minConversion(), d.minDecidedDeals(), d.scoreWindow());
    Team team = new Team(50).add(1, 1, 1, 0, 3).add(2, 1, 1, 0, 3);

    RoutingResult r = team.router(config, 1).route(LeadToRoute.fresh(1, source, 5), team.managers);

    assertThat(r).isInstanceOfSatisfying(Assignment.class, a -> {
      assertThat(a.why().strategy()).isEqualTo(expected);
      assertThat(a.why().reason()).startsWith(expected.configName() + ": ").contains("chose m");
    });
  }
}
