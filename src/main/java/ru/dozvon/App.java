package ru.dozvon;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ru.dozvon.config.AppConfig;
import ru.dozvon.deals.DealListeners;
import ru.dozvon.deals.DealRoutes;
import ru.dozvon.deals.PgCallRecorder;
import ru.dozvon.deals.PgDealQueries;
import ru.dozvon.deals.CallIntake;
import ru.dozvon.dialing.Dialing;
import ru.dozvon.dialing.DueAttemptHandler;
import ru.dozvon.live.LiveFeed;
import ru.dozvon.live.LiveRoutes;
import ru.dozvon.live.Meters;
import ru.dozvon.managers.ManagerRoutes;
import ru.dozvon.managers.PgManagerRepository;
import ru.dozvon.store.Database;
import ru.dozvon.web.HttpVerticle;
import ru.dozvon.web.TokenStore;

/**
 * The composition root: makes Vert.x with metrics, the pool, the features, and deploys the
 * verticles in order. Tests start it the same way as {@link Main} does.
 */
public final class App {

  private static final Logger LOG = LoggerFactory.getLogger(App.class);

  private final Vertx vertx;
  private final Pool pool;
  private final Meters meters;
  private HttpVerticle http;
  private PgCallRecorder callRecorder;
  private CallIntake callIntake;
  private LiveFeed feed;
  private DealListeners dealListeners;

  private final Clock clock;

  private App(Vertx vertx, Pool pool, Meters meters, Clock clock) {
    this.vertx = vertx;
    this.pool = pool;
    this.meters = meters;
    this.clock = clock;
  }

  /** Starts everything on a migrated database; fails if any part fails to start. */
  public static Future<App> start(AppConfig cfg, Database db) {
    return start(cfg, db, Clock.systemUTC());
  }

  /** Starts with a given clock: tests move time instead of sleeping. */
  public static Future<App> start(AppConfig cfg, Database db, Clock clock) {
    Meters meters = new Meters();
    Vertx vertx = Vertx.builder()
        .with(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)))
        .withMetrics(new MicrometerMetricsFactory(meters.registry()))
        .build();
    Pool pool = db.pool(vertx, cfg.database().poolSize());
    App app = new App(vertx, pool, meters, clock);
    return app.deploy(cfg).map(app).recover(err -> app.stop().transform(x -> Future.failedFuture(err)));
  }

  private Future<Void> deploy(AppConfig cfg) {
    var managers = new PgManagerRepository(pool);
    feed = new LiveFeed(vertx);
    // Dialing closes exhausted deals and tells every listener (itself included), read lazily.
    var dialing = new Dialing(cfg.retry(), cfg.funnel(), pool, clock, meters, feed, () -> dealListeners);
    // Follow-ups that commit with the deal change that caused them, in this order.
    dealListeners = new DealListeners(List.of(dialing.listener()));
    callRecorder = new PgCallRecorder(pool, dealListeners);
    callIntake = new CallIntake(callRecorder, feed, meters, clock);
    return new TokenStore(pool).ensureAdmin(cfg.auth().adminToken())
        .onSuccess(App::showGeneratedToken)
        .compose(x -> {
          http = new HttpVerticle(cfg.http().port(), cfg.http().maxBodyBytes(), pool, meters,
              () -> cfg.ami().enabled() ? "CONNECTING" : "DISABLED",
              List.of(new ManagerRoutes(managers), new DealRoutes(new PgDealQueries(pool)),
                  new LiveRoutes(feed), dialing.routes()));
          return vertx.deployVerticle(http);
        })
        .compose(x -> vertx.deployVerticle(dialing.scheduler(DueAttemptHandler.NONE)))
        .mapEmpty();
  }

  private static void showGeneratedToken(Optional<String> generated) {
    // Deliberately not through the logger: the one time a secret is shown, on the console only.
    generated.ifPresent(token -> System.err.printf(
        "%n  Admin token (shown once, store it now; set DOZVON_ADMIN_TOKEN to choose your own):%n  %s%n%n", token));
    if (generated.isEmpty()) {
      LOG.info("Admin token in place (generated at the first start or given by DOZVON_ADMIN_TOKEN)");
    }
  }

  public int httpPort() {
    return http.actualPort();
  }

  public Vertx vertx() {
    return vertx;
  }

  public Pool pool() {
    return pool;
  }

  /** Where ended calls go: stored once, and missed ones become deals. */
  public PgCallRecorder callRecorder() {
    return callRecorder;
  }

  /** Ended calls enter here: recorded, counted, and told to the live feed. */
  public CallIntake callIntake() {
    return callIntake;
  }

  public LiveFeed feed() {
    return feed;
  }

  public Clock clock() {
    return clock;
  }

  public Meters meters() {
    return meters;
  }

  /** Stops taking requests, lets those in flight finish, closes the pool and Vert.x. */
  public Future<Void> stop() {
    return vertx.close();
  }
}
