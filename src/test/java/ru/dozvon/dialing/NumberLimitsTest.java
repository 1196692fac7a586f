package ru.dozvon.dialing;

import ru.dozvon.time.Durations;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static ru.dozvon.dialing.Fixtures.MOSCOW;
import static ru.dozvon.dialing.Fixtures.at;
import static ru.dozvon.dialing.Fixtures.local;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import ru.dozvon.phone.PhoneNumber;

class NumberLimitsTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = ';', value = {
      // case; max per day; min gap; calls placed (local); asked (local); allowed (local); moved by
      "no calls yet; 3; 2h; ; 2026-03-03T11:00; 2026-03-03T11:00; ",
      "gap holds; 3; 2h; 2026-03-03T09:00; 2026-03-03T11:00; 2026-03-03T11:00; ",
      "gap pushes; 3; 2h; 2026-03-03T10:00; 2026-03-03T11:00; 2026-03-03T12:00; at least 2 hours between calls",
      "gap from the latest call; 3; 2h; 2026-03-03T10:00|2026-03-03T12:30; 2026-03-03T13:00; 2026-03-03T14:30;"
          + " at least 2 hours between calls",
      "gap chain given out of order; 0; 2h; 2026-03-03T12:30|2026-03-03T11:00; 2026-03-03T12:00; 2026-03-03T14:30;"
          + " at least 2 hours between calls",
      "third call of the day allowed; 3; 2h; 2026-03-03T10:00|2026-03-03T12:00; 2026-03-03T14:00; 2026-03-03T14:00; ",
      "fourth call of the day refused; 3; 2h; 2026-03-03T10:00|2026-03-03T12:00|2026-03-03T14:00;"
          + " 2026-03-03T16:00; 2026-03-04T00:00; at most 3 calls a day",
      "yesterday's calls do not count; 3; 0m; 2026-03-02T10:00|2026-03-02T11:00|2026-03-02T12:00;"
          + " 2026-03-03T10:00; 2026-03-03T10:00; ",
      "day limit without gap; 2; 0m; 2026-03-03T10:00|2026-03-03T10:05; 2026-03-03T10:10; 2026-03-04T00:00;"
          + " at most 2 calls a day",
      "gap past midnight then the count; 1; 2h; 2026-03-03T23:00; 2026-03-03T23:30; 2026-03-04T01:00;"
          + " at least 2 hours between calls",
      "no limit; 0; 0m; 2026-03-03T10:00|2026-03-03T10:01|2026-03-03T10:02|2026-03-03T10:03; 2026-03-03T10:04;"
          + " 2026-03-03T10:04; ",
  })
  void earliestAllowed(String name, int maxPerDay, String gap, String calls, String asked, String allowed,
      String movedBy) {
    NumberLimits.Limit limit = new NumberLimits.Limit(maxPerDay, Durations.parse(gap));
    List<Instant> placed = Fixtures.split(calls == null ? "" : calls).stream().map(c -> at(c, MOSCOW)).toList();
    NumberLimits.Check check = limit.earliestAllowed(at(asked, MOSCOW), placed, MOSCOW);
    assertThat(local(check.at(), MOSCOW)).isEqualTo(allowed);
    assertThat(check.movedBy()).isEqualTo(movedBy);
    assertThat(check.moved()).isEqualTo(movedBy != null);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = ';', value = {
      // A dense ladder (now, then every 10 minutes) shows the limits alone.
      "mobile: 3 a day, 2 hours apart; MOBILE; 2026-03-03T10:00;"
          + " 2026-03-03T10:00|2026-03-03T12:00|2026-03-03T14:00|2026-03-04T10:00|2026-03-04T12:00"
          + "|2026-03-04T14:00|2026-03-05T10:00",
      "mobile from the afternoon; MOBILE; 2026-03-03T15:30;"
          + " 2026-03-03T15:30|2026-03-03T17:30|2026-03-04T10:00|2026-03-04T12:00|2026-03-04T14:00"
          + "|2026-03-05T10:00|2026-03-05T12:00",
      "mobile on a Friday; MOBILE; 2026-03-06T13:00;"
          + " 2026-03-06T13:00|2026-03-06T15:00|2026-03-06T17:00|2026-03-09T10:00|2026-03-09T12:00"
          + "|2026-03-09T14:00|2026-03-10T10:00",
      "landline exempt; LANDLINE; 2026-03-03T10:00;"
          + " 2026-03-03T10:00|2026-03-03T10:10|2026-03-03T10:20|2026-03-03T10:30|2026-03-03T10:40"
          + "|2026-03-03T10:50|2026-03-03T11:00",
      "landline exempt but not from calling hours; LANDLINE; 2026-03-03T18:40;"
          + " 2026-03-03T18:40|2026-03-03T18:50|2026-03-04T10:00|2026-03-04T10:10|2026-03-04T10:20"
          + "|2026-03-04T10:30|2026-03-04T10:40",
  })
  void limitsOnADenseLadder(String name, String kind, String arrives, String expected) {
    List<RetryStep> steps = new ArrayList<>();
    steps.add(new RetryStep.AfterDelay(Duration.ZERO));
    steps.addAll(Collections.nCopies(6, new RetryStep.AfterDelay(Duration.ofMinutes(10))));
    RetryPolicy policy = new RetryPolicy(new RetryPolicyConfig(steps, "не дозвонился", "Проконтролировать закрытие сделки"),
        Fixtures.moscow(), Fixtures.SEED_001);
    List<String> due = RetryLadderTest.play(policy, Fixtures.number(kind), at(arrives, MOSCOW), MOSCOW,
        AttemptOutcome.BUSY);
    assertThat(due).containsExactlyElementsOf(Fixtures.split(expected));
  }

  @Test
  void fourthCallOfTheDayWhyNamesTheDailyLimitAndTheWindow() {
    RetryPolicy policy = new RetryPolicy(new RetryPolicyConfig(
        Collections.nCopies(4, new RetryStep.AfterDelay(Duration.ofMinutes(10))), "не дозвонился", "контроль"),
        Fixtures.moscow(), Fixtures.SEED_001);
    AttemptHistory h = AttemptHistory.startedAt(at("2026-03-03T09:50", MOSCOW), Fixtures.MOBILE)
        .withAttempt(at("2026-03-03T10:00", MOSCOW), AttemptOutcome.NO_ANSWER)
        .withAttempt(at("2026-03-03T12:00", MOSCOW), AttemptOutcome.NO_ANSWER)
        .withAttempt(at("2026-03-03T14:00", MOSCOW), AttemptOutcome.NO_ANSWER);
    Decision.ScheduleAttempt s = (Decision.ScheduleAttempt) policy.next(h, at("2026-03-03T14:01", MOSCOW));
    assertThat(local(s.dueAt(), MOSCOW)).isEqualTo("2026-03-04T10:00");
    assertThat(s.why()).isEqualTo("attempt 4 of 4: 10 minutes after attempt 3, moved to Wed 10:00 by the mobile"
        + " limit (at most 3 calls a day) and calling hours");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({"MOBILE, 3", "FIXED_LINE, 0", "OTHER, 3"})
  void defaultsByKind(PhoneNumber.Kind kind, int perDay) {
    assertThat(NumberLimits.DEFAULT.forKind(kind).maxPerDay()).isEqualTo(perDay);
  }

  @Test
  void refusesNegativeLimits() {
    assertThatThrownBy(() -> new NumberLimits.Limit(-1, Duration.ZERO)).hasMessageContaining("maxPerDay");
    assertThatThrownBy(() -> new NumberLimits.Limit(1, Duration.ofHours(-1))).hasMessageContaining("minGap");
  }
}
