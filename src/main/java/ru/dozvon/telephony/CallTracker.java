package ru.dozvon.telephony;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ru.dozvon.telephony.CallState.Chan;
import ru.dozvon.telephony.CallState.Leg;
import ru.dozvon.telephony.TelephonyEvent.AgentComplete;
import ru.dozvon.telephony.TelephonyEvent.AgentConnect;
import ru.dozvon.telephony.TelephonyEvent.Cdr;
import ru.dozvon.telephony.TelephonyEvent.ChannelSnapshot;
import ru.dozvon.telephony.TelephonyEvent.DialBegin;
import ru.dozvon.telephony.TelephonyEvent.DialEnd;
import ru.dozvon.telephony.TelephonyEvent.Hangup;
import ru.dozvon.telephony.TelephonyEvent.NewCallerId;
import ru.dozvon.telephony.TelephonyEvent.NewChannel;
import ru.dozvon.telephony.TelephonyEvent.NewState;
import ru.dozvon.telephony.TelephonyEvent.OriginateResponse;
import ru.dozvon.telephony.TelephonyEvent.OutcomeMarker;
import ru.dozvon.telephony.TelephonyEvent.QueueCallerAbandon;
import ru.dozvon.telephony.TelephonyEvent.QueueCallerJoin;
import ru.dozvon.telephony.TelephonyEvent.QueueCallerLeave;

/**
 * Follows every call on the PBX and says, once per call, how it ended. Groups channels by
 * Linkedid; a call ends when all its channels have hung up, and its {@link CallRecord} is decided
 * then by {@link CallVerdict} from facts whose arrival order does not matter.
 *
 * <p>Not thread-safe: one instance lives on one Vert.x event loop. Memory is bounded by the idle
 * time-out ({@link #expire()}) for live calls and by {@link TrackerSettings#recentEndedMemory()}
 * for ended ones, which are remembered only so that late events (Cdr, OriginateResponse, a stray
 * Hangup) cannot reopen or duplicate them.
 *
 * <p>After a (re)connect: {@link #markResyncStarted()}, then every {@code CoreShowChannel} as a
 * {@link ChannelSnapshot} through {@link #accept}, then {@link #resyncDone()}, which closes the
 * calls and channels that ended while we were not listening.
 */
public final class CallTracker {

  private static final Logger LOG = LoggerFactory.getLogger(CallTracker.class);

  private final TrackerSettings settings;
  private final Clock clock;
  private final Map<String, CallState> live = new HashMap<>();
  private final Map<String, CallState> byUniqueid = new HashMap<>();
  private final Map<String, Boolean> recentlyEnded;
  private final NumberCache numbers = new NumberCache(4096);
  /** Callers in a queue now, not yet answered: Linkedid -> when they joined (the wallboard's waiting callers). */
  private final Map<String, Instant> inQueue = new LinkedHashMap<>();
  private long epoch;
  private long ignoredEvents;
  /** Calls closed before their end by {@link TrackerSettings#maxLiveCalls()}, waiting to be returned by accept. */
  private final List<CallRecord> evicted = new ArrayList<>();
  /** Read by meters from any thread. */
  private final java.util.concurrent.atomic.AtomicLong channelsCapped = new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong callsEvicted = new java.util.concurrent.atomic.AtomicLong();
  private final LogLimit capLog;

