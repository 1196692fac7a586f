package ru.dozvon.dialing;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import ru.dozvon.support.TestApp;
import ru.dozvon.telephony.testami.OriginatePlan;

/**
 * The progressive dialer in the running service: off by default, on per manager; it places a due attempt at once
 * for an operator on shift, not paused and with an idle phone, holds it otherwise for their next free moment, stays
 * inside the calling window, pauses after each call (wrap-up) and longer after the operator's phone did not take
 * one, and never places two calls to one lead at once.
 */
class DialerTest {

  static C2cFixture f;
  /** Extensions whose phone the PBX says is busy (the device-state seam). */
  static final Set<String> busyPhones = ConcurrentHashMap.newKeySet();
  C2cFixture.Operator op;

  @BeforeAll
  static void start() {
    f = new C2cFixture(Map.of(), """
        dialer:
          every: 100ms
        """);
    f.t.app.dialing().dialer().phones(((OperatorPhones) f.t.app.telephony().placedCalls()::idle)
        .and(ext -> !busyPhones.contains(ext)));
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  @BeforeEach
  void operator() {
    f.clock.set(C2cFixture.TUESDAY_11);
    f.plan = m -> OriginatePlan.of("ami/pjsip/c2c_noanswer.ami");
    busyPhones.clear();
    op = f.operator();
  }

  @AfterEach
  void offShift() {
    TestApp.await(f.t.patch("/api/managers/" + op.id(), TestApp.ADMIN_TOKEN)
        .sendJsonObject(new JsonObject().put("state", "OFF").put("autoDial", false)));
  }

  long originatesFor(C2cFixture.Operator o) {
    return f.pbx.actions().stream().filter(m -> m.is("Originate"))
        .filter(m -> ("PJSIP/" + o.extension()).equals(m.get("channel"))).count();
  }

  long attemptOf(long deal, int no) {
    return Flow.sql(f.t, "SELECT id FROM attempts WHERE deal_id = $1 AND no = $2", deal, no).iterator().next()
        .getLong(0);
  }

  void pause(long ms) {
    try {
      f.t.app.vertx().timer(ms, TimeUnit.MILLISECONDS).await(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void offByDefault() {
    long deal = f.dealFor(op);
    f.onShift(op, false);
    pause(600);
    assertThat(originatesFor(op)).isZero();
    assertThat(f.attemptState(attemptOf(deal, 1))).isEqualTo("FIRED");
  }

  @Test
  void placesADueAttemptAtOnceForAFreeOperator() {
    long deal = f.dealFor(op);

    f.onShift(op, true);

    long attempt = attemptOf(deal, 1);
    var done = f.awaitAttempt(attempt, "DONE");
    assertThat(done.getString("placed_by")).isEqualTo("dialer");
    assertThat(done.getString("outcome")).isEqualTo("NO_ANSWER");
    assertThat(originatesFor(op)).isEqualTo(1);
    assertThat(f.t.app.meters().scrape()).contains("dozvon_dialer_placed_total", "dozvon_dialer_wait_seconds",
        "dozvon_dialer_queued", "dozvon_calls_placed_total{by=\"dialer\"");
  }

  @Test
  void holdsTheAttemptWhileTheOperatorIsPausedOrTheirPhoneBusy() {
    long deal = f.dealFor(op);
    long attempt = attemptOf(deal, 1);
    // the dialer on, but paused in the panel: held
    var paused = TestApp.await(f.t.patch("/api/managers/" + op.id(), TestApp.ADMIN_TOKEN)
        .sendJsonObject(new JsonObject().put("state", "PAUSED").put("autoDial", true)));
    assertThat(paused.statusCode()).isEqualTo(200);
    pause(500);
    assertThat(f.attemptState(attempt)).isEqualTo("FIRED");
    // back on shift (the operator's own PATCH), but the PBX says their phone is in use: still held
    busyPhones.add(op.extension());
    var back = TestApp.await(f.t.patch("/api/managers/" + op.id(), op.token())
        .sendJsonObject(new JsonObject().put("state", "ON_SHIFT")));
    assertThat(back.statusCode()).isEqualTo(200);
    pause(500);
    assertThat(f.attemptState(attempt)).isEqualTo("FIRED");
    assertThat(originatesFor(op)).isZero();
    // the phone is free: placed at the next look
    busyPhones.remove(op.extension());
    assertThat(f.awaitAttempt(attempt, "DONE").getString("placed_by")).isEqualTo("dialer");
    assertThat(originatesFor(op)).isEqualTo(1);
  }

  @Test
  void pausedOnThePbxIsPaused() {
    long deal = f.dealFor(op);
    C2cFixture.await(f.t.app.pool().preparedQuery("UPDATE managers SET pbx_paused = true WHERE id = $1")
        .execute(io.vertx.sqlclient.Tuple.of(op.id())));
    f.onShift(op, true);
    pause(500);
    assertThat(f.attemptState(attemptOf(deal, 1))).isEqualTo("FIRED");
    C2cFixture.await(f.t.app.pool().preparedQuery("UPDATE managers SET pbx_paused = false WHERE id = $1")
        .execute(io.vertx.sqlclient.Tuple.of(op.id())));
    f.awaitAttempt(attemptOf(deal, 1), "DONE");
  }

  @Test
  void staysInsideTheCallingWindow() {
    long deal = f.dealFor(op);
    f.clock.set(Flow.msk("2026-12-01T19:30"));
    f.onShift(op, true);
    pause(500);
    assertThat(f.attemptState(attemptOf(deal, 1))).isEqualTo("FIRED");
    f.clock.set(Flow.msk("2026-12-02T10:00"));
    f.awaitAttempt(attemptOf(deal, 1), "DONE");
  }

  @Test
  void aWrapUpPauseAfterEachCall() {
    long first = f.dealFor(op);
    long second = f.dealFor(op);
    f.onShift(op, true);
    // one of the two is placed at once (the oldest), the other waits for the wrap-up after it
    Flow.eventually(f.t, () -> Flow.count(f.t, "SELECT count(*) FROM attempts WHERE deal_id IN ($1, $2) AND "
        + "state = 'DONE'", first, second), n -> n == 1);
    f.awaitIdle(op);
    pause(500);
    assertThat(Flow.count(f.t, "SELECT count(*) FROM attempts WHERE deal_id IN ($1, $2) AND no = 1 AND state = "
        + "'FIRED'", first, second)).as("held during the wrap-up").isEqualTo(1);
    assertThat(originatesFor(op)).isEqualTo(1);
    f.clock.advance(Duration.ofSeconds(16));
    Flow.eventually(f.t, () -> Flow.count(f.t, "SELECT count(*) FROM attempts WHERE deal_id IN ($1, $2) AND no = 1 "
        + "AND state = 'DONE'", first, second), n -> n == 2);
    assertThat(originatesFor(op)).isEqualTo(2);
  }

  @Test
  void afterTheOperatorsPhoneDidNotTakeACallALongerPause() {
    f.plan = m -> OriginatePlan.of("ami/scenarios/c2c_operator_noanswer.ami");
    long deal = f.dealFor(op);
    f.onShift(op, true);
    long attempt = attemptOf(deal, 1);
    Flow.eventually(f.t, () -> f.feed("call.failed", deal), l -> !l.isEmpty());
    assertThat(f.attemptState(attempt)).isEqualTo("FIRED");
    f.plan = m -> OriginatePlan.of("ami/pjsip/c2c_noanswer.ami");
    f.clock.advance(Duration.ofSeconds(20)); // past the wrap-up, not past the 60 s after a failure
    pause(500);
    assertThat(f.attemptState(attempt)).isEqualTo("FIRED");
    assertThat(originatesFor(op)).isEqualTo(1);
    f.clock.advance(Duration.ofSeconds(45));
    assertThat(f.awaitAttempt(attempt, "DONE").getString("outcome")).isEqualTo("NO_ANSWER");
    assertThat(originatesFor(op)).isEqualTo(2);
  }

  @Test
  void neverTwoCallsToOneLeadAtOnce() {
    f.plan = m -> OriginatePlan.of("ami/pjsip/c2c_answer.ami").holding(Duration.ofMillis(1200));
    long deal = f.dealFor(op);
    f.onShift(op, true);
    long attempt = attemptOf(deal, 1);
    f.awaitAttempt(attempt, "PLACED");
    // the operator clicks the same deal while the dialer's call is in flight: the same call, nothing more
    var click = f.click(deal, op.token());
    assertThat(click.statusCode()).isEqualTo(202);
    assertThat(click.bodyAsJsonObject().getBoolean("duplicate")).isTrue();
    f.awaitAttempt(attempt, "DONE");
    assertThat(originatesFor(op)).isEqualTo(1);
  }

  @Test
  void anOperatorMaySwitchTheirDialerOffButNothingElse() {
    long deal = f.dealFor(op);
    f.onShift(op, false);
    var on = TestApp.await(f.t.patch("/api/managers/" + op.id(), op.token())
        .sendJsonObject(new JsonObject().put("autoDial", false)));
    assertThat(on.statusCode()).isEqualTo(200);
    assertThat(on.bodyAsJsonObject().getBoolean("autoDial")).isFalse();
    var cap = TestApp.await(f.t.patch("/api/managers/" + op.id(), op.token())
        .sendJsonObject(new JsonObject().put("autoDial", true).put("maxActiveDeals", 5)));
    assertThat(cap.statusCode()).isEqualTo(403);
    var bad = TestApp.await(f.t.patch("/api/managers/" + op.id(), TestApp.ADMIN_TOKEN)
        .sendJsonObject(new JsonObject().put("autoDial", "yes")));
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.bodyAsJsonObject().getString("field")).isEqualTo("autoDial");
    pause(500);
    assertThat(f.attemptState(attemptOf(deal, 1))).isEqualTo("FIRED");
  }
}
