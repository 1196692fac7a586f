package ru.dozvon.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import ru.dozvon.call.CallDirection;
import ru.dozvon.call.CallOutcome;
import ru.dozvon.deals.CallFacts;
import ru.dozvon.phone.PhoneNumbers;
import ru.dozvon.support.MovableClock;
import ru.dozvon.support.TestApp;

/**
 * The five reports over one week of data made through the real service: missed calls through the call intake
 * (the recorder's own entry, as the PBX path uses it), outcomes, stage moves, closes and a hand assignment through
 * the HTTP API, with a movable clock. Every expected figure is computed from what the test made. Company zone
 * Europe/Moscow (UTC+3); the week is Monday 2026-11-02 to Sunday 2026-11-08.
 */
class ReportsApiTest {

  static final String ADMIN = TestApp.ADMIN_TOKEN;
  static final String WEEK = "?from=2026-11-02&to=2026-11-08";

  static MovableClock clock;
  static TestApp t;
  static long a;
  static long b;
  static long d1;
  static long d2;
  static long d3;
  static long d4;
  static long d5;
  static String operatorToken;
  // figures read back from what the service did (due times it computed)
  static double stl2;
  static Instant arrival1 = Instant.parse("2026-11-02T07:00:30Z");
  static Instant won1At = Instant.parse("2026-11-03T07:00:30Z");

  @BeforeAll
  static void makeTheWeek() throws Exception {
    clock = new MovableClock(Instant.parse("2026-11-01T20:00:00Z"));
    t = TestApp.start(Map.of("DOZVON_TIMEZONE", "Europe/Moscow"), clock);
    JsonObject ma = t.createManager("Анна", "301", 50);
    a = ma.getLong("id");
    operatorToken = ma.getString("token");
    b = t.createManager("Борис", "302", 50).getLong("id");
    t.createManager("=1+2;\"x\"", "303", 5);
    ok(t.patch("/api/managers/" + a, ADMIN).sendJsonObject(new JsonObject().put("state", "ON_SHIFT")));

    // Before the period: Sunday 2026-11-01 23:50 MSK. Its attempt 1 comes due Monday 10:00 MSK, inside the week.
    missed("r.6", "+79160000006", "2026-11-01T20:50:00Z", 30);
    clock.set(Instant.parse("2026-11-02T07:00:30Z"));
    d1 = missed("r.1", "+79160000001", "2026-11-02T07:00:00Z", 30);          // Mon 10:00 MSK
    clock.set(Instant.parse("2026-11-02T07:02:30Z"));
    outcome(d1, "REACHED");                                                   // speed-to-lead 120 s, step 1
    ok(t.post("/api/deals/" + d1 + "/stage", ADMIN).sendJsonObject(new JsonObject().put("stage", "contract_sent")
        .put("fields", new JsonObject().put("platform", "web").put("niche", "b2b").put("source", "ads")
            .put("budget", "100000").put("contract", "Д-1"))));
    clock.set(Instant.parse("2026-11-02T07:10:20Z"));
    d2 = missed("r.2", "+79160000002", "2026-11-02T07:10:00Z", 20);          // Mon 10:10 MSK
    clock.set(Instant.parse("2026-11-02T07:11:00Z"));
    outcome(d2, "NO_ANSWER");                                                 // step 1
    Instant due2 = Instant.parse(attempt(d2, 2).getString("dueAt"));
    clock.set(due2);
    outcome(d2, "REACHED");                                                   // step 2
    stl2 = Duration.between(Instant.parse("2026-11-02T07:10:20Z"), due2).toSeconds();
    // a REACHED outcome takes a deal into work by itself (d1, d2 and d3 all reach in_work)

    clock.set(Instant.parse("2026-11-03T07:00:30Z"));
    ok(t.post("/api/deals/" + d1 + "/close", ADMIN).sendJsonObject(new JsonObject().put("status", "WON")
        .put("reason", "price").put("comment", "подписали")));
    clock.set(Instant.parse("2026-11-03T12:05:30Z"));
    d3 = missed("r.3", "+79160000003", "2026-11-03T12:05:00Z", 30);          // Tue 15:05 MSK
    ok(t.post("/api/deals/" + d3 + "/assign", ADMIN).sendJsonObject(new JsonObject().put("managerId", b)
        .put("reason", "отчёт").put("force", true)));
    clock.set(Instant.parse("2026-11-03T12:15:30Z"));
    outcome(d3, "REACHED");                                                   // 600 s, step 1
    ok(t.post("/api/deals/" + d3 + "/close", ADMIN).sendJsonObject(new JsonObject().put("status", "LOST")
        .put("reason", "chose_competitor").put("comment", "ушли")));

    clock.set(Instant.parse("2026-11-04T09:00:00Z"));
    answered("r.a1", "+79160000099", "301", "2026-11-04T08:55:00Z", 300);
    answered("r.a2", "+79160000098", "302", "2026-11-04T08:58:00Z", 120);
    answered("r.a3", "+79160000097", "303", "2026-11-04T08:59:00Z", 10);
    ok(t.post("/api/deals/" + d2 + "/close", ADMIN).sendJsonObject(new JsonObject().put("status", "LOST")
        .put("reason", "too_expensive").put("comment", "дорого")));

    clock.set(Instant.parse("2026-11-07T20:30:40Z"));
    d4 = missed("r.4", "+79160000004", "2026-11-07T20:30:00Z", 40);          // Sat 23:30 MSK
    clock.set(Instant.parse("2026-11-08T07:00:30Z"));
    assertThat(missed("r.4b", "+79160000004", "2026-11-08T07:00:00Z", 30)).isEqualTo(d4); // Sun 10:00, again
    clock.set(Instant.parse("2026-11-08T20:50:30Z"));
    d5 = missed("r.5", "+79160000005", "2026-11-08T20:50:00Z", 30);          // Sun 23:50 MSK
    clock.set(Instant.parse("2026-11-08T20:55:00Z"));
    ok(t.post("/api/deals/" + d5 + "/close", ADMIN).sendJsonObject(new JsonObject().put("status", "INVALID")
        .put("reason", "spam").put("comment", "робот")));
    clock.set(Instant.parse("2026-11-08T21:10:30Z"));
    missed("r.7", "+79160000007", "2026-11-08T21:10:00Z", 30);               // Mon 2026-11-09 00:10 MSK: after
  }

