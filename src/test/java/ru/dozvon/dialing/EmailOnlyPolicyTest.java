package ru.dozvon.dialing;

import ru.dozvon.support.MovableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static ru.dozvon.dialing.Fixtures.MOSCOW;
import static ru.dozvon.dialing.Fixtures.at;
import static ru.dozvon.dialing.Fixtures.local;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EmailOnlyPolicyTest {

  private final EmailOnlyPolicy policy = new EmailOnlyPolicy(EmailOnlyConfig.DEFAULT, Fixtures.moscow());

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = ';', value = {
      // case; lead arrives (local); due times of the requests (local); why of the second request
      "Tuesday 11:00; 2026-03-03T11:00; 2026-03-03T11:00|2026-03-04T11:00; request 2 of 2: 1 day after request 1",
      "Friday 18:30; 2026-03-06T18:30; 2026-03-06T18:30|2026-03-09T10:00;"
          + " request 2 of 2: 1 day after request 1, moved to Mon 10:00 by calling hours",
      "Saturday night; 2026-03-07T02:00; 2026-03-09T10:00|2026-03-10T10:00; request 2 of 2: 1 day after request 1",
      "eve of a holiday; 2026-11-03T15:00; 2026-11-03T15:00|2026-11-05T10:00;"
          + " request 2 of 2: 1 day after request 1, moved to Thu 10:00 by calling hours",
  })
  void requestNowThenNextDayThenNoReply(String name, String arrives, String expected, String secondWhy) {
    MovableClock clock = new MovableClock(at(arrives, MOSCOW), MOSCOW);
    EmailOnlyPolicy.History h = EmailOnlyPolicy.History.startedAt(clock.instant());
    List<String> due = new ArrayList<>();
    String lastWhy = null;
    while (policy.next(h, clock.instant()) instanceof EmailOnlyPolicy.Step.SendRequest r) {
      assertThat(r.task()).isEqualTo("Запросить контактные данные");
      assertThat(r.template()).isEqualTo("Запрос контактных данных");
      assertThat(r.of()).isEqualTo(2);
      due.add(local(r.dueAt(), MOSCOW));
      lastWhy = r.why();
      clock.moveTo(r.dueAt());
      h = h.withRequestSent(clock.instant());
      clock.advance(java.time.Duration.ofMinutes(2));
    }
    assertThat(due).containsExactlyElementsOf(Fixtures.split(expected));
    assertThat(lastWhy).isEqualTo(secondWhy);
    assertThat(policy.next(h, clock.instant())).isInstanceOf(EmailOnlyPolicy.Step.NoReply.class);
  }

  @Test
  void firstRequestAtNightIsMovedToTheMorning() {
    EmailOnlyPolicy.Step s = policy.next(EmailOnlyPolicy.History.startedAt(at("2026-03-03T23:00", MOSCOW)),
        at("2026-03-03T23:00", MOSCOW));
    assertThat(s).isInstanceOf(EmailOnlyPolicy.Step.SendRequest.class);
    assertThat(((EmailOnlyPolicy.Step.SendRequest) s).why())
        .isEqualTo("request 1 of 2: right away, moved to Wed 10:00 by calling hours");
  }

  @ParameterizedTest(name = "reply after {0} request(s) stops")
  @CsvSource({"0", "1", "2"})
  void replyStops(int sent) {
    EmailOnlyPolicy.History h = EmailOnlyPolicy.History.startedAt(at("2026-03-03T11:00", MOSCOW));
    for (int i = 0; i < sent; i++) {
      h = h.withRequestSent(at("2026-03-03T11:00", MOSCOW).plusSeconds(86_400L * i));
    }
    h = h.withReply(at("2026-03-05T09:15", MOSCOW));
    assertThat(policy.next(h, at("2026-03-05T09:16", MOSCOW)))
        .isEqualTo(new EmailOnlyPolicy.Step.Stop("the lead replied at Thu 09:15"));
  }

  @Test
  void noReplyLeavesTheDealToTheFunnel() {
    EmailOnlyPolicy.History h = EmailOnlyPolicy.History.startedAt(at("2026-03-03T11:00", MOSCOW))
        .withRequestSent(at("2026-03-03T11:00", MOSCOW)).withRequestSent(at("2026-03-04T11:00", MOSCOW));
    assertThat(policy.next(h, at("2026-03-05T11:00", MOSCOW))).isEqualTo(new EmailOnlyPolicy.Step.NoReply(
        "no reply to 2 requests for contact details; the deal stays open for the funnel's no-reply rules"));
  }
}
