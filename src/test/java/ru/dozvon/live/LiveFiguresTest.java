package ru.dozvon.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import ru.dozvon.call.CallDirection;
import ru.dozvon.call.CallOutcome;
import ru.dozvon.deals.CallFacts;
import ru.dozvon.phone.PhoneNumbers;
import ru.dozvon.support.MovableClock;
import ru.dozvon.support.TestApp;
import ru.dozvon.telephony.testami.TestAmiServer;
import ru.dozvon.telephony.testami.Transcript;

/**
 * The wallboard's figures of {@code GET /api/live}, from a day made through the real service (calls through the
 * call intake, outcomes and a close through the API) and a caller waiting in a queue as the test PBX tells it over
 * AMI to the real client and call tracker. Expected figures are computed from what the test made. Monday
 * 2026-11-02 in Moscow.
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class LiveFiguresTest {

  static final String ADMIN = TestApp.ADMIN_TOKEN;
  static TestAmiServer pbx;
  static MovableClock clock;
  static TestApp t;

  @BeforeAll
  static void start() {
    pbx = TestAmiServer.start("crm", "pbx-secret-1");
    clock = new MovableClock(Instant.parse("2026-11-02T08:00:00Z"));     // 11:00 MSK
    t = TestApp.start(Map.of("DOZVON_AMI_HOST", "127.0.0.1", "DOZVON_AMI_PORT", String.valueOf(pbx.port()),
        "DOZVON_AMI_USER", "crm", "DOZVON_AMI_SECRET", "pbx-secret-1", "DOZVON_LIVE_SERVICE_LEVEL_SECONDS", "15",
        "DOZVON_LIVE_BACKLOG_RED_AFTER", "10m"), clock);
    eventually("AMI connected", () -> "CONNECTED".equals(t.app.telephony().state()));
  }

  @AfterAll
  static void stop() {
    t.close();
    pbx.close();
  }

  @Test
  @org.junit.jupiter.api.Order(1)
  void theDaysFiguresForTheWallboard() throws Exception {
    JsonObject anna = t.createManager("Анна", "401", 4);
    long a = anna.getLong("id");
    long b = t.createManager("Борис", "402", 0).getLong("id");
    TestApp.await(t.patch("/api/managers/" + a, ADMIN).sendJsonObject(new JsonObject().put("state", "ON_SHIFT")));
    // yesterday's call counts for nothing today
    answered("l.y", "+79160000090", "401", clock.instant().minus(Duration.ofDays(1)), 3, 500);
    long d1 = missed("l.1", "+79160000011", clock.instant().minusSeconds(30), 30);   // arrives 08:00
    clock.set(Instant.parse("2026-11-02T08:01:00Z"));
    long d2 = missed("l.2", "+79160000012", clock.instant().minusSeconds(20), 20);   // arrives 08:01
    answered("l.a1", "+79160000091", "401", Instant.parse("2026-11-02T08:02:00Z"), 10, 100);  // in time (15 s)
    answered("l.a2", "+79160000092", "402", Instant.parse("2026-11-02T08:03:00Z"), 40, 50);   // late
    clock.set(Instant.parse("2026-11-02T08:03:00Z"));
    TestApp.await(t.post("/api/deals/" + d1 + "/outcome", ADMIN).sendJsonObject(new JsonObject()
        .put("result", "REACHED").put("note", "говорили")));                            // 180 s after arrival
    TestApp.await(t.post("/api/deals/" + d1 + "/close", ADMIN).sendJsonObject(new JsonObject().put("status", "LOST")
        .put("reason", "too_expensive").put("comment", "дорого")));
    clock.set(Instant.parse("2026-11-02T08:26:00Z"));                                    // d2 waits 25 min

    JsonObject s = live();
    assertThat(s.getLong("callsToday")).isEqualTo(4);
    assertThat(s.getLong("missedToday")).isEqualTo(2);
    assertThat(s.getLong("inboundToday")).isEqualTo(4);
    assertThat(s.getLong("abandonedToday")).isEqualTo(2);
    assertThat(s.getDouble("abandonRateToday")).isEqualTo(0.5);
    assertThat(s.getJsonObject("serviceLevel")).isEqualTo(new JsonObject().put("seconds", 15).put("target", 0.8)
        .put("offered", 4L).put("answeredWithin", 1L).put("share", 0.25));
    JsonObject stl = s.getJsonObject("speedToLead");
    assertThat(stl.getLong("leadsToday")).isEqualTo(2);
    assertThat(stl.getDouble("medianSecondsToday")).isEqualTo(180.0);
    assertThat(stl.getDouble("p90SecondsToday")).isEqualTo(180.0);
    assertThat(stl.getLong("reachedWithin20Minutes")).isEqualTo(1);
    assertThat(stl.getLong("breaches5Minutes")).isEqualTo(1);
    assertThat(stl.getLong("breaches20Minutes")).isEqualTo(1);
    JsonObject backlog = s.getJsonObject("callbackBacklog");
    assertThat(backlog.getLong("count")).isEqualTo(1);
    assertThat(backlog.getLong("oldestDealId")).isEqualTo(d2);
    assertThat(backlog.getLong("oldestWaitingSeconds")).isEqualTo(25 * 60);
    JsonObject control = s.getJsonObject("controlTasks");
    assertThat(control.getLong("count")).isEqualTo(1);
    assertThat(control.getJsonArray("items").getJsonObject(0).getLong("dealId")).isEqualTo(d1);
    assertThat(control.getJsonArray("items").getJsonObject(0).getString("title"))
        .isEqualTo("Проконтролировать закрытие сделки");
    JsonObject ma = manager(s, a);
    assertThat(ma.getLong("callsToday")).isEqualTo(1);
    assertThat(ma.getLong("talkSecondsToday")).isEqualTo(100);
    assertThat(ma.getLong("activeDeals")).isEqualTo(1);                                  // d2
    assertThat(ma.getDouble("load")).isEqualTo(0.25);
    assertThat(ma.containsKey("rating")).isTrue();
    JsonObject mb = manager(s, b);
    assertThat(mb.getLong("callsToday")).isEqualTo(1);
    assertThat(mb.getLong("talkSecondsToday")).isEqualTo(50);
    assertThat(mb.getValue("load")).isNull();                                             // a cap of 0
    assertThat(s.getJsonObject("thresholds")).isEqualTo(new JsonObject().put("backlogRedAfterSeconds", 600L)
        .put("serviceLevelSeconds", 15).put("serviceLevelTarget", 0.8).put("abandonRateRedAbove", 0.1)
        .put("longestWaitRedAfterSeconds", 60L).put("speedToLeadRedAfterSeconds", 300L).put("talkLimitSeconds", 10800L)
        .put("loadRedAbove", 1.0));
  }

  @Test
  @org.junit.jupiter.api.Order(2) // its call would count among the day's
  void aCallerWaitingInAQueueIsCountedUntilAnOperatorAnswers() {
    String text = new String(Transcript.load("ami/queue_answered.ami").bytes(), StandardCharsets.UTF_8);
    int join = text.indexOf("Event: QueueCallerJoin");
    int cut = text.indexOf("\r\n\r\n", join) + 4;
    assertThat(join).isPositive();
    pbx.sendRaw(text.substring(0, cut).getBytes(StandardCharsets.UTF_8));
    eventually("the caller waits", () -> t.app.telephony().queueWait().callers() == 1);
    clock.advance(Duration.ofSeconds(42));
    JsonObject waiting = live();
    assertThat(waiting.getInteger("waitingCallers")).isEqualTo(1);
    assertThat(waiting.getLong("longestWaitSeconds")).isEqualTo(42);
    pbx.sendRaw(text.substring(cut).getBytes(StandardCharsets.UTF_8));
    eventually("answered", () -> t.app.telephony().queueWait().callers() == 0);
    JsonObject after = live();
    assertThat(after.getInteger("waitingCallers")).isZero();
    assertThat(after.getLong("longestWaitSeconds")).isZero();
  }

  private static JsonObject live() {
    var r = TestApp.await(t.get("/api/live", ADMIN).send());
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  private static JsonObject manager(JsonObject s, long id) {
    return s.getJsonArray("managers").stream().map(JsonObject.class::cast).filter(m -> m.getLong("id") == id)
        .findFirst().orElseThrow();
  }

  static void eventually(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for: " + what);
      }
      t.app.vertx().timer(20).await();
    }
  }

  private static long missed(String id, String phone, Instant start, int ring) throws Exception {
    Instant end = start.plusSeconds(ring);
    var facts = new CallFacts(id, CallDirection.INBOUND, CallOutcome.NO_ANSWER, true, PhoneNumbers.parse(phone), phone,
        false, "74951234567", null, null, start, null, end, ring, 0, false);
    long deal = t.app.callIntake().accept(facts, end).await(10, TimeUnit.SECONDS).dealId();
    t.settleRouting().await(10, TimeUnit.SECONDS);
    return deal;
  }

  private static void answered(String id, String phone, String ext, Instant start, int wait, int talk)
      throws Exception {
    Instant answer = start.plusSeconds(wait);
    var facts = new CallFacts(id, CallDirection.INBOUND, CallOutcome.ANSWERED, false, PhoneNumbers.parse(phone), phone,
        false, "74951234567", ext, null, start, answer, answer.plusSeconds(talk), wait, talk, false);
    t.app.callIntake().accept(facts, answer.plusSeconds(talk)).await(10, TimeUnit.SECONDS);
  }
}