  @AfterAll
  static void stop() {
    t.close();
  }

  @Test
  void funnelCountsTheWeeksLeadsByTheFurthestStageEachReached() {
    JsonObject f = json("/api/reports/funnel" + WEEK);
    assertThat(f.getString("timezone")).isEqualTo("Europe/Moscow");
    assertThat(f.getString("periodStart")).isEqualTo("2026-11-01T21:00:00Z");
    assertThat(f.getString("periodEnd")).isEqualTo("2026-11-08T21:00:00Z");
    assertThat(f.getLong("leads")).isEqualTo(5);
    JsonArray stages = f.getJsonArray("stages");
    assertThat(stages.stream().map(s -> ((JsonObject) s).getString("code"))).containsExactly("new", "in_work",
        "qualified", "offer_sent", "attempts_2plus", "start_agreed", "contract_sent", "launched");
    assertThat(stages.stream().map(s -> ((JsonObject) s).getLong("reached"))).containsExactly(5L, 3L, 1L, 1L, 1L, 1L,
        1L, 1L);
    assertThat(stages.getJsonObject(0).getValue("conversionFromPrevious")).isNull();
    assertThat(stages.getJsonObject(1).getDouble("conversionFromPrevious")).isEqualTo(3.0 / 5);
    assertThat(stages.getJsonObject(2).getDouble("conversionFromPrevious")).isEqualTo(1.0 / 3);
    assertThat(stages.getJsonObject(7).getDouble("conversionFromPrevious")).isEqualTo(1.0);
    assertThat(stages.getJsonObject(7).getBoolean("won")).isTrue();
    assertThat(stages.getJsonObject(1).getDouble("share")).isEqualTo(3.0 / 5);
    assertThat(f.getJsonObject("status")).isEqualTo(new JsonObject().put("open", 1L).put("won", 1L).put("lost", 2L)
        .put("invalid", 1L));
  }

