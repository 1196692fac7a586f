package ru.dozvon.dialing;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import ru.dozvon.support.TestApp;
import ru.dozvon.telephony.testami.OriginatePlan;
import ru.dozvon.telephony.testami.Transcript;

/**
 * The whole ladder with no human input: with short steps (0, 1 min, 2 min, 1 min) and the dialer on for everyone
 * ({@code DOZVON_AUTODIAL=true}), a missed call from a number that never answers (the real PJSIP transcript, over
 * AMI) becomes a deal, the dialer dials it at every step (the test PBX answers each Originate with the real
 * no-answer transcript), and the deal closes «не дозвонился» by itself, with the supervisor's control task.
 */
class WholeLadderTest {

  static C2cFixture f;

  @BeforeAll
  static void start() {
    f = new C2cFixture(Map.of("DOZVON_AUTODIAL", "true"), """
        retry:
          steps:
            - delay: 0m
            - delay: 1m
            - delay: 2m
            - delay: 1m
          number_limits:
            mobile: { max_per_day: 0, min_gap: 0m }
        dialer:
          every: 100ms
        """);
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  @Test
  void aNumberThatNeverAnswersIsDialledAtEveryStepAndClosedByItself() {
    f.plan = m -> OriginatePlan.of("ami/pjsip/c2c_noanswer.ami");
    C2cFixture.Operator anna = f.operator();
    var shift = TestApp.await(f.t.patch("/api/managers/" + anna.id(), TestApp.ADMIN_TOKEN)
        .sendJsonObject(new JsonObject().put("state", "ON_SHIFT")));
    assertThat(shift.statusCode()).isEqualTo(200);
    assertThat(shift.bodyAsJsonObject().getBoolean("autoDial")).as("not set on her: the global switch").isFalse();

    // the missed call, as the PBX tells it
    f.pbx.sendRaw(Transcript.load("ami/pjsip/missed.ami").bytes());
    long deal = Flow.eventually(f.t, () -> Flow.sql(f.t, "SELECT deal_id FROM calls WHERE pbx_call_id = "
        + "'1795554549.0'"), rows -> rows.size() == 1 && rows.iterator().next().getLong(0) != null)
        .iterator().next().getLong(0);

    for (int step = 1; step <= 4; step++) {
      int no = step;
      Flow.eventually(f.t, () -> Flow.count(f.t, "SELECT count(*) FROM attempts WHERE deal_id = $1 AND no = $2 AND "
          + "state = 'DONE'", deal, no), n -> n == 1);
      var a = Flow.sql(f.t, "SELECT * FROM attempts WHERE deal_id = $1 AND no = $2", deal, no).iterator().next();
      assertThat(a.getString("outcome")).isEqualTo("NO_ANSWER");
      assertThat(a.getString("placed_by")).isEqualTo("dialer");
      assertThat(a.getInteger("step")).isEqualTo(step);
      f.awaitIdle(anna);
      // the next step is due after its delay (1 min, 2 min, 1 min), well past the 15 s wrap-up
      f.clock.advance(step == 2 ? Duration.ofMinutes(2).plusSeconds(1) : Duration.ofMinutes(1).plusSeconds(1));
    }

    JsonObject closed = Flow.eventually(f.t, () -> Flow.deal(f.t, deal), d -> !"OPEN".equals(d.getString("status")));
    assertThat(closed.getString("status")).isEqualTo("LOST");
    assertThat(closed.getString("lossReason")).isEqualTo("could_not_reach");
    assertThat(f.pbx.countActions("Originate")).as("one call per step").isEqualTo(4);
    assertThat(Flow.count(f.t, "SELECT count(*) FROM calls WHERE deal_id = $1 AND direction = 'OUTBOUND' AND "
        + "attempt_id IS NOT NULL", deal)).isEqualTo(4);
    assertThat(Flow.count(f.t, "SELECT count(*) FROM tasks WHERE deal_id = $1 AND for_role = 'SUPERVISOR' AND kind = "
        + "'CLOSING_CONTROL'", deal)).isEqualTo(1);
    List<String> kinds = Flow.historyKinds(f.t, deal);
    assertThat(kinds.stream().filter("call_placed"::equals).count()).isEqualTo(4);
    assertThat(kinds).contains("ladder_ended", "closed");
  }
}
