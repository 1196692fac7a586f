package ru.dozvon.dialing;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import ru.dozvon.live.FeedEvent;
import ru.dozvon.support.TestApp;
import ru.dozvon.telephony.testami.AmiMessage;
import ru.dozvon.telephony.testami.OriginatePlan;

/**
 * Click-to-call end to end: {@code POST /api/deals/{id}/call} answers 202 with the attempt, the Originate goes to the
 * test PBX (which answers like Asterisk 22 with a captured or written click-to-call transcript, its OriginateResponse
 * early, as recorded, or late), and the call's end comes back through telephony onto the attempt that was placed.
 */
class ClickToCallTest {

  static C2cFixture f;
  C2cFixture.Operator anna;

  @BeforeAll
  static void start() {
    f = new C2cFixture();
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  @BeforeEach
  void operator() {
    f.clock.set(C2cFixture.TUESDAY_11);
    f.plan = m -> OriginatePlan.of("ami/pjsip/c2c_noanswer.ami");
    anna = f.operator();
  }

  static long attemptId(JsonObject reply) {
    return reply.getJsonObject("attempt").getLong("id");
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
      ami/pjsip/c2c_answer.ami           | RECORDED | REACHED     | ANSWERED    | 16
      ami/pjsip/c2c_answer.ami           | EARLY    | REACHED     | ANSWERED    | 16
      ami/pjsip/c2c_answer.ami           | LATE     | REACHED     | ANSWERED    | 16
      ami/pjsip/c2c_noanswer.ami         | RECORDED | NO_ANSWER   | NO_ANSWER   | 0
      ami/pjsip/c2c_noanswer.ami         | LATE     | NO_ANSWER   | NO_ANSWER   | 0
      ami/scenarios/c2c_congestion.ami   | EARLY    | UNAVAILABLE | UNAVAILABLE | 34
      ami/scenarios/c2c_congestion.ami   | LATE     | UNAVAILABLE | UNAVAILABLE | 34
      ami/scenarios/c2c_unavailable.ami  | LATE     | UNAVAILABLE | UNAVAILABLE | 16
      ami/scenarios/c2c_absent_trunk.ami | RECORDED | NO_ANSWER   | NO_ANSWER   | 19
      ami/scenarios/c2c_absent_trunk.ami | LATE     | NO_ANSWER   | NO_ANSWER   | 19
      """)
  void theCustomerLegsResultIsTheAttemptsOutcome(String transcript, OriginatePlan.Timing timing, String attemptOutcome,
                                                  String callOutcome, Integer cause) {
    f.plan = m -> timing == OriginatePlan.Timing.EARLY ? OriginatePlan.of(transcript).early()
        : timing == OriginatePlan.Timing.LATE ? OriginatePlan.of(transcript).late() : OriginatePlan.of(transcript);
    long deal = f.dealFor(anna);
    long before = f.originates();

    var r = f.click(deal, anna.token());

    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(202);
    JsonObject reply = r.bodyAsJsonObject();
    assertThat(reply.getJsonObject("attempt").getInteger("no")).isEqualTo(1);
    assertThat(reply.getJsonObject("attempt").getString("state")).isEqualTo("PLACED");
    assertThat(reply.getString("device")).isEqualTo("PJSIP/" + anna.extension());
    assertThat(reply.getBoolean("duplicate")).isFalse();
    long attempt = attemptId(reply);
    Row done = f.awaitAttempt(attempt, "DONE");
    assertThat(done.getString("outcome")).isEqualTo(attemptOutcome);
    assertThat(done.getString("placed_by")).isEqualTo("manager:" + anna.id());
    assertThat(f.originates()).isEqualTo(before + 1);

    AmiMessage sent = f.pbx.actions().stream().filter(m -> m.is("Originate")).reduce((a, b) -> b).orElseThrow();
    assertThat(sent.get("channel")).isEqualTo("PJSIP/" + anna.extension());
    assertThat(sent.get("context")).isEqualTo("click-to-call");
    assertThat(sent.get("exten")).isEqualTo(Flow.deal(f.t, deal).getJsonObject("contact").getString("phone"));
    assertThat(sent.get("callerid")).isEqualTo("74951234567");
    assertThat(sent.getAll("variable")).contains("__DOZVON_DEAL=" + deal, "__DOZVON_ATTEMPT=" + attempt);
    assertThat(sent.actionId()).contains("dozvon-attempt-" + attempt + "-");

    List<Row> calls = f.callsOf(attempt);
    assertThat(calls).hasSize(1);
    Row call = calls.get(0);
    assertThat(call.getString("direction")).isEqualTo("OUTBOUND");
    assertThat(call.getString("outcome")).isEqualTo(callOutcome);
    assertThat(call.getInteger("hangup_cause")).isEqualTo(cause);
    assertThat(call.getString("operator_ext")).isEqualTo(anna.extension());
    assertThat(call.getLong("deal_id")).isEqualTo(deal);
    if ("REACHED".equals(attemptOutcome)) {
      assertThat(call.getInteger("talk_seconds")).isEqualTo(3);
      assertThat(Flow.deal(f.t, deal).getString("stage")).isEqualTo("in_work");
    } else {
      assertThat(Flow.attempts(f.t, deal)).as("the ladder goes on").hasSize(2);
    }
    assertThat(Flow.historyKinds(f.t, deal)).contains("call_placed", "attempt_outcome");
    assertThat(f.feed("call.placed", deal)).singleElement()
        .satisfies(e -> assertThat(e.managerId()).isEqualTo(anna.id()));
    f.awaitIdle(anna);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      noanswer     | no_answer    | ваш телефон не ответил
      busy         | busy         | ваш телефон занят
      unregistered | unregistered | ваш телефон недоступен: не зарегистрирован или выключен
      rejected     | rejected     | ваш телефон сбросил вызов
      congestion   | congestion   | ваш телефон недоступен: перегрузка на АТС
      refused      | refused      | АТС отказала в вызове
      """)
  void aFailureOnTheOperatorsSideKeepsTheAttemptOpenAndTellsTheOperator(String scenario, String reason, String text) {
    f.plan = m -> switch (scenario) {
      case "noanswer" -> OriginatePlan.of("ami/scenarios/c2c_operator_noanswer.ami");
      case "busy" -> OriginatePlan.of("ami/scenarios/c2c_operator_busy.ami");
      case "unregistered" -> OriginatePlan.of("ami/scenarios/c2c_operator_unregistered.ami");
      case "rejected" -> OriginatePlan.of("ami/scenarios/c2c_operator_rejected.ami");
      case "congestion" -> OriginatePlan.failure(8);
      default -> OriginatePlan.refused("Originate failed");
    };
    long deal = f.dealFor(anna);

    var r = f.click(deal, anna.token());

    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(202);
    long attempt = attemptId(r.bodyAsJsonObject());
    FeedEvent failed = Flow.eventually(f.t, () -> f.feed("call.failed", deal), l -> !l.isEmpty()).get(0);
    assertThat(failed.managerId()).as("to that operator").isEqualTo(anna.id());
    assertThat(failed.data().getString("reason")).isEqualTo(reason);
    assertThat(failed.data().getString("text")).isEqualTo(text);
    Row a = f.attempt(attempt);
    assertThat(a.getString("state")).as("never the customer not answering").isEqualTo("FIRED");
    assertThat(a.getString("outcome")).isNull();
    assertThat(a.getValue("placed_at")).isNull();
    assertThat(Flow.count(f.t, "SELECT count(*) FROM attempts WHERE deal_id = $1", deal)).isEqualTo(1);
    assertThat(Flow.historyKinds(f.t, deal)).contains("call_placed", "call_failed").doesNotContain("attempt_outcome");
    f.awaitIdle(anna);
    // a call record NOT_CONNECTED (if the operator's channel existed) changes nothing either
    f.t.app.vertx().timer(300, TimeUnit.MILLISECONDS).await();
    assertThat(f.attemptState(attempt)).isEqualTo("FIRED");
    assertThat(f.feed("call.failed", deal)).as("told once").hasSize(1);

    // the operator picks up next time: the same attempt, placed again, now with the customer's result
    f.plan = m -> OriginatePlan.of("ami/pjsip/c2c_noanswer.ami");
    var again = f.click(deal, anna.token());
    assertThat(again.statusCode()).as(again.bodyAsString()).isEqualTo(202);
    assertThat(attemptId(again.bodyAsJsonObject())).isEqualTo(attempt);
    assertThat(f.awaitAttempt(attempt, "DONE").getString("outcome")).isEqualTo("NO_ANSWER");
  }

  @Test
  void twoClicksAtOnceGiveOneCall() throws Exception {
    f.plan = m -> OriginatePlan.of("ami/pjsip/c2c_answer.ami").holding(Duration.ofMillis(800));
    long deal = f.dealFor(anna);
    long before = f.originates();

    var one = f.t.post("/api/deals/" + deal + "/call", anna.token()).send();
    var two = f.t.post("/api/deals/" + deal + "/call", anna.token()).send();
    var r1 = one.await(30, TimeUnit.SECONDS);
    var r2 = two.await(30, TimeUnit.SECONDS);

    assertThat(List.of(r1.statusCode(), r2.statusCode())).containsOnly(202);
    assertThat(attemptId(r1.bodyAsJsonObject())).isEqualTo(attemptId(r2.bodyAsJsonObject()));
    assertThat(List.of(r1.bodyAsJsonObject().getBoolean("duplicate"), r2.bodyAsJsonObject().getBoolean("duplicate")))
        .containsExactlyInAnyOrder(true, false);
    // a third click while the call is in flight: the same call again, nothing placed
    var r3 = f.click(deal, anna.token());
    assertThat(r3.statusCode()).isEqualTo(202);
    assertThat(r3.bodyAsJsonObject().getBoolean("duplicate")).isTrue();
    assertThat(f.awaitAttempt(attemptId(r1.bodyAsJsonObject()), "DONE").getString("outcome")).isEqualTo("REACHED");
    assertThat(f.originates()).isEqualTo(before + 1);
  }

  @Test
  void refusalsNameTheirRule() {
    long deal = f.dealFor(anna);

    // an operator calls only their own deals
    C2cFixture.Operator boris = f.operator();
    assertThat(f.click(deal, boris.token()).statusCode()).isEqualTo(403);

    // outside the calling window: refused, unless overridden (kept in the history)
    f.clock.set(Flow.msk("2026-12-01T20:30"));
    var late = f.click(deal, anna.token());
    assertThat(late.statusCode()).isEqualTo(409);
    assertThat(late.bodyAsJsonObject().getString("rule")).isEqualTo("outside_calling_window");
    assertThat(late.bodyAsJsonObject().getString("detail")).contains("override");
    var forced = f.click(deal, anna.token(), new JsonObject().put("override", true));
    assertThat(forced.statusCode()).as(forced.bodyAsString()).isEqualTo(202);
    assertThat(forced.bodyAsJsonObject().getBoolean("override")).isTrue();
    long attempt = attemptId(forced.bodyAsJsonObject());
    f.awaitAttempt(attempt, "DONE");
    JsonObject placed = history(deal, "call_placed");
    assertThat(placed.getBoolean("override")).isTrue();
    assertThat(placed.getString("overrode")).isEqualTo("outside_calling_window");
    f.awaitIdle(anna);

    // per-number limits: attempt 1 went unanswered just now; a call outside the ladder 10 minutes later is too soon
    f.clock.set(Flow.msk("2026-12-01T20:40"));
    var soon = f.click(deal, anna.token(), new JsonObject().put("override", true));
    assertThat(soon.statusCode()).as(soon.bodyAsString()).isEqualTo(409);
    assertThat(soon.bodyAsJsonObject().getString("rule")).isEqualTo("number_limit");

    // the deal closed
    f.clock.set(C2cFixture.TUESDAY_11);
    long closed = f.dealFor(anna);
    var close = TestApp.await(f.t.post("/api/deals/" + closed + "/close", TestApp.ADMIN_TOKEN).sendJsonObject(
        new JsonObject().put("status", "INVALID").put("reason", "test").put("comment", "тест")));
    assertThat(close.statusCode()).as(close.bodyAsString()).isEqualTo(200);
    var onClosed = f.click(closed, anna.token());
    assertThat(onClosed.statusCode()).isEqualTo(409);
    assertThat(onClosed.bodyAsJsonObject().getString("rule")).isEqualTo("deal_closed");

    // no phone: a lead that left only an email
    var lead = TestApp.await(f.t.post("/api/leads", TestApp.ADMIN_TOKEN).sendJsonObject(new JsonObject()
        .put("source", "web_form").put("email", "c2c-" + System.nanoTime() + "@example.com").put("fields",
            new JsonObject())));
    assertThat(lead.statusCode()).as(lead.bodyAsString()).isIn(200, 201);
    long emailOnly = lead.bodyAsJsonObject().getLong("id");
    var withheld = f.click(emailOnly, TestApp.ADMIN_TOKEN);
    assertThat(withheld.statusCode()).isEqualTo(409);
    assertThat(withheld.bodyAsJsonObject().getString("rule")).isEqualTo("number_withheld");
  }

  @Test
  void anOperatorOnACallWePlacedIsBusy() {
    f.plan = m -> OriginatePlan.of("ami/pjsip/c2c_answer.ami").holding(Duration.ofMillis(1500));
    long first = f.dealFor(anna);
    long second = f.dealFor(anna);
    var r = f.click(first, anna.token());
    assertThat(r.statusCode()).isEqualTo(202);

    var busy = f.click(second, anna.token());

    assertThat(busy.statusCode()).isEqualTo(409);
    assertThat(busy.bodyAsJsonObject().getString("rule")).isEqualTo("operator_busy");
    f.awaitAttempt(attemptId(r.bodyAsJsonObject()), "DONE");
    f.awaitIdle(anna);
    assertThat(f.click(second, anna.token()).statusCode()).isEqualTo(202);
  }

  @Test
  void thePbxDownIsAConflictNotAnError() {
    long deal = f.dealFor(anna);
    f.pbx.stopListening();
    try {
      Flow.eventually(f.t, () -> f.t.app.telephony().state(), s -> !"CONNECTED".equals(s));
      var r = f.click(deal, anna.token());
      assertThat(r.statusCode()).isEqualTo(409);
      assertThat(r.bodyAsJsonObject().getString("rule")).isEqualTo("pbx_down");
      assertThat(f.attemptState(Flow.sql(f.t, "SELECT id FROM attempts WHERE deal_id = $1", deal).iterator().next()
          .getLong(0))).isEqualTo("FIRED");
    } finally {
      f.pbx.restart();
      Flow.eventually(f.t, () -> f.t.app.telephony().state(), "CONNECTED"::equals);
    }
  }

  @Test
  void withNoAttemptDueTheCallIsOutsideTheLadder() {
    long deal = f.dealFor(anna);
    // attempt 1 reported by hand at 11:00: attempt 2 is due at 12:00
    Flow.postOutcome(f.t, deal, "NO_ANSWER", 200);
    f.clock.set(Flow.msk("2026-12-01T12:30"));
    Flow.awaitFired(f.t, deal, 2);
    f.plan = m -> OriginatePlan.of("ami/pjsip/c2c_noanswer.ami");
    var onStep = f.click(deal, anna.token());
    assertThat(onStep.bodyAsJsonObject().getJsonObject("attempt").getInteger("step")).isEqualTo(2);
    f.awaitAttempt(attemptId(onStep.bodyAsJsonObject()), "DONE");
    f.awaitIdle(anna);

    // attempt 3 is due tomorrow; a click now (2 hours later: inside the mobile limits) is a call outside the ladder
    f.clock.set(Flow.msk("2026-12-01T14:40"));
    var extra = f.click(deal, anna.token());
    assertThat(extra.statusCode()).as(extra.bodyAsString()).isEqualTo(202);
    JsonObject a = extra.bodyAsJsonObject().getJsonObject("attempt");
    assertThat(a.getBoolean("outsideLadder")).isTrue();
    assertThat(a.getInteger("step")).isNull();
    Row done = f.awaitAttempt(a.getLong("id"), "DONE");
    assertThat(done.getString("outcome")).isEqualTo("NO_ANSWER");
    var attempts = Flow.attempts(f.t, deal);
    assertThat(attempts.stream().map(o -> ((JsonObject) o).getString("state")).toList())
        .as("the pending step 3 stays; the extra call used up nothing").contains("PENDING");
    assertThat(attempts.stream().filter(o -> ((JsonObject) o).getInteger("step") != null
        && ((JsonObject) o).getInteger("step") == 3).count()).isEqualTo(1);
  }

  private static JsonObject history(long deal, String kind) {
    return Flow.deal(f.t, deal).getJsonArray("history").stream().map(h -> (JsonObject) h)
        .filter(h -> kind.equals(h.getString("kind"))).reduce((a, b) -> b).orElseThrow().getJsonObject("details");
  }
}