  @Test
  void reasonsCountTheDealsClosedInTheWeekWithTheirShares() {
    JsonObject r = json("/api/reports/reasons" + WEEK);
    assertThat(r.getLong("closed")).isEqualTo(4);
    JsonObject lost = r.getJsonObject("lost");
    assertThat(lost.getLong("total")).isEqualTo(2);
    JsonArray reasons = lost.getJsonArray("reasons");
    assertThat(reasons.getJsonObject(0)).isEqualTo(new JsonObject().put("code", "too_expensive").put("name", "дорого")
        .put("count", 1L).put("share", 0.5));
    assertThat(reasons.getJsonObject(1).getString("code")).isEqualTo("chose_competitor");
    assertThat(reasons.getJsonObject(1).getDouble("share")).isEqualTo(0.5);
    assertThat(reasons.getJsonObject(2).getLong("count")).isZero();
    assertThat(reasons.getJsonObject(2).getDouble("share")).isEqualTo(0.0);
    assertThat(reasons).hasSize(7);
    assertThat(r.getJsonObject("won").getJsonArray("reasons").getJsonObject(0))
        .isEqualTo(new JsonObject().put("code", "price").put("name", "устроила цена").put("count", 1L).put("share", 1.0));
    assertThat(r.getJsonObject("invalid").getJsonArray("reasons").getJsonObject(0).getString("code")).isEqualTo("spam");
    // the next week has nothing closed: shares are null, counts 0
    JsonObject next = json("/api/reports/reasons?from=2026-11-09&to=2026-11-15");
    assertThat(next.getLong("closed")).isZero();
    assertThat(next.getJsonObject("lost").getJsonArray("reasons").getJsonObject(0).getValue("share")).isNull();
  }

  @Test
  void managersHaveTheirLeadsSpeedConversionCycleAndTalkTime() {
    JsonArray people = json("/api/reports/managers" + WEEK).getJsonArray("managers");
    assertThat(people).hasSize(3);
    JsonObject anna = people.getJsonObject(0);
    assertThat(anna.getLong("id")).isEqualTo(a);
    assertThat(anna.getLong("leads")).isEqualTo(4);          // d1, d2, d4, d5
    assertThat(anna.getLong("reached")).isEqualTo(2);        // d1, d2
    assertThat(anna.getDouble("reachedShare")).isEqualTo(0.5);
    double lo = Math.min(120, stl2);
    double hi = Math.max(120, stl2);
    assertThat(anna.getJsonObject("speedToLead").getDouble("medianSeconds")).isCloseTo((lo + hi) / 2, within(1e-6));
    assertThat(anna.getJsonObject("speedToLead").getDouble("p90Seconds")).isCloseTo(lo + 0.9 * (hi - lo), within(1e-6));
    assertThat(anna.getLong("won")).isEqualTo(1);
    assertThat(anna.getLong("lost")).isEqualTo(1);
    assertThat(anna.getDouble("conversion")).isEqualTo(0.5);
    assertThat(anna.getDouble("averageDealCycleSeconds"))
        .isEqualTo((double) Duration.between(arrival1, won1At).toSeconds());
    assertThat(anna.getLong("calls")).isEqualTo(1);
    assertThat(anna.getLong("talkSeconds")).isEqualTo(300);
    JsonObject boris = people.getJsonObject(1);
    assertThat(boris.getLong("id")).isEqualTo(b);
    assertThat(boris.getLong("leads")).isEqualTo(1);
    assertThat(boris.getJsonObject("speedToLead").getDouble("medianSeconds")).isEqualTo(600.0);
    assertThat(boris.getJsonObject("speedToLead").getDouble("p90Seconds")).isEqualTo(600.0);
    assertThat(boris.getDouble("conversion")).isEqualTo(0.0);
    assertThat(boris.getValue("averageDealCycleSeconds")).isNull();
    assertThat(boris.getLong("talkSeconds")).isEqualTo(120);
    JsonObject third = people.getJsonObject(2);
    assertThat(third.getLong("leads")).isZero();
    assertThat(third.getValue("reachedShare")).isNull();
    assertThat(third.getValue("conversion")).isNull();
    assertThat(third.getJsonObject("speedToLead").getValue("medianSeconds")).isNull();
  }

