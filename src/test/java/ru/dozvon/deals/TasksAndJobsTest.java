package ru.dozvon.deals;

import static org.assertj.core.api.Assertions.assertThat;
import static ru.dozvon.support.TestApp.ADMIN_TOKEN;
import static ru.dozvon.support.TestApp.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import ru.dozvon.live.FeedEvent;

/** Tasks over HTTP and the clock-driven jobs (overdue flagging, the 8-week auto-close), time moved by hand. */
class TasksAndJobsTest {

  static FunnelFixture f;
  static long operatorId;
  static String operatorToken;
  static long otherId;
  static String otherToken;
  static String supervisorToken;

  @BeforeAll
  static void start() {
    f = new FunnelFixture();
    JsonObject op = f.t.createManager("Ольга", "301", 50);
    operatorId = op.getLong("id");
    operatorToken = op.getString("token");
    JsonObject other = f.t.createManager("Пётр", "302", 50);
    otherId = other.getLong("id");
    otherToken = other.getString("token");
    var sup = await(f.t.post("/api/managers", ADMIN_TOKEN).sendJsonObject(new JsonObject().put("name", "Рук")
        .put("extension", "309").put("maxActiveDeals", 0).put("role", "supervisor")));
    supervisorToken = sup.bodyAsJsonObject().getString("token");
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  static long inWork(long managerIdOrZero) {
    long id = f.newDeal(managerIdOrZero == 0 ? null : managerIdOrZero);
    var r = f.post("/api/deals/" + id + "/stage", ADMIN_TOKEN,
        new JsonObject().put("stage", "in_work").put("fields", new JsonObject().put("platform", "web")));
    assertThat(r.statusCode()).isEqualTo(200);
    return id;
  }

  static JsonObject taskOf(long dealId) {
    var rows = f.query("SELECT id, overdue_at FROM tasks WHERE deal_id = $1 AND kind = 'STAGE_ENTRY'", dealId);
    var r = rows.iterator().next();
    return new JsonObject().put("id", r.getLong("id"))
        .put("overdueAt", r.getOffsetDateTime("overdue_at") == null ? null : r.getOffsetDateTime("overdue_at").toInstant().toString());
  }

  /** The entry task of «Взята в работу» is due in 30 min: on time at 30 min, overdue strictly after, flagged once. */
  @Test
  void aTaskIsFlaggedOverdueOnceAfterItsDeadlineAndToldToTheFeed() throws Exception {
    Instant t0 = Instant.parse("2026-07-01T10:00:00Z");
    f.clock.set(t0);
    long deal = inWork(operatorId);
    f.clock.set(t0.plus(Duration.ofMinutes(30)));
    f.tick();
    assertThat(taskOf(deal).getString("overdueAt")).isNull();

    CompletableFuture<FeedEvent> seen = new CompletableFuture<>();
    var sub = f.t.app.feed().subscribe(e -> {
      // the stage task's event (the deal's callback task goes overdue too, as it should)
      if (e.type().equals("task.overdue") && e.dealId() != null && e.dealId() == deal
          && "Связаться и квалифицировать".equals(e.data().getString("title"))) {
        seen.complete(e);
      }
    });
    Instant late = t0.plus(Duration.ofMinutes(31));
    f.clock.set(late);
    f.tick();
    FeedEvent e = seen.get(10, TimeUnit.SECONDS);
    sub.unregister();
    assertThat(e.managerId()).isEqualTo(operatorId);
    assertThat(e.data().getString("title")).isEqualTo("Связаться и квалифицировать");
    assertThat(taskOf(deal).getString("overdueAt")).isEqualTo(late.toString());

    f.clock.set(late.plus(Duration.ofHours(1)));
    f.tick();
    assertThat(taskOf(deal).getString("overdueAt")).as("flagged once").isEqualTo(late.toString());

    JsonArray overdue = await(f.t.get("/api/tasks?due=overdue", operatorToken).send()).bodyAsJsonArray();
    JsonObject listed = overdue.stream().map(JsonObject.class::cast).filter(t -> t.getLong("dealId") == deal)
        .findFirst().orElseThrow();
    assertThat(listed.getBoolean("overdue")).isTrue();

    // with its next step: whether the lead's callback task is open yet is the scheduler's race (issue 12's rule)
    var done = await(f.t.post("/api/tasks/" + listed.getLong("id") + "/done", operatorToken).sendJsonObject(
        new JsonObject().put("nextStep", new JsonObject().put("title", "Перезвонить").put("kind", "call")
            .put("dueAt", f.clock.instant().plus(Duration.ofDays(1)).toString()))));
    assertThat(done.statusCode()).isEqualTo(200);
    assertThat(done.bodyAsJsonObject().getString("doneAt")).isEqualTo(f.clock.instant().toString());
    JsonArray after = await(f.t.get("/api/tasks", operatorToken).send()).bodyAsJsonArray();
    assertThat(after.stream().map(JsonObject.class::cast).map(t -> t.getLong("id"))).doesNotContain(listed.getLong("id"));
    JsonArray h = f.deal(deal).getJsonArray("history");
    assertThat(h.getJsonObject(h.size() - 1).getString("kind")).isEqualTo("task_done");
  }

  @Test
  void tasksComeMostUrgentFirstAndOperatorsSeeTheirOwn() {
    Instant t0 = Instant.parse("2026-07-10T10:00:00Z");
    f.clock.set(t0);
    long a = inWork(otherId);                               // due t0 + 30 min
    f.clock.set(t0.minus(Duration.ofHours(2)));
    long b = inWork(otherId);                               // due t0 - 90 min
    f.clock.set(t0.plus(Duration.ofHours(1)));
    long c = inWork(otherId);                               // due t0 + 90 min
    f.clock.set(t0);
    JsonArray list = await(f.t.get("/api/tasks", otherToken).send()).bodyAsJsonArray();
    // Stage tasks only: dialing also puts each lead's callback task in the queue.
    List<Long> deals = list.stream().map(JsonObject.class::cast).filter(t -> !"CALLBACK".equals(t.getString("kind")))
        .map(t -> t.getLong("dealId")).filter(d -> d == a || d == b || d == c).toList();
    assertThat(deals).containsExactly(b, a, c);
    assertThat(list.stream().map(JsonObject.class::cast).allMatch(t -> t.getLong("managerId") == otherId)).isTrue();
    assertThat(await(f.t.get("/api/tasks?managerId=" + operatorId, otherToken).send()).statusCode()).isEqualTo(403);
    long taskOfOther = taskOf(a).getLong("id");
    assertThat(await(f.t.post("/api/tasks/" + taskOfOther + "/done", operatorToken).send()).statusCode()).isEqualTo(403);
    JsonArray overdue = await(f.t.get("/api/tasks?due=overdue&managerId=" + otherId, ADMIN_TOKEN).send()).bodyAsJsonArray();
    assertThat(overdue.stream().map(JsonObject.class::cast).map(t -> t.getLong("dealId"))).contains(b).doesNotContain(a, c);
    JsonArray before = await(f.t.get("/api/tasks?managerId=" + otherId + "&due=" + t0.plus(Duration.ofHours(1)), ADMIN_TOKEN)
        .send()).bodyAsJsonArray();
    assertThat(before.stream().map(JsonObject.class::cast).map(t -> t.getLong("dealId"))).contains(a, b).doesNotContain(c);
  }

  @ParameterizedTest
  @CsvSource({"soon", "2026-13-01T00:00:00Z", "yesterday", "1700000000"})
  void aBadDueFilterIs400(String due) {
    var r = await(f.t.get("/api/tasks?due=" + due, operatorToken).send());
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.bodyAsJsonObject().getString("field")).isEqualTo("due");
  }

