package ru.dozvon.routing;

import ru.dozvon.call.CallDirection;
import ru.dozvon.call.CallOutcome;
import ru.dozvon.support.MovableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static ru.dozvon.support.TestApp.ADMIN_TOKEN;
import static ru.dozvon.support.TestApp.await;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import ru.dozvon.deals.CallFacts;
import ru.dozvon.deals.DealEvent;
import ru.dozvon.deals.PgCallRecorder;
import ru.dozvon.phone.PhoneNumbers;
import ru.dozvon.support.TestApp;

/** Routing end to end: missed calls through the real intake, the real database, the HTTP API. */
class RoutingApiTest {

  static final AtomicInteger IDS = new AtomicInteger();
  final MovableClock clock = new MovableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
  TestApp t;

  TestApp start(String strategy) throws Exception {
    Path cfg = Files.createTempFile("routing", ".yaml");
    Files.writeString(cfg, "routing:\n  strategy: " + strategy + "\n");
    t = TestApp.start(Map.of("DOZVON_CONFIG", cfg.toString()), clock);
    return t;
  }

  @AfterEach
  void stop() {
    if (t != null) {
      t.close();
    }
  }

  PgCallRecorder.Recorded missedCall(String phone) {
    return missedCallAsync(phone).await();
  }

  Future<PgCallRecorder.Recorded> missedCallAsync(String phone) {
    var p = PhoneNumbers.parse(phone);
    Instant at = clock.instant();
    return t.app.callIntake().accept(new CallFacts("1795551887." + IDS.incrementAndGet(), CallDirection.INBOUND, CallOutcome.NO_ANSWER,
        true, p, phone, false, "74951234567", null, null, at.minusSeconds(30), null, at, 30, 0, false), at)
        .compose(t::routed); // routing decides after the call's commit
  }

  long manager(String name, String ext, int max, String state) {
    long id = t.createManager(name, ext, max).getLong("id");
    if (!"OFF".equals(state)) {
      patch(id, new JsonObject().put("state", state));
    }
    return id;
  }

