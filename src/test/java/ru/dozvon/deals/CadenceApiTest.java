package ru.dozvon.deals;

import static org.assertj.core.api.Assertions.assertThat;
import static ru.dozvon.support.TestApp.ADMIN_TOKEN;
import static ru.dozvon.support.TestApp.await;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 12 end to end, through the HTTP API on the embedded database with a moved clock: deadlines in working
 * time, and the follow-up cadences after contact (no answer in work, thinking it over, after the offer, cold).
 */
class CadenceApiTest {

  static final ZoneId MSK = ZoneId.of("Europe/Moscow");
  static FunnelFixture f;
  static long operatorId;

  @BeforeAll
  static void start() {
    f = new FunnelFixture();
    operatorId = f.t.createManager("Ольга", "311", 50).getLong("id");
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  static Instant msk(String local) {
    return LocalDateTime.parse(local).atZone(MSK).toInstant();
  }

  static JsonObject post(String path, JsonObject body, int status) {
    var r = f.post(path, ADMIN_TOKEN, body);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(status);
    return r.bodyAsJsonObject();
  }

  static List<Row> openTasks(long dealId, String cadence) {
    List<Row> out = new ArrayList<>();
    f.query("SELECT * FROM tasks WHERE deal_id = $1 AND cadence = $2 AND done_at IS NULL ORDER BY due_at", dealId, cadence)
        .forEach(out::add);
    return out;
  }

  static Instant due(Row r) {
    return r.getOffsetDateTime("due_at").toInstant();
  }

  /** A deal reached on its first attempt: in work, the ladder stopped. */
  static long reachedDeal() {
    long id = f.newDeal(operatorId);
    post("/api/deals/" + id + "/outcome", new JsonObject().put("result", "REACHED"), 200);
    assertThat(f.deal(id).getString("stage")).isEqualTo("in_work");
    return id;
  }

  @Test
  void aThirtyMinuteTaskMadeFridayEveningIsDueMondayMorning() {
    f.clock.set(msk("2026-11-27T18:50"));
    long id = f.newDeal(operatorId);
    post("/api/deals/" + id + "/stage", new JsonObject().put("stage", "in_work")
        .put("fields", new JsonObject().put("platform", "web")), 200);
    Row task = f.query("SELECT due_at FROM tasks WHERE deal_id = $1 AND kind = 'STAGE_ENTRY'", id).iterator().next();
    assertThat(due(task)).isEqualTo(msk("2026-11-30T10:20"));
  }

  @Test
  void noAnswerOnADealInWorkLeavesAPerezvonitTaskThreeWorkingHoursLater() {
    f.clock.set(msk("2026-11-24T17:00"));
    long id = reachedDeal();
    f.clock.set(msk("2026-11-24T17:30"));
    post("/api/deals/" + id + "/outcome", new JsonObject().put("result", "NO_ANSWER"), 200);
    List<Row> tasks = openTasks(id, "no_answer");
    assertThat(tasks).hasSize(1);
    assertThat(tasks.get(0).getString("title")).isEqualTo("Перезвонить");
    assertThat(tasks.get(0).getString("why")).contains("3 hours");
    assertThat(due(tasks.get(0))).isEqualTo(msk("2026-11-25T11:30")); // 1.5 h on Tuesday, 1.5 h on Wednesday
    assertThat(f.deal(id).getString("stage")).isEqualTo("in_work");
    var listed = await(f.t.get("/api/tasks?managerId=" + operatorId, ADMIN_TOKEN).send()).bodyAsJsonArray().stream()
        .map(JsonObject.class::cast).filter(t -> t.getLong("id").equals(tasks.get(0).getLong("id"))).toList();
    assertThat(listed).singleElement().satisfies(t -> {
      assertThat(t.getString("cadence")).isEqualTo("no_answer");
      assertThat(t.getString("why")).startsWith("no answer on a deal in work");
    });
    // another unanswered call replaces it: one «Перезвонить» at a time
    f.clock.set(msk("2026-11-25T11:40"));
    post("/api/deals/" + id + "/outcome", new JsonObject().put("result", "BUSY"), 200);
    assertThat(openTasks(id, "no_answer")).singleElement().satisfies(t -> assertThat(due(t)).isEqualTo(msk("2026-11-25T14:40")));
  }

  /** Found by the lifecycle model test: a deal waiting for a manager got a 500 instead of its «Перезвонить». */
  @Test
  void aDealWithoutAManagerGetsItsPerezvonitToo() {
    f.clock.set(msk("2026-11-24T12:00"));
    long id = f.newDeal(null);
    post("/api/deals/" + id + "/outcome", new JsonObject().put("result", "REACHED"), 200);
    f.clock.set(msk("2026-11-24T12:30"));
    post("/api/deals/" + id + "/outcome", new JsonObject().put("result", "UNAVAILABLE"), 200);
    assertThat(openTasks(id, "no_answer")).singleElement()
        .satisfies(t -> assertThat(t.getLong("manager_id")).isNull());
  }

  @Test
  void thinkingItOverGetsACallEveryWeekUntilTheDealMoves() {
    f.clock.set(msk("2026-11-24T11:00"));
    long id = f.newDeal(operatorId);
    post("/api/deals/" + id + "/outcome", new JsonObject().put("result", "REACHED").put("thinking", true), 200);
    Instant expected = msk("2026-12-01T11:00");
    for (int week = 1; week <= 4; week++) {
      List<Row> open = openTasks(id, "thinking");
      assertThat(open).as("week " + week).hasSize(1);
      assertThat(due(open.get(0))).as("week " + week).isEqualTo(expected);
      assertThat(open.get(0).getString("why")).startsWith("call " + week + ": ");
      f.clock.set(expected.plus(Duration.ofMinutes(20)));
      assertThat(f.tick().followUpsPlanned()).as("an open weekly call: no second one").isZero();
      var done = f.post("/api/tasks/" + open.get(0).getLong("id") + "/done", ADMIN_TOKEN, new JsonObject());
      assertThat(done.statusCode()).as(done.bodyAsString()).isEqualTo(200);
      assertThat(f.tick().followUpsPlanned()).isEqualTo(1);
      expected = expected.plus(Duration.ofDays(7));
    }
    post("/api/deals/" + id + "/stage", new JsonObject().put("stage", "qualified").put("fields",
        new JsonObject().put("platform", "web").put("niche", "b2b").put("source", "ads")), 200);
    assertThat(openTasks(id, "thinking")).isEmpty();
    f.tick();
    assertThat(openTasks(id, "thinking")).as("moved on: the weekly calls stopped").isEmpty();
    assertThat(f.deal(id).getString("thinkingSince")).isNull();
  }

  @Test
  void closingStopsTheWeeklyCalls() {
    f.clock.set(msk("2026-11-24T11:00"));
    long id = f.newDeal(operatorId);
    post("/api/deals/" + id + "/outcome", new JsonObject().put("result", "REACHED").put("thinking", true), 200);
    assertThat(f.deal(id).getString("thinkingSince")).isEqualTo(msk("2026-11-24T11:00").toString());
    post("/api/deals/" + id + "/close", new JsonObject().put("status", "LOST").put("reason", "postponed")
        .put("comment", "после Нового года"), 200);
    assertThat(openTasks(id, "thinking")).isEmpty();
    f.clock.set(msk("2026-12-02T11:00"));
    f.tick();
    assertThat(openTasks(id, "thinking")).isEmpty();
    assertThat(f.deal(id).getString("thinkingSince")).isNull();
  }

  @Test
  void thinkingIsOnlyForReached() {
    long id = f.newDeal(operatorId);
    var r = f.post("/api/deals/" + id + "/outcome", ADMIN_TOKEN,
        new JsonObject().put("result", "NO_ANSWER").put("thinking", true));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.bodyAsString()).contains("thinking");
    r = f.post("/api/deals/" + id + "/outcome", ADMIN_TOKEN, new JsonObject().put("result", "REACHED").put("thinking", "yes"));
    assertThat(r.statusCode()).isEqualTo(400);
  }

