package ru.dozvon.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A decision retried because the chosen manager's locked row showed them full (the snapshot was stale) ends
 * where a decision on the fresh snapshot would have: same manager, same round-robin cursor.
 */
class RerouteTest {

  @ParameterizedTest(name = "{0}: cursor {1}, really full {2}")
  @CsvSource({
      "ROUND_ROBIN, 0, 1",
      "ROUND_ROBIN, 0, 1;2",
      "ROUND_ROBIN, 2, 3;4;5",
      "ROUND_ROBIN, 5, 1",
      "ROUND_ROBIN, 3, 4;5;1",
      "ROUND_ROBIN, 1, 2;3;4;5;1",
      "ROUND_ROBIN, 4, ''",
      "MIN_CONVERSION, 0, 1",
      "MIN_CONVERSION, 2, 3;4",
      "MIN_CONVERSION, 5, 1;2;3;4;5",
      "LEAST_LOADED, 0, 1",
      "LEAST_LOADED, 0, 1;2;3",
  })
  void aRetriedDecisionEndsLikeADecisionOnTheFreshSnapshot(Strategy strategy, long cursor, String fullIds) {
    Set<Long> full = fullIds.isEmpty() ? Set.of()
        : Arrays.stream(fullIds.split(";")).map(Long::parseLong).collect(Collectors.toSet());
    Team stale = new Team(50);
    Team fresh = new Team(50);
    for (long id = 1; id <= 5; id++) {
      stale.add(id, 0, 0, (int) id, 10);
      fresh.add(id, 0, 0, full.contains(id) ? 10 : (int) id, 10);
    }
    LeadToRoute lead = LeadToRoute.fresh(7, "missed_call", 0);
    Router retried = stale.router(Team.config(strategy), 1);
    retried.restoreRoundRobinCursor(cursor);
    Router direct = fresh.router(Team.config(strategy), 1);
    direct.restoreRoundRobinCursor(cursor);

    RoutingResult expected = direct.route(lead, fresh.managers);

    List<ManagerSnapshot> known = new ArrayList<>(stale.managers);
    long before = retried.roundRobinCursor();
    RoutingResult result = retried.route(lead, known);
    int decisions = 1;
    while (result instanceof Assignment a && full.contains(a.managerId())) {
      known.set(stale.indexOf(a.managerId()), fresh.managers.get(fresh.indexOf(a.managerId())));
      retried.undoTurn(before, a.managerId());
      before = retried.roundRobinCursor();
      result = retried.reroute(lead, known);
      decisions++;
    }

    assertThat(decisions).isLessThanOrEqualTo(6);
    assertThat(chosen(result)).isEqualTo(chosen(expected));
    assertThat(retried.roundRobinCursor()).isEqualTo(direct.roundRobinCursor());
  }

  @ParameterizedTest(name = "cursor {0}, rejected {1}, moved meanwhile to {2}")
  @CsvSource({
      "0, 1, 3",
      "2, 3, 4",
      "5, 1, 2",
  })
  void aTurnTakenMeanwhileByAnotherDecisionIsKept(long before, long rejected, long movedTo) {
    Router router = new Team(50).router(Team.config(Strategy.ROUND_ROBIN), 1);
    router.restoreRoundRobinCursor(movedTo);

    router.undoTurn(before, rejected);

    assertThat(router.roundRobinCursor()).isEqualTo(movedTo);
  }

  private static Long chosen(RoutingResult r) {
    return r instanceof Assignment a ? a.managerId() : null;
  }
}
