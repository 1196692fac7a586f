package ru.dozvon;

import ru.dozvon.call.CallDirection;
import ru.dozvon.call.CallOutcome;
import static org.assertj.core.api.Assertions.assertThat;
import static ru.dozvon.support.TestApp.ADMIN_TOKEN;
import static ru.dozvon.support.TestApp.await;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import ru.dozvon.deals.CallFacts;
import ru.dozvon.phone.PhoneNumbers;
import ru.dozvon.support.MovableClock;
import ru.dozvon.support.TestApp;

/**
 * The product's promise in one story, every feature together: a missed call becomes a deal, goes
 * to a manager, whose callback task comes due; the manager reaches the lead; the chain stops, the
 * deal moves into work and speed-to-lead is measured. And a lead that waits for a manager keeps
 * its callback task, which follows the deal to whoever takes it.
 */
class MissedCallStoryTest {

  static final Instant TUESDAY_11 = Instant.parse("2026-11-24T08:00:00Z"); // 11:00 in Moscow
  static MovableClock clock;
  static TestApp t;

  @BeforeAll
  static void start() {
    clock = new MovableClock(TUESDAY_11, ZoneId.of("UTC"));
    t = TestApp.start(Map.of(), clock);
  }

  @AfterAll
  static void stop() {
    t.close();
  }

  static List<Row> query(String sql, Object... args) {
    try {
      var rows = t.app.pool().preparedQuery(sql).execute(Tuple.wrap(List.of(args))).await(10, TimeUnit.SECONDS);
      List<Row> out = new ArrayList<>();
      rows.forEach(out::add);
      return out;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
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

  static long missedCall(String phone) throws Exception {
    Instant now = clock.instant();
    var facts = new CallFacts("story." + phone + "." + now.toEpochMilli(), CallDirection.INBOUND, CallOutcome.NO_ANSWER, true,
        PhoneNumbers.parse(phone), phone, false, "74951234567", null, null, now.minusSeconds(25), null, now, 25, 0,
        false);
    return t.app.callIntake().accept(facts, now).compose(t::routed).await(10, TimeUnit.SECONDS).dealId();
  }

  static String token(JsonObject manager) {
    return manager.getString("token");
  }

  @Test
  void aMissedCallIsRoutedCalledBackReachedAndMeasured() throws Exception {
    JsonObject anna = t.createManager("Anna", "301", 10);
    await(t.patch("/api/managers/" + anna.getLong("id"), ADMIN_TOKEN).sendJsonObject(
        new JsonObject().put("state", "ON_SHIFT")));

    long deal = missedCall("+79160001001");

    // routed to the only manager on shift, with the decision on the deal
    JsonObject d = await(t.get("/api/deals/" + deal, token(anna)).send()).bodyAsJsonObject();
    assertThat(d.getLong("managerId")).isEqualTo(anna.getLong("id"));
    assertThat(d.getJsonObject("assignment").getJsonObject("decision").encode()).contains("Anna");
    // attempt 1 is due now and the scheduler puts it at the top of Anna's queue
    assertThat(d.getJsonArray("attempts").getJsonObject(0).getInteger("no")).isEqualTo(1);
    eventually("callback task for Anna", () -> !query(
        "SELECT id FROM tasks WHERE deal_id = $1 AND kind = 'CALLBACK' AND manager_id = $2", deal,
        anna.getLong("id")).isEmpty());
    var tasks = await(t.get("/api/tasks", token(anna)).send()).bodyAsJsonArray();
    assertThat(tasks.getJsonObject(0).getLong("dealId")).isEqualTo(deal);

    // four minutes later Anna calls and reaches the lead
    clock.advance(Duration.ofMinutes(4));
    var outcome = await(t.post("/api/deals/" + deal + "/outcome", token(anna))
        .sendJsonObject(new JsonObject().put("result", "REACHED").put("note", "interested")));
    assertThat(outcome.statusCode()).as(outcome.bodyAsString()).isEqualTo(200);

    d = await(t.get("/api/deals/" + deal, token(anna)).send()).bodyAsJsonObject();
    assertThat(d.getString("stage")).isEqualTo("in_work");
    assertThat(d.getString("firstContactAt")).isEqualTo(clock.instant().toString());
    assertThat(d.getJsonArray("attempts").stream().map(a -> ((JsonObject) a).getString("state")))
        .doesNotContain("PENDING");
    // 4 minutes: inside the seed's "within 5 minutes" bucket
    assertThat(t.app.meters().scrape()).contains("dozvon_speed_to_lead_seconds_count 1\n",
        "dozvon_speed_to_lead_seconds_bucket{le=\"300.0\"} 1\n", "dozvon_speed_to_lead_seconds_sum 240.0\n");
  }

  @Test
  void aLeadWaitingForAManagerKeepsItsCallbackWhichFollowsTheDeal() throws Exception {
    // nobody else takes leads: the earlier test's manager goes off
    for (Row m : query("SELECT id FROM managers")) {
      await(t.patch("/api/managers/" + m.getLong("id"), ADMIN_TOKEN)
          .sendJsonObject(new JsonObject().put("state", "OFF")));
    }
    long deal = missedCall("+79160001002");
    assertThat(query("SELECT manager_id FROM deals WHERE id = $1", deal).get(0).getLong(0)).isNull();
    eventually("the callback fired even with nobody to take it",
        () -> !query("SELECT id FROM tasks WHERE deal_id = $1 AND kind = 'CALLBACK'", deal).isEmpty());

    JsonObject boris = t.createManager("Boris", "302", 5);
    await(t.patch("/api/managers/" + boris.getLong("id"), ADMIN_TOKEN)
        .sendJsonObject(new JsonObject().put("state", "ON_SHIFT")));

    assertThat(query("SELECT manager_id FROM deals WHERE id = $1", deal).get(0).getLong(0))
        .isEqualTo(boris.getLong("id"));
    assertThat(query("SELECT manager_id FROM tasks WHERE deal_id = $1 AND kind = 'CALLBACK'", deal).get(0).getLong(0))
        .as("the callback task follows the deal to its new manager").isEqualTo(boris.getLong("id"));
    var tasks = await(t.get("/api/tasks", token(boris)).send()).bodyAsJsonArray();
    assertThat(tasks.stream().map(x -> ((JsonObject) x).getLong("dealId"))).contains(deal);
  }
}
