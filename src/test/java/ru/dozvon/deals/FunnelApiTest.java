package ru.dozvon.deals;

import static org.assertj.core.api.Assertions.assertThat;
import static ru.dozvon.support.TestApp.ADMIN_TOKEN;
import static ru.dozvon.support.TestApp.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Every funnel guard over HTTP: 409 bodies name the rule and the missing fields; allowed moves store and log. */
class FunnelApiTest {

  static FunnelFixture f;
  static long operatorId;
  static String operatorToken;
  static String otherToken;

  @BeforeAll
  static void start() {
    f = new FunnelFixture();
    JsonObject op = f.t.createManager("Ольга", "201", 50);
    operatorId = op.getLong("id");
    operatorToken = op.getString("token");
    otherToken = f.t.createManager("Пётр", "202", 50).getString("token");
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  static JsonObject body(String json) {
    return new JsonObject(json);
  }

  @Test
  void theFunnelListsStagesInOrderReasonsAndCriteria() {
    var r = await(f.t.get("/api/funnel", operatorToken).send());
    assertThat(r.statusCode()).isEqualTo(200);
    JsonObject fun = r.bodyAsJsonObject();
    Funnel expected = Funnel.defaults();
    JsonArray stages = fun.getJsonArray("stages");
    assertThat(stages.stream().map(s -> ((JsonObject) s).getString("code")).toList())
        .isEqualTo(expected.stages().stream().map(Stage::code).toList());
    JsonObject qualified = stages.getJsonObject(2);
    assertThat(qualified.getJsonArray("requiredFields").getList()).containsExactly("niche", "source");
    assertThat(qualified.getJsonObject("taskOnEntry").getString("title")).isEqualTo("Подготовить и отправить КП");
    assertThat(qualified.getJsonObject("taskOnEntry").getLong("withinMinutes")).isEqualTo(240);
    assertThat(fun.getJsonArray("lossReasons").size()).isEqualTo(expected.reasonsFor(DealStatus.LOST).size());
    JsonObject noAnswer = fun.getJsonArray("lossReasons").stream().map(JsonObject.class::cast)
        .filter(o -> o.getString("code").equals("no_answer")).findFirst().orElseThrow();
    assertThat(noAnswer.getInteger("minAttempts")).isEqualTo(3);
    assertThat(noAnswer.getLong("minSilenceDays")).isEqualTo(21);
    assertThat(fun.getJsonArray("invalidReasons").stream().map(o -> ((JsonObject) o).getString("code")).toList())
        .containsExactly("wrong_number", "duplicate", "not_real_customer", "test", "spam");
    assertThat(fun.getJsonObject("qualification").getJsonArray("criteria").size()).isEqualTo(4);
  }

  static Stream<Arguments> refusedMoves() {
    return Stream.of(
        Arguments.of("{\"stage\":\"qualified\"}", "missing_fields", List.of("platform", "niche", "source")),
        Arguments.of("{\"stage\":\"qualified\",\"fields\":{\"platform\":\"web\"}}", "missing_fields",
            List.of("niche", "source")),
        Arguments.of("{\"stage\":\"offer_sent\",\"fields\":{\"platform\":\"a\",\"niche\":\"b\",\"source\":\"  \"}}",
            "missing_fields", List.of("source", "budget")),
        Arguments.of("{\"stage\":\"in_work\"}", "missing_fields", List.of("platform")),
        Arguments.of("{\"stage\":\"in_work\",\"fields\":{\"platform\":\"\"}}", "missing_fields", List.of("platform")),
        Arguments.of("{\"stage\":\"contract_sent\",\"fields\":{\"platform\":\"a\",\"niche\":\"b\",\"source\":\"c\","
            + "\"budget\":100}}", "missing_fields", List.of("contract")),
        Arguments.of("{\"stage\":\"new\"}", "same_stage", List.of()),
        Arguments.of("{\"stage\":\"launched\"}", "close_required", List.of()),
        Arguments.of("{\"stage\":\"lost\"}", "close_required", List.of()));
  }

  @ParameterizedTest
  @MethodSource("refusedMoves")
  void aRefusedMoveIs409NamingTheRuleAndMissingFields(String json, String rule, List<String> missing) {
    long id = f.newDeal(operatorId);
    var r = f.post("/api/deals/" + id + "/stage", operatorToken, body(json));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(409);
    JsonObject err = r.bodyAsJsonObject();
    assertThat(err.getString("rule")).isEqualTo(rule);
    JsonArray got = err.getJsonArray("missing");
    assertThat(got == null ? List.of() : got.getList()).isEqualTo(missing);
    assertThat(f.deal(id).getString("stage")).isEqualTo("new");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"fields\":{}}| stage",
      "{\"stage\":42}| stage",
      "{\"stage\":\"in_work\",\"fields\":[1]}| fields",
      "{\"stage\":\"in_work\",\"fields\":{\"a\":{\"b\":1}}}| fields.a",
      "{\"stage\":\"in_work\",\"fields\":{\"bad key\":1}}| fields.bad key",
      "{\"stage\":\"in_work\",\"colour\":\"red\"}| colour"})
  void badStageInputIs400NamingTheField(String json, String field) {
    long id = f.newDeal(operatorId);
    var r = f.post("/api/deals/" + id + "/stage", operatorToken, body(json));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(400);
    assertThat(r.bodyAsJsonObject().getString("field")).isEqualTo(field);
  }

