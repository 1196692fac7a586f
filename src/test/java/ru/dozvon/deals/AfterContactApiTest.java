package ru.dozvon.deals;

import static org.assertj.core.api.Assertions.assertThat;
import static ru.dozvon.support.TestApp.ADMIN_TOKEN;
import static ru.dozvon.support.TestApp.await;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Notes, manual tasks, next steps and the status of the last contact over HTTP on the real app (issue 12), with a
 * movable clock.
 */
class AfterContactApiTest {

  static FunnelFixture f;
  static long operatorId;
  static String operatorToken;
  static long otherId;
  static String otherToken;
  static String supervisorToken;

  @BeforeAll
  static void start() {
    f = new FunnelFixture();
    JsonObject op = f.t.createManager("Ольга", "401", 50);
    operatorId = op.getLong("id");
    operatorToken = op.getString("token");
    JsonObject other = f.t.createManager("Пётр", "402", 50);
    otherId = other.getLong("id");
    otherToken = other.getString("token");
    var sup = await(f.t.post("/api/managers", ADMIN_TOKEN).sendJsonObject(new JsonObject().put("name", "Рук")
        .put("extension", "409").put("maxActiveDeals", 0).put("role", "supervisor")));
    supervisorToken = sup.bodyAsJsonObject().getString("token");
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  /**
   * A deal of {@code managerId} in «Взята в работу» whose only open task is that stage's entry task: its callback
   * ladder cancelled and the tasks it made done, so nothing else counts as a next step.
   */
  static long quietDealInWork(long managerId) {
    long id = f.newDeal(managerId);
    f.sql("UPDATE attempts SET state = 'CANCELLED', cancelled_at = now() WHERE deal_id = $1 AND state <> 'DONE'", id);
    f.sql("UPDATE tasks SET done_at = now() WHERE deal_id = $1 AND done_at IS NULL", id);
    var r = f.post("/api/deals/" + id + "/stage", ADMIN_TOKEN,
        new JsonObject().put("stage", "in_work").put("fields", new JsonObject().put("platform", "web")));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return id;
  }

  static List<JsonObject> openTasks(long dealId) {
    var out = new java.util.ArrayList<JsonObject>();
    f.query("SELECT id, kind, title, due_at, for_role, manager_id FROM tasks WHERE deal_id = $1 AND done_at IS NULL"
        + " ORDER BY id", dealId).forEach(r -> out.add(new JsonObject().put("id", r.getLong("id"))
        .put("kind", r.getString("kind")).put("title", r.getString("title"))
        .put("dueAt", r.getOffsetDateTime("due_at").toInstant().toString()).put("forRole", r.getString("for_role"))
        .put("managerId", r.getLong("manager_id"))));
    return out;
  }

  static Stream<JsonObject> history(long dealId, String kind) {
    return f.deal(dealId).getJsonArray("history").stream().map(JsonObject.class::cast)
        .filter(h -> kind.equals(h.getString("kind")));
  }

  static HttpResponse<Buffer> patch(String path, String token, JsonObject body) {
    return await(f.t.patch(path, token).sendJsonObject(body));
  }

  static String inHours(int h) {
    return f.clock.instant().plus(Duration.ofHours(h)).toString();
  }

  @Test
  void aNoteIsOnTheCardAndInTheHistoryWithItsAuthorTimeAndContactStatus() {
    f.clock.set(Instant.parse("2026-04-01T08:00:00Z"));
    long deal = quietDealInWork(operatorId);
    var r = f.post("/api/deals/" + deal + "/notes", operatorToken, new JsonObject()
        .put("text", "Клиент думает, просил перезвонить после праздников").put("contactStatus", "thinking"));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    f.clock.set(Instant.parse("2026-04-01T08:05:00Z"));
    f.post("/api/deals/" + deal + "/notes", operatorToken, new JsonObject().put("text", "Отправил презентацию"));

    JsonObject card = f.deal(deal);
    assertThat(card.getJsonObject("lastNote").getString("text")).isEqualTo("Отправил презентацию");
    assertThat(card.getJsonObject("lastNote").getString("author")).isEqualTo("manager:" + operatorId);
    assertThat(card.getJsonObject("lastNote").getString("at")).isEqualTo("2026-04-01T08:05:00Z");
    assertThat(card.getJsonArray("notes")).hasSize(2);
    assertThat(card.getString("contactStatus")).isEqualTo("thinking");
    assertThat(card.getString("contactStatusAt")).isEqualTo("2026-04-01T08:00:00Z");
    assertThat(history(deal, "note").map(h -> h.getJsonObject("details").getString("text")))
        .containsExactly("Клиент думает, просил перезвонить после праздников", "Отправил презентацию");
    assertThat(history(deal, "contact_status").map(h -> h.getJsonObject("details").getString("name")))
        .containsExactly("Думает");

    JsonArray thinking = await(f.t.get("/api/deals?contactStatus=thinking", ADMIN_TOKEN).send()).bodyAsJsonArray();
    assertThat(thinking.stream().map(JsonObject.class::cast).map(d -> d.getLong("id"))).contains(deal);
    JsonArray approving = await(f.t.get("/api/deals?contactStatus=approving", ADMIN_TOKEN).send()).bodyAsJsonArray();
    assertThat(approving.stream().map(JsonObject.class::cast).map(d -> d.getLong("id"))).doesNotContain(deal);
    JsonObject funnel = await(f.t.get("/api/funnel", ADMIN_TOKEN).send()).bodyAsJsonObject();
    assertThat(funnel.getJsonArray("contactStatuses").getJsonObject(1).getString("name")).isEqualTo("Ждёт КП");

    var unknown = f.post("/api/deals/" + deal + "/notes", operatorToken,
        new JsonObject().put("text", "x").put("contactStatus", "sleeping"));
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(unknown.bodyAsJsonObject().getString("field")).isEqualTo("contactStatus");
    var noText = f.post("/api/deals/" + deal + "/notes", operatorToken, new JsonObject().put("text", " "));
    assertThat(noText.statusCode()).isEqualTo(400);
    assertThat(noText.bodyAsJsonObject().getString("field")).isEqualTo("text");
    assertThat(f.post("/api/deals/" + deal + "/notes", otherToken, new JsonObject().put("text", "чужая")).statusCode())
        .isEqualTo(403);
  }

  @Test
  void manualTasksAreSetMovedAndCancelledWithReasonsAlsoForTheSupervisor() {
    f.clock.set(Instant.parse("2026-04-02T08:00:00Z"));
    long deal = quietDealInWork(operatorId);
    var r = f.post("/api/deals/" + deal + "/tasks", operatorToken, new JsonObject().put("title", "Отправить КП")
        .put("kind", "email").put("dueAt", inHours(3)));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    JsonObject task = r.bodyAsJsonObject();
    assertThat(task.getString("kind")).isEqualTo("EMAIL");
    assertThat(task.getLong("managerId")).isEqualTo(operatorId);
    assertThat(task.getString("createdBy")).isEqualTo("manager:" + operatorId);

    var help = f.post("/api/deals/" + deal + "/tasks", operatorToken, new JsonObject()
        .put("title", "Помогите с возражением по цене").put("kind", "other").put("dueAt", inHours(1))
        .put("forSupervisor", true));
    assertThat(help.statusCode()).isEqualTo(201);
    assertThat(help.bodyAsJsonObject().getString("forRole")).isEqualTo("SUPERVISOR");
    JsonArray supervisors = await(f.t.get("/api/tasks", supervisorToken).send()).bodyAsJsonArray();
    assertThat(supervisors.stream().map(JsonObject.class::cast).map(t -> t.getLong("id")))
        .contains(help.bodyAsJsonObject().getLong("id"));

    long id = task.getLong("id");
    String later = inHours(26);
    var moved = patch("/api/tasks/" + id, operatorToken, new JsonObject().put("dueAt", later)
        .put("reason", "клиент в отпуске до завтра"));
    assertThat(moved.statusCode()).as(moved.bodyAsString()).isEqualTo(200);
    assertThat(moved.bodyAsJsonObject().getString("dueAt")).isEqualTo(Instant.parse(later).toString());
    assertThat(history(deal, "task_moved").map(h -> h.getJsonObject("details").getString("reason")))
        .containsExactly("клиент в отпуске до завтра");

    var noReason = patch("/api/tasks/" + id, operatorToken, new JsonObject().put("cancel", true));
    assertThat(noReason.statusCode()).isEqualTo(400);
    assertThat(noReason.bodyAsJsonObject().getString("field")).isEqualTo("reason");
    assertThat(patch("/api/tasks/" + id, otherToken, new JsonObject().put("cancel", true).put("reason", "x"))
        .statusCode()).isEqualTo(403);
    var cancelled = patch("/api/tasks/" + id, operatorToken, new JsonObject().put("cancel", true)
        .put("reason", "КП уже отправили из почты"));
    assertThat(cancelled.statusCode()).isEqualTo(200);
    assertThat(cancelled.bodyAsJsonObject().getString("cancelledAt")).isEqualTo(f.clock.instant().toString());
    assertThat(cancelled.bodyAsJsonObject().getString("cancelReason")).isEqualTo("КП уже отправили из почты");
    assertThat(history(deal, "task_cancelled").count()).isEqualTo(1);
    var again = patch("/api/tasks/" + id, operatorToken, new JsonObject().put("cancel", true).put("reason", "x"));
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(again.bodyAsJsonObject().getString("rule")).isEqualTo("task_done");

    var badKind = f.post("/api/deals/" + deal + "/tasks", operatorToken, new JsonObject().put("title", "x")
        .put("kind", "fax").put("dueAt", inHours(1)));
    assertThat(badKind.bodyAsJsonObject().getString("field")).isEqualTo("kind");
    var past = f.post("/api/deals/" + deal + "/tasks", operatorToken, new JsonObject().put("title", "x")
        .put("kind", "call").put("dueAt", inHours(-2)));
    assertThat(past.bodyAsJsonObject().getString("field")).isEqualTo("dueAt");
    assertThat(f.post("/api/deals/" + deal + "/tasks", otherToken, new JsonObject().put("title", "x")
        .put("kind", "call").put("dueAt", inHours(1))).statusCode()).isEqualTo(403);
    assertThat(f.post("/api/deals/" + deal + "/tasks", operatorToken, new JsonObject().put("title", "x")
        .put("kind", "call").put("dueAt", inHours(1)).put("forManagerId", otherId)).statusCode()).isEqualTo(403);
  }

  @Test
  void closingTheLastContactTaskOfADealInWorkNeedsANextStep() {
    f.clock.set(Instant.parse("2026-04-03T08:00:00Z"));
    long deal = quietDealInWork(operatorId);
    long stageTask = openTasks(deal).get(0).getLong("id");
    var refused = f.post("/api/tasks/" + stageTask + "/done", operatorToken, new JsonObject().put("note", "поговорили"));
    assertThat(refused.statusCode()).isEqualTo(409);
    assertThat(refused.bodyAsJsonObject().getString("rule")).isEqualTo("next_step_required");
    assertThat(openTasks(deal)).extracting(t -> t.getLong("id")).containsExactly(stageTask);

    var done = f.post("/api/tasks/" + stageTask + "/done", operatorToken, new JsonObject()
        .put("note", "озвучил по телефону")
        .put("nextStep", new JsonObject().put("title", "Перезвонить по КП").put("kind", "call").put("dueAt", inHours(48))));
    assertThat(done.statusCode()).as(done.bodyAsString()).isEqualTo(200);
    assertThat(done.bodyAsJsonObject().getString("note")).isEqualTo("озвучил по телефону");
    long next = done.bodyAsJsonObject().getLong("nextStepTaskId");
    assertThat(openTasks(deal)).extracting(t -> t.getLong("id")).containsExactly(next);
    assertThat(openTasks(deal).get(0).getString("kind")).isEqualTo("CALL");
    JsonObject row = history(deal, "task_done").filter(h -> h.getJsonObject("details").getLong("taskId") != null
        && h.getJsonObject("details").getLong("taskId") == stageTask).findFirst().orElseThrow();
    assertThat(row.getJsonObject("details").getString("note")).isEqualTo("озвучил по телефону");
    assertThat(row.getJsonObject("details").getLong("nextStepTaskId")).isEqualTo(next);

    // a letter task is not a contact: closing it leaves the call as the next step, and closing that asks again
    var mail = f.post("/api/deals/" + deal + "/tasks", operatorToken, new JsonObject().put("title", "Письмо")
        .put("kind", "email").put("dueAt", inHours(1))).bodyAsJsonObject().getLong("id");
    assertThat(f.post("/api/tasks/" + mail + "/done", operatorToken, new JsonObject().put("note", "отправил"))
        .statusCode()).isEqualTo(200);
    assertThat(f.post("/api/tasks/" + next + "/done", operatorToken, new JsonObject()).statusCode()).isEqualTo(409);
    var badNext = f.post("/api/tasks/" + next + "/done", operatorToken, new JsonObject()
        .put("nextStep", new JsonObject().put("title", "x").put("kind", "call")));
    assertThat(badNext.bodyAsJsonObject().getString("field")).isEqualTo("nextStep.dueAt");
    // cancelling is closing too: it does not dodge the rule
    var cancel = patch("/api/tasks/" + next, operatorToken, new JsonObject().put("cancel", true)
        .put("reason", "клиент сам перезвонит"));
    assertThat(cancel.statusCode()).isEqualTo(409);
    assertThat(cancel.bodyAsJsonObject().getString("rule")).isEqualTo("next_step_required");
    var cancelled = patch("/api/tasks/" + next, operatorToken, new JsonObject().put("cancel", true)
        .put("reason", "клиент сам перезвонит")
        .put("nextStep", new JsonObject().put("title", "Проверить, перезвонил ли").put("kind", "call")
            .put("dueAt", inHours(72))));
    assertThat(cancelled.statusCode()).as(cancelled.bodyAsString()).isEqualTo(200);
    assertThat(openTasks(deal)).extracting(t -> t.getString("title")).containsExactly("Проверить, перезвонил ли");

    // the supervisor sees the deals in work without a next step, and how many
    long bare = quietDealInWork(otherId);
    f.sql("UPDATE tasks SET done_at = now() WHERE deal_id = $1", bare);
    JsonArray without = await(f.t.get("/api/deals?noNextStep=true", supervisorToken).send()).bodyAsJsonArray();
    assertThat(without.stream().map(JsonObject.class::cast).map(d -> d.getLong("id"))).contains(bare)
        .doesNotContain(deal);
    // a callback still to come is a next step: the scheduler makes its task when it is due
    long calling = quietDealInWork(otherId);
    f.sql("UPDATE tasks SET done_at = now() WHERE deal_id = $1", calling);
    f.sql("""
        INSERT INTO attempts (deal_id, no, of_total, due_at, why, state) VALUES ($1, 99, 4, $2, 'test: a call later', 'PENDING')""",
        calling, java.time.OffsetDateTime.parse("2026-04-03T18:00:00Z"));
    JsonArray again = await(f.t.get("/api/deals?noNextStep=true", supervisorToken).send()).bodyAsJsonArray();
    assertThat(again.stream().map(JsonObject.class::cast).map(d -> d.getLong("id"))).contains(bare)
        .doesNotContain(calling);
    assertThat(await(f.t.get("/api/deals?noNextStep=true", otherToken).send()).statusCode()).isEqualTo(403);
    assertThat(await(f.t.get("/api/deals?noNextStep=maybe", ADMIN_TOKEN).send()).bodyAsJsonObject()
        .getString("field")).isEqualTo("noNextStep");
    long count = await(f.t.get("/api/live", ADMIN_TOKEN).send()).bodyAsJsonObject().getLong("dealsWithoutNextStep");
    assertThat(count).isEqualTo(without.size());
  }

  @Test
  void aReachedCallThatLeavesNoTaskGetsTheDefaultNextStepAndItsContactStatus() {
    f.clock.set(Instant.parse("2026-04-06T08:00:00Z"));
    long deal = quietDealInWork(operatorId);
    f.sql("UPDATE tasks SET done_at = now() WHERE deal_id = $1", deal);
    var unknown = f.post("/api/deals/" + deal + "/outcome", operatorToken, new JsonObject().put("result", "REACHED")
        .put("contactStatus", "busy"));
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(unknown.bodyAsJsonObject().getString("field")).isEqualTo("contactStatus");

    var r = f.post("/api/deals/" + deal + "/outcome", operatorToken, new JsonObject().put("result", "REACHED")
        .put("note", "обсудили КП").put("contactStatus", "approving"));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    List<JsonObject> open = openTasks(deal);
    assertThat(open).hasSize(1);
    assertThat(open.get(0).getString("title")).isEqualTo("Следующий шаг: связаться с клиентом");
    assertThat(open.get(0).getString("dueAt")).isEqualTo(f.clock.instant().plus(Duration.ofDays(1)).toString());
    assertThat(open.get(0).getLong("managerId")).isEqualTo(operatorId);
    assertThat(f.deal(deal).getString("contactStatus")).isEqualTo("approving");

    // a deal that still has a task gets no second one
    f.post("/api/deals/" + deal + "/outcome", operatorToken, new JsonObject().put("result", "REACHED"));
    assertThat(openTasks(deal)).hasSize(1);
  }

  @Test
  void closingCouldNotReachByHandIsGuardedLikeNoAnswer() {
    f.clock.set(Instant.parse("2026-04-07T08:00:00Z"));
    long deal = quietDealInWork(operatorId);
    JsonObject close = new JsonObject().put("status", "LOST").put("reason", "could_not_reach")
        .put("comment", "не берёт трубку");
    var few = f.post("/api/deals/" + deal + "/close", operatorToken, close);
    assertThat(few.statusCode()).isEqualTo(409);
    assertThat(few.bodyAsJsonObject().getString("rule")).isEqualTo("too_few_attempts");
    f.outboundCalls(deal, 3);
    var soon = f.post("/api/deals/" + deal + "/close", operatorToken, close);
    assertThat(soon.bodyAsJsonObject().getString("rule")).isEqualTo("too_soon_since_contact");
    f.clock.set(f.clock.instant().plus(Duration.ofDays(21)));
    var closed = f.post("/api/deals/" + deal + "/close", operatorToken, close);
    assertThat(closed.statusCode()).as(closed.bodyAsString()).isEqualTo(200);
    assertThat(closed.bodyAsJsonObject().getString("lossReason")).isEqualTo("could_not_reach");
  }

  @Test
  void movingOnClosesTheEarlierStagesTaskAndADateFieldMakesAndMovesItsTask() {
    f.clock.set(Instant.parse("2026-04-08T08:00:00Z"));
    long deal = quietDealInWork(operatorId);
    long inWorkTask = openTasks(deal).get(0).getLong("id");
    var bad = f.post("/api/deals/" + deal + "/stage", operatorToken, new JsonObject().put("stage", "qualified")
        .put("fields", new JsonObject().put("niche", "стоматология").put("source", "yandex")
            .put("presentation_date", "в пятницу")));
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.bodyAsJsonObject().getString("field")).isEqualTo("fields.presentation_date");
    assertThat(f.deal(deal).getString("stage")).as("nothing stored").isEqualTo("in_work");

    var moved = f.post("/api/deals/" + deal + "/stage", operatorToken, new JsonObject().put("stage", "qualified")
        .put("fields", new JsonObject().put("niche", "стоматология").put("source", "yandex")
            .put("presentation_date", "2026-04-15T15:00:00+03:00")));
    assertThat(moved.statusCode()).as(moved.bodyAsString()).isEqualTo(200);
    List<JsonObject> open = openTasks(deal);
    assertThat(open).extracting(t -> t.getLong("id")).doesNotContain(inWorkTask);
    assertThat(open).extracting(t -> t.getString("title"))
        .containsExactlyInAnyOrder("Подготовить и отправить КП", "Подготовиться к презентации");
    JsonObject presentation = open.stream().filter(t -> t.getString("kind").equals("MEETING")).findFirst().orElseThrow();
    assertThat(presentation.getString("dueAt")).isEqualTo("2026-04-14T12:00:00Z");
    assertThat(history(deal, "task_done").anyMatch(h -> h.getJsonObject("details").getJsonArray("taskIds") != null
        && h.getJsonObject("details").getJsonArray("taskIds").stream()
            .anyMatch(x -> ((Number) x).longValue() == inWorkTask))).isTrue();

    f.post("/api/deals/" + deal + "/stage", operatorToken, new JsonObject().put("stage", "offer_sent")
        .put("fields", new JsonObject().put("budget", "100000").put("presentation_date", "2026-04-20")));
    JsonObject again = openTasks(deal).stream().filter(t -> t.getString("kind").equals("MEETING")).findFirst()
        .orElseThrow();
    assertThat(again.getLong("id")).as("the same task, moved").isEqualTo(presentation.getLong("id"));
    assertThat(again.getString("dueAt")).isEqualTo("2026-04-18T21:00:00Z");
    assertThat(history(deal, "task_moved").count()).isEqualTo(1);
  }

