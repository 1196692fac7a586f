package ru.dozvon.dialing;

import ru.dozvon.deals.ContactChannel;
import static org.assertj.core.api.Assertions.assertThat;
import static ru.dozvon.dialing.Fixtures.MOSCOW;
import static ru.dozvon.dialing.Fixtures.at;
import static ru.dozvon.dialing.Fixtures.local;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import ru.dozvon.phone.PhoneNumber;

/** Stops, repeated missed calls, late decisions and the readable why, one history per row. */
class RetryPolicyRulesTest {

  private final RetryPolicy policy =
      new RetryPolicy(RetryPolicyConfig.DEFAULT, Fixtures.moscow(), NumberLimits.DEFAULT);

  /**
   * Builds a history from "event@local-time" items separated by '|': an outcome name for an
   * attempt, MISSED for a missed call, or a ContactChannel name prefixed with "CONTACT_".
   */
  static AttemptHistory history(String arrives, PhoneNumber number, String events) {
    AttemptHistory h = AttemptHistory.startedAt(at(arrives, MOSCOW), number);
    for (String item : Fixtures.split(events)) {
      String[] parts = item.split("@");
      Instant t = at(parts[1], MOSCOW);
      if (parts[0].equals("MISSED")) {
        h = h.withMissedCall(t);
      } else if (parts[0].startsWith("CONTACT_")) {
        h = h.withContact(t, ContactChannel.valueOf(parts[0].substring("CONTACT_".length())));
      } else if (parts[0].startsWith("X_")) {
        h = h.withExtraCall(t, AttemptOutcome.valueOf(parts[0].substring(2)));
      } else {
        h = h.withAttempt(t, AttemptOutcome.valueOf(parts[0]));
      }
    }
    return h;
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = ';', value = {
      // case; events; now; expected why
      "reached on attempt 1; REACHED@2026-03-03T11:00; 2026-03-03T11:05; attempt 1 reached the lead at Tue 11:00",
      "reached on attempt 3; NO_ANSWER@2026-03-03T11:00|BUSY@2026-03-03T12:00|REACHED@2026-03-04T12:00;"
          + " 2026-03-04T12:05; attempt 3 reached the lead at Wed 12:00",
      "reached on attempt 4; NO_ANSWER@2026-03-03T11:00|BUSY@2026-03-03T12:00|NO_ANSWER@2026-03-04T12:00"
          + "|REACHED@2026-03-04T13:00; 2026-03-04T13:05; attempt 4 reached the lead at Wed 13:00",
      "called back between attempts 1 and 2; NO_ANSWER@2026-03-03T11:00|CONTACT_ANSWERED_INBOUND_CALL@2026-03-03T11:30;"
          + " 2026-03-03T11:31; the lead made contact (called back, answered) at Tue 11:30",
      "replied by email overnight; NO_ANSWER@2026-03-03T11:00|NO_ANSWER@2026-03-03T12:00|CONTACT_EMAIL@2026-03-03T23:10;"
          + " 2026-03-04T09:00; the lead made contact (replied by email) at Tue 23:10",
      "replied in chat; NO_ANSWER@2026-03-03T11:00|CONTACT_CHAT@2026-03-03T11:10; 2026-03-03T11:11;"
          + " the lead made contact (replied in chat) at Tue 11:10",
      "replied in a messenger; NO_ANSWER@2026-03-03T11:00|CONTACT_MESSENGER@2026-03-03T11:10; 2026-03-03T11:11;"
          + " the lead made contact (replied in a messenger) at Tue 11:10",
      "replied by SMS; CONTACT_SMS@2026-03-03T11:01; 2026-03-03T11:02; the lead made contact (replied by SMS) at Tue 11:01",
      "contact before attempt 1; CONTACT_OTHER@2026-03-03T11:01; 2026-03-03T11:02; the lead made contact (replied) at Tue 11:01",
      "contact after the last attempt; NO_ANSWER@2026-03-03T11:00|NO_ANSWER@2026-03-03T12:00|NO_ANSWER@2026-03-04T12:00"
          + "|NO_ANSWER@2026-03-04T13:00|CONTACT_ANSWERED_INBOUND_CALL@2026-03-04T13:30; 2026-03-04T13:31;"
          + " the lead made contact (called back, answered) at Wed 13:30",
  })
  void contactStopsTheChain(String name, String events, String now, String why) {
    Decision d = policy.next(history("2026-03-03T11:00", Fixtures.MOBILE, events), at(now, MOSCOW));
    assertThat(d).isEqualTo(new Decision.Stop(why));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = ';', value = {
      // case; number; arrived; events; now; attempt no; due (local); why
      "first attempt right away; LANDLINE; 2026-03-03T11:00; ; 2026-03-03T11:00; 1; 2026-03-03T11:00;"
          + " attempt 1 of 4: right away",
      "second attempt an hour later; LANDLINE; 2026-03-03T11:00; NO_ANSWER@2026-03-03T11:00; 2026-03-03T11:01;"
          + " 2; 2026-03-03T12:00; attempt 2 of 4: 1 hour after attempt 1",
      "third attempt, the issue's example; LANDLINE; 2026-03-05T11:00; NO_ANSWER@2026-03-05T11:00"
          + "|NO_ANSWER@2026-03-06T12:00; 2026-03-06T12:01; 3; 2026-03-09T10:00;"
          + " attempt 3 of 4: 1 day after attempt 2, moved to Mon 10:00 by calling hours",
      "night arrival; LANDLINE; 2026-03-03T03:00; ; 2026-03-03T03:00; 1; 2026-03-03T10:00;"
          + " attempt 1 of 4: right away, moved to Tue 10:00 by calling hours",
      "the mobile gap keeps the ladder's hour; MOBILE; 2026-03-03T11:00; NO_ANSWER@2026-03-03T11:00; 2026-03-03T11:01;"
          + " 2; 2026-03-03T12:00; attempt 2 of 4: 1 hour after attempt 1",
      "mobile gap late on Friday; MOBILE; 2026-03-06T17:30; NO_ANSWER@2026-03-06T17:30; 2026-03-06T17:31; 2;"
          + " 2026-03-06T18:30; attempt 2 of 4: 1 hour after attempt 1",
      "mobile limit after a call outside the ladder; MOBILE; 2026-03-03T11:00; NO_ANSWER@2026-03-03T11:00"
          + "|X_BUSY@2026-03-03T11:30; 2026-03-03T11:31; 2; 2026-03-03T12:30; attempt 2 of 4: 1 hour after attempt 1,"
          + " moved to Tue 12:30 by the mobile limit (at least 1 hour between calls)",
      "landline has no gap; LANDLINE; 2026-03-06T17:30; NO_ANSWER@2026-03-06T17:30; 2026-03-06T17:31; 2;"
          + " 2026-03-06T18:30; attempt 2 of 4: 1 hour after attempt 1",
      "can't talk: called again later by default; LANDLINE; 2026-03-03T11:00; NO_ANSWER@2026-03-03T11:00"
          + "|REACHED_CALL_LATER@2026-03-03T12:00; 2026-03-03T12:02; 1; 2026-03-03T15:00;"
          + " attempt 1 of 4: 3 hours after the lead asked to be called later",
      "missed call mid-chain is due now; LANDLINE; 2026-03-03T11:00; NO_ANSWER@2026-03-03T11:00"
          + "|MISSED@2026-03-03T11:20; 2026-03-03T11:20; 2; 2026-03-03T11:20;"
          + " attempt 2 of 4: the lead called again at Tue 11:20 and was missed",
      "missed call waives the mobile gap; MOBILE; 2026-03-03T11:00; NO_ANSWER@2026-03-03T11:00"
          + "|MISSED@2026-03-03T11:20; 2026-03-03T11:20; 2; 2026-03-03T11:20;"
          + " attempt 2 of 4: the lead called again at Tue 11:20 and was missed",
      "missed call at night waits for the window; LANDLINE; 2026-03-03T11:00; NO_ANSWER@2026-03-03T11:00"
          + "|NO_ANSWER@2026-03-03T12:00|MISSED@2026-03-03T20:30; 2026-03-03T20:30; 3; 2026-03-04T10:00;"
          + " attempt 3 of 4: the lead called again at Tue 20:30 and was missed, moved to Wed 10:00 by calling hours",
      "missed call on a Friday evening; MOBILE; 2026-03-05T11:00; NO_ANSWER@2026-03-05T11:00"
          + "|NO_ANSWER@2026-03-05T13:00|MISSED@2026-03-06T19:45; 2026-03-06T19:45; 3; 2026-03-09T10:00;"
          + " attempt 3 of 4: the lead called again at Fri 19:45 and was missed, moved to Mon 10:00 by calling hours",
      "the ladder resumes after the extra attempt; LANDLINE; 2026-03-03T11:00; NO_ANSWER@2026-03-03T11:00"
          + "|MISSED@2026-03-03T11:20|NO_ANSWER@2026-03-03T11:21; 2026-03-03T11:22; 3; 2026-03-04T11:21;"
          + " attempt 3 of 4: 1 day after attempt 2",
      "second missed call before attempt 1; LANDLINE; 2026-03-03T11:00; MISSED@2026-03-03T11:03; 2026-03-03T11:03; 1;"
          + " 2026-03-03T11:03; attempt 1 of 4: the lead called again at Tue 11:03 and was missed",
      "decided late but still open; LANDLINE; 2026-03-03T11:00; NO_ANSWER@2026-03-03T11:00; 2026-03-03T15:00; 2;"
          + " 2026-03-03T15:00; attempt 2 of 4: 1 hour after attempt 1, overdue since Tue 12:00",
      "decided late after closing; LANDLINE; 2026-03-03T11:00; NO_ANSWER@2026-03-03T11:00; 2026-03-03T20:00; 2;"
          + " 2026-03-04T10:00; attempt 2 of 4: 1 hour after attempt 1, overdue since Tue 12:00,"
          + " moved to Wed 10:00 by calling hours",
      "far move names the date; LANDLINE; 2026-12-29T11:00; NO_ANSWER@2026-12-29T11:00|NO_ANSWER@2026-12-30T18:30;"
          + " 2026-12-30T18:31; 3; 2027-01-11T10:00;"
          + " attempt 3 of 4: 1 day after attempt 2, moved to Mon 11 Jan 10:00 by calling hours",
  })
  void schedulesWithAReadableWhy(String name, String kind, String arrived, String events, String now,
      int number, String due, String why) {
    Decision d = policy.next(history(arrived, Fixtures.number(kind), events == null ? "" : events), at(now, MOSCOW));
    assertThat(d).isInstanceOf(Decision.ScheduleAttempt.class);
    Decision.ScheduleAttempt s = (Decision.ScheduleAttempt) d;
    assertThat(s.number()).isEqualTo(number);
    assertThat(s.of()).isEqualTo(4);
    assertThat(local(s.dueAt(), MOSCOW)).isEqualTo(due);
    assertThat(s.why()).isEqualTo(why);
  }