  JsonObject patch(long managerId, JsonObject body) {
    var r = await(t.patch("/api/managers/" + managerId, ADMIN_TOKEN).sendJsonObject(body));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  JsonObject deal(long id) {
    var r = await(t.get("/api/deals/" + id, ADMIN_TOKEN).send());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  JsonObject queue() {
    var r = await(t.get("/api/routing/unassigned?limit=1000", ADMIN_TOKEN).send());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  int sqlInt(String query) throws Exception {
    try (Connection c = DriverManager.getConnection(t.db.jdbcUrl(), t.db.user(), t.db.password());
         var rs = c.createStatement().executeQuery(query)) {
      rs.next();
      return rs.getInt(1);
    }
  }

  void sql(String statement) throws Exception {
    try (Connection c = DriverManager.getConnection(t.db.jdbcUrl(), t.db.user(), t.db.password())) {
      c.createStatement().execute(statement);
    }
  }

  /** Closes a deal the way the funnel will: the row changes and the listeners hear Closed, in one transaction. */
  void close(long dealId, String status) {
    t.app.pool().withTransaction(tx -> tx.preparedQuery("""
            UPDATE deals SET status = $2, closed_at = $3 WHERE id = $1 RETURNING manager_id""")
        .execute(io.vertx.sqlclient.Tuple.of(dealId, status, clock.instant().atOffset(java.time.ZoneOffset.UTC)))
        .compose(rows -> t.app.dealListeners().publish(tx, new DealEvent.Closed(dealId,
            rows.iterator().next().getLong(0), ru.dozvon.deals.DealStatus.valueOf(status), "test", clock.instant()))))
        .await();
  }

  /** The trigger-kept open_deals of every manager equals their open deals counted. */
  void assertOpenDealsCounted() throws Exception {
    assertThat(sqlInt("""
        SELECT count(*) FROM managers m
        WHERE m.open_deals <> (SELECT count(*) FROM deals d WHERE d.manager_id = m.id AND d.status = 'OPEN')"""))
        .isZero();
  }

  static List<String> historyKinds(JsonObject deal) {
    return deal.getJsonArray("history").stream().map(h -> ((JsonObject) h).getString("kind")).toList();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"round_robin", "least_loaded", "conversion", "min_conversion", "best_to_best"})
  void aMissedCallGoesToTheOnlyEligibleManagerWithAReadableDecision(String strategy) throws Exception {
    start(strategy);
    long anna = manager("Anna", "201", 5, "ON_SHIFT");
    manager("Boris", "202", 5, "OFF");
    manager("Vera", "203", 5, "PAUSED");
    long full = manager("Gleb", "204", 0, "ON_SHIFT");

    var rec = missedCall("+79161000001");

    assertThat(rec.managerId()).isEqualTo(anna);
    JsonObject d = deal(rec.dealId());
    assertThat(d.getLong("managerId")).isEqualTo(anna);
    JsonObject a = d.getJsonObject("assignment");
    assertThat(a.getLong("managerId")).isEqualTo(anna);
    assertThat(a.getString("strategy")).isEqualTo(strategy);
    assertThat(a.getBoolean("byHand")).isFalse();
    JsonObject why = a.getJsonObject("decision");
    assertThat(why.getString("reason")).startsWith(strategy).contains("Anna");
    assertThat(why.getInteger("candidateCount")).isEqualTo(1);
    JsonObject c = why.getJsonArray("candidates").getJsonObject(0);
    assertThat(c.getLong("managerId")).isEqualTo(anna);
    assertThat(c.getBoolean("chosen")).isTrue();
    assertThat(c.getInteger("maxActiveDeals")).isEqualTo(5);
    assertThat(why.getJsonArray("candidates").stream().map(o -> ((JsonObject) o).getLong("managerId")))
        .doesNotContain(full);
    assertThat(historyKinds(d)).containsSubsequence("created", "owner").doesNotHaveDuplicates();
    JsonObject owner = d.getJsonArray("history").stream().map(JsonObject.class::cast)
        .filter(h -> "owner".equals(h.getString("kind"))).findFirst().orElseThrow();
    assertThat(owner.getString("actor")).isEqualTo("system");
    assertThat(owner.getJsonObject("details").getString("reason")).isEqualTo(why.getString("reason"));
  }

  @Test
  void withNobodyOnShiftLeadsWaitInTheQueueUntilSomeoneCanTakeThem() throws Exception {
    start("conversion");
    long anna = manager("Anna", "201", 2, "OFF");
    manager("Boris", "202", 5, "PAUSED");
    String operator = t.createManager("Olga", "299", 5).getString("token");
    List<Long> deals = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      var rec = missedCall("+7916200000" + i);
      assertThat(rec.managerId()).isNull();
      deals.add(rec.dealId());
    }

    JsonObject q = queue();
    assertThat(q.getLong("total")).isEqualTo(3);
    assertThat(q.getJsonArray("deals").stream().map(o -> ((JsonObject) o).getLong("dealId"))).containsExactlyElementsOf(deals);
    assertThat(q.getJsonArray("deals").getJsonObject(0).getString("reason"))
        .isEqualTo("nobody eligible among 3 managers: 2 off shift, 1 paused, 0 paused on PBX, 0 at load cap");
    assertThat(await(t.get("/api/routing/unassigned", operator).send()).statusCode()).isEqualTo(403);
    JsonObject waiting = deal(deals.get(0));
    assertThat(waiting.getLong("managerId")).isNull();
    assertThat(waiting.getJsonObject("assignment").getJsonObject("decision").getBoolean("assigned")).isFalse();

    JsonObject after = patch(anna, new JsonObject().put("state", "ON_SHIFT"));
    assertThat(after.getJsonObject("load").getInteger("activeDeals")).isEqualTo(2);
    assertThat(deal(deals.get(0)).getLong("managerId")).isEqualTo(anna);
    assertThat(deal(deals.get(1)).getLong("managerId")).isEqualTo(anna);
    assertThat(deal(deals.get(2)).getLong("managerId")).isNull();
    assertThat(queue().getLong("total")).isEqualTo(1);

    patch(anna, new JsonObject().put("maxActiveDeals", 3));
    assertThat(deal(deals.get(2)).getLong("managerId")).isEqualTo(anna);
    assertThat(queue().getLong("total")).isZero();
    assertThat(historyKinds(deal(deals.get(2)))).containsSubsequence("created", "owner").doesNotHaveDuplicates();
  }

  @Test
  void aClosedDealFreesRoomForTheOldestWaitingOneOnceTheClosureCommits() throws Exception {
    start("least_loaded");
    long anna = manager("Anna", "201", 1, "ON_SHIFT");
    var first = missedCall("+79163000001");
    var second = missedCall("+79163000002");
    var third = missedCall("+79163000003");
    assertThat(first.managerId()).isEqualTo(anna);
    assertThat(second.managerId()).isNull();
    assertThat(third.managerId()).isNull();

    close(first.dealId(), "WON");

    // swept by the closure's own after-commit hook, well before the periodic sweep (5 s)
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    while (deal(second.dealId()).getLong("managerId") == null && System.nanoTime() < deadline) {
      t.app.vertx().timer(20).await();
    }
    assertThat(deal(second.dealId()).getLong("managerId")).isEqualTo(anna);
    assertThat(deal(third.dealId()).getLong("managerId")).isNull();
    assertThat(sqlInt("SELECT open_deals FROM managers WHERE id = " + anna)).isEqualTo(1);
  }

  @Test
  void capsHoldWith200ConcurrentMissedCallsFromDifferentNumbers() throws Exception {
    start("conversion");
    Map<Long, Integer> caps = new HashMap<>();
    caps.put(manager("Anna", "201", 10, "ON_SHIFT"), 10);
    caps.put(manager("Boris", "202", 20, "ON_SHIFT"), 20);
    caps.put(manager("Vera", "203", 30, "ON_SHIFT"), 30);

    // All 200 at once: nothing is serialised company-wide any more, so they race for the three managers' rows
    // (and the pool's 8 connections); the cap holds because each assignment locks its manager's row and counts
    // after the lock.
    List<Future<PgCallRecorder.Recorded>> calls = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      calls.add(missedCallAsync(String.format("+7916%07d", 4_000_000 + i)));
    }
    Future.all(calls).await(60, TimeUnit.SECONDS);

    for (var e : caps.entrySet()) {
      assertThat(sqlInt("SELECT count(*) FROM deals WHERE status = 'OPEN' AND manager_id = " + e.getKey()))
          .as("manager %d", e.getKey()).isEqualTo(e.getValue());
    }
    assertThat(calls.stream().filter(f -> f.result().managerId() == null).count()).isEqualTo(140);
    assertOpenDealsCounted();
    assertThat(queue().getLong("total")).isEqualTo(140);
    assertThat(sqlInt("SELECT count(*) FROM assignments")).isEqualTo(200);
    assertThat(sqlInt("SELECT count(DISTINCT deal_id) FROM assignments")).isEqualTo(200);
    JsonArray managers = await(t.get("/api/managers", ADMIN_TOKEN).send()).bodyAsJsonArray();
    for (Object o : managers) {
      JsonObject m = (JsonObject) o;
      assertThat(m.getJsonObject("load").getInteger("activeDeals")).isEqualTo(caps.get(m.getLong("id")));
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"round_robin", "least_loaded", "conversion"})
  void capsHoldWhileQueueSweepsRaceNewMissedCalls(String strategy) throws Exception {
    start(strategy);
    long anna = manager("Anna", "201", 10, "OFF");
    long boris = manager("Boris", "202", 20, "OFF");
    long vera = manager("Vera", "203", 5, "ON_SHIFT");
    List<Future<PgCallRecorder.Recorded>> first = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      first.add(missedCallAsync(String.format("+7916%07d", 5_000_000 + i)));
    }
    Future.all(first).await(60, TimeUnit.SECONDS);
    assertThat(queue().getLong("total")).isEqualTo(55);

