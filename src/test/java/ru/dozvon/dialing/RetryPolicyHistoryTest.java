package ru.dozvon.dialing;

import static org.assertj.core.api.Assertions.assertThat;
import static ru.dozvon.dialing.Fixtures.LANDLINE;
import static ru.dozvon.dialing.Fixtures.MOBILE;
import static ru.dozvon.dialing.Fixtures.MOSCOW;
import static ru.dozvon.dialing.Fixtures.at;
import static ru.dozvon.dialing.Fixtures.local;

import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import ru.dozvon.deals.ContactChannel;
import ru.dozvon.phone.PhoneNumber;

/**
 * The ladder read from a deal's whole history (issue 10): stopped, cancelled and exhausted ladders, calls outside
 * the ladder, "call later", the lead's own messages. One history per row, events as "KIND@local-time" items.
 */
class RetryPolicyHistoryTest {

  private final RetryPolicy policy =
      new RetryPolicy(RetryPolicyConfig.DEFAULT, Fixtures.moscow(), NumberLimits.DEFAULT);

  /**
   * Items: an outcome name (a step ended), {@code X_<outcome>} (a call outside the ladder), {@code LATER} (a step
   * ended REACHED_CALL_LATER; {@code LATER>time} with the time the lead named), CANCELLED, ENDED (ladder ended),
   * CONTACT (answered inbound call), MISSED, CHAT (the lead's own message).
   */
  static AttemptHistory history(String arrives, PhoneNumber number, String events) {
    AttemptHistory h = AttemptHistory.startedAt(at(arrives, MOSCOW), number);
    for (String item : Fixtures.split(events)) {
      String[] parts = item.split("@");
      String kind = parts[0];
      Instant t = at(parts[1], MOSCOW);
      if (kind.startsWith("LATER")) {
        Instant named = kind.contains(">") ? at(kind.substring(kind.indexOf('>') + 1), MOSCOW) : null;
        h = h.with(new HistoryEvent.Attempt(t, AttemptOutcome.REACHED_CALL_LATER, named));
      } else if (kind.startsWith("X_")) {
        h = h.withExtraCall(t, AttemptOutcome.valueOf(kind.substring(2)));
      } else {
        h = switch (kind) {
          case "CANCELLED" -> h.withCancelled(t);
          case "ENDED" -> h.with(new HistoryEvent.LadderEnded(t));
          case "CONTACT" -> h.withContact(t, ContactChannel.ANSWERED_INBOUND_CALL);
          case "MISSED" -> h.withMissedCall(t);
          case "CHAT" -> h.withMessage(t, ContactChannel.CHAT);
          default -> h.withAttempt(t, AttemptOutcome.valueOf(kind));
        };
      }
    }
    return h;
  }

