package ru.dozvon.signin;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import ru.dozvon.support.People;
import ru.dozvon.support.TestApp;

/** Sign-in for people over real HTTP on a real database: login, cookie, CSRF, logout, managers' credentials. */
class SignInTest {

  static TestApp t;

  @BeforeAll
  static void start() {
    t = TestApp.start();
  }

  @AfterAll
  static void stop() {
    t.close();
  }

  @Test
  void aManagerSignsInWithTheirLoginInAnyCaseAndGetsAStrictHttpOnlyCookie() {
    JsonObject m = People.create(t, "Иван Петров", "301", "operator", "Ivan.Petrov", "correct horse 1");
    assertThat(m.getString("login")).isEqualTo("Ivan.Petrov");
    assertThat(m.getBoolean("hasPassword")).isTrue();
    assertThat(m.encode()).doesNotContain("argon2").doesNotContain("correct horse");

    var r = People.login(t, "ivan.PETROV", "correct horse 1");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonObject body = r.bodyAsJsonObject();
    assertThat(body.getLong("id")).isEqualTo(m.getLong("id"));
    assertThat(body.getString("name")).isEqualTo("Иван Петров");
    assertThat(body.getString("role")).isEqualTo("operator");
    assertThat(body.getString("login")).isEqualTo("Ivan.Petrov");
    assertThat(body.getString("csrfToken")).hasSizeGreaterThanOrEqualTo(40);
    String cookie = People.setCookie(r);
    assertThat(cookie).containsIgnoringCase("HttpOnly").contains("SameSite=Strict").contains("Path=/").doesNotContain("Secure");
    assertThat(People.cookieValue(r)).hasSize(43); // 256 random bits, base64url

    // The cookie signs the person in on /api.
    var me = TestApp.await(t.http.get("/api/me").putHeader("Cookie", "dozvon_session=" + People.cookieValue(r)).send());
    assertThat(me.statusCode()).isEqualTo(200);
    assertThat(me.bodyAsJsonObject().getLong("id")).isEqualTo(m.getLong("id"));
    assertThat(me.bodyAsJsonObject().getString("extension")).isEqualTo("301");
    assertThat(me.bodyAsJsonObject().getString("csrfToken")).isEqualTo(body.getString("csrfToken"));
  }

  @Test
  void behindHttpsTheCookieIsSecure() {
    People.create(t, "Секьюр", "302", "operator", "secure.one", "password-302");
    var r = TestApp.await(t.http.post("/login").putHeader("X-Forwarded-Proto", "https")
        .sendJsonObject(new JsonObject().put("login", "secure.one").put("password", "password-302")));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(People.setCookie(r)).contains("Secure").containsIgnoringCase("HttpOnly").contains("SameSite=Strict");
  }

  @Test
  void aWrongPasswordAndAnUnknownLoginGetTheSameAnswerAndNoCookie() {
    People.create(t, "Оля", "303", "operator", "olga", "password-303");
    var wrong = People.login(t, "olga", "password-304");
    var unknown = People.login(t, "nobody-here", "password-303");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(unknown.statusCode()).isEqualTo(401);
    assertThat(wrong.bodyAsJsonObject().getString("error")).isEqualTo("invalid_credentials");
    assertThat(unknown.bodyAsString()).isEqualTo(wrong.bodyAsString());
    assertThat(People.setCookie(wrong)).isNull();
    assertThat(People.setCookie(unknown)).isNull();
    // Missing fields are a clear 400, not a 401.
    var missing = TestApp.await(t.http.post("/login").sendJsonObject(new JsonObject().put("login", "olga")));
    assertThat(missing.statusCode()).isEqualTo(400);
    assertThat(missing.bodyAsJsonObject().getString("field")).isEqualTo("password");
  }

