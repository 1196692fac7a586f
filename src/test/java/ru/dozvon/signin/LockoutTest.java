package ru.dozvon.signin;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import ru.dozvon.support.MovableClock;
import ru.dozvon.support.People;
import ru.dozvon.support.TestApp;

/**
 * The lock-out of repeated wrong passwords over real HTTP, on a clock the test moves: five wrong in a row lock the
 * login for a minute, each further lock doubles up to an hour, a right password ends the run (docs/SECURITY.md).
 */
class LockoutTest {

  static MovableClock clock = new MovableClock(Instant.parse("2026-05-04T09:00:00Z"));
  static TestApp t;

  @BeforeAll
  static void start() {
    t = TestApp.start(Map.of(), clock);
  }

  @AfterAll
  static void stop() {
    t.close();
  }

  @Test
  void fiveWrongPasswordsLockForAMinuteAndTheRightOneIsRefusedUntilItEnds() {
    People.create(t, "Замок", "501", "operator", "lock.one", "password-501");
    for (int i = 1; i <= 4; i++) {
      var r = People.login(t, "lock.one", "wrong-" + i + "-xx");
      assertThat(r.statusCode()).as("wrong password %d", i).isEqualTo(401);
      assertThat(r.bodyAsJsonObject().getString("error")).isEqualTo("invalid_credentials");
    }
    var fifth = People.login(t, "lock.one", "wrong-5-xx");
    assertLocked(fifth, 60);
    assertThat(People.setCookie(fifth)).isNull();

    // Inside the minute the right password is refused too, with the time left, and no cookie.
    clock.advance(Duration.ofSeconds(20));
    var right = People.login(t, "lock.one", "password-501");
    assertLocked(right, 40);
    assertThat(People.setCookie(right)).isNull();
    // Wrong ones inside the lock are not counted and do not lengthen it.
    for (int i = 0; i < 6; i++) {
      assertLocked(People.login(t, "lock.one", "still-wrong"), 40);
    }
    clock.advance(Duration.ofSeconds(39));
    assertLocked(People.login(t, "lock.one", "password-501"), 1);

    // After the minute the right password works.
    clock.advance(Duration.ofSeconds(1));
    var in = People.login(t, "lock.one", "password-501");
    assertThat(in.statusCode()).isEqualTo(200);
    assertThat(People.cookieValue(in)).isNotNull();
  }

  @Test
  void eachFurtherLockDoublesUpToAnHour() {
    People.create(t, "Удвоение", "502", "operator", "lock.double", "password-502");
    long[] expected = {60, 120, 240, 480, 960, 1920, 3600, 3600};
    for (int lock = 0; lock < expected.length; lock++) {
      for (int i = 1; i <= 4; i++) {
        assertThat(People.login(t, "lock.double", "wrong-pass").statusCode()).as("lock %d, wrong %d", lock + 1, i)
            .isEqualTo(401);
      }
      assertLocked(People.login(t, "lock.double", "wrong-pass"), expected[lock]);
      clock.advance(Duration.ofSeconds(expected[lock] - 1));
      assertLocked(People.login(t, "lock.double", "password-502"), 1);
      clock.advance(Duration.ofSeconds(1));
    }
    // A right password after the lock ends the run: the next five wrong lock for a minute again.
    assertThat(People.login(t, "lock.double", "password-502").statusCode()).isEqualTo(200);
    for (int i = 1; i <= 4; i++) {
      assertThat(People.login(t, "lock.double", "wrong-pass").statusCode()).isEqualTo(401);
    }
    assertLocked(People.login(t, "lock.double", "wrong-pass"), 60);
  }

  @Test
  void aRightPasswordBeforeTheFifthWrongStartsTheCountAgain() {
    People.create(t, "Сброс", "503", "operator", "lock.reset", "password-503");
    for (int i = 0; i < 4; i++) {
      assertThat(People.login(t, "lock.reset", "wrong-pass").statusCode()).isEqualTo(401);
    }
    assertThat(People.login(t, "lock.reset", "password-503").statusCode()).isEqualTo(200);
    for (int i = 0; i < 4; i++) {
      assertThat(People.login(t, "lock.reset", "wrong-pass").statusCode()).as("wrong %d after the reset", i + 1)
          .isEqualTo(401);
    }
    assertLocked(People.login(t, "lock.reset", "wrong-pass"), 60);
  }