  @ParameterizedTest(name = "[{index}] {2} at {3} -> {4}")
  @CsvSource(delimiter = ';', textBlock = """
      # a missed call after the chain stopped: a new ladder, its first call due at once (limits waived)
      LANDLINE; 2026-03-03T11:00; REACHED@2026-03-03T11:05|MISSED@2026-03-05T12:00; 2026-03-05T12:00; 2 1 2026-03-05T12:00
      LANDLINE; 2026-03-03T11:00; CONTACT@2026-03-03T11:30|MISSED@2026-03-03T15:00; 2026-03-03T15:00; 2 1 2026-03-03T15:00
      # after a cancelled attempt (the deal was closed, then reopened): the same
      LANDLINE; 2026-03-03T11:00; CANCELLED@2026-03-03T11:00|MISSED@2026-03-10T12:00; 2026-03-10T12:01; 2 1 2026-03-10T12:01
      # exhausted and ended, then the lead calls: a ladder of its own
      LANDLINE; 2026-03-03T11:00; NO_ANSWER@2026-03-03T11:00|NO_ANSWER@2026-03-03T12:00|NO_ANSWER@2026-03-04T12:00|NO_ANSWER@2026-03-04T13:00|ENDED@2026-03-04T13:00|MISSED@2026-03-06T11:00; 2026-03-06T11:00; 2 1 2026-03-06T11:00
      # ... whose step 2 comes an hour after its step 1
      LANDLINE; 2026-03-03T11:00; CANCELLED@2026-03-03T11:00|MISSED@2026-03-10T12:00|NO_ANSWER@2026-03-10T12:05; 2026-03-10T12:06; 2 2 2026-03-10T13:05
      # a message from the lead counts like a missed call, on a stopped ladder...
      LANDLINE; 2026-03-03T11:00; CONTACT@2026-03-03T11:30|CHAT@2026-03-03T16:00; 2026-03-03T16:00; 2 1 2026-03-03T16:00
      # ... and on a running one: the pending step is due at once
      LANDLINE; 2026-03-03T11:00; NO_ANSWER@2026-03-03T11:00|CHAT@2026-03-03T11:20; 2026-03-03T11:20; 1 2 2026-03-03T11:20
      # calls outside the ladder use up no step: three early NO_ANSWERs leave attempt 2 pending
      LANDLINE; 2026-03-03T11:00; NO_ANSWER@2026-03-03T11:00|X_NO_ANSWER@2026-03-03T11:01|X_BUSY@2026-03-03T11:02|X_NO_ANSWER@2026-03-03T11:03; 2026-03-03T11:03; 1 2 2026-03-03T12:00
      # ... but count against a mobile's limits: 1 hour after the last call, at most 3 a day
      MOBILE; 2026-03-03T11:00; NO_ANSWER@2026-03-03T11:00|X_NO_ANSWER@2026-03-03T11:40; 2026-03-03T11:40; 1 2 2026-03-03T12:40
      MOBILE; 2026-03-03T11:00; NO_ANSWER@2026-03-03T11:00|X_NO_ANSWER@2026-03-03T11:01|X_NO_ANSWER@2026-03-03T11:02; 2026-03-03T11:02; 1 2 2026-03-04T10:00
      # the default mobile limits keep the ladder's 1-hour steps
      MOBILE; 2026-03-03T11:00; NO_ANSWER@2026-03-03T11:00; 2026-03-03T11:00; 1 2 2026-03-03T12:00
      MOBILE; 2026-03-03T11:00; NO_ANSWER@2026-03-03T11:00|NO_ANSWER@2026-03-03T12:00|NO_ANSWER@2026-03-04T12:00; 2026-03-04T12:00; 1 4 2026-03-04T13:00
      # reached, call later: a new ladder at the time the lead named (kept as named, even after hours)...
      LANDLINE; 2026-03-03T11:00; LATER>2026-03-03T19:30@2026-03-03T11:05; 2026-03-03T11:05; 2 1 2026-03-03T19:30
      # ... or 3 hours later by default, inside the calling window
      LANDLINE; 2026-03-03T11:00; LATER@2026-03-03T11:05; 2026-03-03T11:05; 2 1 2026-03-03T14:05
      LANDLINE; 2026-03-03T11:00; LATER@2026-03-03T17:00; 2026-03-03T17:00; 2 1 2026-03-04T10:00
      # ... also when said on a call outside the ladder
      LANDLINE; 2026-03-03T11:00; X_REACHED_CALL_LATER@2026-03-03T11:01; 2026-03-03T11:01; 2 1 2026-03-03T14:01
      """)
  void schedules(String kind, String arrives, String events, String now, String expected) {
    Decision d = policy.next(history(arrives, Fixtures.number(kind), events), at(now, MOSCOW));
    assertThat(d).as(String.valueOf(d)).isInstanceOf(Decision.ScheduleAttempt.class);
    Decision.ScheduleAttempt s = (Decision.ScheduleAttempt) d;
    String[] e = expected.split(" ");
    assertThat(s.ladder()).as("ladder; " + s.why()).isEqualTo(Integer.parseInt(e[0]));
    assertThat(s.number()).as("step; " + s.why()).isEqualTo(Integer.parseInt(e[1]));
    assertThat(local(s.dueAt(), MOSCOW)).as(s.why()).startsWith(e[2]);
  }