  @Test
  void aLeadsDateFieldMakesItsTaskAndABadDateLosesNoLead() {
    f.clock.set(Instant.parse("2026-04-08T09:00:00Z"));
    String phone = FunnelFixture.newPhone();
    var r = f.post("/api/leads", ADMIN_TOKEN, new JsonObject().put("source", "web_form").put("phone", phone)
        .put("fields", new JsonObject().put("presentation_date", "2026-04-16")));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    long deal = r.bodyAsJsonObject().getLong("id");
    assertThat(openTasks(deal).stream().filter(t -> t.getString("kind").equals("MEETING")).map(t -> t.getString("dueAt")))
        .containsExactly("2026-04-14T21:00:00Z");                // the day before, 00:00 Moscow
    var bad = f.post("/api/leads", ADMIN_TOKEN, new JsonObject().put("source", "web_form")
        .put("phone", FunnelFixture.newPhone()).put("fields", new JsonObject().put("presentation_date", "скоро")));
    assertThat(bad.statusCode()).isEqualTo(201);
    assertThat(openTasks(bad.bodyAsJsonObject().getLong("id"))).noneMatch(t -> t.getString("kind").equals("MEETING"));
  }

  @Test
  void talkTimeTodayIsCountedPerManagerAndFlaggedOverThreeHours() {
    Instant now = Instant.parse("2026-04-09T12:00:00Z");      // 15:00 in Moscow
    f.clock.set(now);
    JsonObject talker = f.t.createManager("Говорун", "455", 10);
    long id = talker.getLong("id");
    call("455", now.minus(Duration.ofHours(1)), 2 * 3600);
    call("455", Instant.parse("2026-04-08T20:30:00Z"), 3600);  // 23:30 Moscow the day before: not today
    assertThat(talk(id).getLong("talkSecondsToday")).isEqualTo(7200);
    assertThat(talk(id).getBoolean("talkOverLimit")).isFalse();
    JsonArray week = talk(id).getJsonArray("talkByDay");
    assertThat(week).hasSize(7);
    assertThat(week.getJsonObject(6).getString("day")).isEqualTo("2026-04-09");
    assertThat(week.getJsonObject(6).getLong("talkSeconds")).isEqualTo(7200);
    assertThat(week.getJsonObject(5).getString("day")).isEqualTo("2026-04-08");
    assertThat(week.getJsonObject(5).getLong("talkSeconds")).isEqualTo(3600);
    call("455", Instant.parse("2026-04-08T21:30:00Z"), 3601);  // 00:30 Moscow today
    assertThat(talk(id).getLong("talkSecondsToday")).isEqualTo(10801);
    assertThat(talk(id).getBoolean("talkOverLimit")).isTrue();
    JsonObject live = await(f.t.get("/api/live", ADMIN_TOKEN).send()).bodyAsJsonObject().getJsonArray("managers")
        .stream().map(JsonObject.class::cast).filter(m -> m.getLong("id") == id).findFirst().orElseThrow();
    assertThat(live.getLong("talkSecondsToday")).isEqualTo(10801);
    assertThat(live.getBoolean("talkOverLimit")).isTrue();
  }

  private static void call(String ext, Instant ended, int talkSeconds) {
    f.sql("""
        INSERT INTO calls (pbx_call_id, direction, outcome, missed, customer_phone, operator_ext, started_at, answered_at,
                           ended_at, talk_seconds)
        VALUES ($1, 'OUTBOUND', 'ANSWERED', false, NULL, $2, $3, $3, $4, $5)""",
        "talk-" + System.nanoTime(), ext, java.time.OffsetDateTime.ofInstant(ended.minusSeconds(talkSeconds),
            java.time.ZoneOffset.UTC), java.time.OffsetDateTime.ofInstant(ended, java.time.ZoneOffset.UTC), talkSeconds);
  }

  private static JsonObject talk(long managerId) {
    return await(f.t.get("/api/managers/" + managerId, ADMIN_TOKEN).send()).bodyAsJsonObject();
  }
}
