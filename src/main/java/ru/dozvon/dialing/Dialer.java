package ru.dozvon.dialing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ru.dozvon.metrics.Meters;
import ru.dozvon.store.Sql;

/**
 * The progressive dialer: places due callbacks by itself, one at a time per operator, when the operator is free.
 * Off by default; on per manager ({@code managers.auto_dial}, {@code PATCH /api/managers/{id} {"autoDial": true}})
 * or for everyone ({@code DOZVON_AUTODIAL=true}).
 *
 * <p>It plugs into the scheduler's {@link DueAttemptHandler} seam: an attempt that comes due wakes it at once. It
 * keeps nothing of its own that a restart could lose: every look ({@link #tick}) reads the due attempts nobody has
 * placed (FIRED, no {@code placed_at}) of open deals whose manager is on shift, not paused (panel or PBX), active and
 * has the dialer on, the oldest per manager, and places it through click-to-call ({@link ClickToCall}) when:
 * <ul>
 *   <li>the calling window is open and the PBX link is up;</li>
 *   <li>the operator's phone is idle ({@link OperatorPhones}) and no call we placed for them is in flight;</li>
 *   <li>their wrap-up pause after their last call is over ({@link DialerConfig#wrapUp()}; longer after their phone
 *       did not take a call, {@link DialerConfig#afterOperatorFailure()});</li>
 *   <li>no call to that lead is in flight (never two at once).</li>
 * </ul>
 * Otherwise the attempt stays held (FIRED, on the manager's queue as a task) for that manager's next free moment:
 * the dialer looks again every {@link DialerConfig#every()}, when a call ends, and when a manager's state changes
 * ({@link #wake()}). Per-number limits hold by construction: the ladder planned its attempts inside them, and a call
 * outside the ladder is checked against them when it is placed. Time is the injected {@link Clock}.
 */
public final class Dialer implements DueAttemptHandler {

  private static final Logger LOG = LoggerFactory.getLogger(Dialer.class);

  /**
   * Each dialling operator's oldest fired attempt not yet placed, with how many wait. From the managers (a handful
   * on shift) to their deals and attempts by index, one LATERAL probe each: a plan that stays small whatever the
   * planner believes of the attempts table (as DISTINCT ON over every fired attempt it took a second a run on a
   * floor of 30,000 fresh deals nobody was on shift for).
   */
  static final String HELD = """
      SELECT x.id, x.deal_id, x.fired_at, x.due_at, m.id AS manager_id, m.extension, x.waiting
      FROM managers m
      CROSS JOIN LATERAL (
        SELECT a.id, a.deal_id, a.fired_at, a.due_at, count(*) OVER () AS waiting
        FROM deals d JOIN attempts a ON a.deal_id = d.id AND a.state = 'FIRED' AND a.placed_at IS NULL
        WHERE d.manager_id = m.id AND d.status = 'OPEN'
        ORDER BY a.due_at, a.id LIMIT 1) x
      WHERE m.active AND m.state = 'ON_SHIFT' AND NOT m.pbx_paused AND m.extension IS NOT NULL
        AND (m.auto_dial OR $1)
      ORDER BY m.id""";

  private final Pool pool;
  private final Clock clock;
  private final DialerConfig config;
  private final CallingWindow window;
  private final ClickToCall calls;
  private final Pbx pbx;
  private final Meters meters;
  private volatile OperatorPhones phones;
  /** Managers with a call the dialer placed in flight. */
  private final Set<Long> calling = ConcurrentHashMap.newKeySet();
  /** Managers in their pause after a call, until then. */
  private final Map<Long, Instant> pausedUntil = new ConcurrentHashMap<>();

  // confined to the dialer's context
  private Vertx vertx;
  private io.vertx.core.Context context;
  private long timer = -1;
  private boolean running;
  private boolean again;

  Dialer(Pool pool, Clock clock, DialerConfig config, CallingWindow window, ClickToCall calls, Pbx pbx,
         OperatorPhones phones, Meters meters) {
    this.pool = pool;
    this.clock = clock;
    this.config = config;
    this.window = window;
    this.calls = calls;
    this.pbx = pbx;
    this.phones = phones;
    this.meters = meters;
    calls.onFinished(this::finished);
  }