  /** A stage code not in the funnel is bad input: 400 naming {@code stage} and listing the known codes. */
  @ParameterizedTest
  @CsvSource({"nowhere", "IN_WORK", "in-work"})
  void anUnknownStageIs400ListingTheKnownStages(String stage) {
    long id = f.newDeal(operatorId);
    var r = f.post("/api/deals/" + id + "/stage", operatorToken, new JsonObject().put("stage", stage));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(400);
    JsonObject err = r.bodyAsJsonObject();
    assertThat(err.getString("error")).isEqualTo("invalid_input");
    assertThat(err.getString("field")).isEqualTo("stage");
    String known = String.join(", ", f.t.config.funnel().stages().stream().map(Stage::code).toList());
    assertThat(err.getString("detail")).isEqualTo("stage: '" + stage + "' is not a stage of the funnel (known: "
        + known + ")").contains("new, in_work, qualified");
    assertThat(f.deal(id).getString("stage")).isEqualTo("new");
  }

  @Test
  void anAllowedMoveStoresStageFieldsTaskAndHistory() {
    Instant now = Instant.parse("2026-03-03T10:00:00Z");
    f.clock.set(now);
    long id = f.newDeal(operatorId);
    var r = f.post("/api/deals/" + id + "/stage", operatorToken,
        body("{\"stage\":\"in_work\",\"fields\":{\"platform\":\"Tilda\"},\"reason\":\"called back\"}"));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    JsonObject d = r.bodyAsJsonObject();
    assertThat(d.getString("stage")).isEqualTo("in_work");
    assertThat(d.getJsonObject("fields").getString("platform")).isEqualTo("Tilda");
    JsonObject last = d.getJsonArray("history").getJsonObject(d.getJsonArray("history").size() - 1);
    assertThat(last.getString("kind")).isEqualTo("stage");
    assertThat(last.getString("actor")).isEqualTo("manager:" + operatorId);
    assertThat(last.getJsonObject("details").getString("from")).isEqualTo("new");
    var tasks = await(f.t.get("/api/tasks", operatorToken).send()).bodyAsJsonArray();
    // the stage's task; the scheduler may already have fired attempt 1 into a callback task (it sorts first)
    JsonObject task = tasks.stream().map(JsonObject.class::cast).filter(t -> t.getLong("dealId") == id)
        .filter(t -> !"CALLBACK".equals(t.getString("kind"))).findFirst().orElseThrow();
    assertThat(task.getString("title")).isEqualTo("Связаться и квалифицировать");
    assertThat(task.getString("dueAt")).isEqualTo(now.plus(Duration.ofMinutes(30)).toString());
    assertThat(task.getLong("managerId")).isEqualTo(operatorId);
    // back to the first stage is refused once worked
    var back = f.post("/api/deals/" + id + "/stage", operatorToken, body("{\"stage\":\"new\"}"));
    assertThat(back.statusCode()).isEqualTo(409);
    assertThat(back.bodyAsJsonObject().getString("rule")).isEqualTo("back_to_first_stage");
  }