  @Test
  void theHeatmapPlacesMissedCallsInTheCompanysWeekdayAndHour() {
    JsonObject h = json("/api/reports/heatmap" + WEEK);
    assertThat(h.getLong("total")).isEqualTo(6);
    JsonArray cells = h.getJsonArray("cells");
    assertThat(cells.getJsonArray(0).getLong(10)).isEqualTo(2);   // Mon 10:00, 10:10
    assertThat(cells.getJsonArray(1).getLong(15)).isEqualTo(1);   // Tue 15:05
    assertThat(cells.getJsonArray(5).getLong(23)).isEqualTo(1);   // Sat 23:30
    assertThat(cells.getJsonArray(6).getLong(10)).isEqualTo(1);   // Sun 10:00 (the same number again)
    assertThat(cells.getJsonArray(6).getLong(23)).isEqualTo(1);   // Sun 23:50; the 00:10 after the week is not here
    assertThat(cells.getJsonArray(0).getLong(0)).isZero();
    assertThat(h.getJsonArray("byWeekday")).isEqualTo(new JsonArray().add(2L).add(1L).add(0L).add(0L).add(0L).add(1L)
        .add(2L));
    assertThat(h.getJsonArray("byHour").getLong(23)).isEqualTo(2);
    assertThat(h.getJsonObject("peak")).isEqualTo(new JsonObject().put("weekday", "MON").put("hour", 10).put("count", 2L));
    // the week before has the Sunday 23:50 call only
    JsonObject before = json("/api/reports/heatmap?from=2026-11-01&to=2026-11-01");
    assertThat(before.getLong("total")).isEqualTo(1);
    assertThat(before.getJsonArray("cells").getJsonArray(6).getLong(23)).isEqualTo(1);
  }

  @Test
  void theLadderReportCountsOutcomesByStep() {
    JsonObject l = json("/api/reports/ladder" + WEEK);
    JsonArray steps = l.getJsonArray("steps");
    JsonObject one = steps.getJsonObject(0);
    assertThat(one.getInteger("step")).isEqualTo(1);
    // d1 REACHED, d2 NO_ANSWER, d3 REACHED, and the lead from before the week, due Monday 10:00, not decided
    assertThat(one.getLong("attempts")).isEqualTo(4);
    assertThat(one.getLong("reached")).isEqualTo(2);
    assertThat(one.getLong("noAnswer")).isEqualTo(1);
    assertThat(one.getLong("open")).isEqualTo(1);
    assertThat(one.getLong("withOutcome")).isEqualTo(3);
    assertThat(one.getDouble("reachedShare")).isEqualTo(2.0 / 3);
    JsonObject two = steps.getJsonObject(1);
    assertThat(two.getInteger("step")).isEqualTo(2);
    assertThat(two.getLong("attempts")).isEqualTo(1);
    assertThat(two.getLong("reached")).isEqualTo(1);
    assertThat(two.getDouble("reachedShare")).isEqualTo(1.0);
    assertThat(steps).hasSize(2);
    assertThat(l.getJsonObject("outsideLadder").getLong("attempts")).isZero();
  }

