package ru.dozvon.dialing;

import static org.assertj.core.api.Assertions.assertThat;
import static ru.dozvon.dialing.Flow.attempts;
import static ru.dozvon.dialing.Flow.missed;
import static ru.dozvon.dialing.Flow.msk;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import ru.dozvon.support.MovableClock;
import ru.dozvon.support.TestApp;

/**
 * The lead's own calling hours end to end (issue 12): missed calls into the running app, the attempts read back
 * over HTTP. The company is in Moscow (10:00-19:00); Vladivostok is 7 hours ahead, Kaliningrad 1 hour behind.
 */
class LeadZoneFlowTest {

  static final MovableClock CLOCK = new MovableClock(msk("2026-11-24T09:00"), Flow.MOSCOW);
  static TestApp t;

  @BeforeAll
  static void start() {
    t = TestApp.start(java.util.Map.of(), CLOCK);
  }

  @AfterAll
  static void stop() {
    t.close();
  }

  @ParameterizedTest(name = "{0} missed at {1} Moscow: attempt 1 due {2} Moscow")
  @CsvSource(delimiter = '|', textBlock = """
      +74232220001  | 2026-11-24T09:00 | 2026-11-24T09:00 | ; 16:00 по времени клиента, Asia/Vladivostok
      +74232220002  | 2026-11-24T14:00 | 2026-11-25T03:00 | ; 10:00 по времени клиента, Asia/Vladivostok
      +74012530001  | 2026-11-24T10:30 | 2026-11-24T11:00 | ; 10:00 по времени клиента, Europe/Kaliningrad
      +79161230001  | 2026-11-24T09:00 | 2026-11-24T10:00 | by calling hours
      """)
  void attemptOneInTheLeadsHours(String phone, String missedAt, String due, String whyEnd) {
    CLOCK.set(msk(missedAt));
    long dealId = missed(t, phone, CLOCK.instant()).dealId();
    JsonObject first = attempts(t, dealId).getJsonObject(0);
    assertThat(Instant.parse(first.getString("dueAt"))).isEqualTo(msk(due));
    assertThat(first.getString("why")).startsWith("attempt 1 of 4: ").endsWith(whyEnd.strip());
    String zone = Flow.deal(t, dealId).getJsonObject("contact").getString("timeZone");
    if (phone.startsWith("+7916")) {
      assertThat(zone).as("a mobile tells no zone").isNull();
    } else {
      assertThat(whyEnd).endsWith(", " + zone);
    }
  }
}