  /**
   * Events are read in the order they were learned, not re-sorted by their times: a missed call learned right
   * after an unanswered attempt of the same second is news (the next step is due at once); learned before it,
   * the attempt answered it (the next step keeps its hour). The PBX's clock and ours need not agree to the second.
   */
  @ParameterizedTest(name = "missed call learned {0} the attempt -> attempt 2 at {1}")
  @CsvSource({"after, 2026-03-03T11:00", "before, 2026-03-03T12:00"})
  void eventsAreReadInTheOrderLearned(String when, String due) {
    Instant t = at("2026-03-03T11:00", MOSCOW);
    HistoryEvent attempt = new HistoryEvent.Attempt(t, AttemptOutcome.NO_ANSWER);
    HistoryEvent missed = new HistoryEvent.MissedCall(t);
    List<HistoryEvent> events = when.equals("after") ? List.of(attempt, missed) : List.of(missed, attempt);
    Decision.ScheduleAttempt s = (Decision.ScheduleAttempt) policy.next(
        new AttemptHistory(t, Fixtures.LANDLINE, events), t);
    assertThat(s.number()).isEqualTo(2);
    assertThat(local(s.dueAt(), MOSCOW)).isEqualTo(due);
  }

  @ParameterizedTest(name = "next_calling_day step after an attempt at {0} -> {1}")
  @CsvSource({
      "2026-03-03T11:00, 2026-03-04T10:30",
      "2026-03-03T18:50, 2026-03-04T10:30",
      "2026-03-06T11:00, 2026-03-09T10:30",
      "2026-11-03T11:00, 2026-11-05T10:30",
  })
  void nextCallingDayStep(String attempt1, String expected) {
    RetryPolicyConfig cfg = new RetryPolicyConfig(List.of(new RetryStep.AfterDelay(Duration.ZERO),
        new RetryStep.NextCallingDay(Duration.ofMinutes(30))), "не дозвонился", "Проконтролировать закрытие сделки");
    RetryPolicy p = new RetryPolicy(cfg, Fixtures.moscow(), NumberLimits.DEFAULT);
    AttemptHistory h = AttemptHistory.startedAt(at(attempt1, MOSCOW), Fixtures.LANDLINE)
        .withAttempt(at(attempt1, MOSCOW), AttemptOutcome.NO_ANSWER);
    Decision.ScheduleAttempt s = (Decision.ScheduleAttempt) p.next(h, at(attempt1, MOSCOW).plusSeconds(60));
    assertThat(local(s.dueAt(), MOSCOW)).isEqualTo(expected);
    assertThat(s.why()).isEqualTo("attempt 2 of 2: next calling day after attempt 1, 30 minutes after opening");
  }
}
