package ru.dozvon.support;

import ru.dozvon.store.DbUrl;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import ru.dozvon.App;
import ru.dozvon.config.AppConfig;
import ru.dozvon.config.ConfigLoader;
import ru.dozvon.deals.PgCallRecorder;
import ru.dozvon.store.Database;

/**
 * The real service on a fresh database and a free port, with a real HTTP client. Settings come
 * through the real loader, from environment-style variables.
 */
public final class TestApp implements AutoCloseable {

  public static final String ADMIN_TOKEN = "test-admin-token-0123456789";
  /** The built-in admin's password (login {@code admin}) in tests: see {@link People}. */
  public static final String ADMIN_PASSWORD = "test-admin-password-1";

  public final App app;
  public final AppConfig config;
  public final DbUrl db;
  public final WebClient http;

  private TestApp(App app, AppConfig config, DbUrl db) {
    this.app = app;
    this.config = config;
    this.db = db;
    this.http = WebClient.create(app.vertx(), new WebClientOptions().setDefaultHost("localhost")
        .setDefaultPort(app.httpPort()));
  }

  public static TestApp start() {
    return start(Map.of());
  }

  /** Starts with extra variables on top of a fresh database, port 0 and a known admin token. */
  public static TestApp start(Map<String, String> extraEnv) {
    return start(extraEnv, java.time.Clock.systemUTC());
  }

  /** The same, with a clock the test moves (time-based rules are never tested by sleeping). */
  public static TestApp start(Map<String, String> extraEnv, java.time.Clock clock) {
    return startOn(TestDatabase.fresh(), extraEnv, clock);
  }

  /** Another instance on an existing database (a restart, or a second instance beside the first). */
  public static TestApp startOn(DbUrl db, Map<String, String> extraEnv, java.time.Clock clock) {
    Map<String, String> env = new HashMap<>();
    env.put("DOZVON_DB_URL", TestDatabase.envUrl(db));
    env.put("DOZVON_HTTP_PORT", "0");
    env.put("DOZVON_ADMIN_TOKEN", ADMIN_TOKEN);
    env.put("DOZVON_ADMIN_PASSWORD", ADMIN_PASSWORD);
    env.put("DOZVON_DATA_DIR", freshDataDir().toString()); // the unrecorded-calls file, never the project's ./data
    env.putAll(extraEnv);
    AppConfig cfg = ConfigLoader.load(env, Path.of(""));
    try {
      App app = App.start(cfg, Database.external(db), clock).await(60, TimeUnit.SECONDS);
      return new TestApp(app, cfg, db);
    } catch (Exception e) {
      throw new IllegalStateException("app did not start", e);
    }
  }

  /** Stops this app and starts a new one on the same database and settings: a restart. */
  public TestApp restart(java.time.Clock clock) {
    close();
    try {
      App again = App.start(config, Database.external(db), clock).await(60, TimeUnit.SECONDS);
      return new TestApp(again, config, db);
    } catch (Exception e) {
      throw new IllegalStateException("app did not restart", e);
    }
  }

  public HttpRequest<Buffer> get(String path, String token) {
    return auth(http.get(path), token);
  }

  public HttpRequest<Buffer> post(String path, String token) {
    return auth(http.post(path), token);
  }

  public HttpRequest<Buffer> patch(String path, String token) {
    return auth(http.patch(path), token);
  }

  private static HttpRequest<Buffer> auth(HttpRequest<Buffer> r, String token) {
    return token == null ? r : r.bearerTokenAuthentication(token);
  }

  /** Sends and waits (from the test thread, never an event loop). */
  public static HttpResponse<Buffer> await(Future<HttpResponse<Buffer>> f) {
    try {
      return f.await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Creates a manager as admin and returns the answer (with its token). */
  public JsonObject createManager(String name, String extension, int max) {
    var r = await(post("/api/managers", ADMIN_TOKEN).sendJsonObject(new JsonObject()
        .put("name", name).put("extension", extension).put("maxActiveDeals", max)));
    if (r.statusCode() != 201) {
      throw new IllegalStateException("create manager: " + r.statusCode() + " " + r.bodyAsString());
    }
    return r.bodyAsJsonObject();
  }

  /**
   * Routes the deals from the PBX still waiting for their first decision, as routing does by itself right
   * after each call's commit, and completes once none is left (a row another transaction held is retried).
   */
  public Future<Void> settleRouting() {
    return app.routing().routePending()
        .compose(n -> app.pool().query("SELECT count(*) FROM routing_pending").execute())
        .compose(rows -> rows.iterator().next().getLong(0) == 0 ? Future.<Void>succeededFuture()
            : app.vertx().timer(10).compose(x -> settleRouting()));
  }

  /** The call as recorded, with the owner routing gave its deal once settled. */
  public Future<PgCallRecorder.Recorded> routed(PgCallRecorder.Recorded r) {
    if (r.dealId() == null) {
      return Future.succeededFuture(r);
    }
    return settleRouting()
        .compose(x -> app.pool().preparedQuery("SELECT manager_id FROM deals WHERE id = $1").execute(Tuple.of(r.dealId())))
        .map(rows -> new PgCallRecorder.Recorded(r.callId(), r.dealId(), rows.iterator().next().getLong(0), r.effect()));
  }

  @Override
  public void close() {
    try {
      app.stop().await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static Path freshDataDir() {
    try {
      return java.nio.file.Files.createTempDirectory("dozvon-test-data");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  public static Path workDir() {
    return Path.of("");
  }
}
