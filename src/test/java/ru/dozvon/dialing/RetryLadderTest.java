package ru.dozvon.dialing;

import ru.dozvon.support.MovableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static ru.dozvon.dialing.Fixtures.at;
import static ru.dozvon.dialing.Fixtures.local;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import ru.dozvon.phone.PhoneNumber;

/**
 * The whole default ladder played out on a movable clock: the policy is asked, the clock moves to
 * the due time, the attempt is placed and goes unanswered, and so on until the policy gives up.
 */
class RetryLadderTest {

  /** A call lasts this long before its outcome is known and the policy is asked again. */
  private static final Duration CALL = Duration.ofSeconds(40);

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = ';', value = {
      // case; zone; days; number; lead arrives (local); due times of attempts 1-4 (local)
      "Tuesday 11:00; Europe/Moscow; MON-FRI; LANDLINE; 2026-03-03T11:00;"
          + " 2026-03-03T11:00|2026-03-03T12:00|2026-03-04T12:00|2026-03-04T13:00",
      "Friday 18:30; Europe/Moscow; MON-FRI; LANDLINE; 2026-03-06T18:30;"
          + " 2026-03-06T18:30|2026-03-09T10:00|2026-03-10T10:00|2026-03-10T11:00",
      "eve of a holiday (4 Nov); Europe/Moscow; MON-FRI; LANDLINE; 2026-11-03T18:30;"
          + " 2026-11-03T18:30|2026-11-05T10:00|2026-11-06T10:00|2026-11-06T11:00",
      "eve of New Year holidays; Europe/Moscow; MON-FRI; LANDLINE; 2026-12-30T17:30;"
          + " 2026-12-30T17:30|2026-12-30T18:30|2027-01-11T10:00|2027-01-11T11:00",
      "at night 03:00; Europe/Moscow; MON-FRI; LANDLINE; 2026-03-03T03:00;"
          + " 2026-03-03T10:00|2026-03-03T11:00|2026-03-04T11:00|2026-03-04T12:00",
      "Saturday afternoon; Europe/Moscow; MON-FRI; LANDLINE; 2026-03-07T14:00;"
          + " 2026-03-09T10:00|2026-03-09T11:00|2026-03-10T11:00|2026-03-10T12:00",
      "Thursday 18:10; Europe/Moscow; MON-FRI; LANDLINE; 2026-03-05T18:10;"
          + " 2026-03-05T18:10|2026-03-06T10:00|2026-03-09T10:00|2026-03-09T11:00",
      "opening minute; Europe/Moscow; MON-FRI; LANDLINE; 2026-03-03T10:00;"
          + " 2026-03-03T10:00|2026-03-03T11:00|2026-03-04T11:00|2026-03-04T12:00",
      "one minute before closing; Europe/Moscow; MON-FRI; LANDLINE; 2026-03-03T18:59;"
          + " 2026-03-03T18:59|2026-03-04T10:00|2026-03-05T10:00|2026-03-05T11:00",
      "closing minute; Europe/Moscow; MON-FRI; LANDLINE; 2026-03-03T19:00;"
          + " 2026-03-04T10:00|2026-03-04T11:00|2026-03-05T11:00|2026-03-05T12:00",
      "Saturday works; Europe/Moscow; 'MON,TUE,SAT'; LANDLINE; 2026-03-03T18:30;"
          + " 2026-03-03T18:30|2026-03-07T10:00|2026-03-09T10:00|2026-03-09T11:00",
      "mobile Tuesday 11:00; Europe/Moscow; MON-FRI; MOBILE; 2026-03-03T11:00;"
          + " 2026-03-03T11:00|2026-03-03T13:00|2026-03-04T13:00|2026-03-04T15:00",
      "mobile Friday 18:30; Europe/Moscow; MON-FRI; MOBILE; 2026-03-06T18:30;"
          + " 2026-03-06T18:30|2026-03-09T10:00|2026-03-10T10:00|2026-03-10T12:00",
      "mobile Tuesday 17:30; Europe/Moscow; MON-FRI; MOBILE; 2026-03-03T17:30;"
          + " 2026-03-03T17:30|2026-03-04T10:00|2026-03-05T10:00|2026-03-05T12:00",
      "Berlin Friday 18:30 before spring forward; Europe/Berlin; MON-FRI; BERLIN_LANDLINE; 2026-03-27T18:30;"
          + " 2026-03-27T18:30|2026-03-30T10:00|2026-03-31T10:00|2026-03-31T11:00",
      "Berlin +1 day across spring forward; Europe/Berlin; MON-SUN; BERLIN_LANDLINE; 2026-03-28T12:00;"
          + " 2026-03-28T12:00|2026-03-28T13:00|2026-03-29T13:00|2026-03-29T14:00",
      "Berlin evening before spring forward; Europe/Berlin; MON-SUN; BERLIN_LANDLINE; 2026-03-28T18:30;"
          + " 2026-03-28T18:30|2026-03-29T10:00|2026-03-30T10:00|2026-03-30T11:00",
      "Berlin +1 day across fall back; Europe/Berlin; MON-SUN; BERLIN_LANDLINE; 2026-10-24T12:00;"
          + " 2026-10-24T12:00|2026-10-24T13:00|2026-10-25T13:00|2026-10-25T14:00",
      "Berlin night of fall back; Europe/Berlin; MON-SUN; BERLIN_LANDLINE; 2026-10-25T02:30;"
          + " 2026-10-25T10:00|2026-10-25T11:00|2026-10-26T11:00|2026-10-26T12:00",
      "Berlin mobile across fall back; Europe/Berlin; MON-SUN; MOBILE; 2026-10-24T17:00;"
          + " 2026-10-24T17:00|2026-10-25T10:00|2026-10-26T10:00|2026-10-26T12:00",
  })
  void wholeLadderWithoutAnswer(String name, String zone, String days, String kind, String arrives,
      String expectedDue) {
    ZoneId z = ZoneId.of(zone);
    // seed 001's 2-hour gap on mobiles: the mobile rows show how a gap larger than the ladder's steps stretches it
    RetryPolicy policy = new RetryPolicy(RetryPolicyConfig.DEFAULT, Fixtures.window(z, days), Fixtures.SEED_001);
    List<String> due = play(policy, Fixtures.number(kind), at(arrives, z), z, AttemptOutcome.NO_ANSWER);
    assertThat(due).containsExactlyElementsOf(Fixtures.split(expectedDue));
  }

  @ParameterizedTest(name = "outcome {0} four times -> lost")
  @CsvSource({"NO_ANSWER", "BUSY", "UNAVAILABLE", "FAILED"})
  void exhaustedAfterAttemptFourClosesAsLost(AttemptOutcome outcome) {
    RetryPolicy policy = new RetryPolicy(RetryPolicyConfig.DEFAULT, Fixtures.moscow(), NumberLimits.DEFAULT);
    MovableClock clock = new MovableClock(at("2026-03-03T11:00", Fixtures.MOSCOW), Fixtures.MOSCOW);
    AttemptHistory h = AttemptHistory.startedAt(clock.instant(), Fixtures.LANDLINE);
    for (int i = 1; i <= 4; i++) {
      Decision.ScheduleAttempt next = (Decision.ScheduleAttempt) policy.next(h, clock.instant());
      assertThat(next.number()).isEqualTo(i);
      assertThat(next.of()).isEqualTo(4);
      clock.moveTo(next.dueAt());
      h = h.withAttempt(clock.instant(), outcome);
      clock.advance(CALL);
    }
    assertThat(policy.next(h, clock.instant()))
        .isEqualTo(new Decision.Exhausted("не дозвонился", "Проконтролировать закрытие сделки"));
  }

  @Test
  void plusOneDayAcrossSpringForwardIsTwentyThreeHours() {
    CallingWindow w = Fixtures.window(Fixtures.BERLIN, "MON-SUN");
    Instant saturday = at("2026-03-28T13:00", Fixtures.BERLIN);
    Instant due = new RetryStep.AfterDelay(Duration.ofDays(1)).dueAfter(saturday, w);
    assertThat(Duration.between(saturday, due)).isEqualTo(Duration.ofHours(23));
    Instant october = at("2026-10-24T13:00", Fixtures.BERLIN);
    Instant due2 = new RetryStep.AfterDelay(Duration.ofHours(24)).dueAfter(october, w);
    assertThat(Duration.between(october, due2)).isEqualTo(Duration.ofHours(25));
  }

  @Test
  void moscowHasNoDaylightSavingSoOneDayIsAlwaysTwentyFourHours() {
    Instant before = at("2026-03-28T13:00", Fixtures.MOSCOW);
    Instant due = new RetryStep.AfterDelay(Duration.ofDays(1)).dueAfter(before, Fixtures.moscow());
    assertThat(Duration.between(before, due)).isEqualTo(Duration.ofHours(24));
  }

  /** Plays the ladder with every attempt ending in {@code outcome}; returns the local due times. */
  static List<String> play(RetryPolicy policy, PhoneNumber number, Instant arrives, ZoneId zone,
      AttemptOutcome outcome) {
    MovableClock clock = new MovableClock(arrives, zone);
    AttemptHistory h = AttemptHistory.startedAt(arrives, number);
    List<String> due = new ArrayList<>();
    while (policy.next(h, clock.instant()) instanceof Decision.ScheduleAttempt next) {
      assertThat(next.dueAt()).isAfterOrEqualTo(clock.instant());
      assertThat(policy.windowFor(number).isOpen(next.dueAt())).as(next.why()).isTrue();
      due.add(local(next.dueAt(), zone));
      clock.moveTo(next.dueAt());
      h = h.withAttempt(clock.instant(), outcome);
      clock.advance(CALL);
    }
    assertThat(policy.next(h, clock.instant())).isInstanceOf(Decision.Exhausted.class);
    return due;
  }
}
