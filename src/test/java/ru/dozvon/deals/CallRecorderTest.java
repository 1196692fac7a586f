package ru.dozvon.deals;

import ru.dozvon.call.CallDirection;
import ru.dozvon.call.CallOutcome;
import static org.assertj.core.api.Assertions.assertThat;
import static ru.dozvon.support.TestApp.ADMIN_TOKEN;
import static ru.dozvon.support.TestApp.await;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import ru.dozvon.deals.PgCallRecorder.Effect;
import ru.dozvon.phone.PhoneNumbers;
import ru.dozvon.support.TestApp;

/** Calls into deals against the real database, read back through the real HTTP API. */
class CallRecorderTest {

  static TestApp t;
  static final AtomicInteger IDS = new AtomicInteger();
  static final Instant T0 = Instant.parse("2026-11-24T09:00:00Z");

  @BeforeAll
  static void start() {
    t = TestApp.start();
  }

  @AfterAll
  static void stop() {
    t.close();
  }

  static CallFacts missed(String phone) {
    return call(phone, "INBOUND", "NO_ANSWER", true);
  }

  static CallFacts call(String phone, String direction, String outcome, boolean missed) {
    String id = "1795551887." + IDS.incrementAndGet();
    var p = PhoneNumbers.tryParse(phone).orElse(null);
    return new CallFacts(id, CallDirection.valueOf(direction), CallOutcome.valueOf(outcome), missed, p, phone, p == null, "74951234567",
        missed ? null : "101", null, T0, missed ? null : T0.plusSeconds(5), T0.plusSeconds(30),
        missed ? 30 : 5, missed ? 0 : 25, false);
  }

  static PgCallRecorder.Recorded record(CallFacts c) throws Exception {
    return t.app.callRecorder().record(c).await(10, TimeUnit.SECONDS);
  }

  static JsonObject deal(long id) {
    var r = await(t.get("/api/deals/" + id, ADMIN_TOKEN).send());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  @Test
  void aMissedCallCreatesADealWithTheCallAndItsHistory() throws Exception {
    CallFacts c = missed("+79160000001");
    var rec = record(c);
    assertThat(rec.effect()).isEqualTo(Effect.DEAL_CREATED);
    JsonObject d = deal(rec.dealId());
    assertThat(d.getString("source")).isEqualTo("missed_call");
    assertThat(d.getString("status")).isEqualTo("OPEN");
    assertThat(d.getString("stage")).isEqualTo("new");
    assertThat(d.getJsonObject("contact").getString("phone")).isEqualTo("+79160000001");
    assertThat(d.getJsonObject("contact").getString("phoneKind")).isEqualTo("MOBILE");
    assertThat(d.getJsonArray("calls")).hasSize(1);
    assertThat(d.getJsonArray("calls").getJsonObject(0).getString("pbxCallId")).isEqualTo(c.pbxCallId());
    assertThat(d.getJsonArray("calls").getJsonObject(0).getString("outcome")).isEqualTo("NO_ANSWER");
    assertThat(d.getJsonArray("history").getJsonObject(0).getString("kind")).isEqualTo("created");
    assertThat(d.getJsonObject("fields").getString("companyNumber")).isEqualTo("74951234567");
  }

  @Test
  void theSameCallTwiceIsStoredOnce() throws Exception {
    CallFacts c = missed("+79160000002");
    var first = record(c);
    var again = record(c);
    assertThat(again.effect()).isEqualTo(Effect.DUPLICATE);
    assertThat(again.callId()).isEqualTo(first.callId());
    assertThat(again.dealId()).isEqualTo(first.dealId());
    assertThat(deal(first.dealId()).getJsonArray("calls")).hasSize(1);
  }

  @Test
  void aSecondMissedCallAttachesToTheOpenDeal() throws Exception {
    var first = record(missed("89160000003"));
    var second = record(missed("+7 916 000-00-03"));
    assertThat(second.effect()).isEqualTo(Effect.ATTACHED_MISSED);
    assertThat(second.dealId()).isEqualTo(first.dealId());
    JsonObject d = deal(first.dealId());
    assertThat(d.getJsonArray("calls")).hasSize(2);
    assertThat(d.getLong("missedCallCount")).isEqualTo(2);
  }

  @Test
  void manyMissedCallsFromOneNumberAtOnceMakeOneDeal() {
    List<Future<PgCallRecorder.Recorded>> all = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      all.add(t.app.callRecorder().record(missed("+79160000004")));
    }
    Future.all(all).await();
    long deals = all.stream().map(f -> f.result().dealId()).distinct().count();
    assertThat(deals).isEqualTo(1);
    assertThat(all.stream().filter(f -> f.result().effect() == Effect.DEAL_CREATED).count()).isEqualTo(1);
    JsonArray list = await(t.get("/api/deals?phone=89160000004", ADMIN_TOKEN).send()).bodyAsJsonArray();
    assertThat(list).hasSize(1);
    assertThat(list.getJsonObject(0).getLong("callCount")).isEqualTo(40);
  }

