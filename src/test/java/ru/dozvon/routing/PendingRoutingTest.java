package ru.dozvon.routing;

import ru.dozvon.call.CallDirection;
import ru.dozvon.call.CallOutcome;
import static org.assertj.core.api.Assertions.assertThat;
import static ru.dozvon.support.TestApp.ADMIN_TOKEN;
import static ru.dozvon.support.TestApp.await;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import ru.dozvon.deals.CallFacts;
import ru.dozvon.deals.PgCallRecorder;
import ru.dozvon.dialing.AttemptScheduler;
import ru.dozvon.dialing.DueAttemptHandler;
import ru.dozvon.metrics.Meters;
import ru.dozvon.phone.PhoneNumbers;
import ru.dozvon.support.MovableClock;
import ru.dozvon.support.TestApp;

/**
 * Deals from the PBX are committed with {@code routing_pending} and routed right after the commit, in batches
 * (docs/ROUTING.md, "New deals from the PBX"): nothing is lost between the two, whatever happens in between.
 */
class PendingRoutingTest {

  static final AtomicInteger IDS = new AtomicInteger();
  final MovableClock clock = new MovableClock(Instant.parse("2026-11-24T08:00:00Z"));
  TestApp t;

  @AfterEach
  void stop() {
    if (t != null) {
      t.close();
    }
  }

  PgCallRecorder.Recorded missedCall(String phone) throws Exception {
    var p = PhoneNumbers.parse(phone);
    Instant at = clock.instant();
    return t.app.callIntake().accept(new CallFacts("1795560000." + IDS.incrementAndGet(), CallDirection.INBOUND, CallOutcome.NO_ANSWER,
        true, p, phone, false, "74951234567", null, null, at.minusSeconds(30), null, at, 30, 0, false), at)
        .await(10, TimeUnit.SECONDS);
  }

  long onShift(String name, String ext, int max) {
    long id = t.createManager(name, ext, max).getLong("id");
    assertThat(await(t.patch("/api/managers/" + id, ADMIN_TOKEN).sendJsonObject(new JsonObject().put("state", "ON_SHIFT")))
        .statusCode()).isEqualTo(200);
    return id;
  }

  RowSet<Row> sql(String sql, Object... args) throws Exception {
    return t.app.pool().preparedQuery(sql).execute(Tuple.wrap(args)).await(10, TimeUnit.SECONDS);
  }

