package ru.dozvon.live;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Objects;
import ru.dozvon.web.Api;
import ru.dozvon.web.Principal;
import ru.dozvon.web.Role;
import ru.dozvon.web.RouteGroup;

/**
 * {@code GET /api/live}: the supervisor snapshot of the floor ({@link PgLiveSnapshot}).
 * {@code GET /api/live/stream}: the live feed as Server-Sent Events; staff also get an
 * {@code event: snapshot} at once and every 5 s. Each event is
 * {@code event: <type>} with one JSON line of data; a comment line every 15 s keeps proxies from
 * closing an idle stream. Operators get only the events of their own deals; {@code call.ringing} (the screen pop)
 * goes to the operator whose phone rings and nobody else.
 */
public final class LiveRoutes implements RouteGroup {

  private static final long HEARTBEAT_MS = 15_000;

  private static final long SNAPSHOT_MS = 5_000;

  private final LiveFeed feed;
  private final PgLiveSnapshot snapshots;

  public LiveRoutes(LiveFeed feed, PgLiveSnapshot snapshots) {
    this.feed = feed;
    this.snapshots = snapshots;
  }

  @Override
  public void mount(Router api) {
    api.get("/live").handler(this::snapshot);
    api.get("/live/stream").handler(this::stream);
  }

  private void snapshot(RoutingContext ctx) {
    Api.principal(ctx).require(Role.ADMIN, Role.SUPERVISOR);
    Api.reply(ctx, 200, snapshots.snapshot());
  }

  private void sendSnapshot(HttpServerResponse res) {
    snapshots.shared().onSuccess(s -> {
      if (!res.closed()) {
        res.write("event: snapshot\ndata: " + s.encode() + "\n\n");
      }
    });
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
      // The screen pop is the ringing operator's alone (it carries the caller's notes); the rest staff see too.
      boolean personal = PgScreenPop.RINGING.equals(e.type());
      if (p.isStaff() && !personal || Objects.equals(e.managerId(), p.managerId())) {
        res.write("event: " + e.type() + "\ndata: " + e.toJson().encode() + "\n\n");
      }
    });
    long timer = ctx.vertx().setPeriodic(HEARTBEAT_MS, id -> res.write(": keep-alive\n\n"));
    // Staff also get the whole floor: at once, then every few seconds.
    long snapshotTimer = -1;
    if (p.isStaff()) {
      sendSnapshot(res);
      snapshotTimer = ctx.vertx().setPeriodic(SNAPSHOT_MS, id -> sendSnapshot(res));
    }
    long snapshotTimerId = snapshotTimer;
    res.closeHandler(v -> {
      consumer.unregister();
      ctx.vertx().cancelTimer(timer);
      ctx.vertx().cancelTimer(snapshotTimerId);
    });
  }
}
