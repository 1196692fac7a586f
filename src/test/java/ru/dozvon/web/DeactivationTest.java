package ru.dozvon.web;

import static org.assertj.core.api.Assertions.assertThat;
import static ru.dozvon.support.TestApp.ADMIN_TOKEN;
import static ru.dozvon.support.TestApp.await;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import ru.dozvon.deals.FunnelFixture;
import ru.dozvon.managers.PgAccounts;

/**
 * A manager deactivated, end to end through the real service: their token stops at once, their open deals and
 * tasks go back to routing and land on the others within their caps (or wait), the history says why, and the
 * load counter kept by the database ends at what the deals say.
 */
class DeactivationTest {

  static final AtomicInteger EXTENSIONS = new AtomicInteger(800);

  static FunnelFixture f;
  static JsonObject supervisor;

  @BeforeAll
  static void start() {
    f = new FunnelFixture();
    supervisor = create("Света", 0, "supervisor");
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  /** Each test starts on an empty floor: nobody on shift, no open deal (the queue of an earlier test cleared). */
  @BeforeEach
  void emptyFloor() {
    f.emptyFloor();
  }

  static JsonObject create(String name, int cap, String role) {
    int ext = EXTENSIONS.incrementAndGet();
    var r = await(f.t.post("/api/managers", ADMIN_TOKEN).sendJsonObject(new JsonObject()
        .put("name", name).put("extension", String.valueOf(ext)).put("maxActiveDeals", cap).put("role", role)));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    return r.bodyAsJsonObject();
  }

  static HttpResponse<Buffer> patch(long id, String token, JsonObject body) {
    return await(f.t.patch("/api/managers/" + id, token).sendJsonObject(body));
  }

  static HttpResponse<Buffer> delete(long id, String token) {
    return await(f.t.http.delete("/api/managers/" + id).bearerTokenAuthentication(token).send());
  }

  static void onShift(long id) {
    assertThat(patch(id, ADMIN_TOKEN, new JsonObject().put("state", "ON_SHIFT")).statusCode()).isEqualTo(200);
  }

  static long lead() {
    var r = f.post("/api/leads", ADMIN_TOKEN, new JsonObject().put("source", "manual").put("phone", FunnelFixture.newPhone()));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    return r.bodyAsJsonObject().getLong("id");
  }

  static Long owner(long dealId) {
    return f.query("SELECT manager_id FROM deals WHERE id = $1", dealId).iterator().next().getLong(0);
  }

  static long count(String sql, Object... args) {
    return f.query(sql, args).iterator().next().getLong(0);
  }

  static void eventually(String what, BooleanSupplier done) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!done.getAsBoolean()) {
      assertThat(System.nanoTime()).as("timed out waiting for: " + what).isLessThan(deadline);
      f.t.app.vertx().timer(20).await(5, TimeUnit.SECONDS);
    }
  }

  /** Every manager's {@code open_deals} (kept by the trigger) equals their open deals counted. */
  static void loadCountersMatchTheDeals() {
    var rows = f.query("""
        SELECT m.id, m.open_deals, (SELECT count(*) FROM deals d WHERE d.manager_id = m.id AND d.status = 'OPEN') AS n
        FROM managers m""");
    for (Row r : rows) {
      assertThat(r.getInteger("open_deals")).as("open_deals of manager " + r.getLong("id"))
          .isEqualTo(r.getLong("n").intValue());
    }
  }

  @Test
  void aDeactivatedManagersDealsGoToTheOthersWithinTheirCaps() throws Exception {
    JsonObject anna = create("Анна", 10, "operator");
    JsonObject boris = create("Борис", 2, "operator");
    long a = anna.getLong("id");
    long b = boris.getLong("id");
    onShift(a);
    List<Long> deals = List.of(lead(), lead(), lead());
    deals.forEach(d -> assertThat(owner(d)).isEqualTo(a));
    // a stage task, and (from the scheduler, attempt 1 due at once) a callback task on every deal
    assertThat(f.post("/api/deals/" + deals.get(0) + "/stage", ADMIN_TOKEN, new JsonObject().put("stage", "in_work")
        .put("fields", new JsonObject().put("platform", "web"))).statusCode()).isEqualTo(200);
    eventually("callback tasks", () -> count("SELECT count(*) FROM tasks WHERE kind = 'CALLBACK' AND deal_id = ANY($1)",
        (Object) deals.toArray(Long[]::new)) == 3);
    assertThat(count("SELECT count(*) FROM tasks WHERE manager_id = $1 AND done_at IS NULL", a)).isEqualTo(4);
    onShift(b);
    String annasToken = anna.getString("token");
    assertThat(await(f.t.get("/api/managers/" + a, annasToken).send()).statusCode()).isEqualTo(200);

    var r = patch(a, supervisor.getString("token"), new JsonObject().put("active", false));

    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    JsonObject shown = r.bodyAsJsonObject();
    assertThat(shown.getBoolean("active")).isFalse();
    assertThat(shown.getString("deactivatedAt")).isNotNull();
    assertThat(shown.getString("state")).isEqualTo("OFF");
    assertThat(shown.getJsonObject("load").getInteger("activeDeals")).isZero();
    assertThat(await(f.t.get("/api/managers/" + a, annasToken).send()).statusCode()).as("at once").isEqualTo(401);
    f.t.settleRouting().await(10, TimeUnit.SECONDS);

    List<Long> withBoris = new ArrayList<>();
    List<Long> waiting = new ArrayList<>();
    for (long d : deals) {
      Long now = owner(d);
      assertThat(now).as("deal " + d).isNotEqualTo(Long.valueOf(a));
      (now == null ? waiting : withBoris).add(d);
      if (now != null) {
        assertThat(now).isEqualTo(b);
      }
    }
    assertThat(withBoris).as("Boris's cap is 2").hasSize(2);
    assertThat(waiting).hasSize(1);
    loadCountersMatchTheDeals();
    assertThat(count("SELECT open_deals FROM managers WHERE id = $1", a)).isZero();
    assertThat(count("SELECT open_deals FROM managers WHERE id = $1", b)).isEqualTo(2);
    // tasks followed their deals; none is left with Anna
    assertThat(count("SELECT count(*) FROM tasks WHERE manager_id = $1 AND done_at IS NULL", a)).isZero();
    assertThat(count("SELECT count(*) FROM tasks WHERE deal_id = ANY($1) AND done_at IS NULL AND manager_id = $2",
        withBoris.toArray(Long[]::new), b)).isEqualTo(count(
        "SELECT count(*) FROM tasks WHERE deal_id = ANY($1) AND done_at IS NULL", (Object) withBoris.toArray(Long[]::new)))
        .isPositive();
    assertThat(count("SELECT count(*) FROM tasks WHERE deal_id = $1 AND done_at IS NULL AND manager_id IS NULL",
        waiting.get(0))).isPositive();
    // one history row per deal: from Anna, why, and who
    for (long d : deals) {
      JsonArray history = f.deal(d).getJsonArray("history");
      List<JsonObject> released = history.stream().map(JsonObject.class::cast)
          .filter(h -> "owner".equals(h.getString("kind"))
              && Long.valueOf(a).equals(h.getJsonObject("details").getLong("previousManagerId")))
          .toList();
      assertThat(released).as("deal " + d).hasSize(1);
      assertThat(released.get(0).getJsonObject("details").getString("reason")).isEqualTo(PgAccounts.DEACTIVATED);
      assertThat(released.get(0).getString("actor")).isEqualTo("manager:" + supervisor.getLong("id"));
    }
    // the waiting one is in the queue; a new lead does not go to Anna either
    var queue = await(f.t.get("/api/routing/unassigned", ADMIN_TOKEN).send()).bodyAsJsonObject();
    assertThat(queue.getJsonArray("deals").stream().map(JsonObject.class::cast).map(o -> o.getLong("dealId")))
        .contains(waiting.get(0));
    assertThat(owner(lead())).as("Boris is full, Anna is deactivated").isNull();
  }

  @Test
  void aDeactivatedManagerCannotWorkUntilReactivatedAndGivenATokenAgain() throws Exception {
    JsonObject vera = create("Вера", 5, "operator");
    long v = vera.getLong("id");
    onShift(v);
    long deal = lead();
    assertThat(owner(deal)).isEqualTo(v);

    var gone = delete(v, ADMIN_TOKEN);
    assertThat(gone.statusCode()).as(gone.bodyAsString()).isEqualTo(200);
    assertThat(gone.bodyAsJsonObject().getBoolean("active")).isFalse();
    assertThat(count("SELECT count(*) FROM managers WHERE id = $1", v)).as("never deleted").isEqualTo(1);
    assertThat(delete(v, ADMIN_TOKEN).statusCode()).as("again: nothing more to do").isEqualTo(200);
    f.t.settleRouting().await(10, TimeUnit.SECONDS);
    assertThat(owner(deal)).isNull();

    var listed = await(f.t.get("/api/managers", ADMIN_TOKEN).send()).bodyAsJsonArray().stream()
        .map(JsonObject.class::cast).filter(m -> m.getLong("id") == v).findFirst().orElseThrow();
    assertThat(listed.getBoolean("active")).isFalse();
    for (String state : List.of("ON_SHIFT", "PAUSED")) {
      var refused = patch(v, ADMIN_TOKEN, new JsonObject().put("state", state));
      assertThat(refused.statusCode()).as(refused.bodyAsString()).isEqualTo(409);
      assertThat(refused.bodyAsJsonObject().getString("rule")).isEqualTo("manager_inactive");
    }
    var byHand = f.post("/api/deals/" + deal + "/assign", ADMIN_TOKEN, new JsonObject().put("managerId", v)
        .put("reason", "she knows them"));
    assertThat(byHand.statusCode()).as(byHand.bodyAsString()).isEqualTo(409);
    assertThat(byHand.bodyAsJsonObject().getString("rule")).isEqualTo("manager_inactive");
    var noToken = await(f.t.post("/api/managers/" + v + "/token", ADMIN_TOKEN).send());
    assertThat(noToken.statusCode()).isEqualTo(409);
    assertThat(noToken.bodyAsJsonObject().getString("rule")).isEqualTo("manager_inactive");

    var back = patch(v, ADMIN_TOKEN, new JsonObject().put("active", true));
    assertThat(back.statusCode()).as(back.bodyAsString()).isEqualTo(200);
    assertThat(back.bodyAsJsonObject().getBoolean("active")).isTrue();
    assertThat(back.bodyAsJsonObject().getString("deactivatedAt")).isNull();
    assertThat(back.bodyAsJsonObject().getString("state")).isEqualTo("OFF");
    assertThat(await(f.t.get("/api/managers/" + v, vera.getString("token")).send()).statusCode())
        .as("reactivation issues no token and revives none").isEqualTo(401);
    String token = await(f.t.post("/api/managers/" + v + "/token", ADMIN_TOKEN).send()).bodyAsJsonObject()
        .getString("token");
    var working = patch(v, token, new JsonObject().put("state", "ON_SHIFT"));
    assertThat(working.statusCode()).as(working.bodyAsString()).isEqualTo(200);
    assertThat(owner(deal)).as("going on shift hands waiting leads out").isNotNull();
    loadCountersMatchTheDeals();
  }

  @Test
  void whoMayDeactivateAndBadInput() {
    JsonObject olga = create("Ольга", 5, "operator");
    JsonObject sasha = create("Саша", 0, "supervisor");
    long o = olga.getLong("id");
    assertThat(delete(o, olga.getString("token")).statusCode()).as("an operator, even themselves").isEqualTo(403);
    assertThat(patch(o, olga.getString("token"), new JsonObject().put("active", false)).statusCode()).isEqualTo(403);
    assertThat(delete(sasha.getLong("id"), supervisor.getString("token")).statusCode())
        .as("a supervisor, another supervisor").isEqualTo(403);
    assertThat(delete(supervisor.getLong("id"), supervisor.getString("token")).statusCode()).isEqualTo(403);
    assertThat(await(f.t.get("/api/managers", sasha.getString("token")).send()).statusCode()).isEqualTo(200);
    var bad = patch(o, ADMIN_TOKEN, new JsonObject().put("active", "no"));
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.bodyAsJsonObject().getString("field")).isEqualTo("active");
    var both = patch(o, ADMIN_TOKEN, new JsonObject().put("active", false).put("state", "ON_SHIFT"));
    assertThat(both.statusCode()).isEqualTo(409);
    assertThat(both.bodyAsJsonObject().getString("rule")).isEqualTo("manager_inactive");
    assertThat(await(f.t.get("/api/managers/" + o, olga.getString("token")).send()).statusCode())
        .as("a refused change changed nothing").isEqualTo(200);
    assertThat(delete(999_999, ADMIN_TOKEN).statusCode()).isEqualTo(404);
    var byAdmin = delete(sasha.getLong("id"), ADMIN_TOKEN);
    assertThat(byAdmin.statusCode()).isEqualTo(200);
    assertThat(await(f.t.get("/api/managers", sasha.getString("token")).send()).statusCode()).isEqualTo(401);
  }

  /** A lost deal of a manager deactivated since is reopened without them: it goes to the others, never back. */
  @Test
  void aReopenedDealDoesNotGoBackToADeactivatedManager() throws Exception {
    JsonObject gone = create("Глеб", 10, "operator");
    JsonObject here = create("Дина", 10, "operator");
    onShift(gone.getLong("id"));
    long deal = lead();
    assertThat(owner(deal)).isEqualTo(gone.getLong("id"));
    var closed = f.post("/api/deals/" + deal + "/close", ADMIN_TOKEN, new JsonObject().put("status", "LOST")
        .put("reason", "no_need").put("comment", "не нужно"));
    assertThat(closed.statusCode()).as(closed.bodyAsString()).isEqualTo(200);
    assertThat(count("SELECT count(*) FROM tasks WHERE deal_id = $1 AND kind = 'CLOSING_CONTROL' AND done_at IS NULL",
        deal)).isEqualTo(1);
    assertThat(delete(gone.getLong("id"), ADMIN_TOKEN).statusCode()).isEqualTo(200);
    onShift(here.getLong("id"));
    var reopened = f.post("/api/deals/" + deal + "/reopen", ADMIN_TOKEN, new JsonObject());
    assertThat(reopened.statusCode()).as(reopened.bodyAsString()).isEqualTo(200);
    eventually("the reopened deal routed to Дина", () -> here.getLong("id").equals(owner(deal)));
    // the supervisor's check of the closing is moot once the deal is back in work
    assertThat(count("SELECT count(*) FROM tasks WHERE deal_id = $1 AND kind = 'CLOSING_CONTROL' AND done_at IS NULL",
        deal)).isZero();
    assertThat(count("SELECT count(*) FROM tasks WHERE deal_id = $1 AND done_at IS NULL AND manager_id = $2", deal,
        gone.getLong("id"))).isZero();
    loadCountersMatchTheDeals();
  }
}
