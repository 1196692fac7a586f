package ru.dozvon.dialing;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import ru.dozvon.support.TestApp;
import ru.dozvon.telephony.testami.OriginatePlan;

/**
 * Click-to-call on a PBX whose operators' phones are Local channels ({@code telephony.operator_dial:
 * Local/{ext}@operator-phone}, the setup of the captured Local transcripts), with the Originate queue at 20 a second:
 * the Local transcripts give their outcomes, and 100 clicks at once are written at the configured pace, each once.
 */
class ClickToCallQueueTest {

  static C2cFixture f;
  static final List<Long> originateArrivals = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() {
    f = new C2cFixture(Map.of("DOZVON_OPERATOR_DIAL", "Local/{ext}@operator-phone"), """
        telephony:
          originate:
            per_second: 20
            max_in_flight: 20
        """);
    f.pbx.onAction(m -> {
      if (m.is("Originate")) {
        originateArrivals.add(System.nanoTime());
      }
    });
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(delimiter = '|', textBlock = """
      ami/c2c_answer.ami                 | RECORDED | REACHED     | 16
      ami/c2c_noanswer.ami               | LATE     | NO_ANSWER   | 0
      ami/c2c_busy.ami                   | RECORDED | BUSY        | 17
      ami/c2c_busy.ami                   | EARLY    | BUSY        | 17
      ami/scenarios/c2c_absent_local.ami | LATE     | UNAVAILABLE | 20
      """)
  void localChannelTranscripts(String transcript, OriginatePlan.Timing timing, String outcome, int cause) {
    f.plan = m -> timing == OriginatePlan.Timing.EARLY ? OriginatePlan.of(transcript).early()
        : timing == OriginatePlan.Timing.LATE ? OriginatePlan.of(transcript).late() : OriginatePlan.of(transcript);
    C2cFixture.Operator o = f.operator();
    long deal = f.dealFor(o);
    var r = f.click(deal, o.token());
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(202);
    assertThat(r.bodyAsJsonObject().getString("device")).isEqualTo("Local/" + o.extension() + "@operator-phone");
    long attempt = r.bodyAsJsonObject().getJsonObject("attempt").getLong("id");
    assertThat(f.awaitAttempt(attempt, "DONE").getString("outcome")).isEqualTo(outcome);
    var call = f.callsOf(attempt).get(0);
    assertThat(call.getInteger("hangup_cause")).isEqualTo(cause);
    assertThat(call.getString("operator_ext")).isEqualTo(o.extension());
  }

  @Test
  void hundredClicksAtOnceRespectTheRateLimitAndEachIsPlacedOnce() throws Exception {
    f.plan = m -> OriginatePlan.of("ami/pjsip/c2c_noanswer.ami");
    List<Long> deals = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      C2cFixture.Operator o = f.operator();
      var rec = Flow.missed(f.t, C2cFixture.newPhone(), f.clock.instant());
      deals.add(rec.dealId());
      C2cFixture.await(f.t.settleRouting());
      var a = TestApp.await(f.t.post("/api/deals/" + rec.dealId() + "/assign", TestApp.ADMIN_TOKEN)
          .sendJsonObject(new JsonObject().put("managerId", o.id()).put("reason", "test")));
      assertThat(a.statusCode()).isEqualTo(200);
    }
    Flow.eventually(f.t, () -> Flow.count(f.t, "SELECT count(*) FROM attempts WHERE deal_id = ANY($1) AND state = "
        + "'FIRED'", (Object) deals.toArray(Long[]::new)), n -> n == 100);
    originateArrivals.clear();
    long before = f.originates();

    List<Future<HttpResponse<Buffer>>> clicks = new ArrayList<>();
    for (long deal : deals) {
      clicks.add(f.t.post("/api/deals/" + deal + "/call", TestApp.ADMIN_TOKEN).send());
    }
    Future.all(clicks).await(60, TimeUnit.SECONDS);

    assertThat(clicks).allSatisfy(c -> assertThat(c.result().statusCode()).as(c.result().bodyAsString())
        .isEqualTo(202));
    Flow.eventually(f.t, () -> Flow.count(f.t, "SELECT count(*) FROM attempts WHERE deal_id = ANY($1) AND state = "
        + "'DONE' AND outcome = 'NO_ANSWER'", (Object) deals.toArray(Long[]::new)), n -> n == 100);
    assertThat(f.originates() - before).as("each placed once").isEqualTo(100);
    // written at the configured pace: never more than 20 in any second (the queue counts them when written; where
    // they are read, the test PBX's thread adds up to 100 ms of scheduling jitter on a loaded machine)
    assertThat(maxInAnyWindow(originateArrivals, Duration.ofMillis(900))).isLessThanOrEqualTo(20);
    assertThat(f.t.app.telephony().originates().mostWrittenInASecond()).as("counted where written").isLessThanOrEqualTo(20);
    List<Long> sorted = originateArrivals.stream().sorted().toList();
    assertThat(Duration.ofNanos(sorted.get(99) - sorted.get(0))).isGreaterThan(Duration.ofMillis(3900));
    assertThat(Flow.count(f.t, "SELECT count(DISTINCT attempt_id) FROM calls WHERE attempt_id IN "
        + "(SELECT id FROM attempts WHERE deal_id = ANY($1))", (Object) deals.toArray(Long[]::new))).isEqualTo(100);
  }

  static int maxInAnyWindow(List<Long> nanos, Duration window) {
    List<Long> sorted = nanos.stream().sorted().toList();
    int most = 0;
    int from = 0;
    for (int i = 0; i < sorted.size(); i++) {
      while (sorted.get(i) - sorted.get(from) >= window.toNanos()) {
        from++;
      }
      most = Math.max(most, i - from + 1);
    }
    return most;
  }
}
