package ru.dozvon.model;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import ru.dozvon.config.AppConfig;
import ru.dozvon.dialing.AttemptScheduler;
import ru.dozvon.dialing.CallingWindow;
import ru.dozvon.dialing.DueAttemptHandler;
import ru.dozvon.support.MovableClock;
import ru.dozvon.support.TestApp;
import ru.dozvon.support.TestDatabase;
import ru.dozvon.telephony.testami.TestAmiServer;

/**
 * The real service under test: the App on its embedded PostgreSQL, listening to a test PBX over TCP,
 * on a clock the model moves. One instance serves every history of a run; a restart replaces the App
 * and keeps the database, the PBX and the clock.
 */
public final class Service implements AutoCloseable {

  private static final String PBX_USER = "crm";
  private static final String PBX_SECRET = "model-pbx-secret";

  public final MovableClock clock = new MovableClock(Instant.parse("2026-01-12T08:00:00Z"), History.MOSCOW);
  public final TestAmiServer pbx;
  private TestApp t;
  /** A second firing instance the model drains at once, instead of waiting up to a scheduler period. */
  private AttemptScheduler drainer;

  /** An HTTP answer, kept as text so that a reply is never read twice. */
  public record Reply(String method, String path, String request, int status, String body) {
    public JsonObject json() {
      try {
        return body == null || body.isBlank() ? new JsonObject() : new JsonObject(body);
      } catch (RuntimeException e) {
        return new JsonObject();
      }
    }

    @Override
    public String toString() {
      return method + " " + path + " " + request + " -> " + status + " " + abbreviate(body, 400);
    }
  }

  private Service() {
    pbx = TestAmiServer.start(PBX_USER, PBX_SECRET);
    ru.dozvon.store.DbUrl db = TestDatabase.fresh();
    relaxCommits(db);
    t = TestApp.startOn(db, Map.of("DOZVON_AMI_HOST", "127.0.0.1", "DOZVON_AMI_PORT", String.valueOf(pbx.port()),
        "DOZVON_AMI_USER", PBX_USER, "DOZVON_AMI_SECRET", PBX_SECRET), clock);
    connected();
  }

  /**
   * Commits of this test's own database return before their WAL flush: thousands of steps write, and
   * PostgreSQL's durability is not under test here (the App's restart is; PostgreSQL keeps running).
   * Every other setting, and every other test's database, stays as it is.
   */
  private static void relaxCommits(ru.dozvon.store.DbUrl db) {
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
         Statement st = c.createStatement()) {
      st.execute("ALTER DATABASE " + db.database() + " SET synchronous_commit = off");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  public static Service start() {
    return new Service();
  }

  public TestApp app() {
    return t;
  }

  public void restart() {
    t = t.restart(clock);
    connected();
  }

  private void connected() {
    drainer = new AttemptScheduler(t.app.pool(), clock, t.app.meters(), t.app.feed(), DueAttemptHandler.NONE,
        Duration.ofHours(1), 100);
    eventually("AMI connected", 30, () -> "CONNECTED".equals(t.app.telephony().state()) && pbx.loggedInClients() == 1);
  }

  public CallingWindow window() {
    return t.config.retry().window();
  }

  /** Steps of the callback ladder ("of 4"). */
  public int ladder() {
    return t.config.retry().policy().steps().size();
  }

  public Path unrecordedCallsFile() {
    return t.config.database().dataDir().resolve("unrecorded-calls.jsonl");
  }

  public List<String> unrecordedLines() {
    Path f = unrecordedCallsFile();
    try {
      return Files.exists(f) ? Files.readAllLines(f).stream().filter(l -> !l.isBlank()).toList() : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int pendingCalls() {
    return t.app.telephony().pendingCalls();
  }

  // --- HTTP ----------------------------------------------------------------------------------------

  public Reply send(HttpMethod method, String path, String token, JsonObject body, Map<String, String> headers) {
    HttpRequest<Buffer> req = t.http.request(method, path);
    if (token != null) {
      req.bearerTokenAuthentication(token);
    }
    MultiMap h = req.headers();
    headers.forEach(h::set);
    try {
      long t0 = System.nanoTime();
      HttpResponse<Buffer> r = (body == null ? req.send() : req.sendJsonObject(body)).await(30, TimeUnit.SECONDS);
      Timing.add("http " + method + " " + path.replaceAll("[0-9]+", "N"), System.nanoTime() - t0);
      return new Reply(method.name(), path, body == null ? "" : body.encode(), r.statusCode(), r.bodyAsString());
    } catch (Exception e) {
      throw new IllegalStateException(method + " " + path + " failed: " + e, e);
    }
  }

  // --- SQL -----------------------------------------------------------------------------------------

  public List<Row> sql(String query, Object... args) {
    try {
      long t0 = System.nanoTime();
      var rows = t.app.pool().preparedQuery(query).execute(Tuple.wrap(Arrays.asList(args))).await(30, TimeUnit.SECONDS);
      Timing.add("sql", System.nanoTime() - t0);
      List<Row> out = new ArrayList<>();
      rows.forEach(out::add);
      return out;
    } catch (Exception e) {
      throw new IllegalStateException("SQL failed: " + e + "\n" + query, e);
    }
  }

  // --- settling --------------------------------------------------------------------------------------

  /**
   * Lets the asynchronous effects land: deals from the PBX routed, due attempts fired (drained at
   * once by a second instance; the App's own scheduler may take some first), and, when time moved,
   * the funnel's timed jobs (overdue tasks, the 8-week close) run once.
   */
  public void settle(boolean timeMoved) {
    long t0 = System.nanoTime();
    settle0(timeMoved);
    Timing.add("settle", System.nanoTime() - t0);
  }

  private void settle0(boolean timeMoved) {
    try {
      if (timeMoved) {
        t.app.funnelJobs().tick().await(20, TimeUnit.SECONDS);
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (true) {
        drainer.drain().await(20, TimeUnit.SECONDS);
        // A deal another transaction held was skipped by routing, an attempt the App's scheduler was claiming
        // by the drain: look again until nothing is left.
        Row left = sql("""
            SELECT (SELECT count(*) FROM routing_pending) AS routing,
                   (SELECT count(*) FROM attempts a JOIN deals d ON d.id = a.deal_id
                    WHERE a.state = 'PENDING' AND a.due_at <= $1
                      AND NOT EXISTS (SELECT 1 FROM routing_pending rp WHERE rp.deal_id = d.id)) AS due""",
            ts(clock.instant())).get(0);
        if (left.getLong("routing") == 0 && left.getLong("due") == 0) {
          return;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("not settled after 20 s: " + left.toJson());
        }
        if (left.getLong("routing") > 0) {
          t.app.routing().routePending().await(20, TimeUnit.SECONDS); // routing runs after each commit; this is its run
        } else {
          pause(5);
        }
      }
    } catch (IllegalStateException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("settling failed: " + e, e);
    }
  }

  public void pause(long millis) {
    try {
      t.app.vertx().timer(millis, TimeUnit.MILLISECONDS).await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Polls with a short timer, {@code seconds} at most. */
  public void eventually(String what, int seconds, BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out after " + seconds + " s waiting for: " + what);
      }
      pause(10);
    }
  }

  public static java.time.OffsetDateTime ts(Instant i) {
    return i == null ? null : i.atOffset(java.time.ZoneOffset.UTC);
  }

  static String abbreviate(String s, int max) {
    if (s == null) {
      return "";
    }
    return s.length() <= max ? s : s.substring(0, max) + "...";
  }

  @Override
  public void close() {
    try {
      t.close();
    } finally {
      pbx.close();
    }
  }
}
