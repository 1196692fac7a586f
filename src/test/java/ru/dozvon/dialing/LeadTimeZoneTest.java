package ru.dozvon.dialing;

import static org.assertj.core.api.Assertions.assertThat;
import static ru.dozvon.dialing.Fixtures.at;

import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import ru.dozvon.phone.PhoneNumber;
import ru.dozvon.phone.PhoneNumbers;

/**
 * The calling window in the lead's own zone (DOMAIN 3, issue 12): the company is in Moscow, 10:00-19:00 MON-FRI;
 * a landline whose area code tells its zone is called in its own hours, a number that tells none (a Russian
 * mobile) in Moscow's. The whole default ladder unanswered; due times local to the lead.
 */
class LeadTimeZoneTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = ';', value = {
      // case; number; lead arrives (Moscow time); the lead's zone; due times of attempts 1-4 in the lead's zone; why tail
      "Vladivostok at 09:00 Moscow = 16:00 there; +7 423 222-33-44; 2026-03-03T09:00; Asia/Vladivostok;"
          + " 2026-03-03T16:00|2026-03-03T17:00|2026-03-04T17:00|2026-03-04T18:00;"
          + " 16:00 по времени клиента, Asia/Vladivostok",
      "Vladivostok at 14:00 Moscow = 21:00 there: next morning, 03:00 Moscow; +7 423 222-33-44; 2026-03-03T14:00;"
          + " Asia/Vladivostok; 2026-03-04T10:00|2026-03-04T11:00|2026-03-05T11:00|2026-03-05T12:00;"
          + " 10:00 по времени клиента, Asia/Vladivostok",
      "Vladivostok Friday 13:00 Moscow = 20:00 there: Monday; +7 423 222-33-44; 2026-03-06T13:00; Asia/Vladivostok;"
          + " 2026-03-09T10:00|2026-03-09T11:00|2026-03-10T11:00|2026-03-10T12:00;"
          + " 10:00 по времени клиента, Asia/Vladivostok",
      "Kaliningrad at 10:30 Moscow = 09:30 there; +7 4012 53-00-00; 2026-03-03T10:30; Europe/Kaliningrad;"
          + " 2026-03-03T10:00|2026-03-03T11:00|2026-03-04T11:00|2026-03-04T12:00;"
          + " 10:00 по времени клиента, Europe/Kaliningrad",
      "Kaliningrad at 19:30 Moscow = 18:30 there, still open; +7 4012 53-00-00; 2026-03-03T19:30; Europe/Kaliningrad;"
          + " 2026-03-03T18:30|2026-03-04T10:00|2026-03-05T10:00|2026-03-05T11:00;"
          + " 18:30 по времени клиента, Europe/Kaliningrad",
      "Moscow landline: the company's own hours; +7 495 123-45-67; 2026-03-03T09:30; Europe/Moscow;"
          + " 2026-03-03T10:00|2026-03-03T11:00|2026-03-04T11:00|2026-03-04T12:00; ",
      "Russian mobile tells no zone: Moscow's; +7 916 123-45-67; 2026-03-03T19:30; Europe/Moscow;"
          + " 2026-03-04T10:00|2026-03-04T11:00|2026-03-05T11:00|2026-03-05T12:00; ",
  })
  void ladderInTheLeadsZone(String name, String raw, String arrives, String leadZone, String expectedDue,
                            String whyTail) {
    RetryPolicy policy = new RetryPolicy(RetryPolicyConfig.DEFAULT, Fixtures.moscow(), NumberLimits.DEFAULT);
    PhoneNumber number = PhoneNumbers.parse(raw);
    ZoneId zone = ZoneId.of(leadZone);
    assertThat(policy.windowFor(number).zone()).isEqualTo(zone);

    List<String> due = RetryLadderTest.play(policy, number, at(arrives, Fixtures.MOSCOW), zone, AttemptOutcome.NO_ANSWER);
    assertThat(due).containsExactlyElementsOf(Fixtures.split(expectedDue));

    Decision.ScheduleAttempt first = (Decision.ScheduleAttempt) policy.next(
        AttemptHistory.startedAt(at(arrives, Fixtures.MOSCOW), number), at(arrives, Fixtures.MOSCOW));
    if (whyTail == null) {
      assertThat(first.why()).doesNotContain("по времени клиента");
    } else {
      assertThat(first.why()).endsWith("; " + whyTail);
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = ';', value = {
      // the daily count of a mobile runs on the lead's local day: a Minsk mobile (one zone) and a Russian one
      "Belarus mobile; +375 29 123-45-67; Europe/Minsk",
      "Russian mobile; +7 916 123-45-67; Europe/Moscow",
  })
  void mobilesOfOneZoneGetThatZone(String name, String raw, String zone) {
    RetryPolicy policy = new RetryPolicy(RetryPolicyConfig.DEFAULT, Fixtures.moscow(), NumberLimits.DEFAULT);
    assertThat(policy.windowFor(PhoneNumbers.parse(raw)).zone()).isEqualTo(ZoneId.of(zone));
  }

  /**
   * The daily count runs on the lead's day: three calls to a Californian mobile between 10:00 and 12:00 its time
   * (21:00-23:00 Moscow); 13:00 there is already the next day in Moscow, yet the fourth call waits for the lead's
   * next day.
   */
  @org.junit.jupiter.api.Test
  void theDailyLimitCountsTheLeadsLocalDay() {
    ZoneId la = ZoneId.of("America/Los_Angeles");
    PhoneNumber mobile = PhoneNumbers.parse("+1 650 253 0000");
    assertThat(mobile.kind()).isEqualTo(PhoneNumber.Kind.MOBILE);
    RetryPolicy policy = new RetryPolicy(RetryPolicyConfig.DEFAULT, Fixtures.window(Fixtures.MOSCOW, "MON-SUN"),
        NumberLimits.DEFAULT);
    AttemptHistory h = AttemptHistory.startedAt(at("2026-11-24T09:00", la), mobile)
        .withExtraCall(at("2026-11-24T10:00", la), AttemptOutcome.NO_ANSWER)
        .withExtraCall(at("2026-11-24T11:00", la), AttemptOutcome.NO_ANSWER)
        .withExtraCall(at("2026-11-24T12:00", la), AttemptOutcome.NO_ANSWER);
    Decision.ScheduleAttempt next = (Decision.ScheduleAttempt) policy.next(h, at("2026-11-24T12:30", la));
    assertThat(Fixtures.local(next.dueAt(), la)).isEqualTo("2026-11-25T10:00");
    assertThat(next.why()).contains("at most 3 calls a day").endsWith("; 10:00 по времени клиента, America/Los_Angeles");
  }
}
