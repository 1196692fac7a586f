package ru.dozvon.telephony;

import ru.dozvon.call.CallDirection;
import ru.dozvon.call.CallOutcome;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import ru.dozvon.deals.CallFacts;

/**
 * The telephony feature put together: the AMI link ({@link AmiClient}) feeds mapped events to the
 * {@link CallTracker} on one event loop; every call the tracker closes goes to the {@link EndedCalls}
 * (recorded, and a missed one turned into a deal). A sink failure (the database away) keeps the
 * call and retries it with backoff, oldest first; the call is also written to the unrecorded-calls
 * file ({@link UnrecordedCallFile}), so a restart or crash before the database returns loses none: the next
 * start records them.
 */
public final class TelephonyService implements AmiListener<TelephonyEvent> {

  /** Where ended calls go; completes once the call is durably recorded. */
  @FunctionalInterface
  public interface EndedCalls {
    Future<?> accept(CallFacts call, Instant seenAt);
  }

  /** Where a queue member's pause on the PBX goes (the operator with that extension takes no new leads). */
  @FunctionalInterface
  public interface PbxPauses {
    Future<?> paused(String extension, boolean paused);
  }

  private static final Logger LOG = LoggerFactory.getLogger(TelephonyService.class);
  private static final int MAX_PENDING = 200_000;
  private static final long EXPIRE_EVERY_MS = 30_000;

