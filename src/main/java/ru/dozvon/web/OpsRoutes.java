package ru.dozvon.web;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import ru.dozvon.metrics.Meters;

/** {@code GET /health} (readiness: database and AMI) and {@code GET /metrics} (Prometheus). */
final class OpsRoutes {

  private final Pool pool;
  private final Meters meters;
  private final Supplier<String> amiState;

  OpsRoutes(Pool pool, Meters meters, Supplier<String> amiState) {
    this.pool = pool;
    this.meters = meters;
    this.amiState = amiState;
  }

  void mount(Router router) {
    router.get("/health").handler(ctx -> databaseUp().onComplete(db -> {
      boolean up = db.succeeded();
      JsonObject body = new JsonObject()
          .put("status", up ? "UP" : "DOWN")
          .put("db", up ? "UP" : "DOWN")
          .put("ami", amiState.get());
      Api.send(ctx, up ? 200 : 503, body);
    }));
    router.get("/metrics").handler(ctx -> ctx.response()
        .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
        .end(meters.scrape()));
  }

  private Future<Void> databaseUp() {
    return pool.query("SELECT 1").execute().<Void>mapEmpty().timeout(2, TimeUnit.SECONDS);
  }
}