  /** Starts looking every {@link DialerConfig#every()}, on the caller's context. */
  public void start(Vertx vertx) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    timer = vertx.setPeriodic(config.every().toMillis(), id -> tick());
  }

  public void stop() {
    if (vertx != null) {
      vertx.cancelTimer(timer);
    }
  }

  /** Which phones are idle: the PBX's view can be plugged in after start ({@code App}). */
  public void phones(OperatorPhones phones) {
    this.phones = phones;
  }

  /** An attempt came due: look now. */
  @Override
  public CompletionStage<Void> due(DueAttempt attempt) {
    wake();
    return CompletableFuture.completedFuture(null);
  }

  /** Something may have freed an operator (a state change, a pause lifted, a call's end): look now. */
  public void wake() {
    if (context != null) {
      context.runOnContext(v -> tick());
    }
  }

  /** One look; completes with the calls it placed (tests call it and wait). */
  public Future<Integer> tick() {
    if (running) {
      again = true;
      return Future.succeededFuture(0);
    }
    running = true;
    return look().onComplete(ar -> {
      running = false;
      if (ar.failed()) {
        LOG.warn("Dialer: looking for due attempts failed: {}", ar.cause().toString());
      }
      if (again) {
        again = false;
        wake();
      }
    });
  }

  private Future<Integer> look() {
    Instant now = clock.instant();
    return pool.preparedQuery(HELD).execute(Tuple.of(config.autoDial())).compose(rows -> {
      int waiting = 0;
      List<Row> heads = new ArrayList<>();
      for (Row r : rows) {
        waiting += r.getLong("waiting").intValue();
        heads.add(r);
      }
      meters.dialerQueued(waiting);
      if (heads.isEmpty() || !window.isOpen(now) || !pbx.connected()) {
        return Future.succeededFuture(0);
      }
      List<Future<Boolean>> placed = new ArrayList<>();
      for (Row r : heads) {
        long manager = r.getLong("manager_id");
        long deal = r.getLong("deal_id");
        String ext = r.getString("extension");
        Instant until = pausedUntil.get(manager);
        if (calling.contains(manager) || until != null && until.isAfter(now) || !phones.idle(ext)
            || pbx.busy(ext) || calls.inFlightFor(deal)) {
          continue;
        }
        Instant firedAt = Sql.instant(r, "fired_at");
        placed.add(place(manager, deal, r.getLong("id"), firedAt == null ? Sql.instant(r, "due_at") : firedAt, now));
      }
      return Future.join(placed).transform(x -> Future.succeededFuture(
          (int) placed.stream().filter(f -> f.succeeded() && f.result()).count()));
    });
  }

  private Future<Boolean> place(long manager, long deal, long attemptId, Instant firedAt, Instant now) {
    calling.add(manager);
    return calls.call(deal, ClickToCall.Caller.dialer(manager), false).map(reply -> {
      if (reply.getBoolean("duplicate", false)) {
        calling.remove(manager);
        return false;
      }
      meters.dialerPlaced(Duration.between(firedAt, now));
      LOG.debug("Dialer: placed attempt {} of deal {} for manager {}", attemptId, deal, manager);
      return true;
    }).recover(e -> {
      calling.remove(manager);
      LOG.debug("Dialer: attempt {} of deal {} not placed: {}", attemptId, deal, e.getMessage());
      return Future.succeededFuture(false);
    });
  }

  /** A placed call ended: the operator's pause starts now, then the dialer looks again. */
  private void finished(ClickToCall.Finished f) {
    Duration pause = f.operatorSide() ? config.afterOperatorFailure() : config.wrapUp();
    pausedUntil.put(f.managerId(), f.at().plus(pause));
    calling.remove(f.managerId());
    if (vertx != null) {
      vertx.setTimer(Math.max(1, pause.toMillis()), t -> wake());
    }
  }
}
