package ru.dozvon.web;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends what lives as long as a browser session (the live stream) when that session ends. A watcher is told once, on
 * its own context, when its session is no longer live. The sessions watched are checked against the database:
 * at once when a session ends anywhere (PostgreSQL {@code NOTIFY} on {@value SessionStore#ENDED_CHANNEL}, sent in the
 * transaction that deleted it, so every instance hears it at commit; and directly on a logout here), and every
 * {@code every} in any case (expiry by time, and what a lost LISTEN connection missed). The check only reads: a stream
 * held open does not keep its session from going idle.
 *
 * <p>A stream opened with a bearer token is watched the same way, by the token: it ends when the token is revoked,
 * its manager deactivated, or the role it carries is no longer the one the stream was opened with (the stream shows
 * what that role may see), at the same checks.
 */
public final class SessionWatch extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(SessionWatch.class);

  /** The longest wait before the LISTEN connection is tried again. */
  public static final Duration RECONNECT = Duration.ofSeconds(2);

  /** @param as for a token: the caller it stood for when the stream opened; null for a session */
  private record Watcher(long id, String key, byte[] hash, Principal as, Context context, Runnable onEnd) {
  }

  private final SessionStore sessions;
  private final TokenStore tokens;
  private final PgConnectOptions listen;
  private final Duration every;
  private final Map<Long, Watcher> watchers = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();
  private final AtomicBoolean checking = new AtomicBoolean();
  private final AtomicBoolean again = new AtomicBoolean();
  private volatile PgSubscriber subscriber;
  private long timer = -1;
  private volatile boolean stopping;

  /**
   * @param listen where to LISTEN for ended sessions; null: by the periodic check (and local logouts) only
   */
  public SessionWatch(SessionStore sessions, PgConnectOptions listen, Duration every) {
    this(sessions, null, listen, every);
  }

  /**
   * @param tokens where the tokens of bearer streams are checked; null: such streams are not watched
   * @param listen where to LISTEN for ended sessions; null: by the periodic check (and local logouts) only
   */
  public SessionWatch(SessionStore sessions, TokenStore tokens, PgConnectOptions listen, Duration every) {
    this.sessions = sessions;
    this.tokens = tokens;
    this.listen = listen;
    this.every = every;
    sessions.onEnded(this::checkSoon);
  }

  @Override
  public Future<?> start() {
    timer = vertx.setPeriodic(every.toMillis(), id -> checkSoon());
    if (listen != null) {
      // Starting does not wait for the database: the periodic check covers until LISTEN works.
      connect();
    }
    return Future.succeededFuture();
  }

  /**
   * LISTENs on a connection of its own. Once connected, a lost connection is reconnected by the subscriber (never
   * giving up, every {@link #RECONNECT} at most); a first connection that fails is tried again as often.
   */
  private void connect() {
    PgSubscriber s = PgSubscriber.subscriber(vertx, listen).reconnectPolicy(retries -> reconnectMs());
    s.channel(SessionStore.ENDED_CHANNEL)
        .subscribeHandler(v -> checkSoon()) // also after a reconnect: what was missed meanwhile
        .handler(payload -> checkSoon());
    subscriber = s;
    s.connect().onFailure(e -> {
      if (subscriber == s) {
        subscriber = null;
      }
      s.close();
      if (!stopping) {
        LOG.warn("Listening for ended sessions failed ({}); trying again in {} ms", e.getMessage(), reconnectMs());
        vertx.setTimer(reconnectMs(), id -> {
          if (!stopping && subscriber == null) {
            connect();
          }
        });
      }
    });
  }

  private long reconnectMs() {
    return Math.min(every.toMillis(), RECONNECT.toMillis());
  }

  /** Whether the LISTEN connection is up now (else ended sessions are found by the periodic check only). */
  public boolean listening() {
    PgSubscriber s = subscriber;
    return s != null && s.actualConnection() != null;
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(timer);
    PgSubscriber s = subscriber;
    return s == null ? Future.succeededFuture() : s.close();
  }

  /**
   * Calls {@code onEnd} once, on the caller's context, when this session ends; the returned handle stops watching
   * (call it when the stream closes by itself).
   */
  public Runnable watch(Session session, Runnable onEnd) {
    long id = ids.incrementAndGet();
    Context context = Vertx.currentContext();
    watchers.put(id, new Watcher(id, HexFormat.of().formatHex(session.idHash()), session.idHash(), null, context,
        onEnd));
    return () -> watchers.remove(id);
  }

  /**
   * Calls {@code onEnd} once, on the caller's context, when this bearer token is no longer live, or stands for
   * another caller than {@code as} (its role changed); the returned handle stops watching. Without a token store,
   * watches nothing.
   */
  public Runnable watchToken(byte[] tokenHash, Principal as, Runnable onEnd) {
    if (tokens == null) {
      return () -> { };
    }
    long id = ids.incrementAndGet();
    Context context = Vertx.currentContext();
    watchers.put(id, new Watcher(id, HexFormat.of().formatHex(tokenHash), tokenHash, as, context, onEnd));
    return () -> watchers.remove(id);
  }

  /** How many are watched now. */
  public int watching() {
    return watchers.size();
  }

  /** How many watch this session (by the SHA-256 of its cookie). */
  public int watching(byte[] idHash) {
    String key = HexFormat.of().formatHex(idHash);
    return (int) watchers.values().stream().filter(w -> w.as() == null && w.key().equals(key)).count();
  }

  /** How many streams watch this bearer token (by its SHA-256). */
  public int watchingToken(byte[] tokenHash) {
    String key = HexFormat.of().formatHex(tokenHash);
    return (int) watchers.values().stream().filter(w -> w.as() != null && w.key().equals(key)).count();
  }

  /** Checks the watched sessions now (or right after the check running now) and ends the watchers of ended ones. */
  public void checkSoon() {
    if (watchers.isEmpty()) {
      return;
    }
    if (!checking.compareAndSet(false, true)) {
      again.set(true);
      return;
    }
    again.set(false);
    check().onComplete(ar -> {
      if (ar.failed() && !stopping) {
        LOG.warn("Checking the sessions of open streams failed: {}", ar.cause().getMessage());
      }
      checking.set(false);
      if (again.get()) {
        checkSoon();
      }
    });
  }

  /** One check of the sessions watched now: how many watchers were told their session ended. */
  public Future<Integer> check() {
    List<Watcher> now = List.copyOf(watchers.values());
    if (now.isEmpty()) {
      return Future.succeededFuture(0);
    }
    List<Watcher> bySession = now.stream().filter(w -> w.as() == null).toList();
    List<Watcher> byToken = now.stream().filter(w -> w.as() != null).toList();
    Future<java.util.Set<String>> liveSessions = bySession.isEmpty() ? Future.succeededFuture(java.util.Set.of())
        : sessions.live(bySession.stream().map(Watcher::hash).toList());
    Future<Map<String, Principal>> liveTokens = byToken.isEmpty() ? Future.succeededFuture(Map.of())
        : tokens.live(byToken.stream().map(Watcher::hash).toList());
    return Future.all(liveSessions, liveTokens).map(x -> {
      int ended = 0;
      for (Watcher w : bySession) {
        ended += liveSessions.result().contains(w.key()) ? 0 : end(w);
      }
      for (Watcher w : byToken) {
        ended += w.as().equals(liveTokens.result().get(w.key())) ? 0 : end(w);
      }
      return ended;
    });
  }

  private int end(Watcher w) {
    if (!watchers.remove(w.id(), w)) {
      return 0;
    }
    if (w.context() == null) {
      w.onEnd().run();
    } else {
      w.context().runOnContext(v -> w.onEnd().run());
    }
    return 1;
  }
}
