package ru.dozvon.signin;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import ru.dozvon.support.MovableClock;
import ru.dozvon.support.People;
import ru.dozvon.support.TestApp;

/**
 * How long a browser session lives, on a clock the test moves (never a sleep): the idle timeout, moved on by every
 * request; the maximum age, whatever the use; both settings; a restart of the service on the same database.
 */
class SessionLifetimeTest {

  static final Duration IDLE = Duration.ofHours(12);
  static final Duration MAX_AGE = Duration.ofDays(7);

  static MovableClock clock = new MovableClock(Instant.parse("2026-03-02T07:00:00Z"));
  static TestApp t;

  @BeforeAll
  static void start() {
    // The defaults: no DOZVON_SESSION_IDLE or DOZVON_SESSION_MAX_AGE given.
    t = TestApp.start(Map.of(), clock);
  }

  @AfterAll
  static void stop() {
    t.close();
  }

  @Test
  void theDefaultsAreTwelveHoursIdleAndSevenDaysInAll() {
    assertThat(t.config.auth().sessionIdle()).isEqualTo(IDLE);
    assertThat(t.config.auth().sessionMaxAge()).isEqualTo(MAX_AGE);
  }

  @Test
  void aSessionIdlePastTheTimeoutIsRefusedAndItsRowIsGone() {
    People.create(t, "Идл", "401", "operator", "idle.one", "password-401");
    var s = People.signIn(t, "idle.one", "password-401");
    assertThat(me(s)).isEqualTo(200);

    clock.advance(IDLE.minusSeconds(1));
    assertThat(me(s)).isEqualTo(200); // one second short: still in; this request starts a new idle window

    clock.advance(IDLE);
    var refused = TestApp.await(People.get(t, "/api/me", s).send());
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(refused.bodyAsJsonObject().getString("detail")).contains("sign in again");
    assertThat(rows(s)).as("the expired session's row").isZero();
    // Gone for good: an earlier clock would not bring it back.
    clock.set(clock.instant().minus(IDLE));
    assertThat(me(s)).isEqualTo(401);
    clock.advance(IDLE);
  }

  @Test
  void exactlyTheIdleTimeoutEndsIt() {
    People.create(t, "Ровно", "402", "operator", "exact.idle", "password-402");
    var s = People.signIn(t, "exact.idle", "password-402");
    clock.advance(IDLE);
    assertThat(me(s)).isEqualTo(401);
  }

  @Test
  void requestsInsideTheIdleWindowKeepItAliveForDays() {
    People.create(t, "Активный", "403", "operator", "busy.one", "password-403");
    var s = People.signIn(t, "busy.one", "password-403");
    // Eleven hours apart, five times: 55 hours, far past one idle window, each request inside the last one's.
    for (int i = 0; i < 5; i++) {
      clock.advance(Duration.ofHours(11));
      assertThat(me(s)).as("request %d", i + 1).isEqualTo(200);
    }
    // A state-changing request moves it on too.
    clock.advance(Duration.ofHours(11));
    var r = TestApp.await(People.patch(t, "/api/managers/" + s.me().getLong("id"), s)
        .sendJsonObject(new JsonObject().put("state", "ON_SHIFT")));
    assertThat(r.statusCode()).isEqualTo(200);
    clock.advance(Duration.ofHours(11));
    assertThat(me(s)).isEqualTo(200);
    // Then nothing for twelve hours.
    clock.advance(IDLE);
    assertThat(me(s)).isEqualTo(401);
  }

  @Test
  void pastTheMaximumAgeItEndsEvenIfUsedAllAlong() {
    People.create(t, "Неделя", "404", "operator", "week.long", "password-404");
    var s = People.signIn(t, "week.long", "password-404");
    Instant signedIn = clock.instant();
    // Used every ten hours for a week.
    while (clock.instant().plus(Duration.ofHours(10)).isBefore(signedIn.plus(MAX_AGE))) {
      clock.advance(Duration.ofHours(10));
      assertThat(me(s)).as("at %s", clock.instant()).isEqualTo(200);
    }
    clock.moveTo(signedIn.plus(MAX_AGE).minusSeconds(1));
    assertThat(me(s)).isEqualTo(200);
    clock.advance(Duration.ofSeconds(1));
    assertThat(me(s)).as("seven days after sign-in").isEqualTo(401);
    assertThat(rows(s)).isZero();
    // Signing in again gives a new week.
    var again = People.signIn(t, "week.long", "password-404");
    assertThat(me(again)).isEqualTo(200);
  }

