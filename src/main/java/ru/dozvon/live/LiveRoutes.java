package ru.dozvon.live;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Objects;
import ru.dozvon.web.Api;
import ru.dozvon.web.Principal;
import ru.dozvon.web.Role;
import ru.dozvon.web.RouteGroup;
import ru.dozvon.web.Session;
import ru.dozvon.web.SessionWatch;

/**
 * {@code GET /api/live}: the supervisor snapshot of the floor ({@link PgLiveSnapshot}).
 * {@code GET /api/live/stream}: the live feed as Server-Sent Events; staff also get an
 * {@code event: snapshot} at once and every 5 s. Each event is
 * {@code event: <type>} with one JSON line of data; a comment line every 15 s keeps proxies from
 * closing an idle stream. Operators get only the events of their own deals; {@code call.ringing} (the screen pop)
 * goes to the operator whose phone rings and nobody else.
 *
 * <p>Every feed event carries {@code id: <runId>-<seq>}; the stream opens with {@code retry: 2000} and an
 * {@code event: ready} whose id is where it starts. A reconnect with {@code Last-Event-ID} (or {@code ?lastEventId=})
 * first gets the events it missed that this caller may see, from the replay buffer ({@link LiveFeed#since}); an id
 * of another run (before a restart) or too old gets {@code event: reset}: the page must reload its data.
 *
 * <p>A stream opened with a session cookie lasts no longer than the session ({@link SessionWatch}): when the session
 * ends (logout, password change, deactivation at once; expiry within {@code auth.sessionCheck}, 5 s) the stream gets
 * {@code event: session.ended} and the server ends it; reconnecting then gets 401.
 */
public final class LiveRoutes implements RouteGroup {

  private static final long HEARTBEAT_MS = 15_000;

  private static final long SNAPSHOT_MS = 5_000;

  /** How long a browser waits before it reconnects ({@code retry:}). */
  private static final long RETRY_MS = 2_000;

  private final LiveFeed feed;
  private final SessionWatch sessions;
  private final PgLiveSnapshot snapshots;

