package ru.dozvon.routing;

import ru.dozvon.support.MovableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConversionRatingTest {

  private static final Instant DAY0_NOON = Instant.parse("2025-01-01T12:00:00Z");

  /** Manager 1 has won/lost; manager 2 (the rest of the team) has teamWon/teamLost. */
  @ParameterizedTest(name = "{0}/{1} with team {2}/{3}, k={4} -> {5}")
  @CsvSource({
      // won, lost, otherWon, otherLost, k, expected = (won + k*avg) / (won + lost + k)
      "0, 0, 30, 70, 10, 0.30",        // no data: the team average
      "2, 0, 28, 70, 10, 0.4166667",   // avg 0.30: (2 + 3) / 12
      "0, 2, 30, 68, 10, 0.25",        // (0 + 3) / 12
      "1, 1, 29, 69, 10, 0.3333333",   // (1 + 3) / 12
      "50, 50, 0, 0, 10, 0.5",         // only manager: avg 0.5, (50 + 5) / 110
      "10, 0, 0, 0, 0, 1.0",           // k = 0: raw conversion
      "0, 0, 5, 5, 0, 0.5",            // k = 0 and no data: the team average
      "3, 1, 27, 69, 100, 0.3173077",  // avg 0.30: (3 + 30) / 104
      "0, 0, 0, 0, 10, 0.0",           // nobody decided anything yet
  })
  void smoothsTowardTheTeamAverage(int won, int lost, int otherWon, int otherLost, double k, double expected) {
    MovableClock clock = new MovableClock(DAY0_NOON);
    ConversionRating r = new ConversionRating(clock, 90, k);
    record(r, 1, won, lost, DAY0_NOON);
    record(r, 2, otherWon, otherLost, DAY0_NOON);
    long teamWon = won + otherWon;
    long teamDecided = won + lost + otherWon + otherLost;
    double avg = teamDecided == 0 ? 0 : (double) teamWon / teamDecided;
    double independent = won + lost + k == 0 ? avg : (won + k * avg) / (won + lost + k);

    ManagerRating rating = r.rating(1);

    assertThat(rating.value()).isCloseTo(expected, within(1e-6)).isCloseTo(independent, within(1e-9));
    assertThat(rating.won()).isEqualTo(won);
    assertThat(rating.lost()).isEqualTo(lost);
    assertThat(r.teamAverage()).isCloseTo(avg, within(1e-12));
  }

  /** An event on day 0 counts through the last second of day windowDays-1 and is gone at midnight. */
  @ParameterizedTest(name = "window {0}d, clock at {1}: counted={2}")
  @CsvSource({
      "90, 2025-01-01T12:00:00Z, true",
      "90, 2025-01-01T23:59:59Z, true",
      "90, 2025-03-31T23:59:59Z, true",   // day 89
      "90, 2025-04-01T00:00:00Z, false",  // day 90
      "90, 2026-01-01T00:00:00Z, false",
      "1, 2025-01-01T23:59:59Z, true",
      "1, 2025-01-02T00:00:00Z, false",
      "7, 2025-01-07T18:00:00Z, true",
      "7, 2025-01-08T00:00:01Z, false",
  })
  void eventsLeaveTheWindowAsTheClockMoves(int windowDays, String clockAt, boolean counted) {
    MovableClock clock = new MovableClock(DAY0_NOON);
    ConversionRating r = new ConversionRating(clock, windowDays, 0);
    r.recordWin(7, DAY0_NOON);
    r.recordLoss(8, DAY0_NOON);
    assertThat(r.rating(7).won()).isEqualTo(1); // seen before moving: expiry must really subtract

    clock.set(Instant.parse(clockAt));

    assertThat(r.rating(7).won()).isEqualTo(counted ? 1 : 0);
    assertThat(r.rating(8).lost()).isEqualTo(counted ? 1 : 0);
    assertThat(r.teamDecided()).isEqualTo(counted ? 2 : 0);
  }

  @ParameterizedTest(name = "event {0} days before now is counted: {1}")
  @CsvSource({"0, true", "1, true", "89, true", "90, false", "400, false"})
  void eventsOlderThanTheWindowAreIgnored(int daysAgo, boolean counted) {
    MovableClock clock = new MovableClock(Instant.parse("2025-06-01T10:00:00Z"));
    ConversionRating r = new ConversionRating(clock, 90, 5);

    boolean accepted = r.recordWin(1, clock.instant().minus(Duration.ofDays(daysAgo)));

    assertThat(accepted).isEqualTo(counted);
    assertThat(r.rating(1).won()).isEqualTo(counted ? 1 : 0);
  }

  /** Incremental totals equal a full recount of the window after any sequence of events and clock moves. */
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 42, 2025})
  void incrementalTotalsMatchARecount(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    MovableClock clock = new MovableClock(DAY0_NOON);
    int window = 1 + random.nextInt(30);
    ConversionRating r = new ConversionRating(clock, window, 8);
    List<Object[]> log = new ArrayList<>(); // {managerId, instant, won}
    for (int step = 0; step < 5_000; step++) {
      if (random.nextInt(10) == 0) {
        clock.advance(Duration.ofMinutes(random.nextInt(3 * 24 * 60)));
      }
      long manager = random.nextInt(6);
      Instant at = clock.instant().minus(Duration.ofHours(random.nextInt(24 * (window + 3))));
      boolean won = random.nextInt(3) == 0;
      boolean accepted = won ? r.recordWin(manager, at) : r.recordLoss(manager, at);
      if (accepted) {
        log.add(new Object[] {manager, at, won});
      }
      if (step % 250 == 0) {
        assertMatchesRecount(r, log, clock.instant(), window);
      }
    }
    assertMatchesRecount(r, log, clock.instant(), window);
  }

  private static void assertMatchesRecount(ConversionRating r, List<Object[]> log, Instant now, int window) {
    long today = Math.floorDiv(now.getEpochSecond(), 86_400);
    for (long m = 0; m < 6; m++) {
      int won = 0;
      int lost = 0;
      for (Object[] e : log) {
        long day = Math.floorDiv(((Instant) e[1]).getEpochSecond(), 86_400);
        if ((long) e[0] == m && day > today - window) {
          if ((boolean) e[2]) {
            won++;
          } else {
            lost++;
          }
        }
      }
      assertThat(r.rating(m).won()).as("won by %d", m).isEqualTo(won);
      assertThat(r.rating(m).lost()).as("lost by %d", m).isEqualTo(lost);
    }
  }

  @Test
  void aNewManagerWithTwoDealsStaysNearTheTeamAverage() {
    MovableClock clock = new MovableClock(DAY0_NOON);
    ConversionRating r = new ConversionRating(clock, 90, 50);
    record(r, 1, 60, 140, DAY0_NOON); // team at 0.30
    record(r, 2, 2, 0, DAY0_NOON);
    record(r, 3, 0, 2, DAY0_NOON);

    assertThat(r.rating(2).value()).isBetween(0.30, 0.34);
    assertThat(r.rating(3).value()).isBetween(0.26, 0.30);
  }

  @ParameterizedTest
  @CsvSource({"0, 1", "-1, 1", "90, -0.5", "90, NaN", "90, Infinity"})
  void refusesNonsenseSettings(int window, double k) {
    assertThatThrownBy(() -> new ConversionRating(new MovableClock(DAY0_NOON), window, k))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static void record(ConversionRating r, long id, int won, int lost, Instant at) {
    for (int i = 0; i < won; i++) {
      r.recordWin(id, at);
    }
    for (int i = 0; i < lost; i++) {
      r.recordLoss(id, at);
    }
  }
}
