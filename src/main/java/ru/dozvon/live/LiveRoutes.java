package ru.dozvon.live;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Objects;
import ru.dozvon.web.Api;
import ru.dozvon.web.Principal;
import ru.dozvon.web.RouteGroup;

/**
 * {@code GET /api/live/stream}: the live feed as Server-Sent Events. Each event is
 * {@code event: <type>} with one JSON line of data; a comment line every 15 s keeps proxies from
 * closing an idle stream. Operators get only the events of their own deals.
 */
public final class LiveRoutes implements RouteGroup {

  private static final long HEARTBEAT_MS = 15_000;

  private final LiveFeed feed;

  public LiveRoutes(LiveFeed feed) {
    this.feed = feed;
  }

  @Override
  public void mount(Router api) {
    api.get("/live/stream").handler(this::stream);
  }

  private void stream(RoutingContext ctx) {
    Principal p = Api.principal(ctx);
    HttpServerResponse res = ctx.response()
        .setChunked(true)
        .putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("Cache-Control", "no-cache")
        .putHeader("X-Accel-Buffering", "no");
    res.write(": dozvon live feed\n\n");
    var consumer = feed.subscribe(e -> {
      if (p.isStaff() || Objects.equals(e.managerId(), p.managerId())) {
        res.write("event: " + e.type() + "\ndata: " + e.toJson().encode() + "\n\n");
      }
    });
    long timer = ctx.vertx().setPeriodic(HEARTBEAT_MS, id -> res.write(": keep-alive\n\n"));
    res.closeHandler(v -> {
      consumer.unregister();
      ctx.vertx().cancelTimer(timer);
    });
  }
}