  @Test
  void operatorsActOnTheirOwnDealsOnly() {
    long id = f.newDeal(operatorId);
    long unassigned = f.newDeal(null);
    JsonObject move = body("{\"stage\":\"in_work\",\"fields\":{\"platform\":\"x\"}}");
    assertThat(f.post("/api/deals/" + id + "/stage", otherToken, move).statusCode()).isEqualTo(403);
    assertThat(f.post("/api/deals/" + unassigned + "/stage", operatorToken, move).statusCode()).isEqualTo(403);
    assertThat(f.post("/api/deals/" + id + "/close", otherToken,
        body("{\"status\":\"INVALID\",\"reason\":\"spam\"}")).statusCode()).isEqualTo(403);
    assertThat(f.post("/api/deals/" + id + "/stage", ADMIN_TOKEN, move).statusCode()).isEqualTo(200);
    assertThat(f.post("/api/deals/999999/stage", ADMIN_TOKEN, move).statusCode()).isEqualTo(404);
  }

  static Stream<Arguments> refusedClosings() {
    return Stream.of(
        Arguments.of("{\"status\":\"LOST\"}", "missing_fields", List.of("reason", "comment")),
        Arguments.of("{\"status\":\"LOST\",\"reason\":\"too_expensive\"}", "missing_fields", List.of("comment")),
        Arguments.of("{\"status\":\"LOST\",\"reason\":\"too_expensive\",\"comment\":\"   \"}", "missing_fields",
            List.of("comment")),
        Arguments.of("{\"status\":\"LOST\",\"comment\":\"silent\"}", "missing_fields", List.of("reason")),
        Arguments.of("{\"status\":\"LOST\",\"reason\":\"cheap\",\"comment\":\"x\"}", "unknown_reason", List.of("reason")),
        Arguments.of("{\"status\":\"LOST\",\"reason\":\"spam\",\"comment\":\"x\"}", "unknown_reason", List.of("reason")),
        Arguments.of("{\"status\":\"INVALID\",\"reason\":\"too_expensive\"}", "unknown_reason", List.of("reason")),
        Arguments.of("{\"status\":\"WON\",\"reason\":\"nope\"}", "unknown_reason", List.of("reason")),
        Arguments.of("{\"status\":\"WON\"}", "missing_fields", List.of("reason")),
        Arguments.of("{\"status\":\"WON\",\"reason\":\"price\"}", "missing_fields",
            List.of("platform", "niche", "source", "budget", "contract")),
        Arguments.of("{\"status\":\"LOST\",\"reason\":\"no_answer\",\"comment\":\"never picks up\"}",
            "too_few_attempts", List.of()));
  }

  @ParameterizedTest
  @MethodSource("refusedClosings")
  void aRefusedClosingIs409NamingTheRule(String json, String rule, List<String> missing) {
    long id = f.newDeal(operatorId);
    var r = f.post("/api/deals/" + id + "/close", operatorToken, body(json));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(409);
    assertThat(r.bodyAsJsonObject().getString("rule")).isEqualTo(rule);
    JsonArray got = r.bodyAsJsonObject().getJsonArray("missing");
    assertThat(got == null ? List.of() : got.getList()).isEqualTo(missing);
    assertThat(f.deal(id).getString("status")).isEqualTo("OPEN");
  }