  Row deal(long id) {
    try {
      return sql("SELECT manager_id, EXISTS (SELECT 1 FROM routing_pending p WHERE p.deal_id = deals.id) AS routing_pending,"
          + " status FROM deals WHERE id = $1", id).iterator().next();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  void eventually(String what, BooleanSupplier done) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!done.getAsBoolean()) {
      assertThat(System.nanoTime()).as("timed out waiting for: " + what).isLessThan(deadline);
      try {
        t.app.vertx().timer(20).await(5, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  @Test
  void aMissedCallIsCommittedWithoutAnOwnerAndRoutedRightAfterWithItsNotification() throws Exception {
    t = TestApp.start(Map.of(), clock);
    long anna = onShift("Anna", "201", 5);
    await(t.patch("/api/managers/" + anna, ADMIN_TOKEN)
        .sendJsonObject(new JsonObject().put("webhookUrl", "https://bot.example.ru/anna")));

    var rec = missedCall("+79167000001");

    assertThat(rec.effect()).isEqualTo(PgCallRecorder.Effect.DEAL_CREATED);
    assertThat(rec.managerId()).as("the call's transaction locks no manager").isNull();
    // nobody asks: the commit itself wakes routing
    eventually("routed after the commit", () -> !deal(rec.dealId()).getBoolean("routing_pending"));
    assertThat(deal(rec.dealId()).getLong("manager_id")).isEqualTo(anna);
    Row a = sql("SELECT manager_id, by_hand, decision FROM assignments WHERE deal_id = $1", rec.dealId()).iterator().next();
    assertThat(a.getLong("manager_id")).isEqualTo(anna);
    assertThat(a.getBoolean("by_hand")).isFalse();
    JsonObject payload = sql("SELECT payload FROM outbox WHERE manager_id = $1 AND topic = 'deal.assigned'", anna)
        .iterator().next().getJsonObject("payload");
    assertThat(payload.getString("topic")).isEqualTo("deal.assigned");
    assertThat(payload.getJsonObject("data").getLong("dealId")).isEqualTo(rec.dealId());
    assertThat(payload.getJsonObject("data").getString("phone")).isEqualTo("+79167000001");
    assertThat(payload.getJsonObject("data").getString("source")).isEqualTo("missed_call");
    assertThat(payload.getJsonObject("data").getBoolean("byHand")).isFalse();
    // metered once the routing transaction's commit is back in Java (a moment after the row shows it)
    eventually("routing metered", () -> java.util.regex.Pattern.compile("dozvon_routing_delay_seconds_count 1(\\.0)?\\n")
        .matcher(t.app.meters().scrape()).find());
    assertThat(t.app.meters().scrape()).contains("dozvon_routing_decisions_total");
  }

  @Test
  void aDealNobodyCanTakeGetsItsReasonAndLeavesTheMarkThenWaitsInTheQueue() throws Exception {
    t = TestApp.start(Map.of(), clock);
    var rec = missedCall("+79167000002");
    t.settleRouting().await(10, TimeUnit.SECONDS);

    Row d = deal(rec.dealId());
    assertThat(d.getLong("manager_id")).isNull();
    assertThat(d.getBoolean("routing_pending")).isFalse();
    Row a = sql("SELECT manager_id, decision FROM assignments WHERE deal_id = $1", rec.dealId()).iterator().next();
    assertThat(a.getLong("manager_id")).isNull();
    assertThat(a.getJsonObject("decision").getBoolean("assigned")).isFalse();
    assertThat(a.getJsonObject("decision").getString("reason")).isNotBlank();

    long boris = onShift("Boris", "202", 5); // capacity appears: the queue sweep gives him the waiting deal
    eventually("assigned from the queue", () -> Long.valueOf(boris).equals(deal(rec.dealId()).getLong("manager_id")));
  }

  @Test
  void aDealLeftPendingByACrashAfterItsCommitIsRoutedWhenTheServiceStarts() throws Exception {
    t = TestApp.start(Map.of(), clock);
    long anna = onShift("Anna", "201", 5);
    var db = t.db;
    t.close();
    t = null;
    long dealId;
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
      // what a crash between the call's commit and its routing leaves behind
      var k = c.createStatement().executeQuery(
          "INSERT INTO contacts (phone, phone_kind) VALUES ('+79167000003', 'MOBILE') RETURNING id");
      k.next();
      var d = c.createStatement().executeQuery("INSERT INTO deals (contact_id, source, arrived_at) "
          + "VALUES (" + k.getLong(1) + ", 'missed_call', now()) RETURNING id");
      d.next();
      dealId = d.getLong(1);
      c.createStatement().execute("INSERT INTO routing_pending (deal_id) VALUES (" + dealId + ")");
    }

    t = TestApp.startOn(db, Map.of(), clock); // start-up routes what was left pending before it serves

    Row d = deal(dealId);
    assertThat(d.getLong("manager_id")).isEqualTo(anna);
    assertThat(d.getBoolean("routing_pending")).isFalse();
  }

  /**
   * Two instances on one database take missed calls at once, each routing its own commits and racing for the
   * other's pending deals: every deal is decided exactly once, and the caps hold across both.
   */
  @Test
  void twoInstancesRouteEveryPendingDealOnceWithinTheCaps() throws Exception {
    t = TestApp.start(Map.of(), clock);
    long anna = onShift("Anna", "201", 30);
    long boris = onShift("Boris", "202", 45);
    try (TestApp second = TestApp.startOn(t.db, Map.of(), clock)) {
      List<Future<PgCallRecorder.Recorded>> calls = new ArrayList<>();
      for (int i = 0; i < 120; i++) {
        TestApp on = i % 2 == 0 ? t : second;
        var p = PhoneNumbers.parse(String.format("+7916710%04d", i));
        Instant at = clock.instant();
        calls.add(on.app.callIntake().accept(new CallFacts("1795560000.two." + i, CallDirection.INBOUND, CallOutcome.NO_ANSWER, true, p,
            p.e164(), false, "74951234567", null, null, at.minusSeconds(30), null, at, 30, 0, false), at));
      }
      Future.all(calls).await(60, TimeUnit.SECONDS);
      t.settleRouting().await(30, TimeUnit.SECONDS);
      second.settleRouting().await(30, TimeUnit.SECONDS);
    }

    assertThat(sql("SELECT count(*) FROM deals WHERE manager_id = $1", anna).iterator().next().getLong(0)).isEqualTo(30);
    assertThat(sql("SELECT count(*) FROM deals WHERE manager_id = $1", boris).iterator().next().getLong(0)).isEqualTo(45);
    assertThat(sql("SELECT count(*), count(DISTINCT deal_id) FROM assignments").iterator().next().getLong(0))
        .as("one decision a deal").isEqualTo(120);
    assertThat(sql("SELECT count(DISTINCT deal_id) FROM assignments").iterator().next().getLong(0)).isEqualTo(120);
    assertThat(sql("SELECT count(*) FROM deals WHERE manager_id IS NULL AND status = 'OPEN'").iterator().next().getLong(0))
        .isEqualTo(45);
    assertThat(sql("""
        SELECT count(*) FROM managers m
        WHERE m.open_deals <> (SELECT count(*) FROM deals d WHERE d.manager_id = m.id AND d.status = 'OPEN')""")
        .iterator().next().getLong(0)).isZero();
  }

  @Test
  void aPendingDealClosedBeforeRoutingIsLeftAloneAndLosesItsMark() throws Exception {
    t = TestApp.start(Map.of(), clock);
    onShift("Anna", "201", 5);
    var rec = missedCall("+79167000004");
    // closed (here by SQL) before routing got to it: simulated by putting the mark back on a closed deal
    t.settleRouting().await(10, TimeUnit.SECONDS);
    sql("UPDATE deals SET status = 'INVALID', closed_at = now(), manager_id = NULL WHERE id = $1", rec.dealId());
    sql("INSERT INTO routing_pending (deal_id) VALUES ($1)", rec.dealId());
    int decisions = sql("SELECT count(*) FROM assignments WHERE deal_id = $1", rec.dealId()).iterator().next().getInteger(0);

    t.settleRouting().await(10, TimeUnit.SECONDS);

    Row d = deal(rec.dealId());
    assertThat(d.getBoolean("routing_pending")).isFalse();
    assertThat(d.getLong("manager_id")).isNull();
    assertThat(sql("SELECT count(*) FROM assignments WHERE deal_id = $1", rec.dealId()).iterator().next().getInteger(0))
        .isEqualTo(decisions);
  }

  /**
   * The first attempt of a pending deal is due at once, but the scheduler leaves it until routing has decided,
   * so that its callback task lands on the manager chosen. The router is kept off the deal by a FOR SHARE lock,
   * which the router's FOR UPDATE SKIP LOCKED skips but the scheduler's FOR KEY SHARE does not: only the mark
   * holds the attempt back.
   */
  @Test
  void theSchedulerFiresAPendingDealsFirstAttemptOnlyOnceRoutingHasDecided() throws Exception {
    t = TestApp.start(Map.of(), clock);
    long anna = onShift("Anna", "201", 5);
    var db = t.db;
    AttemptScheduler scheduler = new AttemptScheduler(t.app.pool(), clock, new Meters(), null, DueAttemptHandler.NONE,
        Duration.ofHours(1), 100);
    long dealId;
    try (Connection hold = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
      dealId = heldPendingDeal(hold, "+79167000005");
      t.app.routing().routePending().await(10, TimeUnit.SECONDS);
      assertThat(deal(dealId).getBoolean("routing_pending")).as("the router skipped the held row").isTrue();
      assertThat(scheduler.drain().await(10, TimeUnit.SECONDS)).as("nothing fires before routing").isZero();
      hold.rollback();
    }

    t.settleRouting().await(10, TimeUnit.SECONDS);
    assertThat(scheduler.drain().await(10, TimeUnit.SECONDS)).isEqualTo(1);
    Row task = sql("SELECT manager_id, kind FROM tasks WHERE deal_id = $1", dealId).iterator().next();
    assertThat(task.getString("kind")).isEqualTo("CALLBACK");
    assertThat(task.getLong("manager_id")).isEqualTo(anna);
  }

  /**
   * A pending deal whose attempt 1 is due now, committed, then held {@code FOR SHARE} on {@code hold} (left
   * open): the router skips it, the scheduler does not.
   */
  long heldPendingDeal(Connection hold, String phone) throws Exception {
    hold.setAutoCommit(false);
    var k = hold.createStatement().executeQuery(
        "INSERT INTO contacts (phone, phone_kind) VALUES ('" + phone + "', 'MOBILE') RETURNING id");
    k.next();
    var d = hold.createStatement().executeQuery("INSERT INTO deals (contact_id, source, arrived_at) "
        + "VALUES (" + k.getLong(1) + ", 'missed_call', '" + clock.instant() + "') RETURNING id");
    d.next();
    long dealId = d.getLong(1);
    hold.createStatement().execute("INSERT INTO routing_pending (deal_id) VALUES (" + dealId + ")");
    hold.createStatement().execute("INSERT INTO attempts (deal_id, no, of_total, due_at, why) VALUES ("
        + dealId + ", 1, 4, '" + clock.instant().minus(1, ChronoUnit.MINUTES) + "', 'now')");
    hold.commit();
    hold.createStatement().execute("SELECT 1 FROM deals WHERE id = " + dealId + " FOR SHARE");
    return dealId;
  }

  @Test
  void aCallbackDoesNotWaitForRoutingForEver() throws Exception {
    t = TestApp.start(Map.of(), clock);
    onShift("Anna", "201", 5);
    var db = t.db;
    AttemptScheduler scheduler = new AttemptScheduler(t.app.pool(), clock, new Meters(), null, DueAttemptHandler.NONE,
        Duration.ofHours(1), 100);
    try (Connection hold = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
      long dealId = heldPendingDeal(hold, "+79167000007");
      assertThat(scheduler.drain().await(10, TimeUnit.SECONDS)).isZero();

      clock.set(clock.instant().plus(AttemptScheduler.ROUTING_GRACE).plusSeconds(1)); // routing is late

      assertThat(scheduler.drain().await(10, TimeUnit.SECONDS)).isEqualTo(1);
      Row task = sql("SELECT manager_id, kind FROM tasks WHERE deal_id = $1", dealId).iterator().next();
      assertThat(task.getString("kind")).isEqualTo("CALLBACK");
      assertThat(task.getLong("manager_id")).as("nobody owns the deal yet").isNull();
      hold.rollback();
    }
  }

  @Test
  void aReassignmentByHandNotifiesTheNewOwner() throws Exception {
    t = TestApp.start(Map.of(), clock);
    long anna = onShift("Anna", "201", 5);
    long boris = t.createManager("Boris", "202", 5).getLong("id"); // OFF: routing cannot choose him
    await(t.patch("/api/managers/" + boris, ADMIN_TOKEN)
        .sendJsonObject(new JsonObject().put("webhookUrl", "https://bot.example.ru/boris")));
    var rec = t.routed(missedCall("+79167000006")).await(10, TimeUnit.SECONDS);
    assertThat(rec.managerId()).isEqualTo(anna);
    assertThat(sql("SELECT count(*) FROM outbox WHERE manager_id = $1", boris).iterator().next().getInteger(0)).isZero();

    var r = await(t.post("/api/deals/" + rec.dealId() + "/assign", ADMIN_TOKEN)
        .sendJsonObject(new JsonObject().put("managerId", boris).put("reason", "knows the customer")));

    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    var rows = sql("SELECT payload FROM outbox WHERE manager_id = $1 AND topic = 'deal.assigned'", boris);
    assertThat(rows.size()).isEqualTo(1);
    JsonObject data = rows.iterator().next().getJsonObject("payload").getJsonObject("data");
    assertThat(data.getLong("dealId")).isEqualTo(rec.dealId());
    assertThat(data.getBoolean("byHand")).isTrue();
  }
}