  /**
   * @param sessions what ends the streams of ended sessions; null: streams live until the client goes
   */
  public LiveRoutes(LiveFeed feed, SessionWatch sessions, PgLiveSnapshot snapshots) {
    this.feed = feed;
    this.sessions = sessions;
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
      if (open(res)) {
        res.write("event: snapshot\ndata: " + s.encode() + "\n\n");
      }
    });
  }

  /** Whether this caller may see this event. */
  static boolean visible(Principal p, FeedEvent e) {
    // The screen pop is the ringing operator's alone (it carries the caller's notes); the rest staff see too.
    boolean personal = PgScreenPop.RINGING.equals(e.type());
    return p.isStaff() && !personal || Objects.equals(e.managerId(), p.managerId());
  }

  private static final String LAST_EVENT_ID = "Last-Event-ID";

  private void stream(RoutingContext ctx) {
    Principal p = Api.principal(ctx);
    String lastId = ctx.request().getHeader(LAST_EVENT_ID);
    if (lastId == null || lastId.isBlank()) {
      lastId = ctx.queryParams().get("lastEventId");
    }
    if (lastId != null && (lastId.isBlank() || lastId.length() > 100)) {
      lastId = lastId.isBlank() ? null : "invalid";
    }
    HttpServerResponse res = ctx.response()
        .setChunked(true)
        .putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("Cache-Control", "no-cache")
        .putHeader("X-Accel-Buffering", "no");
    // Watched from before the first byte (a client that has read the stream's start may end the session at once);
    // told on this context, so never in the middle of this handler.
    Runnable[] finish = {() -> { }};
    java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
    Runnable finishOnce = () -> {
      if (done.compareAndSet(false, true)) {
        finish[0].run();
      }
    };
    Session session = Api.session(ctx).orElse(null);
    byte[] token = Api.tokenHash(ctx).orElse(null);
    Runnable unwatch;
    if (sessions == null) {
      unwatch = () -> { };
    } else if (session != null) {
      unwatch = sessions.watch(session, () -> endWith(res, finishOnce, "session.ended", "session_ended",
          "the session has ended or expired; sign in again at /login"));
    } else if (token != null) {
      unwatch = sessions.watchToken(token, p, () -> endWith(res, finishOnce, "token.ended", "token_revoked",
          "the token was revoked, its manager deactivated, or its role changed; connect again with a live token"));
    } else {
      unwatch = () -> { };
    }
    // What this stream has dealt with (written, or not for this caller), by number: nothing is written twice, and a
    // number skipped (an event published while the stream was being set up) is fetched from the replay buffer.
    long[] handled = new long[1];
    // Subscribed before the position is read: an event published from another thread between the two would
    // otherwise wait for the next event to be fetched as a gap (for ever on a quiet feed). The consumer runs on this
    // context, so after this handler, by which time the position is set.
    var consumer = feed.subscribeNumbered(n -> {
      if (n.seq() <= handled[0]) {
        return;
      }
      if (n.seq() == handled[0] + 1) {
        handled[0] = write(res, p, n);
        return;
      }
      for (LiveFeed.Numbered missed : feed.after(handled[0])) {
        handled[0] = write(res, p, missed);
      }
      if (handled[0] < n.seq()) {
        handled[0] = write(res, p, n); // no buffer to fill the gap from (stream.replay_events: 0)
      }
    });
    res.write(": dozvon live feed\nretry: " + RETRY_MS + "\n\n");
    if (lastId == null) {
      handled[0] = feed.position();
    } else {
      LiveFeed.Replay replay = feed.since(lastId);
      if (replay.reset()) {
        handled[0] = feed.position();
        res.write("event: reset\ndata: " + new JsonObject().put("reason",
            "the events since " + lastId.replaceAll("[^A-Za-z0-9_-]", "?") + " are no longer known; reload")
            .encode() + "\n\n");
      } else {
        handled[0] = feed.sequenceOf(lastId);
        replay.events().forEach(n -> handled[0] = write(res, p, n));
      }
    }
    // The position from which a reconnect resumes, before any event of this stream (EventSource sends it back).
    res.write("id: " + feed.idOf(handled[0]) + "\nevent: ready\ndata: " + new JsonObject()
        .put("lastEventId", feed.idOf(handled[0])).encode() + "\n\n");
    long timer = ctx.vertx().setPeriodic(HEARTBEAT_MS, id -> {
      if (open(res)) {
        res.write(": keep-alive\n\n");
      }
    });
    // Staff also get the whole floor: at once, then every few seconds.
    long snapshotTimer = -1;
    if (p.isStaff()) {
      sendSnapshot(res);
      snapshotTimer = ctx.vertx().setPeriodic(SNAPSHOT_MS, id -> sendSnapshot(res));
    }
    long snapshotTimerId = snapshotTimer;
    finish[0] = () -> {
      consumer.unregister();
      ctx.vertx().cancelTimer(timer);
      ctx.vertx().cancelTimer(snapshotTimerId);
      unwatch.run();
    };
    res.closeHandler(v -> finishOnce.run());
  }

  /** Ends the stream with a last event saying why (no id: a reconnect resumes from the last real event). */
  private static void endWith(HttpServerResponse res, Runnable finish, String event, String reason, String detail) {
    finish.run();
    if (open(res)) {
      res.end("event: " + event + "\ndata: " + new JsonObject().put("reason", reason).put("detail", detail).encode()
          + "\n\n");
    }
  }

  private static boolean open(HttpServerResponse res) {
    return !res.closed() && !res.ended();
  }

  /** Writes the event if the caller may see it, with its id; its number. */
  private static long write(HttpServerResponse res, Principal p, LiveFeed.Numbered n) {
    if (visible(p, n.event()) && open(res)) {
      res.write(n.frame());
    }
    return n.seq();
  }
}