  @Test
  void aDayWithoutAWrongPasswordForgetsTheRun() {
    People.create(t, "Забыть", "504", "operator", "lock.forget", "password-504");
    // Two locks in a run, then a quiet day.
    for (int lock = 0; lock < 2; lock++) {
      for (int i = 0; i < 5; i++) {
        People.login(t, "lock.forget", "wrong-pass");
      }
      clock.advance(Duration.ofMinutes(2));
    }
    clock.advance(Duration.ofDays(1));
    for (int i = 0; i < 4; i++) {
      assertThat(People.login(t, "lock.forget", "wrong-pass").statusCode()).isEqualTo(401);
    }
    // The first lock of a new run: one minute, not four.
    assertLocked(People.login(t, "lock.forget", "wrong-pass"), 60);
  }

  @Test
  void theLoginIsLockedWhateverItsCaseAndOtherLoginsAreNot() {
    People.create(t, "Регистр", "505", "operator", "Lock.Case", "password-505");
    People.create(t, "Сосед", "506", "operator", "lock.neighbour", "password-506");
    for (int i = 0; i < 5; i++) {
      People.login(t, i % 2 == 0 ? "LOCK.CASE" : "lock.case", "wrong-pass");
    }
    assertLocked(People.login(t, "Lock.Case", "password-505"), 60);
    assertThat(People.login(t, "lock.neighbour", "password-506").statusCode()).isEqualTo(200);
    clock.advance(Duration.ofMinutes(1));
  }

  @Test
  void anUnknownLoginIsLockedTheSameWay() {
    for (int i = 0; i < 4; i++) {
      assertThat(People.login(t, "nobody.at.all", "wrong-pass").statusCode()).isEqualTo(401);
    }
    assertLocked(People.login(t, "nobody.at.all", "wrong-pass"), 60);
    clock.advance(Duration.ofMinutes(1));
  }

  @Test
  void wrongCurrentPasswordsOnAPasswordChangeLockTheLoginToo() {
    People.create(t, "Смена", "507", "operator", "lock.change", "password-507");
    var s = People.signIn(t, "lock.change", "password-507");
    for (int i = 0; i < 4; i++) {
      var r = TestApp.await(People.post(t, "/api/me/password", s)
          .sendJsonObject(new JsonObject().put("current", "wrong-pass").put("new", "password-508")));
      assertThat(r.statusCode()).isEqualTo(403);
    }
    var fifth = TestApp.await(People.post(t, "/api/me/password", s)
        .sendJsonObject(new JsonObject().put("current", "wrong-pass").put("new", "password-508")));
    assertLocked(fifth, 60);
    // The lock holds for the sign-in page too, and for the right current password.
    assertLocked(People.login(t, "lock.change", "password-507"), 60);
    var rightButLocked = TestApp.await(People.post(t, "/api/me/password", s)
        .sendJsonObject(new JsonObject().put("current", "password-507").put("new", "password-508")));
    assertLocked(rightButLocked, 60);
    clock.advance(Duration.ofMinutes(1));
    var ok = TestApp.await(People.post(t, "/api/me/password", s)
        .sendJsonObject(new JsonObject().put("current", "password-507").put("new", "password-508")));
    assertThat(ok.statusCode()).isEqualTo(204);
  }

  @Test
  void theLockSurvivesARestart() {
    MovableClock own = new MovableClock(Instant.parse("2026-06-01T09:00:00Z"));
    TestApp first = TestApp.start(Map.of(), own);
    TestApp second = null;
    try {
      People.create(first, "Рестарт", "508", "operator", "lock.restart", "password-509");
      for (int i = 0; i < 5; i++) {
        People.login(first, "lock.restart", "wrong-pass");
      }
      own.advance(Duration.ofSeconds(10));
      second = first.restart(own);
      first = null;
      assertLocked(People.login(second, "lock.restart", "password-509"), 50, own);
      own.advance(Duration.ofSeconds(50));
      assertThat(People.login(second, "lock.restart", "password-509").statusCode()).isEqualTo(200);
    } finally {
      if (first != null) {
        first.close();
      }
      if (second != null) {
        second.close();
      }
    }
  }

  static void assertLocked(HttpResponse<Buffer> r, long seconds) {
    assertLocked(r, seconds, clock);
  }

  static void assertLocked(HttpResponse<Buffer> r, long seconds, MovableClock on) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(429);
    JsonObject b = r.bodyAsJsonObject();
    assertThat(b.getString("error")).isEqualTo("account_locked");
    assertThat(b.getLong("retryAfterSeconds")).isEqualTo(seconds);
    assertThat(r.getHeader("Retry-After")).isEqualTo(String.valueOf(seconds));
    assertThat(b.getString("detail")).contains(seconds + " s");
    // When it unlocks, on the clock the service runs on (whole seconds here: the clock moves by seconds).
    assertThat(Instant.parse(b.getString("lockedUntil"))).isEqualTo(on.instant().plusSeconds(seconds));
  }
}