  public CallTracker(TrackerSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
    this.capLog = new LogLimit(clock, java.time.Duration.ofSeconds(10));
    int memory = settings.recentEndedMemory();
    this.recentlyEnded = new LinkedHashMap<>(Math.min(memory, 1024), 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
        return size() > memory;
      }
    };
  }

  /**
   * Takes one event; returns the calls it ended (usually none). Never throws on bad input: an
   * event it cannot place is counted in {@link #ignoredEvents()} and dropped.
   */
  public List<CallRecord> accept(TelephonyEvent e) {
    if (e == null) {
      return List.of();
    }
    Instant now = clock.instant();
    Instant at = e.at() != null ? e.at() : now;
    if (e instanceof Cdr || e instanceof OriginateResponse) {
      // Their order against the Hangups varies from run to run, so they decide nothing; they only
      // show the call is still alive. (Which Originate placed a call is known from its result, not from here:
      // PlacedCalls.)
      CallState s = e.uniqueid() == null ? null : byUniqueid.get(e.uniqueid());
      if (s != null) {
        s.lastActivity = now;
      }
      return List.of();
    }
    CallState s = callFor(e);
    if (s == null) {
      ignoredEvents++;
      // Expected for late events of an ended call; anything else is worth seeing when looking for a lost call.
      LOG.debug("{} of call {} (channel {}) ignored: {}", e.getClass().getSimpleName(), e.linkedid(), e.uniqueid(),
          blankToNull(e.linkedid()) == null ? "no call it belongs to is followed" : "the call has ended");
      return List.of();
    }
    s.lastActivity = now;
    s.timeOf(at);
    apply(s, e, at);
    CallRecord done = null;
    if ((e instanceof Hangup || e instanceof ChannelSnapshot) && s.allHungUp()
        && (s.rootHungUp || !s.partial)) {
      done = finish(s, s.lastHangupAt != null ? s.lastHangupAt : at, false);
    }
    if (!evicted.isEmpty()) {
      List<CallRecord> out = new ArrayList<>(evicted);
      evicted.clear();
      if (done != null) {
        out.add(done);
      }
      return out;
    }
    return done == null ? List.of() : List.of(done);
  }

  private CallState callFor(TelephonyEvent e) {
    String linkedid = blankToNull(e.linkedid());
    if (linkedid == null) {
      String uniqueid = uniqueidOf(e);
      return uniqueid == null ? null : byUniqueid.get(uniqueid);
    }
    CallState s = live.get(linkedid);
    if (s == null) {
      if (recentlyEnded.containsKey(linkedid)) {
        return null;
      }
      if (live.size() >= settings.maxLiveCalls()) {
        evictLeastActive();
      }
      s = new CallState(linkedid);
      // A call first heard of by anything but its first channel's creation began unheard.
      s.partial = !(e instanceof NewChannel n && linkedid.equals(n.uniqueid()));
      live.put(linkedid, s);
    }
    return s;
  }

  /**
   * At {@link TrackerSettings#maxLiveCalls()}: closes, as expired, a hundredth of the calls (at least one), partial
   * calls first, least recently active first, as the idle time-out would have later; one scan serves that many new
   * calls.
   */
  private void evictLeastActive() {
    int n = Math.max(1, settings.maxLiveCalls() / 100);
    List<CallState> all = new ArrayList<>(live.values());
    // Partial calls first (first heard of by anything but their first channel's creation: what a forged or garbled
    // stream makes), then the rest; least recently active first within each.
    all.sort(java.util.Comparator.comparing((CallState c) -> !c.partial)
        .thenComparing(c -> c.lastActivity, java.util.Comparator.nullsFirst(java.util.Comparator.naturalOrder())));
    List<CallState> oldest = all.subList(0, Math.min(n, all.size()));
    for (CallState s : List.copyOf(oldest)) {
      evicted.add(finish(s, s.lastEventAt != null ? s.lastEventAt : clock.instant(), true));
    }
    callsEvicted.addAndGet(oldest.size());
    long suppressed = capLog.allow();
    if (suppressed >= 0) {
      LOG.warn("{} calls followed (telephony.max-live-calls): closed the {} least recently active as expired,"
          + " e.g. call {}; {} calls closed so at this cap since the start ({} such lines suppressed)",
          settings.maxLiveCalls(), oldest.size(), evicted.get(evicted.size() - 1).linkedid(), callsEvicted.get(),
          suppressed);
    }
  }

  private void apply(CallState s, TelephonyEvent e, Instant at) {
    if (e instanceof NewState n) {
      channel(s, n.uniqueid(), n.channel(), n.context(), n.exten(), n.callerIdNum());
    } else if (e instanceof NewCallerId n) {
      channel(s, n.uniqueid(), n.channel(), n.context(), n.exten(), n.callerIdNum());
    } else if (e instanceof NewChannel n) {
      channel(s, n.uniqueid(), n.channel(), n.context(), n.exten(), n.callerIdNum());
    } else if (e instanceof Hangup h) {
      Chan c = channel(s, h.uniqueid(), h.channel(), h.context(), h.exten(), h.callerIdNum());
      if (c != null) {
        c.hungUp = true;
        c.cause = h.cause() != null ? h.cause() : c.cause;
        s.rootHungUp |= c.uniqueid.equals(s.linkedid);
      }
      s.hangupAt(at);
    } else if (e instanceof DialBegin d) {
      Chan src = channel(s, d.uniqueid(), d.channel(), d.context(), null, null);
      Chan dest = channel(s, d.destUniqueid(), d.destChannel(), null, null, null);
      if (dest != null && src != null) {
        dest.dialDest = true;
      } else if (dest != null && blankToNull(d.channel()) == null) {
        dest.originated = true;
      }
      Leg leg = leg(s, src, d.destUniqueid(), d.destChannel(), d.destContext(), d.destExten());
      if (leg.beganAt == null || at.isBefore(leg.beganAt)) {
        leg.beganAt = at;
      }
    } else if (e instanceof DialEnd d) {
      dialEnd(s, d, at);
    } else if (e instanceof QueueCallerJoin q) {
      if (!s.queueJoined && s.operatorAnsweredAt == null) {
        inQueue.putIfAbsent(s.linkedid, s.lastActivity); // our clock: the wait is told against our now
      }
      s.queueJoined = true;
      s.queue = q.queue() != null ? q.queue() : s.queue;
    } else if (e instanceof QueueCallerAbandon q) {
      inQueue.remove(s.linkedid);
      s.queueAbandoned = true;
      s.queue = q.queue() != null ? q.queue() : s.queue;
    } else if (e instanceof QueueCallerLeave q) {
      inQueue.remove(s.linkedid);
      s.queue = s.queue == null ? q.queue() : s.queue;
    } else if (e instanceof AgentConnect a) {
      String who = ChannelNames.extensionOf(a.memberInterface() != null ? a.memberInterface() : a.destChannel());
      inQueue.remove(s.linkedid);
      s.operatorAnswered(who, at);
      s.queue = a.queue() != null ? a.queue() : s.queue;
    } else if (e instanceof AgentComplete a) {
      s.queue = s.queue == null ? a.queue() : s.queue;
    } else if (e instanceof TelephonyEvent.DialStatusSet d) {
      Chan c = channel(s, d.uniqueid(), null, null, null, null);
      String status = d.status() == null ? null : d.status().strip().toUpperCase(java.util.Locale.ROOT);
      if (c != null && CallVerdict.rank(status, true) > CallVerdict.rank(c.dialStatus, true)) {
        c.dialStatus = status;
      }
    } else if (e instanceof TelephonyEvent.CallTag t) {
      channel(s, t.uniqueid(), null, null, null, null);
      if (TelephonyEvent.CallTag.ATTEMPT.equals(t.name())) {
        s.attemptTag = s.attemptTag == null ? t.value() : s.attemptTag;
      } else {
        s.dealTag = s.dealTag == null ? t.value() : s.dealTag;
      }
    } else if (e instanceof OutcomeMarker m) {
      s.marker = m.value() != null && !m.value().isBlank() ? m.value() : s.marker;
    } else if (e instanceof ChannelSnapshot c) {
      snapshot(s, c, at);
    }
  }

  private void dialEnd(CallState s, DialEnd d, Instant at) {
    Chan src = channel(s, d.uniqueid(), d.channel(), d.context(), null, null);
    Chan dest = channel(s, d.destUniqueid(), d.destChannel(), null, null, null);
    if (dest != null && src != null) {
      dest.dialDest = true;
    }
    Leg leg = leg(s, src, d.destUniqueid(), d.destChannel(), d.destContext(), d.destExten());
    String status = d.dialStatus() == null ? null : d.dialStatus().strip().toUpperCase(java.util.Locale.ROOT);
    // A second DialEnd for the same leg (Queue repeats CANCEL) never overrides an ANSWER.
    if (leg.status == null || !"ANSWER".equals(leg.status)) {
      leg.status = status;
    }
    if (leg.endedAt == null || at.isAfter(leg.endedAt)) {
      leg.endedAt = at;
    }
    if ("ANSWER".equals(status) && src != null && CallVerdict.isOperatorLeg(leg, s, settings)
        && CallVerdict.inboundCaller(s) != null) {
      s.operatorAnswered(ChannelNames.extensionOf(d.destChannel()), at);
    }
  }

  private Leg leg(CallState s, Chan src, String destUniqueid, String destChannel, String destContext,
      String destExten) {
    Leg leg = s.leg(blankToNull(destUniqueid), blankToNull(destChannel), settings.maxChannelsPerCall());
    if (src != null) {
      leg.sourceUniqueid = src.uniqueid;
    }
    leg.destChannel = leg.destChannel == null ? destChannel : leg.destChannel;
    leg.destContext = leg.destContext == null ? destContext : leg.destContext;
    if (leg.destExten == null && destExten != null && !"s".equals(destExten)) {
      leg.destExten = destExten;
    }
    return leg;
  }

  private Chan channel(CallState s, String uniqueid, String name, String context, String exten,
      String callerIdNum) {
    uniqueid = blankToNull(uniqueid);
    if (uniqueid == null || "<unknown>".equals(uniqueid)) {
      return null;
    }
    Chan c = s.channels.get(uniqueid);
    if (c == null) {
      if (s.channels.size() >= settings.maxChannelsPerCall()) {
        channelCapped(s, uniqueid);
        return null;
      }
      c = s.chan(uniqueid);
      byUniqueid.putIfAbsent(uniqueid, s);
    }
    c.seenEpoch = epoch;
    s.seen(c, name, context, exten, callerIdNum, settings, numbers);
    return c;
  }

  /** A channel past {@link TrackerSettings#maxChannelsPerCall()}: not followed; logged once per call (rate-limited). */
  private void channelCapped(CallState s, String uniqueid) {
    channelsCapped.incrementAndGet();
    if (!s.channelsCapped) {
      s.channelsCapped = true;
      long suppressed = capLog.allow();
      if (suppressed >= 0) {
        LOG.warn("call {} has {} channels (telephony.max-channels-per-call): channel {} and any further ones are not"
            + " followed; the call ends with the channels followed ({} such lines suppressed)", s.linkedid,
            s.channels.size(), uniqueid, suppressed);
      }
    }
  }

  private void snapshot(CallState s, ChannelSnapshot snap, Instant at) {
    Chan c = channel(s, snap.uniqueid(), snap.channel(), snap.context(), snap.exten(), snap.callerIdNum());
    if (c == null) {
      return;
    }
    if (snap.durationSeconds() != null && s.partial) {
      s.timeOf(at.minusSeconds(snap.durationSeconds()));
    }
    c.bridgeId = blankToNull(snap.bridgeId());
    // Answered while we were away: the caller shares a bridge with an operator's channel.
    Chan caller = CallVerdict.inboundCaller(s);
    if (c.bridgeId != null && caller != null && s.operatorAnsweredAt == null) {
      for (Chan other : s.channels.values()) {
        if (other != caller && c.bridgeId.equals(other.bridgeId) && c.bridgeId.equals(caller.bridgeId)
            && !other.inInbound) {
          s.operatorAnswered(ChannelNames.extensionOf(other.name), at);
        }
      }
    }
  }

  /** Starts a resync after a (re)connect: snapshots and live events from now on count as "alive". */
  public void markResyncStarted() {
    epoch++;
  }

  /**
   * Ends the resync: every channel neither listed by the PBX nor heard of since
   * {@link #markResyncStarted()} ended while we were disconnected; calls left with no live channel
   * are closed (marked partial) and returned.
   */
  public List<CallRecord> resyncDone() {
    Instant now = clock.instant();
    List<CallRecord> ended = new ArrayList<>();
    for (CallState s : List.copyOf(live.values())) {
      for (Chan c : s.channels.values()) {
        if (!c.hungUp && c.seenEpoch < epoch) {
          c.hungUp = true;
          s.partial = true;
          s.rootHungUp |= c.uniqueid.equals(s.linkedid);
        }
      }
      if (s.allHungUp() || s.channels.isEmpty()) {
        ended.add(finish(s, s.lastHangupAt != null ? s.lastHangupAt : now, false));
      }
    }
    return ended;
  }

  /** Closes, as expired, the calls that heard nothing for {@link TrackerSettings#idleTimeout()}. */
  public List<CallRecord> expire() {
    Instant cutoff = clock.instant().minus(settings.idleTimeout());
    List<CallRecord> ended = new ArrayList<>();
    for (Iterator<CallState> it = List.copyOf(live.values()).iterator(); it.hasNext(); ) {
      CallState s = it.next();
      if (!s.lastActivity.isAfter(cutoff)) {
        LOG.warn("call {} closed after {} without events", s.linkedid, settings.idleTimeout());
        ended.add(finish(s, s.lastEventAt, true));
      }
    }
    return ended;
  }

  /**
   * Whether this call is followed now or ended a moment ago (within {@link TrackerSettings#recentEndedMemory()}
   * calls): the AMI path stores it, so a recovery from CDRs leaves it alone.
   */
  public boolean knows(String linkedid) {
    return live.containsKey(linkedid) || recentlyEnded.containsKey(linkedid);
  }

  /**
   * Callers waiting in a PBX queue now (joined, not answered, not left or abandoned), and since when the one who
   * has waited longest (null when none waits).
   */
  public QueueWait queueWait() {
    Instant oldest = null;
    for (Instant at : inQueue.values()) {
      if (oldest == null || at.isBefore(oldest)) {
        oldest = at;
      }
    }
    return new QueueWait(inQueue.size(), oldest);
  }

  /** Callers in queues now; {@code oldestSince} null when none. */
  public record QueueWait(int callers, Instant oldestSince) {
    public static final QueueWait NONE = new QueueWait(0, null);
  }

  /** Calls being followed now. */
  public int liveCalls() {
    return live.size();
  }

  /** Channel events dropped because their call had {@link TrackerSettings#maxChannelsPerCall()} channels already. */
  public long channelsCapped() {
    return channelsCapped.get();
  }

  /** Calls closed as expired because {@link TrackerSettings#maxLiveCalls()} calls were followed. */
  public long callsEvicted() {
    return callsEvicted.get();
  }

  /** Events that belonged to no call (no linkedid, or a call already ended): dropped. */
  public long ignoredEvents() {
    return ignoredEvents;
  }

  private CallRecord finish(CallState s, Instant endedAt, boolean expired) {
    live.remove(s.linkedid);
    inQueue.remove(s.linkedid);
    for (String uniqueid : s.channels.keySet()) {
      byUniqueid.remove(uniqueid, s);
    }
    recentlyEnded.put(s.linkedid, Boolean.TRUE);
    return CallVerdict.decide(s, settings, numbers, endedAt, expired);
  }

  private static String uniqueidOf(TelephonyEvent e) {
    String uniqueid = blankToNull(e.uniqueid());
    if (uniqueid == null && e instanceof DialBegin d) {
      return blankToNull(d.destUniqueid());
    }
    if (uniqueid == null && e instanceof DialEnd d) {
      return blankToNull(d.destUniqueid());
    }
    return uniqueid;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
