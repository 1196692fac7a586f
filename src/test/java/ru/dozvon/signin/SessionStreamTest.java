package ru.dozvon.signin;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import ru.dozvon.live.FeedEvent;
import ru.dozvon.support.MovableClock;
import ru.dozvon.support.People;
import ru.dozvon.support.TestApp;

/**
 * The live stream lasts no longer than the session that opened it: read by a real HTTP client, it is ended by the
 * server when the session ends by logout, password change, reset or deactivation (at once: this app checks streams'
 * sessions by the clock only every hour, so nothing but the ending itself can close them), and on expiry at the next
 * check; streams of sessions still live stay open.
 */
class SessionStreamTest {

  static final MovableClock clock = new MovableClock(Instant.parse("2026-08-03T08:00:00Z"));
  static TestApp t;

  @BeforeAll
  static void start() {
    t = TestApp.start(Map.of("DOZVON_SESSION_CHECK", "1h"), clock);
  }

  @AfterAll
  static void stop() {
    t.close();
  }

  /** One live stream read as a browser would, with the cookie of a session. */
  static final class Stream implements AutoCloseable {
    final HttpClient client;
    final StringBuffer text = new StringBuffer();
    final CompletableFuture<Integer> status = new CompletableFuture<>();
    final CompletableFuture<String> ended = new CompletableFuture<>();
    final CompletableFuture<Void> ready = new CompletableFuture<>();
    /** Texts awaited, each completed when it has arrived. */
    final Map<String, CompletableFuture<Void>> awaited = new java.util.concurrent.ConcurrentHashMap<>();

    Stream(TestApp app, People.Session s) {
      this(app, "Cookie", s.cookieHeader());
    }

    /** A stream of an API client, with its bearer token. */
    Stream(TestApp app, String bearerToken) {
      this(app, "Authorization", "Bearer " + bearerToken);
    }

    private Stream(TestApp app, String header, String value) {
      client = app.app.vertx().createHttpClient();
      client.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("localhost").setPort(app.app.httpPort())
              .setURI("/api/live/stream").putHeader(header, value))
          .compose(req -> req.send())
          .onSuccess(this::read)
          .onFailure(e -> {
            status.completeExceptionally(e);
            ended.completeExceptionally(e);
          });
    }

    private void read(HttpClientResponse res) {
      status.complete(res.statusCode());
      res.handler(buf -> {
        text.append(buf.toString());
        if (text.indexOf("event: ready") >= 0) {
          ready.complete(null);
        }
        awaited.forEach((wanted, f) -> {
          if (text.indexOf(wanted) >= 0) {
            f.complete(null);
          }
        });
      });
      res.endHandler(v -> ended.complete(text.toString()));
      res.exceptionHandler(e -> ended.complete(text + "\n[connection: " + e + "]"));
    }

    /** Waits until the stream is set up (its ready event read). */
    Stream open() throws Exception {
      assertThat(status.get(20, TimeUnit.SECONDS)).isEqualTo(200);
      ready.get(20, TimeUnit.SECONDS);
      return this;
    }

    /** Waits for the server to end the stream; what it had sent. */
    String awaitEnd() throws Exception {
      return ended.get(20, TimeUnit.SECONDS);
    }

    /** Waits until this text has arrived (the stream still open). */
    void awaitText(String s, Runnable cause) throws Exception {
      CompletableFuture<Void> f = new CompletableFuture<>();
      awaited.put(s, f);
      cause.run();
      f.get(20, TimeUnit.SECONDS);
      assertThat(ended).isNotDone();
    }

