package ru.dozvon.signin;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import ru.dozvon.support.People;
import ru.dozvon.support.TestApp;

/**
 * CSRF protection on every state-changing {@code /api} route for a caller signed in by cookie (the admin's session,
 * which may do everything, so a refusal can only be the CSRF check): without the session's token, with a wrong one,
 * or with another session's, each is refused with 403 {@code csrf_token_invalid} before anything is done.
 */
class CsrfTest {

  static TestApp t;

  @BeforeAll
  static void start() {
    t = TestApp.start();
  }

  @AfterAll
  static void stop() {
    t.close();
  }

  /** Every state-changing route of the API (ids that need not exist: the check comes first). */
  static final List<Object[]> ROUTES = List.of(
      new Object[] {HttpMethod.POST, "/api/managers"},
      new Object[] {HttpMethod.PATCH, "/api/managers/1"},
      new Object[] {HttpMethod.DELETE, "/api/managers/1"},
      new Object[] {HttpMethod.POST, "/api/managers/1/token"},
      new Object[] {HttpMethod.DELETE, "/api/managers/1/token"},
      new Object[] {HttpMethod.PATCH, "/api/tasks/1"},
      new Object[] {HttpMethod.POST, "/api/tasks/1/done"},
      new Object[] {HttpMethod.POST, "/api/calls/unrecordable/1/ack"},
      new Object[] {HttpMethod.POST, "/api/deals/1/assign"},
      new Object[] {HttpMethod.POST, "/api/deals/1/call"},
      new Object[] {HttpMethod.POST, "/api/deals/1/close"},
      new Object[] {HttpMethod.POST, "/api/deals/1/notes"},
      new Object[] {HttpMethod.POST, "/api/deals/1/outcome"},
      new Object[] {HttpMethod.POST, "/api/deals/1/reopen"},
      new Object[] {HttpMethod.POST, "/api/deals/1/score"},
      new Object[] {HttpMethod.POST, "/api/deals/1/stage"},
      new Object[] {HttpMethod.POST, "/api/deals/1/tasks"},
      new Object[] {HttpMethod.POST, "/api/leads"},
      new Object[] {HttpMethod.POST, "/api/me/password"},
      new Object[] {HttpMethod.PUT, "/api/managers/1"});

  @Test
  void everyStateChangingRouteRefusesACookieCallerWithoutTheRightToken() {
    var admin = People.admin(t);
    var other = People.admin(t); // another session of the same person: its token is not this one's
    assertThat(other.csrfToken()).isNotEqualTo(admin.csrfToken());
    JsonObject body = new JsonObject().put("name", "CSRF").put("extension", "999").put("maxActiveDeals", 1);
    for (Object[] route : ROUTES) {
      HttpMethod method = (HttpMethod) route[0];
      String path = (String) route[1];
      for (String token : new String[] {null, "", "not-the-token", other.csrfToken(), admin.csrfToken() + " x"}) {
        var req = t.http.request(method, path).putHeader("Cookie", admin.cookieHeader());
        if (token != null) {
          req.putHeader("X-CSRF-Token", token);
        }
        var r = TestApp.await(req.sendJsonObject(body));
        assertThat(r.statusCode()).as("%s %s with token %s", method, path, token).isEqualTo(403);
        assertThat(r.bodyAsJsonObject().getString("error")).as("%s %s", method, path).isEqualTo("csrf_token_invalid");
      }
    }
    // Nothing of it was done: no manager named CSRF.
    var managers = TestApp.await(t.get("/api/managers", TestApp.ADMIN_TOKEN).send()).bodyAsJsonArray();
    assertThat(managers.stream().map(o -> ((JsonObject) o).getString("name"))).doesNotContain("CSRF");
    // With the right token the same request goes through.
    var ok = TestApp.await(People.post(t, "/api/managers", admin).sendJsonObject(body));
    assertThat(ok.statusCode()).isEqualTo(201);
  }

  @Test
  void safeMethodsNeedNoToken() {
    var admin = People.admin(t);
    assertThat(TestApp.await(People.get(t, "/api/me", admin).send()).statusCode()).isEqualTo(200);
    assertThat(TestApp.await(People.get(t, "/api/managers", admin).send()).statusCode()).isEqualTo(200);
    // HEAD and OPTIONS pass the check too (whatever the route then answers).
    for (HttpMethod m : new HttpMethod[] {HttpMethod.HEAD, HttpMethod.OPTIONS}) {
      var r = TestApp.await(t.http.request(m, "/api/managers").putHeader("Cookie", admin.cookieHeader()).send());
      assertThat(r.statusCode()).as(m.name()).isNotEqualTo(403).isLessThan(500);
    }
  }

  @Test
  void aBearerCallerWithAStrayCookieIsTheBearer() {
    // The Authorization header wins: no browser sends it by itself, so no token is needed, whatever cookie rides along.
    var op = People.create(t, "Носитель", "998", "operator", "bearer.cookie", "password-998");
    var admin = People.admin(t);
    var r = TestApp.await(t.http.patch("/api/managers/" + op.getLong("id")).bearerTokenAuthentication(op.getString("token"))
        .putHeader("Cookie", admin.cookieHeader()).sendJsonObject(new JsonObject().put("state", "ON_SHIFT")));
    assertThat(r.statusCode()).isEqualTo(200);
    var me = TestApp.await(t.http.get("/api/me").bearerTokenAuthentication(op.getString("token"))
        .putHeader("Cookie", admin.cookieHeader()).send());
    assertThat(me.bodyAsJsonObject().getLong("id")).isEqualTo(op.getLong("id"));
  }
}