  @ParameterizedTest(name = "[{index}] {1} -> {3}")
  @CsvSource(delimiter = ';', textBlock = """
      2026-03-03T11:00; CANCELLED@2026-03-03T11:00; 2026-03-03T12:00; STOP
      2026-03-03T11:00; NO_ANSWER@2026-03-03T11:00|CONTACT@2026-03-03T11:30; 2026-03-03T11:30; STOP
      2026-03-03T11:00; X_REACHED@2026-03-03T11:01; 2026-03-03T11:01; STOP
      2026-03-03T11:00; NO_ANSWER@2026-03-03T11:00|NO_ANSWER@2026-03-03T12:00|NO_ANSWER@2026-03-04T12:00|NO_ANSWER@2026-03-04T13:00; 2026-03-04T13:00; EXHAUSTED
      2026-03-03T11:00; NO_ANSWER@2026-03-03T11:00|NO_ANSWER@2026-03-03T12:00|NO_ANSWER@2026-03-04T12:00|NO_ANSWER@2026-03-04T13:00|ENDED@2026-03-04T13:00; 2026-03-05T13:00; STOP
      2026-03-03T11:00; NO_ANSWER@2026-03-03T11:00|NO_ANSWER@2026-03-03T12:00|NO_ANSWER@2026-03-04T12:00|NO_ANSWER@2026-03-04T13:00|ENDED@2026-03-04T13:00|X_NO_ANSWER@2026-03-05T11:00; 2026-03-05T11:00; STOP
      2026-03-03T11:00; LATER@2026-03-03T11:05|NO_ANSWER@2026-03-03T14:05|NO_ANSWER@2026-03-03T15:05|NO_ANSWER@2026-03-04T15:05|NO_ANSWER@2026-03-04T16:05; 2026-03-04T16:05; EXHAUSTED_REACHED
      2026-03-03T11:00; REACHED@2026-03-03T11:05|MISSED@2026-03-05T12:00|NO_ANSWER@2026-03-05T12:00|NO_ANSWER@2026-03-05T13:00|NO_ANSWER@2026-03-06T13:00|NO_ANSWER@2026-03-06T14:00; 2026-03-06T14:00; EXHAUSTED_REACHED
      """)
  void stopsOrEnds(String arrives, String events, String now, String expected) {
    Decision d = policy.next(history(arrives, LANDLINE, events), at(now, MOSCOW));
    switch (expected) {
      case "STOP" -> assertThat(d).as(String.valueOf(d)).isInstanceOf(Decision.Stop.class);
      case "EXHAUSTED" -> assertThat(d).isEqualTo(new Decision.Exhausted("не дозвонился",
          "Проконтролировать закрытие сделки", false));
      default -> assertThat(d).isEqualTo(new Decision.Exhausted("не дозвонился",
          "Проконтролировать закрытие сделки", true));
    }
  }

  @ParameterizedTest
  @CsvSource(delimiter = ';', textBlock = """
      CANCELLED@2026-03-03T11:00|MISSED@2026-03-10T12:00; after the chain had stopped
      NO_ANSWER@2026-03-03T11:00|X_BUSY@2026-03-03T11:10; attempt 2 of 4: 1 hour after attempt 1
      LATER>2026-03-03T19:30@2026-03-03T11:05; the lead asked to be called back at
      """)
  void everyDecisionSaysWhy(String events, String fragment) {
    Decision d = policy.next(history("2026-03-03T11:00", MOBILE, events), at("2026-03-10T12:00", MOSCOW));
    assertThat(((Decision.ScheduleAttempt) d).why()).contains(fragment);
  }
}
