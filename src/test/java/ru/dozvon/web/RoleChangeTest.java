package ru.dozvon.web;

import static org.assertj.core.api.Assertions.assertThat;
import static ru.dozvon.support.TestApp.ADMIN_TOKEN;
import static ru.dozvon.support.TestApp.await;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import ru.dozvon.deals.FunnelFixture;
import ru.dozvon.managers.PgAccounts;
import ru.dozvon.support.People;

/**
 * {@code PATCH /api/managers/{id} {"role": ...}} through the real service: only the admin may; the person's sessions
 * end; an operator made supervisor gives their open deals back to routing, which hands them to an operator on shift;
 * their token follows the new role; the same role again changes nothing.
 */
class RoleChangeTest {

  static final AtomicInteger EXTENSIONS = new AtomicInteger(700);

  static FunnelFixture f;
  static JsonObject supervisor;

  @BeforeAll
  static void start() {
    f = new FunnelFixture();
    supervisor = create("Света", "supervisor");
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  /** Nobody on shift, no open deal left by an earlier test. */
  @BeforeEach
  void emptyFloor() {
    f.emptyFloor();
  }

  static JsonObject create(String name, String role) {
    int ext = EXTENSIONS.incrementAndGet();
    return People.create(f.t, name, String.valueOf(ext), role, "user" + ext, "password-" + ext);
  }

  static People.Session signIn(JsonObject m) {
    return People.signIn(f.t, m.getString("login"), "password-" + m.getString("extension"));
  }

  static HttpResponse<Buffer> patch(long id, String token, JsonObject body) {
    return await(f.t.patch("/api/managers/" + id, token).sendJsonObject(body));
  }

  static HttpResponse<Buffer> setRole(long id, String token, Object role) {
    return patch(id, token, new JsonObject().put("role", role));
  }

  static void onShift(long id) {
    assertThat(patch(id, ADMIN_TOKEN, new JsonObject().put("state", "ON_SHIFT")).statusCode()).isEqualTo(200);
  }

  static long lead() {
    var r = f.post("/api/leads", ADMIN_TOKEN, new JsonObject().put("source", "manual")
        .put("phone", FunnelFixture.newPhone()));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    return r.bodyAsJsonObject().getLong("id");
  }

  static Long owner(long dealId) {
    return f.query("SELECT manager_id FROM deals WHERE id = $1", dealId).iterator().next().getLong(0);
  }

  static String roleInGet(long id) {
    var r = await(f.t.get("/api/managers/" + id, ADMIN_TOKEN).send());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.bodyAsJsonObject().getString("role");
  }

  static int me(People.Session s) {
    return await(People.get(f.t, "/api/me", s).send()).statusCode();
  }

  @Test
  void anOperatorMadeSupervisorByTheAdminGivesTheirDealsBackAndIsSignedOut() throws Exception {
    JsonObject anna = create("Анна", "operator");
    JsonObject boris = create("Борис", "operator");
    long a = anna.getLong("id");
    long b = boris.getLong("id");
    onShift(a);
    List<Long> deals = List.of(lead(), lead());
    deals.forEach(d -> assertThat(owner(d)).isEqualTo(a));
    onShift(b);
    People.Session annasSession = signIn(anna);
    assertThat(me(annasSession)).isEqualTo(200);
    String annasToken = anna.getString("token");
    assertThat(await(f.t.get("/api/managers/" + b, annasToken).send()).statusCode())
        .as("an operator sees only themselves").isEqualTo(403);

    // the admin signed in in a browser (session and CSRF token), not only by token
    People.Session admin = People.admin(f.t);
    var r = await(People.patch(f.t, "/api/managers/" + a, admin).sendJsonObject(
        new JsonObject().put("role", "supervisor")));

    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    JsonObject shown = r.bodyAsJsonObject();
    assertThat(shown.getString("role")).isEqualTo("supervisor");
    assertThat(shown.getJsonObject("roleChange")).isEqualTo(new JsonObject().put("from", "operator")
        .put("to", "supervisor").put("releasedDeals", 2).put("sessionsEnded", 1));
    assertThat(shown.getJsonObject("load").getInteger("activeDeals")).isZero();
    assertThat(me(annasSession)).as("her session ended at once").isEqualTo(401);
    assertThat(me(admin)).as("the admin's own session stays").isEqualTo(200);
    assertThat(roleInGet(a)).isEqualTo("supervisor");

    f.t.settleRouting().await(10, TimeUnit.SECONDS);
    for (long d : deals) {
      assertThat(owner(d)).as("deal " + d + " went to the operator on shift").isEqualTo(b);
      var released = f.deal(d).getJsonArray("history").stream().map(JsonObject.class::cast)
          .filter(h -> "owner".equals(h.getString("kind"))
              && Long.valueOf(a).equals(h.getJsonObject("details").getLong("previousManagerId")))
          .toList();
      assertThat(released).as("deal " + d).hasSize(1);
      assertThat(released.get(0).getJsonObject("details").getString("reason"))
          .isEqualTo(PgAccounts.BECAME_SUPERVISOR);
      assertThat(released.get(0).getString("actor")).isEqualTo("admin");
    }
    assertThat(owner(lead())).as("a supervisor on shift takes no leads").isEqualTo(b);
    // her token still works, now with a supervisor's rights; a new sign-in is a supervisor's
    assertThat(await(f.t.get("/api/managers/" + b, annasToken).send()).statusCode()).isEqualTo(200);
    assertThat(signIn(anna).me().getString("role")).isEqualTo("supervisor");
  }

  @Test
  void aSupervisorMadeOperatorLosesTheirRightsAtOnceAndTakesLeadsOnShift() {
    JsonObject vera = create("Вера", "supervisor");
    long v = vera.getLong("id");
    People.Session session = signIn(vera);
    String token = vera.getString("token");
    assertThat(await(f.t.get("/api/managers", token).send()).bodyAsJsonArray().size()).isGreaterThan(1);
    onShift(v);

    var r = setRole(v, ADMIN_TOKEN, "operator");

    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    assertThat(r.bodyAsJsonObject().getJsonObject("roleChange").getInteger("releasedDeals")).isZero();
    assertThat(r.bodyAsJsonObject().getJsonObject("roleChange").getInteger("sessionsEnded")).isEqualTo(1);
    assertThat(me(session)).isEqualTo(401);
    assertThat(await(f.t.get("/api/managers/" + supervisor.getLong("id"), token).send()).statusCode())
        .as("the token follows the role: an operator's now").isEqualTo(403);
    assertThat(await(f.t.get("/api/managers", token).send()).bodyAsJsonArray().size()).isEqualTo(1);
    assertThat(owner(lead())).as("an operator on shift").isEqualTo(v);
  }

  @Test
  void aSupervisorMayNotChangeRoles() {
    JsonObject olga = create("Ольга", "operator");
    long o = olga.getLong("id");
    People.Session session = signIn(olga);
    String supervisorsToken = supervisor.getString("token");

    for (var target : List.of(olga, supervisor)) {
      String to = "operator".equals(target.getString("role")) ? "supervisor" : "operator";
      var r = setRole(target.getLong("id"), supervisorsToken, to);
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(403);
      assertThat(r.bodyAsJsonObject().getString("detail")).contains("only the admin may change a manager's role");
    }
    assertThat(setRole(o, olga.getString("token"), "supervisor").statusCode()).as("nor an operator their own")
        .isEqualTo(403);
    assertThat(roleInGet(o)).isEqualTo("operator");
    assertThat(roleInGet(supervisor.getLong("id"))).isEqualTo("supervisor");
    assertThat(me(session)).as("nothing ended").isEqualTo(200);
    // what a supervisor may do to an operator stays as it was
    assertThat(patch(o, supervisorsToken, new JsonObject().put("name", "Ольга П.")).statusCode()).isEqualTo(200);
  }

  @Test
  void aRoleOtherThanOperatorOrSupervisorIsRefusedNamingTheField() {
    long o = create("Павел", "operator").getLong("id");
    for (Object bad : new Object[] {"admin", "Supervisor", "", 1, true}) {
      var r = setRole(o, ADMIN_TOKEN, bad);
      assertThat(r.statusCode()).as(bad + ": " + r.bodyAsString()).isEqualTo(400);
      assertThat(r.bodyAsJsonObject().getString("field")).isEqualTo("role");
    }
    var nul = patch(o, ADMIN_TOKEN, new JsonObject().putNull("role"));
    assertThat(nul.statusCode()).as(nul.bodyAsString()).isEqualTo(400);
    assertThat(roleInGet(o)).isEqualTo("operator");
  }

  @Test
  void theSameRoleAgainChangesNothing() {
    JsonObject rita = create("Рита", "operator");
    long id = rita.getLong("id");
    onShift(id);
    long deal = lead();
    assertThat(owner(deal)).isEqualTo(id);
    People.Session session = signIn(rita);

    var r = setRole(id, ADMIN_TOKEN, "operator");

    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    assertThat(r.bodyAsJsonObject().containsKey("roleChange")).isFalse();
    assertThat(me(session)).as("her session goes on").isEqualTo(200);
    assertThat(owner(deal)).isEqualTo(id);
    assertThat(await(f.t.get("/api/managers/" + id, rita.getString("token")).send()).statusCode()).isEqualTo(200);
  }
}