  private final Vertx vertx;
  private final AmiSettings ami;
  private final CallTracker tracker;
  private final Clock clock;
  private final EndedCalls sink;
  private final PbxPauses pauses;
  private final String mapperMarker;
  private final MeterRegistry registry;
  private final ArrayDeque<Pending> retries = new ArrayDeque<>();
  private final UnrecordedCallFile spool;
  private int droppedFromMemory;
  private final Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(30));
  private AmiClient<TelephonyEvent> client;
  private long expiryTimer = -1;
  private long retryTimer = -1;
  private int retryFailures;
  // Read by /health, /api/live and tests from other threads; written only on the owning event loop
  // (one writer, so ++ and -- need no atomics).
  private volatile int liveCallsSeen;
  private volatile int unconfirmed;

  private record Pending(CallFacts call, Instant seenAt, boolean retried) {
  }

  /**
   * @param ami the PBX to listen to, or null when none is configured (state DISABLED)
   * @param unrecordedFile where calls the database could not take are kept across restarts
   */
  public TelephonyService(Vertx vertx, AmiSettings ami, TrackerSettings settings, Clock clock, EndedCalls sink,
                          PbxPauses pauses, MeterRegistry registry, Path unrecordedFile) {
    this.spool = new UnrecordedCallFile(vertx, unrecordedFile);
    this.pauses = pauses;
    this.vertx = vertx;
    this.ami = ami;
    this.tracker = new CallTracker(settings, clock);
    this.clock = clock;
    this.sink = sink;
    this.registry = registry;
    this.mapperMarker = settings.markerVariable();
  }

  /**
   * Records what the last run could not (the unrecorded-calls file), then starts listening (in the background:
   * the PBX may be down); must be called on an event loop.
   */
  public Future<Void> start() {
    return spool.load().compose(left -> {
      if (!left.isEmpty()) {
        LOG.warn("{} ended calls were not recorded by the last run (database unavailable): recording them now",
            left.size());
        Instant now = clock.instant();
        for (CallFacts c : left) {
          retries.addLast(new Pending(c, now, true));
          unconfirmed++;
        }
        scheduleRetry();
      }
      return listen();
    });
  }

  private Future<Void> listen() {
    expiryTimer = vertx.setPeriodic(EXPIRE_EVERY_MS, id -> deliver(tracker.expire()));
    if (ami == null) {
      LOG.info("No PBX configured (DOZVON_AMI_HOST unset): telephony is DISABLED");
      return Future.succeededFuture();
    }
    AmiEventMapper mapper = new AmiEventMapper(mapperMarker);
    client = new AmiClient<>(vertx, ami, mapper::map, this, registry);
    return client.start();
  }

  public Future<Void> stop() {
    vertx.cancelTimer(expiryTimer);
    vertx.cancelTimer(retryTimer);
    if (!retries.isEmpty()) {
      LOG.error("Stopping with {} ended calls not yet recorded (database unavailable); the unrecorded-calls file"
          + " keeps them for the next start", retries.size());
    }
    return client == null ? Future.succeededFuture() : client.stop();
  }

  /** DISABLED, CONNECTING or CONNECTED, as /health shows it. */
  public String state() {
    return client == null ? AmiState.DISABLED.name() : client.state().name();
  }

  /** Why the last connection attempt failed, or null. */
  public String lastError() {
    return client == null ? null : client.lastError();
  }

  /** Calls in progress on the PBX, as far as we follow them. */
  public int liveCalls() {
    return liveCallsSeen;
  }

  /** Ended calls that failed to record and are not yet recorded (the database is away). */
  public int pendingCalls() {
    return unconfirmed;
  }

  /** The AMI link, for click-to-call (null when no PBX is configured). */
  public AmiClient<TelephonyEvent> client() {
    return client;
  }

  @Override
  public void onEvents(List<TelephonyEvent> batch) {
    for (TelephonyEvent e : batch) {
      if (e instanceof TelephonyEvent.MemberPause p) {
        pauses.paused(p.extension(), p.paused()).onFailure(err ->
            LOG.warn("PBX pause of extension {} not recorded: {}", p.extension(), err.getMessage()));
        continue;
      }
      List<CallRecord> ended = tracker.accept(e);
      if (!ended.isEmpty()) {
        deliver(ended);
      }
    }
    liveCallsSeen = tracker.liveCalls();
  }

  @Override
  public void onConnected() {
    tracker.markResyncStarted();
  }

  @Override
  public void onResyncComplete() {
    deliver(tracker.resyncDone());
  }

  @Override
  public void onDisconnected(String reason) {
    LOG.warn("AMI connection lost ({}); {} calls in progress are kept and resynced on reconnect",
        reason, tracker.liveCalls());
  }

  /** Hands closed calls to the sink, each on its own; failures wait in the retry queue. */
  void deliver(List<CallRecord> ended) {
    liveCallsSeen = tracker.liveCalls();
    Instant seenAt = clock.instant();
    for (CallRecord r : ended) {
      send(new Pending(toFacts(r), seenAt, false));
    }
  }

  private void send(Pending p) {
    sink.accept(p.call(), p.seenAt()).onComplete(ar -> {
      if (ar.succeeded()) {
        confirmed(p);
      } else {
        failed(p, ar.cause());
        scheduleRetry();
      }
    });
  }

  private void confirmed(Pending p) {
    if (p.retried()) {
      unconfirmed--;
      Future<Void> done = spool.recorded(p.call().pbxCallId());
      if (unconfirmed == 0 && droppedFromMemory == 0) {
        done = done.compose(x -> spool.clear());
      }
      done.onFailure(e -> LOG.warn("Unrecorded-calls file not updated: {}", e.getMessage()));
    }
  }

  private void failed(Pending p, Throwable err) {
    MDC.put("linkedid", p.call().pbxCallId() + " ");
    LOG.warn("Call not recorded yet, will retry: {}", err.getMessage());
    MDC.remove("linkedid");
    if (retries.size() >= MAX_PENDING) {
      Pending dropped = retries.pollFirst();
      unconfirmed--;
      droppedFromMemory++;
      LOG.error("Retry queue full ({}): the oldest unrecorded call {} leaves memory; it stays in the unrecorded-calls"
          + " file and is recorded at the next start", MAX_PENDING, dropped.call().pbxCallId());
    }
    if (!p.retried()) {
      unconfirmed++;
      spool.kept(p.call()).onFailure(e -> LOG.error("Call {} could not be kept on disk either ({}): only memory holds"
          + " it until the database returns", p.call().pbxCallId(), e.getMessage()));
    }
    retries.addLast(new Pending(p.call(), p.seenAt(), true));
  }

  /** One call at a time while the database is away; all the rest at once when it is back. */
  private void scheduleRetry() {
    if (retryTimer >= 0 || retries.isEmpty()) {
      return;
    }
    long delay = backoff.delay(retryFailures).toMillis();
    retryTimer = vertx.setTimer(Math.max(1, delay), id -> {
      Pending head = retries.pollFirst();
      sink.accept(head.call(), head.seenAt()).onComplete(ar -> {
        retryTimer = -1;
        if (ar.succeeded()) {
          retryFailures = 0;
          confirmed(head);
          ArrayDeque<Pending> rest = new ArrayDeque<>(retries);
          retries.clear();
          rest.forEach(this::send);
        } else {
          retryFailures++;
          retries.addFirst(head);
          scheduleRetry();
        }
      });
    });
  }

  static CallFacts toFacts(CallRecord r) {
    return new CallFacts(r.linkedid(), r.direction(), r.outcome(), r.missed(),
        r.customerNumber(), r.callerRaw(), r.withheld(), r.companyNumber(), r.operatorExtension(), r.queue(),
        r.startedAt(), r.answeredAt(), r.endedAt(), (int) Math.min(Integer.MAX_VALUE, r.ringSeconds() + r.waitSeconds()),
        (int) Math.min(Integer.MAX_VALUE, r.talkSeconds()), r.expired());
  }
}
