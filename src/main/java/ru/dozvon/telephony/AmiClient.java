package ru.dozvon.telephony;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.asteriskjava.manager.AuthenticationFailedException;
import org.asteriskjava.manager.ManagerEventListener;
import org.asteriskjava.manager.SendActionCallback;
import org.asteriskjava.manager.TimeoutException;
import org.asteriskjava.manager.action.CoreShowChannelsAction;
import org.asteriskjava.manager.action.ManagerAction;
import org.asteriskjava.manager.action.OriginateAction;
import org.asteriskjava.manager.action.PingAction;
import org.asteriskjava.manager.action.QueueStatusAction;
import org.asteriskjava.manager.event.ConnectEvent;
import org.asteriskjava.manager.event.CoreShowChannelsCompleteEvent;
import org.asteriskjava.manager.event.HangupEvent;
import org.asteriskjava.manager.event.ManagerEvent;
import org.asteriskjava.manager.event.OriginateResponseEvent;
import org.asteriskjava.manager.event.QueueStatusCompleteEvent;
import org.asteriskjava.manager.response.ManagerError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The AMI link to the PBX: the only owner of an Asterisk-Java {@code ManagerConnection}, bridged
 * onto Vert.x.
 *
 * <p>Events: Asterisk-Java's event thread calls the mapper for each {@link ManagerEvent}; non-null
 * results are queued and handed to the {@link AmiListener} in batches, on the Vert.x context that
 * started the client, in arrival order. Nothing else runs on Asterisk-Java's threads.
 *
 * <p>Connection: each (re)connect uses a fresh connection object. Asterisk-Java's own reconnect
 * thread is kept from starting (it retries at fixed 50 ms / 5 s, and only after a first successful
 * login); instead we retry with exponential backoff for ever, wrong credentials included. Our own
 * Ping with a timeout notices a half-open socket (Asterisk-Java's keep-alive never times out). After
 * every login: {@link AmiListener#onConnected()}, then CoreShowChannels and QueueStatus are sent
 * (their events go through the mapper like any other), then {@link AmiListener#onResyncComplete()}.
 * Login and every action are sent on a worker, never on the event loop.
 *
 * @param <E> what the mapper makes of a ManagerEvent
 */
public final class AmiClient<E> {

  private static final Logger log = LoggerFactory.getLogger(AmiClient.class);
  private static final Object RESYNC_PART = new Object();

  private final Vertx vertx;
  private final AmiSettings settings;
  private final Function<ManagerEvent, ? extends E> mapper;
  private final AmiListener<E> listener;
  private final AmiMetrics metrics;
  private final Backoff backoff;
  private final Map<String, Promise<OriginateResult>> originates = new ConcurrentHashMap<>();
  private final AtomicLong actionSeq = new AtomicLong();
  private final List<Class<? extends ManagerEvent>> ignored;
  private volatile BoundedAmiSocket.Limits inputLimits = BoundedAmiSocket.Limits.defaults();
  private BoundedAmiSocket.Counts inputCounts;

  private volatile AmiState state = AmiState.DISABLED;
  private volatile String lastError;

  // confined to the context
  private Context context;
  private WorkerExecutor io;
  private AutoCloseable dropWatch;
  private boolean running;
  private Session current;
  private long sessionSeq;
  private int failures;
  private long retryTimer = -1;
  private boolean everConnected;
  private String loggedError;

  public AmiClient(Vertx vertx, AmiSettings settings, Function<ManagerEvent, ? extends E> mapper,
           AmiListener<E> listener, MeterRegistry registry) {
    this(vertx, settings, mapper, listener, registry, List.of());
  }

  /**
   * @param ignored event types the mapper never reads: Asterisk-Java builds and dispatches none of them (the
   *     telephony feature passes {@link OwnedConnection#NEVER_READ}); they are not counted either
   */
  public AmiClient(Vertx vertx, AmiSettings settings, Function<ManagerEvent, ? extends E> mapper,
           AmiListener<E> listener, MeterRegistry registry,
           java.util.Collection<Class<? extends ManagerEvent>> ignored) {
    this.ignored = List.copyOf(ignored);
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.mapper = Objects.requireNonNull(mapper, "mapper");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.metrics = new AmiMetrics(Objects.requireNonNull(registry, "registry"));
    this.backoff = new Backoff(settings.reconnectMin(), settings.reconnectMax());
  }

  /** Bounds on what is read from the PBX's socket (docs/AMI_LINK.md, "Bad input"); before {@link #start()}. */
  public AmiClient<E> inputLimits(int maxLineBytes, int maxEventBytes, int maxEventTypes) {
    this.inputLimits = new BoundedAmiSocket.Limits(maxLineBytes, maxEventBytes, maxEventTypes);
    return this;
  }

  /** Without meters (a registry that records nothing). */
  public AmiClient(Vertx vertx, AmiSettings settings, Function<ManagerEvent, ? extends E> mapper, AmiListener<E> listener) {
    this(vertx, settings, mapper, listener, new CompositeMeterRegistry());
  }

  /**
   * Starts connecting in the background and completes at once: the PBX may be down, and the client
   * keeps trying. Listener calls happen on the context current at this call.
   */
  public Future<Void> start() {
    if (context != null) {
      return Future.failedFuture(new IllegalStateException("AMI client already started"));
    }
    context = vertx.getOrCreateContext();
    io = vertx.createSharedWorkerExecutor("dozvon-ami-io", 4, 2 * settings.connectTimeout().toMillis() + 60_000,
        TimeUnit.MILLISECONDS);
    Promise<Void> started = Promise.promise();
    context.runOnContext(v -> {
      running = true;
      state = AmiState.CONNECTING;
      dropWatch = metrics.watchPumpDrops(this::eventsDropped);
      AsteriskJavaLogLimit.install();
      log.info("AMI: connecting to {}:{} as '{}'", settings.host(), settings.port(), settings.user());
      attempt();
      started.complete();
    });
    return started.future();
  }

  /** Logs off, stops reconnecting, fails pending originates; the state becomes DISABLED. */
  public Future<Void> stop() {
    if (context == null) {
      return Future.succeededFuture();
    }
    Promise<Void> stopped = Promise.promise();
    context.runOnContext(v -> {
      if (!running) {
        stopped.complete();
        return;
      }
      running = false;
      cancel(retryTimer);
      state = AmiState.DISABLED;
      metrics.connected(false);
      Session s = current;
      current = null;
      Future<Void> closing = Future.succeededFuture();
      if (s != null) {
        s.retire();
        cancel(s.pingTimer);
        deliver(s, s.handoff.takeAll(), true);
        closing = close(s, true);
        safely(() -> listener.onDisconnected("stopped"));
      }
      originates.forEach((id, p) -> p.tryFail(new AmiException("AMI client stopped before OriginateResponse for " + id)));
      originates.clear();
      closing.eventually(() -> io.close()).onComplete(ar -> {
        closeQuietly(dropWatch);
        log.info("AMI: stopped");
        stopped.complete();
      });
    });
    return stopped.future();
  }

  public AmiState state() {
    return state;
  }

  /** Why the last connect or the last connection failed (never contains the secret), or null. */
  public String lastError() {
    return lastError;
  }

  /**
   * Sends an async Originate with our own ActionID and completes with the OriginateResponse that
   * carries it. Fails with {@link AmiException} when not connected, when the PBX refuses the action,
   * or when no OriginateResponse comes within {@link OriginateRequest#responseTimeout()}.
   */
  public Future<OriginateResult> originate(OriginateRequest request) {
    return originate(request, () -> { });
  }

  /**
   * The same; {@code written} runs (on an I/O worker) once the action has been written to the PBX's socket, so that a
   * rate limit can count what the PBX really received.
   */
  public Future<OriginateResult> originate(OriginateRequest request, Runnable written) {
    Promise<OriginateResult> result = Promise.promise();
    if (context == null) {
      result.fail(new AmiException("AMI client not started"));
      return result.future();
    }
    if (Vertx.currentContext() == context) {
      startOriginate(request, result, written); // the Originate queue runs here: no hop
    } else {
      context.runOnContext(v -> startOriginate(request, result, written));
    }
    return result.future();
  }

  // ---- connecting

  private void attempt() {
    retryTimer = -1;
    if (!running) {
      return;
    }
    Session s = new Session(++sessionSeq);
    io.<Void>executeBlocking(() -> {
      s.conn.login();
      return null;
    }, false).onComplete(ar -> context.runOnContext(v -> {
      if (ar.succeeded()) {
        connected(s);
      } else {
        loginFailed(s, ar.cause());
      }
    }));
  }

  private void connected(Session s) {
    if (!running) {
      s.retire();
      close(s, true);
      return;
    }
    current = s;
    state = AmiState.CONNECTED;
    metrics.connected(true);
    if (everConnected) {
      metrics.reconnected();
    }
    everConnected = true;
    failures = 0;
    lastError = null;
    loggedError = null;
    log.info("AMI: connected to {}:{} as '{}' ({})", settings.host(), settings.port(), settings.user(),
        s.conn.getVersion());
    safely(listener::onConnected);
    s.handoff.open();
    if (s != current) {
      return; // the connection died while its first events were delivered
    }
    s.resyncPending = 2;
    CoreShowChannelsAction channels = new CoreShowChannelsAction();
    channels.setActionId(s.channelsActionId);
    QueueStatusAction queues = new QueueStatusAction();
    queues.setActionId(s.queuesActionId);
    send(s, channels, resp -> resyncRefused(s, resp));
    send(s, queues, resp -> resyncRefused(s, resp));
    // Operators' phones are listed again too; their answers are plain state events (PhoneStates folds them).
    // Not part of the calls' resync: a PBX without PJSIP refusing one must not hold the calls back.
    for (ManagerAction list : PhoneStateLists.actions()) {
      send(s, list, resp -> {
        if (resp instanceof ManagerError err) {
          log.debug("AMI: {} refused: {}", list.getAction(), err.getMessage());
        }
      });
    }
    schedulePing(s);
  }

  private void loginFailed(Session s, Throwable cause) {
    s.retire();
    close(s, false);
    if (!running) {
      return;
    }
    state = AmiState.CONNECTING;
    failures++;
    error(describe(cause));
    scheduleRetry();
  }

  /**
   * Asterisk-Java's queue overflowed and threw events away (called on its thread): what we know of
   * live calls can no longer be trusted, so the connection is replaced, which resyncs them. Once
   * per connection; the events already queued are delivered first.
   */
  private void eventsDropped() {
    context.runOnContext(v -> {
      Session s = current;
      if (s != null && !s.dropSeen) {
        s.dropSeen = true;
        log.error("AMI: Asterisk-Java dropped events (its 20,000-event queue was full); reconnecting to resync");
        s.handoff.add(new Lost("events dropped by Asterisk-Java's full queue: resync needed"));
      }
    });
  }

  private void lost(Session s, String reason) {
    if (s != current) {
      return;
    }
    current = null;
    s.retire();
    cancel(s.pingTimer);
    deliver(s, s.handoff.takeAll(), true);
    state = AmiState.CONNECTING;
    metrics.connected(false);
    close(s, false);
    safely(() -> listener.onDisconnected(reason));
    error("connection to " + settings.host() + ":" + settings.port() + " lost: " + reason);
    scheduleRetry();
  }

  /**
   * Closes a connection on Vert.x's worker pool (not on our executor, which may already be closed
   * when a login finishes after stop()). Polite = Logoff first, which waits for the Goodbye.
   */
  private Future<Void> close(Session s, boolean polite) {
    return vertx.executeBlocking(() -> {
      s.conn.shutdown(polite);
      return null;
    }, false);
  }

  private void scheduleRetry() {
    if (running && retryTimer < 0) {
      long delay = backoff.delay(failures).toMillis();
      retryTimer = vertx.setTimer(delay, t -> context.runOnContext(v -> attempt()));
    }
  }

  /** Logs an error once per change, not on every retry. */
  private void error(String message) {
    lastError = message;
    if (!message.equals(loggedError)) {
      loggedError = message;
      log.error("AMI: {}; retrying with backoff up to {} s", message, settings.reconnectMax().toSeconds());
    } else {
      log.debug("AMI: still failing: {}", message);
    }
  }

  private String describe(Throwable e) {
    String where = settings.host() + ":" + settings.port();
    if (e instanceof AuthenticationFailedException) {
      return "authentication failed for user '" + settings.user() + "' at " + where + " (" + e.getMessage() + ")";
    }
    if (e instanceof TimeoutException) {
      return "no answer from " + where + " within " + settings.connectTimeout().toMillis() + " ms (" + e.getMessage() + ")";
    }
    if (e instanceof IOException) {
      return "cannot connect to " + where + ": " + e.getMessage();
    }
    return "login to " + where + " failed: " + e;
  }

  // ---- keep-alive

  private void schedulePing(Session s) {
    s.pingTimer = vertx.setTimer(settings.pingInterval().toMillis(), t -> context.runOnContext(v -> ping(s)));
    s.nextPingTimer = s.pingTimer;
  }

  private void ping(Session s) {
    if (s != current) {
      return;
    }
    long timeoutMs = settings.pingTimeout().toMillis();
    long eventsAtPing = s.events.sum();
    long timeout = vertx.setTimer(timeoutMs, t -> context.runOnContext(v -> pingLate(s, eventsAtPing, timeoutMs)));
    s.pingTimer = timeout;
    send(s, new PingAction(), resp -> context.runOnContext(v -> {
      // any answer proves the link is alive; an error from a closing connection is handled by its DisconnectEvent
      if (s == current && s.pingTimer >= 0 && s.pingTimer != s.nextPingTimer) {
        cancel(s.pingTimer);
        schedulePing(s);
      }
    }));
  }

  /**
   * No answer to the Ping in time. While events keep arriving the link is alive and only its reader is behind (the
   * Pong waits behind the events read before it): waited for again, one time-out at a time; a link that is silent for
   * a whole time-out is lost.
   */
  private void pingLate(Session s, long eventsAtPing, long timeoutMs) {
    if (s != current) {
      return;
    }
    long now = s.events.sum();
    if (now != eventsAtPing) {
      long again = vertx.setTimer(timeoutMs, t -> context.runOnContext(v -> pingLate(s, now, timeoutMs)));
      s.pingTimer = again;
      return;
    }
    lost(s, "no answer to Ping within " + timeoutMs + " ms");
  }

  // ---- actions

  private void send(Session s, ManagerAction action, SendActionCallback callback) {
    send(s, action, callback, () -> { });
  }

  private void send(Session s, ManagerAction action, SendActionCallback callback, Runnable written) {
    io.executeBlocking(() -> {
      s.conn.sendAction(action, callback);
      written.run();
      return null;
    }, false).onFailure(e -> context.runOnContext(v ->
        lost(s, "cannot send " + action.getAction() + ": " + e.getMessage())));
  }

  private void resyncRefused(Session s, Object response) {
    if (response instanceof ManagerError err) {
      context.runOnContext(v -> {
        log.warn("AMI: resync action refused: {}", err.getMessage());
        resyncPart(s);
      });
    }
  }

  private void resyncPart(Session s) {
    if (s == current && s.resyncPending > 0 && --s.resyncPending == 0) {
      safely(listener::onResyncComplete);
    }
  }

  private void startOriginate(OriginateRequest r, Promise<OriginateResult> result, Runnable written) {
    Session s = current;
    if (s == null) {
      result.fail(new AmiException("AMI not connected (" + state + (lastError == null ? "" : ": " + lastError) + ")"));
      return;
    }
    String id = "dozvon-" + (r.tag() == null ? "originate" : r.tag()) + "-" + actionSeq.incrementAndGet();
    OriginateAction a = Originates.action(r, id);
    originates.put(id, result);
    long responseMs = r.responseTimeout().toMillis();
    long timer = vertx.setTimer(responseMs, t -> context.runOnContext(v -> {
      if (originates.remove(id) != null) {
        result.tryFail(new AmiException("no OriginateResponse for " + id + " within " + responseMs + " ms"));
      }
    }));
    result.future().onComplete(ar -> vertx.cancelTimer(timer));
    send(s, a, resp -> {
      if (resp instanceof ManagerError err) {
        context.runOnContext(v -> {
          if (originates.remove(id) != null) {
            result.tryFail(new AmiException("Originate " + id + " refused: " + err.getMessage()));
          }
        });
      }
    }, written);
  }

  /** On Asterisk-Java's event thread. */
  private void originateResponse(OriginateResponseEvent e) {
    String id = e.getActionId();
    Promise<OriginateResult> p = id == null ? null : originates.remove(id);
    if (p != null) {
      OriginateResult r = Originates.result(id, e);
      context.runOnContext(v -> p.tryComplete(r));
    }
  }

  // ---- events

  @SuppressWarnings("unchecked")
  private void deliver(Session s, List<Object> items, boolean final_) {
    if (s != current && !final_) {
      metrics.dropped(items.stream().filter(o -> o != RESYNC_PART && !(o instanceof Lost)).count());
      return;
    }
    List<E> batch = new ArrayList<>(items.size());
    for (Object o : items) {
      if (o instanceof Lost l) {
        flush(batch);
        batch = new ArrayList<>();
        if (!final_) {
          lost(s, l.reason());
          return;
        }
      } else if (o == RESYNC_PART) {
        flush(batch);
        batch = new ArrayList<>();
        resyncPart(s);
      } else {
        batch.add((E) o);
      }
    }
    flush(batch);
  }

  private void flush(List<E> batch) {
    if (!batch.isEmpty()) {
      long start = System.nanoTime();
      safely(() -> listener.onEvents(batch));
      metrics.batch(System.nanoTime() - start);
    }
  }

  private static void safely(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      log.error("AMI: listener failed", e);
    }
  }

  private void cancel(long timer) {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      if (c != null) {
        c.close();
      }
    } catch (Exception e) {
      log.debug("AMI: close failed", e);
    }
  }

  private record Lost(String reason) {
  }

  /** One connection attempt and, if the login succeeds, the connection. */
  private final class Session implements ManagerEventListener {
    final long id;
    final OwnedConnection conn;
    final EventHandoff handoff;
    final String channelsActionId;
    final String queuesActionId;
    volatile boolean retired;
    int resyncPending;
    long pingTimer = -1;
    /** The timer of the next Ping (not a time-out), so that a late answer to an old Ping schedules nothing twice. */
    long nextPingTimer = -1;
    /** Events read on this connection (any thread): a late Ping with events flowing is no lost link. */
    final java.util.concurrent.atomic.LongAdder events = new java.util.concurrent.atomic.LongAdder();
    boolean dropSeen;

    Session(long id) {
      this.id = id;
      this.channelsActionId = "dozvon-resync-" + id + "-channels";
      this.queuesActionId = "dozvon-resync-" + id + "-queues";
      this.handoff = new EventHandoff(context, items -> deliver(this, items, false), metrics::handedOff);
      if (inputCounts == null) {
        inputCounts = metrics.inputCounts();
      }
      this.conn = new OwnedConnection(() -> {
        if (!retired) {
          handoff.add(new Lost("connection closed by the PBX, or nothing read for " + settings.socketReadTimeout().toMillis() + " ms"));
        }
      }, ignored, inputLimits, inputCounts);
      conn.setHostname(settings.host());
      conn.setPort(settings.port());
      conn.setUsername(settings.user());
      conn.setPassword(settings.secret());
      conn.setSocketTimeout((int) settings.connectTimeout().toMillis());
      conn.setSocketReadTimeout((int) settings.socketReadTimeout().toMillis());
      conn.setDefaultResponseTimeout(settings.connectTimeout().toMillis());
      conn.addEventListener(this);
    }

    void retire() {
      retired = true;
      handoff.release();
    }

    /** On Asterisk-Java's event thread (ConnectEvent: on the login worker, and skipped). */
    @Override
    public void onManagerEvent(ManagerEvent event) {
      if (retired || event instanceof ConnectEvent) {
        return; // ConnectEvent is Asterisk-Java's own pseudo event; onConnected says the same
      }
      events.increment();
      metrics.event(event);
      if (event instanceof HangupEvent) {
        metrics.dispatched(event);
      }
      if (event instanceof OriginateResponseEvent ore) {
        originateResponse(ore);
      }
      E mapped;
      try {
        mapped = mapper.apply(event);
      } catch (RuntimeException e) {
        log.warn("AMI: mapper failed on {}: {}", event.getClass().getSimpleName(), e.toString());
        mapped = null;
      }
      if (mapped != null) {
        long held = handoff.awaitRoom(); // backpressure: the reader waits here while the telephony loop is far behind
        if (held > 0) {
          metrics.heldBack(held);
        }
        handoff.add(mapped);
      }
      if (event instanceof CoreShowChannelsCompleteEvent c && channelsActionId.equals(c.getActionId())
          || event instanceof QueueStatusCompleteEvent q && queuesActionId.equals(q.getActionId())) {
        handoff.add(RESYNC_PART);
      }
    }
  }
}
