package ru.dozvon.telephony;

import ru.dozvon.call.CallDirection;
import ru.dozvon.call.CallOutcome;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ru.dozvon.deals.CallFacts;

/**
 * The telephony feature put together: the AMI link ({@link AmiClient}) feeds mapped events to the
 * {@link CallTracker} on one event loop; every call the tracker closes goes to the {@link EndedCalls}
 * (recorded, and a missed one turned into a deal). A sink failure (the database away) keeps the
 * call and retries it with backoff, oldest first; the call is also written to the unrecorded-calls
 * file ({@link UnrecordedCallFile}), so a restart or crash before the database returns loses none: the next
 * start records them. A call the database refuses for good is filed as unrecordable ({@link DeadLetters})
 * after one more try, and the stream goes on ({@link UnrecordedCalls}).
 */
public final class TelephonyService implements AmiListener<TelephonyEvent> {

  /** Where ended calls go; completes once the call is durably recorded. */
  @FunctionalInterface
  public interface EndedCalls {
    Future<?> accept(CallFacts call, Instant seenAt);
  }

  /**
   * Where a call the database refuses for good is kept instead (a dead letter); completes with true once newly
   * filed, false if it was filed before.
   */
  @FunctionalInterface
  public interface DeadLetters {
    Future<Boolean> file(CallFacts call, String error, String sqlState, Instant firstFailedAt, int attempts);
  }

  /** Where a queue member's pause on the PBX goes (the operator with that extension takes no new leads). */
  @FunctionalInterface
  public interface PbxPauses {
    Future<?> paused(String extension, boolean paused);
  }

  /**
   * A call Dozvon placed has ended (its record came from the PBX), or was given up on ({@code outcome} null: no end
   * came within the idle time-out). Its Originate's own failure is the placer's to see, not this.
   */
  public record PlacedCallEnded(PlacedCalls.Placed call, CallOutcome outcome, Instant endedAt) {
  }

  private static final Logger LOG = LoggerFactory.getLogger(TelephonyService.class);
  private static final long EXPIRE_EVERY_MS = 30_000;

  private final Vertx vertx;
  private final AmiSettings ami;
  private final CallTracker tracker;
  private final TrackerSettings trackerSettings;
  private final Clock clock;
  private final PbxPauses pauses;
  private final String mapperMarker;
  private final MeterRegistry registry;
  private UnrecordedCalls unrecorded;
  private final Path unrecordedFile;
  private final EndedCalls sink;
  private final DeadLetters deadLetters;
  private final PhoneWatch phones;
  private final RecordingNames recordings = new RecordingNames();
  private final OriginateSettings placing;
  private final java.time.Duration idleTimeout;
  private final String originateContext;
  private final PlacedCalls placed = new PlacedCalls();
  private volatile java.util.function.Consumer<PlacedCallEnded> placedEnded = e -> { };
  private volatile Runnable resynced = () -> { };
  private AmiClient<TelephonyEvent> client;
  private OriginateQueue originates;
  private long expiryTimer = -1;
  private io.vertx.core.Context loop;
  // Read by /health, /api/live and tests from other threads; written only on the owning event loop.
  private volatile int liveCallsSeen;
  private volatile long callsEnded;
  private volatile CallTracker.QueueWait queueWaitSeen = CallTracker.QueueWait.NONE;
  /** The pause state last handed to {@link PbxPauses} per extension, since the last (re)connect; on the loop. */
  private final java.util.Map<String, Boolean> pausesTold = new java.util.HashMap<>();

  /**
   * @param ami the PBX to listen to, or null when none is configured (state DISABLED)
   * @param deadLetters where calls the database refuses for good are filed
   * @param unrecordedFile where calls the database could not take are kept across restarts
   */
  public TelephonyService(Vertx vertx, AmiSettings ami, TrackerSettings settings, Clock clock, EndedCalls sink,
                          DeadLetters deadLetters, PbxPauses pauses, MeterRegistry registry, Path unrecordedFile) {
    this(vertx, ami, settings, OriginateSettings.defaults(), "click-to-call", clock, sink, deadLetters, pauses,
        registry, unrecordedFile, PhoneWatch.none());
  }