  @Test
  void csvIsForExcelWithBomSemicolonsDecimalCommaAndNoFormulas() {
    var r = TestApp.await(t.get("/api/reports/managers" + WEEK + "&format=csv", ADMIN).send());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.getHeader("Content-Type")).isEqualTo("text/csv; charset=utf-8");
    assertThat(r.getHeader("Content-Disposition")).contains("managers-2026-11-02-2026-11-08.csv");
    byte[] bytes = r.body().getBytes();
    assertThat(bytes[0]).isEqualTo((byte) 0xEF);
    assertThat(bytes[1]).isEqualTo((byte) 0xBB);
    assertThat(bytes[2]).isEqualTo((byte) 0xBF);
    String text = new String(bytes, 3, bytes.length - 3, StandardCharsets.UTF_8);
    String[] lines = text.split("\r\n");
    assertThat(lines[0]).startsWith("ID;Менеджер;Внутренний номер;Заявок;");
    assertThat(lines[1]).startsWith(a + ";Анна;301;4;2;0,5;");
    // the name that would be a formula is text, quoted for its ; and "
    assertThat(text).contains(";\"'=1+2;\"\"x\"\"\";303;0;0;");
    // Accept: text/csv asks for CSV too
    var viaAccept = TestApp.await(t.get("/api/reports/heatmap" + WEEK, ADMIN).putHeader("Accept", "text/csv").send());
    assertThat(viaAccept.getHeader("Content-Type")).startsWith("text/csv");
    String heat = new String(viaAccept.body().getBytes(), StandardCharsets.UTF_8);
    assertThat(heat).contains("\r\nПн;0;0;0;0;0;0;0;0;0;0;2;");
    var ladder = TestApp.await(t.get("/api/reports/ladder" + WEEK + "&format=csv", ADMIN).send());
    assertThat(ladder.bodyAsString()).contains("\r\n1;4;2;0;1;0;0;0;0;1;3;0,6667\r\n");
  }

  @Test
  void badPeriodsAndFormatsAreRefusedNamingTheField() {
    assertRefused("/api/reports/funnel?from=2026-13-01&to=2026-12-01", "from");
    assertRefused("/api/reports/funnel?from=yesterday", "from");
    assertRefused("/api/reports/funnel?from=2026-02-30&to=2026-03-01", "from");
    assertRefused("/api/reports/funnel?from=2026-11-02&to=2026-11-0", "to");
    assertRefused("/api/reports/reasons?from=2026-11-09&to=2026-11-08", "to");
    assertRefused("/api/reports/managers?from=2025-01-01&to=2026-01-02", "to");     // 367 days
    assertRefused("/api/reports/ladder" + WEEK + "&format=xml", "format");
    assertThat(TestApp.await(t.get("/api/reports/heatmap?from=2028-01-01&to=2028-12-31", ADMIN).send()).statusCode())
        .isEqualTo(200);                                                                  // 366 days: allowed
    assertThat(TestApp.await(t.get("/api/reports/nothing" + WEEK, ADMIN).send()).statusCode()).isEqualTo(404);
    assertThat(TestApp.await(t.get("/api/reports/funnel" + WEEK, operatorToken).send()).statusCode()).isEqualTo(403);
    assertThat(TestApp.await(t.get("/api/reports/funnel" + WEEK, null).send()).statusCode()).isEqualTo(401);
    // no period: the 30 days up to today (the clock's day in Moscow)
    JsonObject dflt = json("/api/reports/funnel");
    assertThat(dflt.getString("to")).isEqualTo("2026-11-09");
    assertThat(dflt.getString("from")).isEqualTo("2026-10-11");
  }

  private static void assertRefused(String path, String field) {
    var r = TestApp.await(t.get(path, ADMIN).send());
    assertThat(r.statusCode()).as(path).isEqualTo(400);
    assertThat(r.bodyAsJsonObject().getString("field")).as(path).isEqualTo(field);
  }

  private static JsonObject json(String path) {
    var r = TestApp.await(t.get(path, ADMIN).send());
    assertThat(r.statusCode()).as(path + " " + r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  private static HttpResponse<Buffer> ok(io.vertx.core.Future<HttpResponse<Buffer>> f) {
    var r = TestApp.await(f);
    assertThat(r.statusCode()).as(r.bodyAsString()).isBetween(200, 299);
    return r;
  }

  private static void outcome(long deal, String result) {
    ok(t.post("/api/deals/" + deal + "/outcome", ADMIN).sendJsonObject(new JsonObject().put("result", result)
        .put("note", "отчёт")));
  }

  private static JsonObject attempt(long deal, int no) {
    JsonArray attempts = ok(t.get("/api/deals/" + deal, ADMIN).send()).bodyAsJsonObject().getJsonArray("attempts");
    return attempts.stream().map(JsonObject.class::cast).filter(x -> x.getInteger("no") == no).findFirst()
        .orElseThrow(() -> new AssertionError("no attempt " + no + " on deal " + deal + ": " + attempts));
  }

  /** A missed inbound call through the call intake; returns its deal once routing has settled. */
  private static long missed(String id, String phone, String startedAt, int ringSeconds) throws Exception {
    Instant start = Instant.parse(startedAt);
    Instant end = start.plusSeconds(ringSeconds);
    var facts = new CallFacts(id, CallDirection.INBOUND, CallOutcome.NO_ANSWER, true, PhoneNumbers.parse(phone), phone,
        false, "74951234567", null, null, start, null, end, ringSeconds, 0, false);
    var recorded = t.app.callIntake().accept(facts, end).await(10, TimeUnit.SECONDS);
    t.settleRouting().await(10, TimeUnit.SECONDS);
    return recorded.dealId();
  }

  private static void answered(String id, String phone, String ext, String startedAt, int talk) throws Exception {
    Instant start = Instant.parse(startedAt);
    var facts = new CallFacts(id, CallDirection.INBOUND, CallOutcome.ANSWERED, false, PhoneNumbers.parse(phone), phone,
        false, "74951234567", ext, null, start, start.plusSeconds(5), start.plusSeconds(5 + talk), 5, talk, false);
    t.app.callIntake().accept(facts, start.plusSeconds(5 + talk)).await(10, TimeUnit.SECONDS);
  }
}