  @Test
  void supervisorsSeeControlTasksOperatorsDoNot() {
    long deal = f.newDeal(operatorId);
    f.post("/api/deals/" + deal + "/close", operatorToken, new JsonObject().put("status", "LOST")
        .put("reason", "too_expensive").put("comment", "бюджет 0"));
    JsonArray sup = await(f.t.get("/api/tasks", supervisorToken).send()).bodyAsJsonArray();
    JsonObject control = sup.stream().map(JsonObject.class::cast).filter(t -> t.getLong("dealId") == deal)
        .findFirst().orElseThrow();
    assertThat(control.getString("forRole")).isEqualTo("SUPERVISOR");
    assertThat(control.getString("title")).isEqualTo("Проконтролировать закрытие сделки");
    JsonArray op = await(f.t.get("/api/tasks", operatorToken).send()).bodyAsJsonArray();
    assertThat(op.stream().map(JsonObject.class::cast).map(t -> t.getLong("dealId"))).doesNotContain(deal);
    assertThat(await(f.t.post("/api/tasks/" + control.getLong("id") + "/done", operatorToken).send()).statusCode())
        .isEqualTo(403);
    assertThat(await(f.t.post("/api/tasks/" + control.getLong("id") + "/done", supervisorToken).send()).statusCode())
        .isEqualTo(200);
  }

  /** Silent for 8 weeks (56 days) from the arrival or the last contact: closed by itself, not a second before. */
  @ParameterizedTest
  @CsvSource({"false, 55, false", "false, 56, true", "true, 55, false", "true, 56, true", "true, 80, true"})
  void silentDealsCloseThemselvesAfterEightWeeks(boolean contacted, int daysSilent, boolean closes) {
    Instant arrived = Instant.parse("2026-01-05T09:00:00Z");
    f.clock.set(arrived);
    long deal = f.newDeal(operatorId);
    Instant silentFrom = arrived;
    if (contacted) {
      silentFrom = arrived.plus(Duration.ofDays(10));
      f.sql("UPDATE deals SET first_contact_at = $2, last_contact_at = $2 WHERE id = $1", deal,
          silentFrom.atOffset(java.time.ZoneOffset.UTC));
    }
    f.clock.set(silentFrom.plus(Duration.ofDays(daysSilent)));
    f.tick();
    JsonObject d = f.deal(deal);
    assertThat(d.getString("status")).isEqualTo(closes ? "LOST" : "OPEN");
    if (closes) {
      assertThat(d.getString("lossReason")).isEqualTo("no_answer");
      JsonArray h = d.getJsonArray("history");
      // Dialing follows the closing (chain_stopped), so look the row up by kind.
      JsonObject closed = h.stream().map(JsonObject.class::cast).filter(r -> "closed".equals(r.getString("kind")))
          .findFirst().orElseThrow();
      assertThat(closed.getString("actor")).isEqualTo("system");
      assertThat(closed.getJsonObject("details").getBoolean("automatic")).isTrue();
      assertThat(f.query("SELECT 1 FROM tasks WHERE deal_id = $1 AND kind = 'CLOSING_CONTROL'", deal).size()).isEqualTo(1);
    }
  }
}