  @Test
  void aFormSignsInToo() {
    People.create(t, "Форма", "304", "operator", "form.user", "password-305");
    var form = io.vertx.core.MultiMap.caseInsensitiveMultiMap().add("login", "form.user").add("password", "password-305");
    var r = TestApp.await(t.http.post("/login").sendForm(form));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.bodyAsJsonObject().getString("login")).isEqualTo("form.user");
    assertThat(People.cookieValue(r)).isNotNull();
    // A browser posting the form wanting HTML is sent on to a local page.
    var html = TestApp.await(t.http.post("/login").followRedirects(false).putHeader("Accept", "text/html")
        .sendForm(io.vertx.core.MultiMap.caseInsensitiveMultiMap().add("login", "form.user")
            .add("password", "password-305").add("next", "/operator")));
    assertThat(html.statusCode()).isEqualTo(303);
    assertThat(html.getHeader("Location")).isEqualTo("/operator");
    var elsewhere = TestApp.await(t.http.post("/login").followRedirects(false).putHeader("Accept", "text/html")
        .sendForm(io.vertx.core.MultiMap.caseInsensitiveMultiMap().add("login", "form.user")
            .add("password", "password-305").add("next", "//evil.example/")));
    assertThat(elsewhere.getHeader("Location")).isEqualTo("/");
  }

  @Test
  void aSignInFromAnotherSiteIsRefused() {
    People.create(t, "Кросс", "305", "operator", "cross.user", "password-306");
    var r = TestApp.await(t.http.post("/login").putHeader("Origin", "https://evil.example")
        .sendJsonObject(new JsonObject().put("login", "cross.user").put("password", "password-306")));
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(People.setCookie(r)).isNull();
    var same = TestApp.await(t.http.post("/login").putHeader("Origin", "http://localhost:" + t.app.httpPort())
        .sendJsonObject(new JsonObject().put("login", "cross.user").put("password", "password-306")));
    assertThat(same.statusCode()).isEqualTo(200);
  }

  @Test
  void aCookieCallerNeedsTheCsrfTokenOnStateChangesAndABearerCallerDoesNot() {
    JsonObject m = People.create(t, "Ксения", "306", "operator", "ksenia", "password-307");
    long id = m.getLong("id");
    var s = People.signIn(t, "ksenia", "password-307");
    JsonObject onShift = new JsonObject().put("state", "ON_SHIFT");

    var none = TestApp.await(t.http.patch("/api/managers/" + id).putHeader("Cookie", s.cookieHeader())
        .sendJsonObject(onShift));
    assertThat(none.statusCode()).isEqualTo(403);
    assertThat(none.bodyAsJsonObject().getString("error")).isEqualTo("csrf_token_invalid");
    var wrong = TestApp.await(t.http.patch("/api/managers/" + id).putHeader("Cookie", s.cookieHeader())
        .putHeader("X-CSRF-Token", s.csrfToken() + "x").sendJsonObject(onShift));
    assertThat(wrong.statusCode()).isEqualTo(403);
    assertThat(wrong.bodyAsJsonObject().getString("error")).isEqualTo("csrf_token_invalid");
    // Refused: nothing changed.
    var still = TestApp.await(People.get(t, "/api/managers/" + id, s).send());
    assertThat(still.statusCode()).isEqualTo(200);
    assertThat(still.bodyAsJsonObject().getString("state")).isEqualTo("OFF");

    var right = TestApp.await(People.patch(t, "/api/managers/" + id, s).sendJsonObject(onShift));
    assertThat(right.statusCode()).isEqualTo(200);
    assertThat(right.bodyAsJsonObject().getString("state")).isEqualTo("ON_SHIFT");

    // A bearer caller needs no token; GET /api/me tells them no csrfToken.
    var bearer = TestApp.await(t.patch("/api/managers/" + id, m.getString("token"))
        .sendJsonObject(new JsonObject().put("state", "PAUSED")));
    assertThat(bearer.statusCode()).isEqualTo(200);
    var me = TestApp.await(t.get("/api/me", m.getString("token")).send());
    assertThat(me.statusCode()).isEqualTo(200);
    assertThat(me.bodyAsJsonObject().getLong("id")).isEqualTo(id);
    assertThat(me.bodyAsJsonObject().getValue("csrfToken")).isNull();
  }

  @Test
  void logoutEndsTheSessionAndClearsTheCookie() {
    People.create(t, "Лёша", "307", "operator", "alexey", "password-308");
    var s = People.signIn(t, "alexey", "password-308");
    assertThat(TestApp.await(People.get(t, "/api/me", s).send()).statusCode()).isEqualTo(200);
    var out = TestApp.await(t.http.post("/logout").putHeader("Cookie", s.cookieHeader()).send());
    assertThat(out.statusCode()).isEqualTo(204);
    assertThat(People.setCookie(out)).contains("Max-Age=0");
    var after = TestApp.await(People.get(t, "/api/me", s).send());
    assertThat(after.statusCode()).isEqualTo(401);
    // Without any credentials, 401 too.
    assertThat(TestApp.await(t.http.get("/api/me").send()).statusCode()).isEqualTo(401);
  }

  @Test
  void theBuiltInAdminSignsInAsAdmin() {
    var s = People.admin(t);
    assertThat(s.me().getString("id")).isEqualTo("admin");
    assertThat(s.me().getString("role")).isEqualTo("admin");
    var me = TestApp.await(People.get(t, "/api/me", s).send()).bodyAsJsonObject();
    assertThat(me.getString("id")).isEqualTo("admin");
    assertThat(me.getString("login")).isEqualTo("admin");
    // The admin's session may do staff work.
    var created = TestApp.await(People.post(t, "/api/managers", s).sendJsonObject(new JsonObject()
        .put("name", "Через сессию").put("extension", "308").put("maxActiveDeals", 3)));
    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(People.login(t, "admin", "not-the-password").statusCode()).isEqualTo(401);
  }

  @Test
  void loginsAreUniqueWhateverTheCaseAndPasswordsHaveAMinimumLength() {
    People.create(t, "Уник", "309", "operator", "Unique.Login", "password-309");
    var dup = TestApp.await(t.post("/api/managers", TestApp.ADMIN_TOKEN).sendJsonObject(new JsonObject()
        .put("name", "Двойник").put("extension", "310").put("maxActiveDeals", 1)
        .put("login", "UNIQUE.login").put("password", "password-310")));
    assertThat(dup.statusCode()).isEqualTo(409);
    assertThat(dup.bodyAsJsonObject().getString("rule")).isEqualTo("login_taken");

    var shortPw = TestApp.await(t.post("/api/managers", TestApp.ADMIN_TOKEN).sendJsonObject(new JsonObject()
        .put("name", "Короткий").put("extension", "311").put("maxActiveDeals", 1)
        .put("login", "short.pw").put("password", "1234567")));
    assertThat(shortPw.statusCode()).isEqualTo(400);
    assertThat(shortPw.bodyAsJsonObject().getString("field")).isEqualTo("password");
    assertThat(shortPw.bodyAsJsonObject().getString("detail")).contains("at least 8");

    var admin = TestApp.await(t.post("/api/managers", TestApp.ADMIN_TOKEN).sendJsonObject(new JsonObject()
        .put("name", "Самозванец").put("extension", "312").put("maxActiveDeals", 1)
        .put("login", "Admin").put("password", "password-312")));
    assertThat(admin.statusCode()).isEqualTo(400);
    assertThat(admin.bodyAsJsonObject().getString("field")).isEqualTo("login");

    var noLogin = TestApp.await(t.post("/api/managers", TestApp.ADMIN_TOKEN).sendJsonObject(new JsonObject()
        .put("name", "Без логина").put("extension", "313").put("maxActiveDeals", 1).put("password", "password-313")));
    assertThat(noLogin.statusCode()).isEqualTo(400);
    assertThat(noLogin.bodyAsJsonObject().getString("field")).isEqualTo("login");

    var badLogin = TestApp.await(t.post("/api/managers", TestApp.ADMIN_TOKEN).sendJsonObject(new JsonObject()
        .put("name", "Пробел").put("extension", "314").put("maxActiveDeals", 1).put("login", "a b")));
    assertThat(badLogin.statusCode()).isEqualTo(400);
    // Nothing of the refused creates was kept.
    var count = TestApp.await(t.get("/api/managers", TestApp.ADMIN_TOKEN).send()).bodyAsJsonArray().stream()
        .map(o -> ((JsonObject) o).getString("extension")).filter(e -> e.compareTo("310") >= 0 && e.compareTo("314") <= 0)
        .count();
    assertThat(count).isZero();
  }

  @Test
  void staffSetALoginAndResetAPasswordWhichEndsTheManagersSessions() {
    JsonObject m = TestApp.await(t.post("/api/managers", TestApp.ADMIN_TOKEN).sendJsonObject(new JsonObject()
        .put("name", "Позже").put("extension", "315").put("maxActiveDeals", 1))).bodyAsJsonObject();
    long id = m.getLong("id");
    assertThat(m.getValue("login")).isNull();
    assertThat(m.getBoolean("hasPassword")).isFalse();
    var set = TestApp.await(t.patch("/api/managers/" + id, TestApp.ADMIN_TOKEN)
        .sendJsonObject(new JsonObject().put("login", "later").put("password", "password-315")));
    assertThat(set.statusCode()).isEqualTo(200);
    assertThat(set.bodyAsJsonObject().getString("login")).isEqualTo("later");
    var s = People.signIn(t, "later", "password-315");

    var reset = TestApp.await(t.patch("/api/managers/" + id, TestApp.ADMIN_TOKEN)
        .sendJsonObject(new JsonObject().put("password", "password-316")));
    assertThat(reset.statusCode()).isEqualTo(200);
    assertThat(TestApp.await(People.get(t, "/api/me", s).send()).statusCode()).isEqualTo(401);
    assertThat(People.login(t, "later", "password-315").statusCode()).isEqualTo(401);
    People.signIn(t, "later", "password-316");

    var tooShort = TestApp.await(t.patch("/api/managers/" + id, TestApp.ADMIN_TOKEN)
        .sendJsonObject(new JsonObject().put("password", "short")));
    assertThat(tooShort.statusCode()).isEqualTo(400);
    assertThat(tooShort.bodyAsJsonObject().getString("field")).isEqualTo("password");
  }

  @Test
  void onlyTheAdminSetsASupervisorsPasswordAndAnOperatorNoOnes() {
    JsonObject sup = People.create(t, "Супер", "316", "supervisor", "super.one", "password-317");
    JsonObject sup2 = People.create(t, "Супер 2", "317", "supervisor", "super.two", "password-318");
    JsonObject op = People.create(t, "Опер", "318", "operator", "oper.one", "password-319");
    var bySupervisor = TestApp.await(t.patch("/api/managers/" + sup2.getLong("id"), sup.getString("token"))
        .sendJsonObject(new JsonObject().put("password", "taken-over-1")));
    assertThat(bySupervisor.statusCode()).isEqualTo(403);
    var operatorsBySupervisor = TestApp.await(t.patch("/api/managers/" + op.getLong("id"), sup.getString("token"))
        .sendJsonObject(new JsonObject().put("password", "new-password-1")));
    assertThat(operatorsBySupervisor.statusCode()).isEqualTo(200);
    var byOperator = TestApp.await(t.patch("/api/managers/" + op.getLong("id"), op.getString("token"))
        .sendJsonObject(new JsonObject().put("password", "my-own-pass-1")));
    assertThat(byOperator.statusCode()).isEqualTo(403);
    People.signIn(t, "super.two", "password-318");
    People.signIn(t, "oper.one", "new-password-1");
  }

  @Test
  void deactivatingAManagerEndsTheirSessionsAtOnce() {
    JsonObject m = People.create(t, "Уходит", "319", "operator", "leaving", "password-320");
    var s = People.signIn(t, "leaving", "password-320");
    assertThat(TestApp.await(People.get(t, "/api/me", s).send()).statusCode()).isEqualTo(200);
    var off = TestApp.await(t.http.delete("/api/managers/" + m.getLong("id")).bearerTokenAuthentication(TestApp.ADMIN_TOKEN)
        .send());
    assertThat(off.statusCode()).isEqualTo(200);
    assertThat(TestApp.await(People.get(t, "/api/me", s).send()).statusCode()).isEqualTo(401);
    assertThat(People.login(t, "leaving", "password-320").statusCode()).isEqualTo(401);
    Long sessions = await(t.app.pool().preparedQuery("SELECT count(*) FROM sessions WHERE manager_id = $1")
        .execute(io.vertx.sqlclient.Tuple.of(m.getLong("id")))).iterator().next().getLong(0);
    assertThat(sessions).isZero();
  }

  @Test
  void aPersonChangesTheirPasswordAndTheirOtherSessionsEnd() {
    People.create(t, "Меняет", "320", "operator", "changer", "password-321");
    var here = People.signIn(t, "changer", "password-321");
    var there = People.signIn(t, "changer", "password-321");

    var wrong = TestApp.await(People.post(t, "/api/me/password", here)
        .sendJsonObject(new JsonObject().put("current", "not-it-1").put("new", "password-322")));
    assertThat(wrong.statusCode()).isEqualTo(403);
    assertThat(wrong.bodyAsJsonObject().getString("error")).isEqualTo("invalid_credentials");
    var weak = TestApp.await(People.post(t, "/api/me/password", here)
        .sendJsonObject(new JsonObject().put("current", "password-321").put("new", "short")));
    assertThat(weak.statusCode()).isEqualTo(400);
    assertThat(weak.bodyAsJsonObject().getString("field")).isEqualTo("new");

    var ok = TestApp.await(People.post(t, "/api/me/password", here)
        .sendJsonObject(new JsonObject().put("current", "password-321").put("new", "password-322")));
    assertThat(ok.statusCode()).isEqualTo(204);
    assertThat(TestApp.await(People.get(t, "/api/me", here).send()).statusCode()).isEqualTo(200);
    assertThat(TestApp.await(People.get(t, "/api/me", there).send()).statusCode()).isEqualTo(401);
    assertThat(People.login(t, "changer", "password-321").statusCode()).isEqualTo(401);
    People.signIn(t, "changer", "password-322");
  }

  static Map<String, String> none() {
    return Map.of();
  }

  static <T> T await(io.vertx.core.Future<T> f) {
    try {
      return f.await(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
