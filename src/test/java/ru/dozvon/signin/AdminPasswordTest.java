package ru.dozvon.signin;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import ru.dozvon.store.DbUrl;
import ru.dozvon.support.MovableClock;
import ru.dozvon.support.People;
import ru.dozvon.support.TestApp;
import ru.dozvon.support.TestDatabase;

/**
 * The built-in admin's password across starts of the service on one database: generated and printed once on the
 * console at the first start, kept and not printed at the next; set by DOZVON_ADMIN_PASSWORD when its value is new;
 * a password the admin changed stays across restarts.
 */
class AdminPasswordTest {

  static final Pattern PRINTED = Pattern.compile("Admin password for login 'admin'[^\\n]*\\R\\s*(\\S+)");

  final MovableClock clock = new MovableClock(Instant.parse("2026-07-01T08:00:00Z"));
  final DbUrl db = TestDatabase.fresh();

  /** The app and what it printed on the console while starting. */
  record Started(TestApp app, String console) {
  }

  Started start(Map<String, String> env) {
    return capture(() -> TestApp.startOn(db, env, clock));
  }

  static Started capture(Supplier<TestApp> starting) {
    PrintStream original = System.err;
    ByteArrayOutputStream seen = new ByteArrayOutputStream();
    PrintStream tee = new PrintStream(new OutputStream() {
      @Override
      public void write(int b) {
        original.write(b);
        synchronized (seen) {
          seen.write(b);
        }
      }

      @Override
      public void write(byte[] b, int off, int len) {
        original.write(b, off, len);
        synchronized (seen) {
          seen.write(b, off, len);
        }
      }
    }, true, StandardCharsets.UTF_8);
    System.setErr(tee);
    try {
      TestApp app = starting.get();
      synchronized (seen) {
        return new Started(app, seen.toString(StandardCharsets.UTF_8));
      }
    } finally {
      System.setErr(original);
    }
  }

  static final Map<String, String> NO_PASSWORD = Map.of("DOZVON_ADMIN_PASSWORD", "");

  @Test
  void generatedAtTheFirstStartPrintedOnceAndKeptAtTheNext() {
    Started first = start(NO_PASSWORD);
    String pw;
    try {
      Matcher m = PRINTED.matcher(first.console());
      assertThat(m.find()).as("printed at the first start:\n%s", first.console()).isTrue();
      pw = m.group(1);
      assertThat(pw).hasSize(20).matches("[a-km-zA-HJ-NP-Z2-9]{20}");
      assertThat(m.find()).as("printed once").isFalse();
      var s = People.signIn(first.app(), "admin", pw);
      assertThat(s.me().getString("role")).isEqualTo("admin");
      assertThat(People.login(first.app(), "admin", TestApp.ADMIN_PASSWORD).statusCode()).isEqualTo(401);
    } finally {
      first.app().close();
    }

    Started second = start(NO_PASSWORD);
    try {
      assertThat(second.console()).doesNotContain("Admin password").doesNotContain(pw);
      assertThat(People.login(second.app(), "admin", pw).statusCode()).as("unchanged at the next start").isEqualTo(200);
    } finally {
      second.app().close();
    }
  }

  @Test
  void aPasswordTheAdminChangesSurvivesARestart() {
    Started first = start(NO_PASSWORD);
    Matcher m = PRINTED.matcher(first.console());
    assertThat(m.find()).isTrue();
    String generated = m.group(1);
    TestApp app = first.app();
    try {
      var s = People.signIn(app, "admin", generated);
      var change = TestApp.await(People.post(app, "/api/me/password", s)
          .sendJsonObject(new JsonObject().put("current", generated).put("new", "my-own-admin-pass")));
      assertThat(change.statusCode()).isEqualTo(204);
      app = app.restart(clock);
      assertThat(People.login(app, "admin", "my-own-admin-pass").statusCode()).isEqualTo(200);
      assertThat(People.login(app, "admin", generated).statusCode()).isEqualTo(401);
      // The session in which it was changed stayed, across the restart too.
      assertThat(TestApp.await(People.get(app, "/api/me", s).send()).statusCode()).isEqualTo(200);
    } finally {
      app.close();
    }
  }

  @Test
  void theVariableSetsItAndOnlyANewValueReplacesAChangedOne() {
    // First start with the variable: that is the password, nothing is printed.
    Started first = start(Map.of("DOZVON_ADMIN_PASSWORD", "from-the-env-1"));
    TestApp app = first.app();
    try {
      assertThat(first.console()).doesNotContain("Admin password").doesNotContain("from-the-env-1");
      var s = People.signIn(app, "admin", "from-the-env-1");
      // The admin changes it; a restart with the same variable keeps the admin's.
      var change = TestApp.await(People.post(app, "/api/me/password", s)
          .sendJsonObject(new JsonObject().put("current", "from-the-env-1").put("new", "changed-by-admin")));
      assertThat(change.statusCode()).isEqualTo(204);
      app.close();
      app = start(Map.of("DOZVON_ADMIN_PASSWORD", "from-the-env-1")).app();
      assertThat(People.login(app, "admin", "changed-by-admin").statusCode()).isEqualTo(200);
      assertThat(People.login(app, "admin", "from-the-env-1").statusCode()).isEqualTo(401);
      assertThat(TestApp.await(People.get(app, "/api/me", s).send()).statusCode()).isEqualTo(200);

      // A new value replaces it and ends the admin's sessions.
      app.close();
      Started third = start(Map.of("DOZVON_ADMIN_PASSWORD", "from-the-env-2"));
      app = third.app();
      assertThat(third.console()).doesNotContain("from-the-env-2");
      assertThat(TestApp.await(People.get(app, "/api/me", s).send()).statusCode()).isEqualTo(401);
      assertThat(People.login(app, "admin", "changed-by-admin").statusCode()).isEqualTo(401);
      People.signIn(app, "admin", "from-the-env-2");

      // Without the variable the stored one stays, and none is generated.
      app.close();
      Started fourth = start(NO_PASSWORD);
      app = fourth.app();
      assertThat(fourth.console()).doesNotContain("Admin password");
      assertThat(People.login(app, "admin", "from-the-env-2").statusCode()).isEqualTo(200);
    } finally {
      app.close();
    }
  }

  @Test
  void theVariableReplacesAGeneratedPassword() {
    Started first = start(NO_PASSWORD);
    Matcher m = PRINTED.matcher(first.console());
    assertThat(m.find()).isTrue();
    String generated = m.group(1);
    var s = People.signIn(first.app(), "admin", generated);
    first.app().close();
    TestApp app = start(Map.of("DOZVON_ADMIN_PASSWORD", "chosen-at-last")).app();
    try {
      assertThat(People.login(app, "admin", generated).statusCode()).isEqualTo(401);
      assertThat(TestApp.await(People.get(app, "/api/me", s).send()).statusCode()).isEqualTo(401);
      People.signIn(app, "admin", "chosen-at-last");
    } finally {
      app.close();
    }
  }

  @Test
  void aTooShortVariableIsRefusedAtStartWithoutShowingIt() {
    var e = org.assertj.core.api.Assertions.catchThrowable(() -> ru.dozvon.config.ConfigLoader.load(
        Map.of("DOZVON_ADMIN_PASSWORD", "short"), java.nio.file.Path.of("")));
    assertThat(e).hasMessageContaining("DOZVON_ADMIN_PASSWORD").hasMessageContaining("8 to 128")
        .hasMessageNotContaining("'short'");
  }
}