    // Two sweeps (managers coming on shift: the queue path, locking managers in id order) race 60 new missed
    // calls (the new-deal path, one manager row at a time).
    List<Future<?>> racing = new ArrayList<>();
    racing.add(t.patch("/api/managers/" + anna, ADMIN_TOKEN).sendJsonObject(new JsonObject().put("state", "ON_SHIFT")));
    for (int i = 0; i < 60; i++) {
      racing.add(missedCallAsync(String.format("+7916%07d", 6_000_000 + i)));
      if (i == 20) {
        racing.add(t.patch("/api/managers/" + boris, ADMIN_TOKEN)
            .sendJsonObject(new JsonObject().put("state", "ON_SHIFT")));
      }
    }
    Future.all(racing).await(60, TimeUnit.SECONDS);
    patch(vera, new JsonObject().put("state", "ON_SHIFT")); // one quiet sweep: deals trimmed in a race get a place

    Map<Long, Integer> caps = Map.of(anna, 10, boris, 20, vera, 5);
    for (var e : caps.entrySet()) {
      assertThat(sqlInt("SELECT count(*) FROM deals WHERE status = 'OPEN' AND manager_id = " + e.getKey()))
          .as("manager %d", e.getKey()).isEqualTo(e.getValue());
    }
    assertThat(queue().getLong("total")).isEqualTo(120 - 35);
    assertThat(sqlInt("SELECT count(*) FROM deals WHERE status = 'OPEN'")).isEqualTo(120);
    assertOpenDealsCounted();
  }

  @Test
  void aReturningCustomerGoesBackToTheirManagerWhenTheyCan() throws Exception {
    start("round_robin");
    List<Long> team = List.of(manager("Anna", "201", 50, "ON_SHIFT"), manager("Boris", "202", 50, "ON_SHIFT"),
        manager("Vera", "203", 50, "ON_SHIFT"));
    Map<String, Long> firstManager = new HashMap<>();
    for (int i = 0; i < 6; i++) {
      String phone = "+7916500000" + i;
      var rec = missedCall(phone);
      firstManager.put(phone, rec.managerId());
      close(rec.dealId(), "LOST");
    }
    assertThat(firstManager.values()).containsAll(team);
    // Round robin would move each customer one manager on; they go back to their own instead.
    for (var e : firstManager.entrySet()) {
      var again = missedCall(e.getKey());
      assertThat(again.managerId()).as(e.getKey()).isEqualTo(e.getValue());
      JsonObject why = deal(again.dealId()).getJsonObject("assignment").getJsonObject("decision");
      assertThat(why.getBoolean("returningCustomer")).isTrue();
      assertThat(why.getString("reason")).startsWith("returning customer: back to previous manager");
      close(again.dealId(), "LOST");
    }
    String phone = firstManager.keySet().iterator().next();
    long previous = firstManager.get(phone);
    patch(previous, new JsonObject().put("state", "OFF"));
    var elsewhere = missedCall(phone);
    assertThat(elsewhere.managerId()).isNotNull().isNotEqualTo(previous);
    assertThat(deal(elsewhere.dealId()).getJsonObject("assignment").getJsonObject("decision").getString("reason"))
        .contains("returning customer, but previous manager").contains("is off shift");
  }

  @Test
  void aSupervisorReassignsByHandWithHistoryAndOperatorsMayNot() throws Exception {
    start("least_loaded");
    long anna = manager("Anna", "201", 5, "ON_SHIFT");
    JsonObject borisJson = t.createManager("Boris", "202", 1);
    long boris = borisJson.getLong("id");
    var sup = await(t.post("/api/managers", ADMIN_TOKEN).sendJsonObject(new JsonObject().put("name", "Sveta")
        .put("extension", "299").put("maxActiveDeals", 0).put("role", "supervisor"))).bodyAsJsonObject();
    String supToken = sup.getString("token");
    long deal = missedCall("+79166000001").dealId();
    long other = missedCall("+79166000002").dealId();
    assertThat(deal(deal).getLong("managerId")).isEqualTo(anna);

    record Case(String token, long dealId, JsonObject body, int status, String ruleOrField) {
    }
    JsonObject toBoris = new JsonObject().put("managerId", boris).put("reason", "speaks Tatar");
    for (Case c : List.of(
        new Case(borisJson.getString("token"), deal, toBoris, 403, null),
        new Case(supToken, deal, new JsonObject().put("managerId", 999_999).put("reason", "x"), 404, null),
        new Case(supToken, 999_999, toBoris, 404, null),
        new Case(supToken, deal, new JsonObject().put("managerId", boris), 400, "reason"),
        new Case(supToken, deal, toBoris.copy().put("force", "yes"), 400, "force"),
        new Case(supToken, deal, new JsonObject().put("managerId", anna).put("reason", "x"), 409, "already_assigned"))) {
      var r = await(t.post("/api/deals/" + c.dealId() + "/assign", c.token()).sendJsonObject(c.body()));
      assertThat(r.statusCode()).as(c.toString() + " " + r.bodyAsString()).isEqualTo(c.status());
      if (c.ruleOrField() != null) {
        assertThat(r.bodyAsString()).contains(c.ruleOrField());
      }
    }

    var ok = await(t.post("/api/deals/" + deal + "/assign", supToken).sendJsonObject(toBoris));
    assertThat(ok.statusCode()).as(ok.bodyAsString()).isEqualTo(200);
    JsonObject d = deal(deal);
    assertThat(d.getLong("managerId")).isEqualTo(boris);
    assertThat(d.getJsonObject("assignment").getBoolean("byHand")).isTrue();
    assertThat(d.getJsonObject("assignment").getString("strategy")).isEqualTo("manual");
    JsonObject last = d.getJsonArray("history").getJsonObject(d.getJsonArray("history").size() - 1);
    assertThat(last.getString("kind")).isEqualTo("owner");
    assertThat(last.getString("actor")).isEqualTo("manager:" + sup.getLong("id"));
    assertThat(last.getJsonObject("details").getLong("previousManagerId")).isEqualTo(anna);
    assertThat(last.getJsonObject("details").getString("reason")).isEqualTo("speaks Tatar");

    JsonObject alsoToBoris = new JsonObject().put("managerId", boris).put("reason", "VIP");
    var capped = await(t.post("/api/deals/" + other + "/assign", supToken).sendJsonObject(alsoToBoris));
    assertThat(capped.statusCode()).isEqualTo(409);
    assertThat(capped.bodyAsString()).contains("load_cap");
    var forced = await(t.post("/api/deals/" + other + "/assign", ADMIN_TOKEN).sendJsonObject(alsoToBoris.put("force", true)));
    assertThat(forced.statusCode()).isEqualTo(200);
    JsonObject od = deal(other);
    JsonObject forcedRow = od.getJsonArray("history").getJsonObject(od.getJsonArray("history").size() - 1);
    assertThat(forcedRow.getString("actor")).isEqualTo("admin");
    assertThat(forcedRow.getJsonObject("details").getBoolean("forcedAboveCap")).isTrue();
    assertThat(forcedRow.getJsonObject("details").getString("reason")).contains("forced above the load cap: 1/1");

    close(deal, "WON");
    var closed = await(t.post("/api/deals/" + deal + "/assign", supToken)
        .sendJsonObject(new JsonObject().put("managerId", anna).put("reason", "back")));
    assertThat(closed.statusCode()).isEqualTo(409);
    assertThat(closed.bodyAsString()).contains("deal_closed");
    assertOpenDealsCounted(); // through hand reassignments, one above the cap, and a closure
  }

  @Test
  void ratingsAreRebuiltFromClosedDealsAfterARestartAndFollowClosures() throws Exception {
    start("conversion");
    long anna = manager("Anna", "201", 50, "OFF");
    long boris = manager("Boris", "202", 50, "OFF");
    // Anna: 3 won, 1 lost; Boris: 0 won, 4 lost in the window; 5 won by Anna 100 days ago fall outside it.
    Object[][] closed = {{anna, "WON", 1, 3}, {anna, "LOST", 2, 1}, {boris, "LOST", 10, 4}, {anna, "WON", 100, 5}};
    int n = 0;
    for (Object[] c : closed) {
      for (int i = 0; i < (int) c[3]; i++) {
        n++;
        sql("INSERT INTO contacts (phone) VALUES ('+7916700" + String.format("%04d", n) + "')");
        sql("INSERT INTO deals (contact_id, source, status, manager_id, arrived_at, closed_at) SELECT id, 'manual', '"
            + c[1] + "', " + c[0] + ", now(), TIMESTAMPTZ '" + clock.instant().minus(java.time.Duration.ofDays((int) c[2]))
            + "' FROM contacts WHERE phone = '+7916700" + String.format("%04d", n) + "'");
      }
    }
    t = t.restart(clock);
    assertRatings(anna, 3, 1, boris, 0, 4);

    long deal = missedCall("+79167999999").dealId();
    sql("UPDATE deals SET manager_id = " + boris + " WHERE id = " + deal);
    close(deal, "WON");
    // The rating is updated once the closing transaction commits, before close() returns here; the GET
    // below reaches the routing context after that update.
    assertRatings(anna, 3, 1, boris, 1, 4);
  }

  /**
   * conversion with no closed deal anywhere yet: every rating is the prior, so leads go by load (1/5 never
   * chosen over 0/5) and the stored reason says so; the first closed deal brings the weighted draw back.
   */
  @Test
  void conversionWithoutAnyClosedDealRoutesByLoadAndSaysSo() throws Exception {
    start("conversion");
    long anna = manager("Anna", "201", 5, "ON_SHIFT");
    long boris = manager("Boris", "202", 5, "ON_SHIFT");
    List<Long> owners = new ArrayList<>();
    List<Long> deals = new ArrayList<>();
    for (int i = 1; i <= 6; i++) {
      var rec = missedCall("+7916500000" + i);
      owners.add(rec.managerId());
      deals.add(rec.dealId());
    }

    assertThat(owners).containsExactly(anna, boris, anna, boris, anna, boris);
    JsonObject why = deal(deals.get(1)).getJsonObject("assignment").getJsonObject("decision");
    assertThat(why.getString("reason")).isEqualTo("conversion: no eligible manager has a closed deal in the rating "
        + "window (every rating is only the prior), so by load instead: chose Boris (rating 0.00, 0/5 deals) with the "
        + "fewest deals in work among 2 eligible");
    assertThat(deal(deals.get(1)).getJsonObject("assignment").getString("strategy")).isEqualTo("conversion");

    close(deals.get(0), "WON");
    var next = missedCall("+79165000009");
    assertThat(deal(next.dealId()).getJsonObject("assignment").getJsonObject("decision").getString("reason"))
        .startsWith("conversion: chose ").contains("with weight").doesNotContain("by load");
  }

  void assertRatings(long anna, int annaWon, int annaLost, long boris, int borisWon, int borisLost) {
    double k = RoutingConfig.DEFAULTS.priorStrength();
    double team = (double) (annaWon + borisWon) / (annaWon + annaLost + borisWon + borisLost);
    JsonArray managers = await(t.get("/api/managers", ADMIN_TOKEN).send()).bodyAsJsonArray();
    Map<Long, JsonObject> byId = new HashMap<>();
    managers.forEach(o -> byId.put(((JsonObject) o).getLong("id"), ((JsonObject) o).getJsonObject("rating")));
    for (Object[] m : new Object[][] {{anna, annaWon, annaLost}, {boris, borisWon, borisLost}}) {
      JsonObject r = byId.get((Long) m[0]);
      int won = (int) m[1];
      int lost = (int) m[2];
      assertThat(r.getInteger("won")).isEqualTo(won);
      assertThat(r.getInteger("lost")).isEqualTo(lost);
      assertThat(r.getDouble("teamAverage")).isCloseTo(team, org.assertj.core.data.Offset.offset(1e-4));
      assertThat(r.getDouble("value")).isCloseTo((won + k * team) / (won + lost + k),
          org.assertj.core.data.Offset.offset(1e-4));
    }
  }
}
