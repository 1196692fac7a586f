package ru.dozvon.web;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ru.dozvon.metrics.Meters;

/**
 * {@code GET /health} (readiness: database and AMI; DEGRADED while calls the database refused wait for someone
 * to look at them) and {@code GET /metrics} (Prometheus).
 */
final class OpsRoutes {

  private static final Logger LOG = LoggerFactory.getLogger(OpsRoutes.class);

  private final Pool pool;
  private final Meters meters;
  private final Supplier<String> amiState;
  private final Supplier<Future<Integer>> unrecordableCalls;

  OpsRoutes(Pool pool, Meters meters, Supplier<String> amiState, Supplier<Future<Integer>> unrecordableCalls) {
    this.pool = pool;
    this.meters = meters;
    this.amiState = amiState;
    this.unrecordableCalls = unrecordableCalls;
  }

  private Supplier<String> journalState = () -> null;

  /** The ended-calls journal's state, shown by /health; {@code FULL} makes it DEGRADED. */
  OpsRoutes journal(Supplier<String> state) {
    this.journalState = state;
    return this;
  }

  void mount(Router router) {
    router.get("/health").handler(ctx -> databaseUp().compose(x -> unrecordable()).onComplete(db -> {
      boolean up = db.succeeded();
      Integer unrecordable = up ? db.result() : null;
      String journal = journalState.get();
      boolean degraded = unrecordable != null && unrecordable > 0 || "FULL".equals(journal);
      JsonObject body = new JsonObject()
          .put("status", !up ? "DOWN" : degraded ? "DEGRADED" : "UP")
          .put("db", up ? "UP" : "DOWN")
          .put("ami", amiState.get());
      if (unrecordable != null) {
        body.put("unrecordableCalls", unrecordable);
      }
      if (journal != null) {
        body.put("journal", journal);
      }
      // DEGRADED still serves: the calls are kept, only someone should look at them.
      Api.send(ctx, up ? 200 : 503, body);
    }));
    router.get("/metrics").handler(ctx -> ctx.response()
        .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
        .end(meters.scrape()));
  }

  private Future<Void> databaseUp() {
    return pool.query("SELECT 1").execute().<Void>mapEmpty().timeout(2, TimeUnit.SECONDS);
  }

  /** The count, or null if it cannot be had although the database answers (then the answer says nothing of it). */
  private Future<Integer> unrecordable() {
    return unrecordableCalls.get().timeout(2, TimeUnit.SECONDS).otherwise(e -> {
      LOG.warn("/health: unrecordable calls not counted: {}", e.getMessage());
      return null;
    });
  }
}