  /** @param phones operators' phones: their states, and the screen pop when an inbound call rings one */
  public TelephonyService(Vertx vertx, AmiSettings ami, TrackerSettings settings, Clock clock, EndedCalls sink,
                          DeadLetters deadLetters, PbxPauses pauses, MeterRegistry registry, Path unrecordedFile,
                          PhoneWatch phones) {
    this(vertx, ami, settings, OriginateSettings.defaults(), "click-to-call", clock, sink, deadLetters, pauses,
        registry, unrecordedFile, phones);
  }

  /** With how calls are placed, and no watch on the operators' phones. */
  public TelephonyService(Vertx vertx, AmiSettings ami, TrackerSettings settings, OriginateSettings placing,
                          String originateContext, Clock clock, EndedCalls sink, DeadLetters deadLetters,
                          PbxPauses pauses, MeterRegistry registry, Path unrecordedFile) {
    this(vertx, ami, settings, placing, originateContext, clock, sink, deadLetters, pauses, registry, unrecordedFile,
        PhoneWatch.none());
  }

  /**
   * @param placing how calls are placed (operators' dial template, caller id, the Originate queue's pace)
   * @param originateContext the dialplan context that dials the customer once the operator answered
   * @param phones operators' phones: their states, and the screen pop when an inbound call rings one
   */
  public TelephonyService(Vertx vertx, AmiSettings ami, TrackerSettings settings, OriginateSettings placing,
                          String originateContext, Clock clock, EndedCalls sink, DeadLetters deadLetters,
                          PbxPauses pauses, MeterRegistry registry, Path unrecordedFile, PhoneWatch phones) {
    this.phones = phones;
    this.placing = placing;
    this.originateContext = originateContext;
    this.unrecorded = new UnrecordedCalls(vertx, clock, sink, deadLetters, unrecordedFile);
    this.unrecordedFile = unrecordedFile;
    this.sink = sink;
    this.deadLetters = deadLetters;
    this.pauses = pauses;
    this.vertx = vertx;
    this.ami = ami;
    this.tracker = new CallTracker(settings, clock);
    this.trackerSettings = settings;
    if (registry != null) { // what the tracker's caps did (docs/TELEPHONY.md, "Bad input")
      io.micrometer.core.instrument.FunctionCounter.builder("dozvon.tracker.capped", tracker,
              CallTracker::channelsCapped).tag("cap", "channels_per_call")
          .description("Channel events dropped: their call had telephony.max-channels-per-call channels")
          .register(registry);
      io.micrometer.core.instrument.FunctionCounter.builder("dozvon.tracker.capped", tracker,
              CallTracker::callsEvicted).tag("cap", "live_calls")
          .description("Calls closed as expired: telephony.max-live-calls calls were followed").register(registry);
    }
    this.idleTimeout = settings.idleTimeout();
    this.clock = clock;
    this.registry = registry;
    this.mapperMarker = settings.markerVariable();
  }

  /**
   * Writes every ended call ahead to the journal in {@code dir} as it goes to the database (docs/TELEPHONY.md,
   * "The write-ahead journal"); to be called before {@link #start()}. Without it only calls the database failed are
   * kept on disk.
   */
  public TelephonyService journal(JournalSettings settings, Path dir) {
    EndedCallJournal journal = settings.enabled() ? new EndedCallJournal(dir, settings, registry) : null;
    this.unrecorded = new UnrecordedCalls(vertx, clock, sink, deadLetters, unrecordedFile, journal,
        settings.maxBufferedCalls());
    return this;
  }

  /** {@code DISABLED}, {@code OK}, or {@code FULL} (past {@code telephony.journal.max_size}: /health DEGRADED). */
  public String journalState() {
    EndedCallJournal j = unrecorded.journal();
    return j == null ? "DISABLED" : j.full() ? "FULL" : "OK";
  }

  /** Ended calls the database failed now held in memory (bounded by {@code telephony.journal.max_buffered_calls}). */
  public int bufferedCalls() {
    return unrecorded.buffered();
  }