    @Override
    public void close() {
      client.close();
    }
  }

  static int reconnect(TestApp app, People.Session s) throws Exception {
    try (Stream again = new Stream(app, s)) {
      return again.status.get(20, TimeUnit.SECONDS);
    }
  }

  /** Publishes a floor event every staff stream sees, to show a stream still carries events. */
  static void stillCarriesEvents(TestApp app, Stream st) throws Exception {
    String marker = "ping-" + System.nanoTime();
    st.awaitText(marker, () -> app.app.feed().publish(new FeedEvent("test.ping", null, null, clock.instant(),
        new JsonObject().put("m", marker))));
  }

  @Test
  void logoutEndsTheStreamAtOnceAndOnlyThatSessionsStream() throws Exception {
    People.create(t, "Поток", "601", "supervisor", "stream.logout", "password-601");
    var here = People.signIn(t, "stream.logout", "password-601");
    var there = People.signIn(t, "stream.logout", "password-601");
    try (Stream a = new Stream(t, here).open(); Stream b = new Stream(t, there).open()) {
      var out = TestApp.await(t.http.post("/logout").putHeader("Cookie", here.cookieHeader()).send());
      assertThat(out.statusCode()).isEqualTo(204);
      String sent = a.awaitEnd();
      assertThat(sent).contains("event: session.ended").contains("\"reason\":\"session_ended\"");
      assertThat(reconnect(t, here)).as("reconnecting after logout").isEqualTo(401);
      // The other session's stream is still open and still carries events.
      stillCarriesEvents(t, b);
    }
  }

  @Test
  void aPasswordChangeEndsTheOtherSessionsStreamsAndKeepsItsOwn() throws Exception {
    People.create(t, "Пароль", "602", "supervisor", "stream.change", "password-602");
    var here = People.signIn(t, "stream.change", "password-602");
    var there = People.signIn(t, "stream.change", "password-602");
    try (Stream own = new Stream(t, here).open(); Stream other = new Stream(t, there).open()) {
      var r = TestApp.await(People.post(t, "/api/me/password", here)
          .sendJsonObject(new JsonObject().put("current", "password-602").put("new", "password-603")));
      assertThat(r.statusCode()).isEqualTo(204);
      assertThat(other.awaitEnd()).contains("event: session.ended");
      stillCarriesEvents(t, own);
    }
  }

  @Test
  void aPasswordResetByStaffEndsTheStream() throws Exception {
    var m = People.create(t, "Сброс", "603", "operator", "stream.reset", "password-604");
    var s = People.signIn(t, "stream.reset", "password-604");
    try (Stream st = new Stream(t, s).open()) {
      var r = TestApp.await(t.patch("/api/managers/" + m.getLong("id"), TestApp.ADMIN_TOKEN)
          .sendJsonObject(new JsonObject().put("password", "password-605")));
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(st.awaitEnd()).contains("event: session.ended");
    }
  }

  @Test
  void deactivationEndsTheStream() throws Exception {
    var m = People.create(t, "Увольнение", "604", "operator", "stream.gone", "password-606");
    var s = People.signIn(t, "stream.gone", "password-606");
    try (Stream st = new Stream(t, s).open()) {
      var r = TestApp.await(t.http.delete("/api/managers/" + m.getLong("id"))
          .bearerTokenAuthentication(TestApp.ADMIN_TOKEN).send());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(st.awaitEnd()).contains("event: session.ended");
      assertThat(reconnect(t, s)).isEqualTo(401);
    }
  }

  @Test
  void anExpiredSessionsStreamEndsAtTheNextCheckAndALiveOnesDoesNot() throws Exception {
    People.create(t, "Срок", "605", "supervisor", "stream.expiry", "password-607");
    var idle = People.signIn(t, "stream.expiry", "password-607");
    try (Stream st = new Stream(t, idle).open()) {
      clock.advance(Duration.ofHours(11));
      var busy = People.signIn(t, "stream.expiry", "password-607");
      try (Stream other = new Stream(t, busy).open()) {
        // Nothing has ended yet: a check closes nothing.
        assertThat(await(t.app.sessionWatch().check())).isZero();
        // The open stream is not a use: an hour later the first session is twelve hours idle.
        clock.advance(Duration.ofHours(1));
        assertThat(await(t.app.sessionWatch().check())).isEqualTo(1);
        assertThat(st.awaitEnd()).contains("event: session.ended");
        stillCarriesEvents(t, other);
        assertThat(reconnect(t, idle)).isEqualTo(401);
      }
    }
  }

  @Test
  void aStreamClosedByItsClientIsNoLongerWatched() throws Exception {
    People.create(t, "Закрыл", "606", "operator", "stream.closed", "password-608");
    var s = People.signIn(t, "stream.closed", "password-608");
    byte[] hash = SessionLifetimeTest.sha256(s.cookie());
    Stream st = new Stream(t, s).open();
    Stream second = new Stream(t, s).open();
    assertThat(t.app.sessionWatch().watching(hash)).isEqualTo(2);
    st.close();
    for (int i = 0; i < 2000 && t.app.sessionWatch().watching(hash) > 1; i++) {
      TimeUnit.MILLISECONDS.sleep(10); // until the server has seen the connection close
    }
    assertThat(t.app.sessionWatch().watching(hash)).isEqualTo(1);
    // Ending the session ends the one left, and then none is watched.
    TestApp.await(t.http.post("/logout").putHeader("Cookie", s.cookieHeader()).send());
    assertThat(second.awaitEnd()).contains("event: session.ended");
    assertThat(t.app.sessionWatch().watching(hash)).isZero();
    second.close();
  }

  @Test
  void aBearerStreamIsWatchedByItsTokenNotByAnySession() throws Exception {
    People.create(t, "Токен", "610", "supervisor", "stream.bearer", "password-612");
    var s = People.signIn(t, "stream.bearer", "password-612");
    byte[] session = SessionLifetimeTest.sha256(s.cookie());
    byte[] token = SessionLifetimeTest.sha256(TestApp.ADMIN_TOKEN); // a token is kept as its SHA-256, as a cookie
    int before = t.app.sessionWatch().watchingToken(token);
    try (Stream st = new Stream(t, TestApp.ADMIN_TOKEN).open()) {
      assertThat(t.app.sessionWatch().watchingToken(token)).isEqualTo(before + 1);
      assertThat(t.app.sessionWatch().watching(session)).isZero();
      // a logout ends sessions' streams, not a token's
      TestApp.await(t.http.post("/logout").putHeader("Cookie", s.cookieHeader()).send());
      assertThat(await(t.app.sessionWatch().check())).isZero();
      stillCarriesEvents(t, st);
    }
  }

  @Test
  void aRevokedTokensStreamEndsAtOnceAndAnotherTokensDoesNot() throws Exception {
    var gone = t.createManager("Отозван", "611", 3);
    var kept = t.createManager("Остался", "612", 3);
    try (Stream revoked = new Stream(t, gone.getString("token")).open();
         Stream other = new Stream(t, kept.getString("token")).open()) {
      assertThat(await(t.app.sessionWatch().check())).as("nothing revoked yet").isZero();
      var r = TestApp.await(t.http.delete("/api/managers/" + gone.getLong("id") + "/token")
          .bearerTokenAuthentication(TestApp.ADMIN_TOKEN).send());
      assertThat(r.statusCode()).isLessThan(300);
      // heard through the revocation's NOTIFY (this class's periodic check is an hour)
      String sent = revoked.awaitEnd();
      assertThat(sent).contains("event: token.ended").contains("\"reason\":\"token_revoked\"");
      assertThat(new Stream(t, gone.getString("token")).status.get(20, TimeUnit.SECONDS))
          .as("reconnecting with the revoked token").isEqualTo(401);
      assertThat(await(t.app.sessionWatch().check())).isZero();
      assertThat(other.ended).as("an operator's stream (floor events are for staff: none to show it carries)")
          .isNotDone();
    }
  }

  @Test
  void aTokenRevokedWithoutANotifyIsFoundByTheNextCheck() throws Exception {
    var gone = t.createManager("Тихо", "615", 3);
    try (Stream st = new Stream(t, gone.getString("token")).open()) {
      t.app.pool().preparedQuery("UPDATE api_tokens SET revoked_at = now() WHERE manager_id = $1")
          .execute(io.vertx.sqlclient.Tuple.of(gone.getLong("id"))).await(10, TimeUnit.SECONDS);
      assertThat(st.ended).isNotDone();
      assertThat(await(t.app.sessionWatch().check())).isEqualTo(1);
      assertThat(st.awaitEnd()).contains("event: token.ended");
    }
  }

  @Test
  void aTokenStreamEndsWhenItsRoleChangesOrItsManagerIsDeactivated() throws Exception {
    var promoted = t.createManager("Повышен", "613", 3);
    var deactivated = t.createManager("Ушёл", "614", 3);
    try (Stream a = new Stream(t, promoted.getString("token")).open();
         Stream b = new Stream(t, deactivated.getString("token")).open()) {
      var r = TestApp.await(t.patch("/api/managers/" + promoted.getLong("id"), TestApp.ADMIN_TOKEN)
          .sendJsonObject(new JsonObject().put("role", "supervisor")));
      assertThat(r.statusCode()).isEqualTo(200);
      // an operator's stream, no longer what the token carries; the token itself still works with its new role
      assertThat(a.awaitEnd()).contains("event: token.ended");
      try (Stream again = new Stream(t, promoted.getString("token")).open()) {
        stillCarriesEvents(t, again);
      }
      assertThat(b.ended).isNotDone();
      var d = TestApp.await(t.http.delete("/api/managers/" + deactivated.getLong("id"))
          .bearerTokenAuthentication(TestApp.ADMIN_TOKEN).send());
      assertThat(d.statusCode()).isEqualTo(200);
      assertThat(b.awaitEnd()).contains("event: token.ended");
    }
  }

  @Test
  void aLogoutOnOneInstanceEndsTheStreamOnAnother() throws Exception {
    TestApp second = TestApp.startOn(t.db, Map.of("DOZVON_SESSION_CHECK", "1h"), clock);
    try {
      People.create(t, "Два", "607", "supervisor", "stream.two", "password-609");
      var s = People.signIn(t, "stream.two", "password-609");
      try (Stream onSecond = new Stream(second, s).open()) {
        var out = TestApp.await(t.http.post("/logout").putHeader("Cookie", s.cookieHeader()).send());
        assertThat(out.statusCode()).isEqualTo(204);
        assertThat(onSecond.awaitEnd()).as("heard through LISTEN/NOTIFY").contains("event: session.ended");
      }
    } finally {
      second.close();
    }
  }

  @Test
  void afterADatabaseRestartEndingsAreHeardAtOnceAgain() throws Exception {
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("dozvon-listen-restart");
    int port;
    try (var socket = new java.net.ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    var db = ru.dozvon.store.Database.embedded(dir.resolve("pg"), port);
    db.migrate();
    TestApp a = TestApp.startOn(db.url(), Map.of("DOZVON_SESSION_CHECK", "1h"), clock);
    TestApp b = TestApp.startOn(db.url(), Map.of("DOZVON_SESSION_CHECK", "1h"), clock);
    try {
      waitUntil("b listening", () -> b.app.sessionWatch().listening());
      People.create(a, "Рестарт БД", "609", "supervisor", "stream.dbrestart", "password-611");
      var s = People.signIn(a, "stream.dbrestart", "password-611");
      try (Stream onB = new Stream(b, s).open()) {
        db.close(); // fast shutdown: every connection breaks, the stream (no database) stays
        waitUntil("b's LISTEN connection lost", () -> !b.app.sessionWatch().listening());
        db = ru.dozvon.store.Database.embedded(dir.resolve("pg"), port);
        waitUntil("b listening again", () -> b.app.sessionWatch().listening());
        assertThat(onB.ended).as("a reconnect's own check finds the session live").isNotDone();
        // a's pool reconnects by itself; its logout is heard on b through the new LISTEN connection.
        int status = 0;
        for (int i = 0; i < 100 && status != 204; i++) {
          try {
            status = TestApp.await(a.http.post("/logout").putHeader("Cookie", s.cookieHeader()).send()).statusCode();
          } catch (IllegalStateException e) {
            status = -1;
          }
          if (status != 204) {
            TimeUnit.MILLISECONDS.sleep(100); // a's pool is still finding the database again
          }
        }
        assertThat(status).isEqualTo(204);
        assertThat(onB.awaitEnd()).contains("event: session.ended");
      }
    } finally {
      a.close();
      b.close();
      db.close();
    }
  }

  static void waitUntil(String what, java.util.function.BooleanSupplier done) throws InterruptedException {
    for (int i = 0; i < 600 && !done.getAsBoolean(); i++) {
      TimeUnit.MILLISECONDS.sleep(50); // waiting for a connection, not for a time rule
    }
    assertThat(done.getAsBoolean()).as(what).isTrue();
  }

  @Test
  void withAShortCheckAnExpiredStreamEndsByItself() throws Exception {
    MovableClock own = new MovableClock(Instant.parse("2026-09-01T08:00:00Z"));
    TestApp quick = TestApp.start(Map.of("DOZVON_SESSION_CHECK", "1s"), own);
    try {
      People.create(quick, "Сам", "608", "operator", "stream.self", "password-610");
      var s = People.signIn(quick, "stream.self", "password-610");
      try (Stream st = new Stream(quick, s).open()) {
        own.advance(Duration.ofHours(12));
        assertThat(st.awaitEnd()).contains("event: session.ended");
      }
    } finally {
      quick.close();
    }
  }

  @Test
  void aBadCheckSettingIsRefusedNamingIt() {
    var e = org.assertj.core.api.Assertions.catchThrowable(() -> ru.dozvon.config.ConfigLoader.load(
        Map.of("DOZVON_SESSION_CHECK", "0s"), java.nio.file.Path.of("")));
    assertThat(e).hasMessageContaining("DOZVON_SESSION_CHECK").hasMessageContaining("1s");
  }

  static <T> T await(io.vertx.core.Future<T> f) {
    try {
      return f.await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