  @Test
  void thePurgeDeletesExpiredSessionsAndKeepsLiveOnes() {
    People.create(t, "Чистка", "405", "operator", "purge.one", "password-405");
    var old = People.signIn(t, "purge.one", "password-405");
    clock.advance(Duration.ofHours(6));
    var fresh = People.signIn(t, "purge.one", "password-405");
    clock.advance(Duration.ofHours(7)); // old: 13 h idle; fresh: 7 h
    int purged = await(t.app.sessions().purgeExpired());
    assertThat(purged).isGreaterThanOrEqualTo(1);
    assertThat(rows(old)).isZero();
    assertThat(rows(fresh)).isEqualTo(1);
    assertThat(me(fresh)).isEqualTo(200);
  }

  @Test
  void theTimeoutsAreSettings() {
    TestApp other = TestApp.start(Map.of("DOZVON_SESSION_IDLE", "30m", "DOZVON_SESSION_MAX_AGE", "2h"), clock);
    try {
      assertThat(other.config.auth().sessionIdle()).isEqualTo(Duration.ofMinutes(30));
      People.create(other, "Короткая", "406", "operator", "short.idle", "password-406");
      var s = People.signIn(other, "short.idle", "password-406");
      clock.advance(Duration.ofMinutes(29));
      assertThat(status(other, s)).isEqualTo(200);
      clock.advance(Duration.ofMinutes(30));
      assertThat(status(other, s)).as("30 min idle").isEqualTo(401);

      var busy = People.signIn(other, "short.idle", "password-406");
      for (int i = 0; i < 4; i++) {
        clock.advance(Duration.ofMinutes(25));
        assertThat(status(other, busy)).isEqualTo(200);
      }
      clock.advance(Duration.ofMinutes(20)); // 2 h after sign-in
      assertThat(status(other, busy)).as("2 h max age").isEqualTo(401);
    } finally {
      other.close();
    }
  }

  @Test
  void aBadTimeoutSettingIsRefusedAtStartNamingIt() {
    var badIdle = org.assertj.core.api.Assertions.catchThrowable(() -> ru.dozvon.config.ConfigLoader.load(
        Map.of("DOZVON_SESSION_IDLE", "soon"), java.nio.file.Path.of("")));
    assertThat(badIdle).hasMessageContaining("DOZVON_SESSION_IDLE").hasMessageContaining("soon");
    var shorter = org.assertj.core.api.Assertions.catchThrowable(() -> ru.dozvon.config.ConfigLoader.load(
        Map.of("DOZVON_SESSION_IDLE", "2h", "DOZVON_SESSION_MAX_AGE", "1h"), java.nio.file.Path.of("")));
    assertThat(shorter).hasMessageContaining("SESSION_MAX_AGE");
  }

  @Test
  void aSessionSurvivesARestartOfTheService() {
    // Its own app: the restart must not disturb the shared one.
    MovableClock own = new MovableClock(Instant.parse("2026-04-01T08:00:00Z"));
    TestApp first = TestApp.start(Map.of(), own);
    TestApp second = null;
    try {
      JsonObject m = People.create(first, "Рестарт", "407", "operator", "restart.one", "password-407");
      var s = People.signIn(first, "restart.one", "password-407");
      assertThat(status(first, s)).isEqualTo(200);
      own.advance(Duration.ofHours(1));
      second = first.restart(own);
      first = null;
      // The same cookie and the same CSRF token work on the new process.
      var me = TestApp.await(People.get(second, "/api/me", s).send());
      assertThat(me.statusCode()).isEqualTo(200);
      assertThat(me.bodyAsJsonObject().getLong("id")).isEqualTo(m.getLong("id"));
      assertThat(me.bodyAsJsonObject().getString("csrfToken")).isEqualTo(s.csrfToken());
      var patch = TestApp.await(People.patch(second, "/api/managers/" + m.getLong("id"), s)
          .sendJsonObject(new JsonObject().put("state", "ON_SHIFT")));
      assertThat(patch.statusCode()).isEqualTo(200);
      // The idle window counts across the restart too.
      own.advance(IDLE);
      assertThat(status(second, s)).isEqualTo(401);
    } finally {
      if (first != null) {
        first.close();
      }
      if (second != null) {
        second.close();
      }
    }
  }