  /** The most ended calls held in memory at once for retry since the start. */
  public int peakBufferedCalls() {
    return unrecorded.peakBuffered();
  }

  /** Waiting calls only the journal holds now (beyond the memory bound). */
  public int journalOnlyCalls() {
    return unrecorded.spilled();
  }

  /** Calls written ahead and not yet stored (0 without a journal). */
  public int journalUncommitted() {
    EndedCallJournal j = unrecorded.journal();
    return j == null ? 0 : j.uncommitted();
  }

  /**
   * Records what the last run could not (the journal, the unrecorded-calls file), then starts listening (in the background:
   * the PBX may be down); must be called on an event loop.
   */
  public Future<Void> start() {
    return unrecorded.start().compose(x -> listen());
  }

  private Future<Void> listen() {
    loop = vertx.getOrCreateContext();
    expiryTimer = vertx.setPeriodic(EXPIRE_EVERY_MS, id -> {
      deliver(tracker.expire());
      phones.reconcile(clock.instant());
      forgetLostCalls();
    });
    if (ami == null) {
      LOG.info("No PBX configured (DOZVON_AMI_HOST unset): telephony is DISABLED");
      return Future.succeededFuture();
    }
    AmiEventMapper mapper = new AmiEventMapper(mapperMarker);
    client = new AmiClient<>(vertx, ami, mapper::map, this, registry, OwnedConnection.NEVER_READ)
        .inputLimits(trackerSettings.maxLineBytes(), trackerSettings.maxEventBytes(), trackerSettings.maxEventTypes());
    originates = new OriginateQueue(vertx, vertx.getOrCreateContext(), client::originate, placing.perSecond(),
        placing.maxInFlight(), registry);
    return client.start();
  }

  public Future<Void> stop() {
    vertx.cancelTimer(expiryTimer);
    Future<Void> link = client == null ? Future.succeededFuture() : client.stop();
    return link.eventually(() -> unrecorded.stop());
  }

  /** DISABLED, CONNECTING or CONNECTED, as /health shows it. */
  public String state() {
    return client == null ? AmiState.DISABLED.name() : client.state().name();
  }

  /** Why the last connection attempt failed, or null. */
  public String lastError() {
    return client == null ? null : client.lastError();
  }

  /** Callers waiting in PBX queues, as the tracker saw them after its last batch of events (any thread may read). */
  public CallTracker.QueueWait queueWait() {
    return queueWaitSeen;
  }

  /** Calls in progress on the PBX, as far as we follow them. */
  public int liveCalls() {
    return liveCallsSeen;
  }

  /** Ended calls that failed to record and are not yet recorded (the database is away) nor filed as unrecordable. */
  public int pendingCalls() {
    return unrecorded.pending();
  }

  /** Reconciles the stored phone states now rather than at the next 30 s tick (tests), on the telephony loop. */
  void reconcilePhonesNow() {
    loop.runOnContext(v -> phones.reconcile(clock.instant()));
  }

  /** Retries the waiting calls now rather than after their backoff (tests); completes once that try settled. */
  Future<Void> retryNow() {
    return unrecorded.retryNow();
  }

  /** Operators' phones as the PBX last told them (the dialer asks {@code phones().idle(extension)}); any thread. */
  public PhoneStates phones() {
    return phones.states();
  }

  /** The AMI link, for click-to-call (null when no PBX is configured). */
  public AmiClient<TelephonyEvent> client() {
    return client;
  }

  /** How calls are placed: the operators' dial template, the caller id, the queue's pace. */
  public OriginateSettings placing() {
    return placing;
  }

  /** The calls Dozvon placed whose end is not known yet. */
  public PlacedCalls placedCalls() {
    return placed;
  }

  /** Where the end of each call Dozvon placed is told (once per call; on the telephony event loop). */
  public void onPlacedCallEnded(java.util.function.Consumer<PlacedCallEnded> listener) {
    this.placedEnded = listener == null ? e -> { } : listener;
  }

  /** The Originate queue (null when no PBX is configured). */
  public OriginateQueue originates() {
    return originates;
  }