  @Test
  void aWithheldCallerIsRecordedButNeverBecomesADeal() throws Exception {
    for (String raw : List.of("", "<unknown>", "anonymous")) {
      var rec = record(call(raw, "INBOUND", "NO_ANSWER", true));
      assertThat(rec.effect()).isEqualTo(Effect.RECORDED_ONLY);
      assertThat(rec.dealId()).isNull();
    }
  }

  @Test
  void anAnsweredInboundCallIsContactMadeOnTheOpenDeal() throws Exception {
    var missed = record(missed("+79160000005"));
    var answered = record(call("+79160000005", "INBOUND", "ANSWERED", false));
    assertThat(answered.effect()).isEqualTo(Effect.CONTACT_MADE);
    assertThat(answered.dealId()).isEqualTo(missed.dealId());
    JsonObject d = deal(missed.dealId());
    assertThat(d.getString("firstContactAt")).isEqualTo(T0.plusSeconds(5).toString());
    assertThat(d.getJsonArray("history").stream().map(h -> ((JsonObject) h).getString("kind")))
        .containsExactly("created", "attempt_scheduled", "call", "chain_stopped"); // dialing's rows around the call
    assertThat(d.getJsonArray("history").getJsonObject(2).getJsonObject("details").getBoolean("contactMade")).isTrue();
  }

  @Test
  void anAnsweredCallWithoutAnOpenDealMakesNoDeal() throws Exception {
    var rec = record(call("+79160000006", "INBOUND", "ANSWERED", false));
    assertThat(rec.effect()).isEqualTo(Effect.RECORDED_ONLY);
    assertThat(await(t.get("/api/deals?phone=%2B79160000006", ADMIN_TOKEN).send()).bodyAsJsonArray()).isEmpty();
  }

  @Test
  void dealListFiltersAndValidates() throws Exception {
    record(missed("+79160000007"));
    JsonArray bySource = await(t.get("/api/deals?source=missed_call&status=open&limit=500", ADMIN_TOKEN).send())
        .bodyAsJsonArray();
    assertThat(bySource).isNotEmpty();
    assertThat(bySource.stream().map(o -> ((JsonObject) o).getString("source"))).containsOnly("missed_call");
    List<Long> ids = bySource.stream().map(o -> ((JsonObject) o).getLong("id")).toList();
    assertThat(ids).isSortedAccordingTo(java.util.Comparator.reverseOrder());
    for (String bad : List.of("phone=abc", "status=DONE", "source=fax", "managerId=x", "limit=0", "stage=New Stage")) {
      var r = await(t.get("/api/deals?" + bad.replace(" ", "%20"), ADMIN_TOKEN).send());
      assertThat(r.statusCode()).as(bad).isEqualTo(400);
      assertThat(r.bodyAsJsonObject().getString("field")).isEqualTo(bad.substring(0, bad.indexOf('=')));
    }
    assertThat(await(t.get("/api/deals/999999", ADMIN_TOKEN).send()).statusCode()).isEqualTo(404);
  }

  @Test
  void anOperatorSeesOnlyTheirOwnDeals() throws Exception {
    JsonObject op = t.createManager("Olga", "231", 5);
    var rec = record(missed("+79160000008"));
    var r = await(t.get("/api/deals/" + rec.dealId(), op.getString("token")).send());
    assertThat(r.statusCode()).isEqualTo(403);
    JsonArray mine = await(t.get("/api/deals", op.getString("token")).send()).bodyAsJsonArray();
    assertThat(mine).isEmpty();
    assertThat(await(t.get("/api/deals?managerId=" + (op.getLong("id") + 1000), op.getString("token")).send()).statusCode()).isEqualTo(403);
  }
}