  @Test
  void theOfferSentGetsRemindersAndOneTheDayBeforeTheClientsDeadline() {
    f.clock.set(msk("2026-11-24T12:00")); // Tuesday
    long id = reachedDeal();
    post("/api/deals/" + id + "/stage", new JsonObject().put("stage", "offer_sent").put("fields", new JsonObject()
        .put("platform", "web").put("niche", "b2b").put("source", "ads").put("budget", "100000")
        .put("client_deadline", "2026-12-14")), 200);
    assertThat(openTasks(id, "offer").stream().map(CadenceApiTest::due).toList()).containsExactly(
        msk("2026-11-26T12:00"), msk("2026-12-01T12:00"), msk("2026-12-08T12:00")); // +2 working days, +1 w, +2 w
    assertThat(openTasks(id, "client_deadline")).singleElement().satisfies(t -> {
      assertThat(due(t)).isEqualTo(msk("2026-12-11T10:00")); // the working day before Monday 14 Dec: Friday
      assertThat(t.getString("title")).contains("2026-12-14");
    });
    post("/api/deals/" + id + "/stage", new JsonObject().put("stage", "attempts_2plus"), 200);
    assertThat(openTasks(id, "offer")).isEmpty();
    assertThat(openTasks(id, "client_deadline")).isEmpty();
  }

  @Test
  void silentForAMonthIsColdUntilAContact() {
    f.clock.set(msk("2026-09-01T12:00"));
    long id = reachedDeal();
    f.clock.set(msk("2026-09-30T12:00"));
    f.tick();
    assertThat(f.deal(id).getBoolean("cold")).isFalse();
    f.clock.set(msk("2026-10-01T12:00"));
    assertThat(f.tick().markedCold()).isPositive();
    JsonObject d = f.deal(id);
    assertThat(d.getBoolean("cold")).isTrue();
    assertThat(d.getString("coldSince")).isEqualTo(msk("2026-10-01T12:00").toString());
    assertThat(d.getJsonArray("history").stream().map(o -> ((JsonObject) o).getString("kind"))).contains("cold");
    assertThat(ids("/api/deals?cold=true")).contains(id);
    assertThat(ids("/api/deals?cold=false")).doesNotContain(id);
    assertThat(await(f.t.get("/api/deals?cold=maybe", ADMIN_TOKEN).send()).statusCode()).isEqualTo(400);
    post("/api/deals/" + id + "/outcome", new JsonObject().put("result", "REACHED"), 200);
    assertThat(f.deal(id).getBoolean("cold")).isFalse();
    assertThat(ids("/api/deals?cold=true")).doesNotContain(id);
  }

  static List<Long> ids(String path) {
    var r = await(f.t.get(path + "&limit=200", ADMIN_TOKEN).send());
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonArray().stream().map(o -> ((JsonObject) o).getLong("id")).toList();
  }
}