  /**
   * Places a call through the Originate queue: rings the operator's phone ({@code telephony.operator_dial}) and, once
   * they answer, continues in the originate context at the customer's number, with the company caller id. The call's
   * channel variables {@code DOZVON_DEAL} and {@code DOZVON_ATTEMPT} (inherited by every channel of the call) and its
   * ActionID ({@code dozvon-attempt-<id>-<n>}) tie its events to the attempt. Completes with the OriginateResponse
   * (success: the operator answered); fails when the PBX is not connected, refuses the action, or never answers.
   * The call is followed ({@link #placedCalls()}) from now until its end is known; a failed Originate ends it here.
   */
  public Future<OriginateResult> place(PlacedCalls.Placed call) {
    if (originates == null) {
      return Future.failedFuture(new AmiException("no PBX configured (DOZVON_AMI_HOST unset)"));
    }
    placed.register(call);
    java.util.Map<String, String> variables = new java.util.LinkedHashMap<>();
    variables.put("__" + TelephonyEvent.CallTag.DEAL, Long.toString(call.dealId()));
    variables.put("__" + TelephonyEvent.CallTag.ATTEMPT, Long.toString(call.attemptId()));
    OriginateRequest request = new OriginateRequest(placing.operatorDial().device(call.extension()), originateContext,
        call.customer(), 1, placing.companyCallerId().isEmpty() ? null : placing.companyCallerId(), variables,
        placing.ringTimeout(), placing.responseTimeout(), PlacedCalls.tag(call.attemptId()));
    return originates.submit("deal-" + call.dealId(), request)
        .onSuccess(r -> {
          if (r.success()) {
            placed.linked(call.attemptId(), r.uniqueId());
          } else {
            placed.release(call.attemptId());
          }
        })
        .onFailure(e -> placed.release(call.attemptId()));
  }

  /** Calls placed long ago whose end never came: given up on, so that their phones count as free again. */
  private void forgetLostCalls() {
    for (PlacedCalls.Placed p : placed.releaseOlderThan(clock.instant().minus(idleTimeout))) {
      LOG.warn("Call placed for attempt {} of deal {} on {}: no end came from the PBX; given up", p.attemptId(),
          p.dealId(), p.extension());
      tellEnded(new PlacedCallEnded(p, null, clock.instant()));
    }
  }

  private void tellEnded(PlacedCallEnded e) {
    try {
      placedEnded.accept(e);
    } catch (RuntimeException ex) {
      LOG.error("Placed call of attempt {} ended but its listener failed", e.call().attemptId(), ex);
    }
  }

  @Override
  public void onEvents(List<TelephonyEvent> batch) {
    for (TelephonyEvent e : batch) {
      if (e instanceof TelephonyEvent.MemberPause p) {
        // Every QueueMemberStatus repeats the member's pause (two a call): only a change is stored
        if (!Boolean.valueOf(p.paused()).equals(pausesTold.put(p.extension(), p.paused()))) {
          pauses.paused(p.extension(), p.paused()).onFailure(err -> {
            pausesTold.remove(p.extension(), p.paused()); // the next report tries again
            LOG.warn("PBX pause of extension {} not recorded: {}", p.extension(), err.getMessage());
          });
        }
        continue;
      }
      if (e instanceof TelephonyEvent.PhoneEvent p) {
        phones.phone(p, clock.instant());
        continue;
      }
      if (e instanceof TelephonyEvent.RecordingSet r) {
        recordings.note(r.linkedid(), r.file());
        continue;
      }
      phones.call(e); // the screen pop (DialBegin, AgentCalled); the tracker follows the call as ever
      if (e instanceof TelephonyEvent.AgentCalled) {
        continue;
      }
      List<CallRecord> ended;
      try {
        ended = tracker.accept(e);
      } catch (RuntimeException ex) { // a bug on one event must cost neither the rest of the batch nor silence
        LOG.error("AMI event {} of call {} (channel {}) could not be followed", e.getClass().getSimpleName(),
            e.linkedid(), e.uniqueid(), ex);
        continue;
      }
      if (!ended.isEmpty()) {
        deliver(ended);
      }
    }
    liveCallsSeen = tracker.liveCalls();
    queueWaitSeen = tracker.queueWait();
  }