  @ParameterizedTest
  @CsvSource({"OPEN", "CLOSED", "''", "lost!"})
  void aBadStatusIs400(String status) {
    long id = f.newDeal(operatorId);
    var r = f.post("/api/deals/" + id + "/close", operatorToken,
        new JsonObject().put("status", status).put("reason", "spam"));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.bodyAsJsonObject().getString("field")).isEqualTo("status");
  }

  /** «не отвечает» needs 3 attempts and 21 days of silence: refused at 2 attempts and at 20 days, allowed after. */
  @ParameterizedTest
  @CsvSource({
      "2, 30, 409, too_few_attempts",
      "3, 20, 409, too_soon_since_contact",
      "3, 21, 200, ",
      "5, 40, 200, "})
  void noAnswerNeedsAttemptsAndSilence(int attempts, int daysSilent, int status, String rule) {
    Instant contact = Instant.parse("2026-04-01T09:00:00Z");
    f.clock.set(contact.minus(Duration.ofDays(1)));
    long id = f.newDeal(operatorId);
    f.outboundCalls(id, attempts);
    f.sql("UPDATE deals SET last_contact_at = $2, first_contact_at = $2 WHERE id = $1", id,
        contact.atOffset(java.time.ZoneOffset.UTC));
    f.clock.set(contact.plus(Duration.ofDays(daysSilent)));
    var r = f.post("/api/deals/" + id + "/close", operatorToken,
        body("{\"status\":\"LOST\",\"reason\":\"no_answer\",\"comment\":\"не берёт трубку\"}"));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(status);
    if (status == 409) {
      assertThat(r.bodyAsJsonObject().getString("rule")).isEqualTo(rule);
      return;
    }
    JsonObject d = r.bodyAsJsonObject();
    assertThat(d.getString("status")).isEqualTo("LOST");
    assertThat(d.getString("stage")).isEqualTo("lost");
    assertThat(d.getString("lossReason")).isEqualTo("no_answer");
    assertThat(d.getString("closeComment")).isEqualTo("не берёт трубку");
    assertThat(d.getString("closedAt")).isEqualTo(f.clock.instant().toString());
    JsonArray h = d.getJsonArray("history");
    assertThat(h.stream().map(JsonObject.class::cast).map(row -> row.getString("kind"))).contains("closed");
    var control = f.query("SELECT for_role, manager_id, kind FROM tasks WHERE deal_id = $1 AND for_role = 'SUPERVISOR'", id);
    assertThat(control.size()).isEqualTo(1);
    assertThat(control.iterator().next().getString("kind")).isEqualTo("CLOSING_CONTROL");
    // closed is closed: no stage moves, no second closing
    var again = f.post("/api/deals/" + id + "/stage", operatorToken, body("{\"stage\":\"in_work\",\"fields\":{\"platform\":\"x\"}}"));
    assertThat(again.bodyAsJsonObject().getString("rule")).isEqualTo("deal_closed");
  }

  @ParameterizedTest
  @CsvSource({"WON, expertise, WON, launched", "INVALID, duplicate, INVALID, lost"})
  void wonAndInvalidClosingsNeedNoComment(String status, String reason, String stored, String stage) {
    long id = f.newDeal(operatorId);
    if (status.equals("WON")) {
      f.sql("UPDATE deals SET fields = '{\"platform\":\"a\",\"niche\":\"b\",\"source\":\"c\",\"budget\":\"1\","
          + "\"contract\":\"D-1\"}'::jsonb WHERE id = $1", id);
    }
    var r = f.post("/api/deals/" + id + "/close", operatorToken,
        new JsonObject().put("status", status).put("reason", reason));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    assertThat(r.bodyAsJsonObject().getString("status")).isEqualTo(stored);
    assertThat(r.bodyAsJsonObject().getString("stage")).isEqualTo(stage);
    assertThat(r.bodyAsJsonObject().getString("lossReason")).isNull();
    assertThat(r.bodyAsJsonObject().getString("closeReason")).isEqualTo(reason);
    assertThat(f.query("SELECT 1 FROM tasks WHERE deal_id = $1 AND for_role = 'SUPERVISOR'", id).size()).isZero();
  }

  /** Reopening: under 30 days the same deal goes back into work; from 30 days a new deal links to it. */
  @ParameterizedTest
  @CsvSource({"1, 200", "29, 200", "30, 201", "31, 201", "90, 201"})
  void reopenByAgeOfTheLoss(int daysAgo, int status) {
    // a Tuesday noon in Moscow: every reopening below falls on a working day, so the entry task's 30 minutes of
    // working time are 30 minutes by the clock (WorkingTimeTest has the evenings and weekends)
    Instant lostAt = Instant.parse("2026-06-02T09:00:00Z");
    f.clock.set(lostAt);
    long id = f.newDeal(operatorId);
    assertThat(f.post("/api/deals/" + id + "/close", operatorToken,
        body("{\"status\":\"LOST\",\"reason\":\"postponed\",\"comment\":\"after summer\"}")).statusCode()).isEqualTo(200);
    f.clock.set(lostAt.plus(Duration.ofDays(daysAgo)));
    var r = f.post("/api/deals/" + id + "/reopen", operatorToken, new JsonObject());
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(status);
    JsonObject d = r.bodyAsJsonObject();
    assertThat(d.getString("status")).isEqualTo("OPEN");
    assertThat(d.getString("stage")).isEqualTo("in_work");
    if (status == 200) {
      assertThat(d.getLong("id")).isEqualTo(id);
      assertThat(d.getString("lossReason")).isNull();
      assertThat(d.getJsonArray("history").stream().map(o -> ((JsonObject) o).getString("kind"))).contains("reopened");
    } else {
      assertThat(d.getLong("id")).isNotEqualTo(id);
      assertThat(d.getLong("linkedDealId")).isEqualTo(id);
      assertThat(d.getLong("managerId")).isEqualTo(operatorId);
      assertThat(f.deal(id).getString("status")).isEqualTo("LOST");
    }
    var task = f.query("SELECT due_at FROM tasks WHERE deal_id = $1 AND kind = 'STAGE_ENTRY'", d.getLong("id"));
    assertThat(task.iterator().next().getOffsetDateTime("due_at").toInstant())
        .isEqualTo(f.clock.instant().plus(Duration.ofMinutes(30)));
  }

  @Test
  void reopenIsRefusedForAnOpenDealAndWhenTheContactHasAnotherOpenDeal() {
    long open = f.newDeal(operatorId);
    var r = f.post("/api/deals/" + open + "/reopen", operatorToken, new JsonObject());
    assertThat(r.statusCode()).isEqualTo(409);
    assertThat(r.bodyAsJsonObject().getString("rule")).isEqualTo("not_lost");

    f.clock.set(Instant.parse("2026-06-01T09:00:00Z"));
    long lost = f.newDeal(operatorId);
    f.post("/api/deals/" + lost + "/close", operatorToken, body("{\"status\":\"LOST\",\"reason\":\"other\",\"comment\":\"x\"}"));
    String phone = f.deal(lost).getJsonObject("contact").getString("phone");
    var again = f.post("/api/leads", ADMIN_TOKEN, new JsonObject().put("source", "manual").put("phone", phone));
    long second = again.bodyAsJsonObject().getLong("id");
    assertThat(again.statusCode()).isEqualTo(201);
    for (int days : new int[] {5, 45}) {
      f.clock.set(Instant.parse("2026-06-01T09:00:00Z").plus(Duration.ofDays(days)));
      var refused = f.post("/api/deals/" + lost + "/reopen", ADMIN_TOKEN, new JsonObject());
      assertThat(refused.statusCode()).isEqualTo(409);
      assertThat(refused.bodyAsJsonObject().getString("rule")).isEqualTo("contact_has_open_deal");
      assertThat(refused.bodyAsJsonObject().getString("detail")).contains(String.valueOf(second));
    }
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"points\":{\"icp_fit\":5,\"readiness\":5,\"need\":4,\"channel\":3}}|200|17|RED|",
      "{\"points\":{\"icp_fit\":3,\"readiness\":3,\"need\":3,\"channel\":3}}|200|12|YELLOW|",
      "{\"points\":{\"icp_fit\":1,\"readiness\":2,\"need\":3,\"channel\":1}}|200|7|GREEN|",
      "{\"points\":{\"icp_fit\":1,\"readiness\":1,\"need\":1,\"channel\":1},\"priority\":\"red\"}|200|4|RED|",
      "{\"points\":{\"icp_fit\":6,\"readiness\":1,\"need\":1,\"channel\":1}}|400|0||points.icp_fit",
      "{\"points\":{\"icp_fit\":0,\"readiness\":1,\"need\":1,\"channel\":1}}|400|0||points.icp_fit",
      "{\"points\":{\"icp_fit\":1,\"readiness\":1,\"channel\":1}}|400|0||points.need",
      "{\"points\":{\"icp_fit\":1,\"readiness\":1,\"need\":1,\"channel\":1,\"mood\":2}}|400|0||points.mood",
      "{\"points\":{\"icp_fit\":\"5\",\"readiness\":1,\"need\":1,\"channel\":1}}|400|0||points.icp_fit",
      "{\"points\":{\"icp_fit\":1,\"readiness\":1,\"need\":1,\"channel\":1},\"priority\":\"pink\"}|400|0||priority",
      "{}|400|0||points"})
  void scoringStoresTotalAndPriority(String json, int status, int total, String priority, String field) {
    long id = f.newDeal(operatorId);
    var r = f.post("/api/deals/" + id + "/score", operatorToken, body(json));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(status);
    if (status == 400) {
      assertThat(r.bodyAsJsonObject().getString("field")).isEqualTo(field);
      return;
    }
    assertThat(r.bodyAsJsonObject().getInteger("score")).isEqualTo(total);
    assertThat(r.bodyAsJsonObject().getString("priority")).isEqualTo(priority);
    JsonArray h = r.bodyAsJsonObject().getJsonArray("history");
    assertThat(h.getJsonObject(h.size() - 1).getString("kind")).isEqualTo("score");
  }
}