  @Test
  void aSessionWorksOnEveryInstanceWithOneIdleWindowAndEndsOnAll() {
    TestApp second = TestApp.startOn(t.db, Map.of(), clock);
    try {
      People.create(t, "Два узла", "410", "operator", "two.nodes", "password-410");
      var s = People.signIn(t, "two.nodes", "password-410");
      assertThat(status(second, s)).isEqualTo(200);
      // Used on the second instance only: that keeps it alive on the first as well.
      for (int i = 0; i < 3; i++) {
        clock.advance(Duration.ofHours(11));
        assertThat(status(second, s)).isEqualTo(200);
      }
      clock.advance(Duration.ofHours(11));
      assertThat(status(t, s)).as("33 h after sign-in, 11 h after its last use elsewhere").isEqualTo(200);
      // A logout on the second ends it on the first.
      var out = TestApp.await(second.http.post("/logout").putHeader("Cookie", s.cookieHeader()).send());
      assertThat(out.statusCode()).isEqualTo(204);
      assertThat(status(t, s)).isEqualTo(401);
      assertThat(status(second, s)).isEqualTo(401);
    } finally {
      second.close();
    }
  }

  @Test
  void logoutBehindHttpsClearsASecureCookieAndTheRow() {
    People.create(t, "Выход", "408", "operator", "logout.https", "password-408");
    var s = People.signIn(t, "logout.https", "password-408");
    var out = TestApp.await(t.http.post("/logout").putHeader("X-Forwarded-Proto", "https")
        .putHeader("Cookie", s.cookieHeader()).send());
    assertThat(out.statusCode()).isEqualTo(204);
    assertThat(People.setCookie(out)).startsWith("dozvon_session=;").contains("Max-Age=0").contains("Secure")
        .containsIgnoringCase("HttpOnly").contains("SameSite=Strict").contains("Path=/");
    assertThat(out.getHeader("Cache-Control")).isEqualTo("no-store");
    assertThat(rows(s)).isZero();
    assertThat(me(s)).isEqualTo(401);
    // Logging out again, or without a cookie, is harmless.
    assertThat(TestApp.await(t.http.post("/logout").putHeader("Cookie", s.cookieHeader()).send()).statusCode())
        .isEqualTo(204);
    assertThat(TestApp.await(t.http.post("/logout").send()).statusCode()).isEqualTo(204);
  }

  @Test
  void anEndedSessionSendsThePagesBackToSignIn() {
    People.create(t, "Страница", "409", "operator", "page.one", "password-409");
    var s = People.signIn(t, "page.one", "password-409");
    var page = TestApp.await(t.http.get("/operator").followRedirects(false).putHeader("Cookie", s.cookieHeader())
        .send());
    assertThat(page.statusCode()).isEqualTo(200);
    clock.advance(IDLE);
    var after = TestApp.await(t.http.get("/operator").followRedirects(false).putHeader("Cookie", s.cookieHeader())
        .send());
    assertThat(after.statusCode()).isBetween(300, 399);
    assertThat(after.getHeader("Location")).startsWith("/login");
  }

  static int me(People.Session s) {
    return status(t, s);
  }

  static int status(TestApp app, People.Session s) {
    return TestApp.await(People.get(app, "/api/me", s).send()).statusCode();
  }

  static long rows(People.Session s) {
    return await(t.app.pool().preparedQuery("SELECT count(*) FROM sessions WHERE id_hash = $1")
        .execute(Tuple.of(io.vertx.core.buffer.Buffer.buffer(sha256(s.cookie())))))
        .iterator().next().getLong(0);
  }

  static byte[] sha256(String value) {
    try {
      return java.security.MessageDigest.getInstance("SHA-256")
          .digest(value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static <T> T await(io.vertx.core.Future<T> f) {
    try {
      return f.await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