  @Override
  public void onConnected() {
    pausesTold.clear(); // the resync's QueueStatus tells every member again: stored again, whatever we knew
    phones.connected();
    tracker.markResyncStarted();
  }

  @Override
  public void onResyncComplete() {
    deliver(tracker.resyncDone());
    resynced.run();
  }

  /** Told after every AMI resync (on the telephony event loop): the CDR recovery reconciles then. */
  public void onResynced(Runnable listener) {
    this.resynced = listener == null ? () -> { } : listener;
  }

  /**
   * Those of the PBX call ids that the tracker follows now or ended a moment ago (the AMI path stores them);
   * from any thread, answered from the telephony event loop.
   */
  public Future<java.util.Set<String>> followed(java.util.Collection<String> linkedids) {
    if (loop == null) {
      return Future.succeededFuture(java.util.Set.of());
    }
    io.vertx.core.Promise<java.util.Set<String>> known = io.vertx.core.Promise.promise();
    java.util.List<String> ids = java.util.List.copyOf(linkedids);
    io.vertx.core.Context caller = Vertx.currentContext();
    loop.runOnContext(v -> {
      java.util.Set<String> out = new java.util.HashSet<>();
      for (String id : ids) {
        if (tracker.knows(id)) {
          out.add(id);
        }
      }
      // answered on the caller's context (the CDR recovery's worker), never continued on the telephony loop
      if (caller == null || caller == loop) {
        known.complete(out);
      } else {
        caller.runOnContext(x -> known.complete(out));
      }
    });
    return known.future();
  }

  @Override
  public void onDisconnected(String reason) {
    LOG.warn("AMI connection lost ({}); {} calls in progress are kept and resynced on reconnect",
        reason, tracker.liveCalls());
  }

  /** Channel events the tracker dropped at {@code telephony.max-channels-per-call} (any thread). */
  public long channelsCapped() {
    return tracker.channelsCapped();
  }

  /** Calls the tracker closed as expired at {@code telephony.max-live-calls} (any thread). */
  public long callsEvicted() {
    return tracker.callsEvicted();
  }

  /** Calls the tracker closed since the start (written ahead and handed to the database), for drills and tests. */
  public long callsEnded() {
    return callsEnded;
  }

  /** Hands closed calls to the sink, each on its own; failures wait in the retry queue. */
  void deliver(List<CallRecord> ended) {
    liveCallsSeen = tracker.liveCalls();
    callsEnded += ended.size();
    queueWaitSeen = tracker.queueWait();
    Instant seenAt = clock.instant();
    for (CallRecord r : ended) {
      CallFacts facts;
      try {
        facts = toFacts(r).withRecording(recordings.take(r.linkedid()));
        Long attempt = placed.attemptOf(r);
        if (attempt != null) {
          facts = facts.withAttempt(attempt);
          placed.release(attempt).ifPresent(p -> tellEnded(new PlacedCallEnded(p, r.outcome(), r.endedAt())));
        }
      } catch (RuntimeException e) { // a bug; the rest of the batch must still go, and this one be told
        LOG.error("Call {} ended but could not be turned into call facts; not recorded: {}", r.linkedid(), r, e);
        continue;
      }
      unrecorded.send(facts, seenAt);
    }
  }

  /**
   * The record in the deals' terms. Ring time is the call's own (first dial to answer, or to the last dial's end):
   * it was once stored as ring + wait, which made a 20-second call ring for 40.
   */
  static CallFacts toFacts(CallRecord r) {
    return new CallFacts(r.linkedid(), r.direction(), r.outcome(), r.missed(),
        r.customerNumber(), r.callerRaw(), r.withheld(), r.companyNumber(), r.operatorExtension(), r.queue(),
        r.startedAt(), r.answeredAt(), r.endedAt(), seconds(r.ringSeconds()), seconds(r.talkSeconds()), r.expired(),
        null, null, r.hangupCause(), seconds(r.waitSeconds()));
  }

  private static int seconds(long s) {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(0, s));
  }
}
