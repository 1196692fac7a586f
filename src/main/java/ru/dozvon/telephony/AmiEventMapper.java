package ru.dozvon.telephony;

import java.time.Instant;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.asteriskjava.manager.event.AgentCompleteEvent;
import org.asteriskjava.manager.event.AgentConnectEvent;
import org.asteriskjava.manager.event.AgentCalledEvent;
import org.asteriskjava.manager.event.CdrEvent;
import org.asteriskjava.manager.event.ContactList;
import org.asteriskjava.manager.event.ContactStatusEvent;
import org.asteriskjava.manager.event.DeviceStateChangeEvent;
import org.asteriskjava.manager.event.ExtensionStatusEvent;
import org.asteriskjava.manager.event.PeerStatusEvent;
import org.asteriskjava.manager.event.CoreShowChannelEvent;
import org.asteriskjava.manager.event.DialBeginEvent;
import org.asteriskjava.manager.event.DialEndEvent;
import org.asteriskjava.manager.event.HangupEvent;
import org.asteriskjava.manager.event.ManagerEvent;
import org.asteriskjava.manager.event.NewCallerIdEvent;
import org.asteriskjava.manager.event.NewChannelEvent;
import org.asteriskjava.manager.event.NewStateEvent;
import org.asteriskjava.manager.event.OriginateResponseEvent;
import org.asteriskjava.manager.event.QueueCallerAbandonEvent;
import org.asteriskjava.manager.event.QueueMemberEvent;
import org.asteriskjava.manager.event.QueueMemberPauseEvent;
import org.asteriskjava.manager.event.QueueMemberPausedEvent;
import org.asteriskjava.manager.event.QueueMemberStatusEvent;
import org.asteriskjava.manager.event.QueueCallerJoinEvent;
import org.asteriskjava.manager.event.QueueCallerLeaveEvent;
import org.asteriskjava.manager.event.VarSetEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps Asterisk-Java's event beans to {@link TelephonyEvent}s; the one place besides the
 * connection bridge that knows Asterisk-Java types.
 *
 * <p>Runs on Asterisk-Java's reader thread for every event the PBX sends, so it is a table look-up
 * by class and one small record for the few event types that matter; everything else (Newexten,
 * most VarSet, security events...) returns null at once. It
 * never throws: a bean it cannot read is counted in {@link #malformed()}, logged, and dropped.
 * Safe to call from one thread while others read the counters.
 */
public final class AmiEventMapper {

  private static final Logger LOG = LoggerFactory.getLogger(AmiEventMapper.class);
  private static final int WARN_FIRST = 20;
  private static final int WARN_EVERY = 1000;

  private static final Map<Class<?>, Integer> KINDS = new IdentityHashMap<>();

  static {
    Class<?>[] order = {NewChannelEvent.class, NewCallerIdEvent.class, NewStateEvent.class,
        DialBeginEvent.class, DialEndEvent.class, HangupEvent.class, QueueCallerJoinEvent.class,
        QueueCallerAbandonEvent.class, QueueCallerLeaveEvent.class, AgentConnectEvent.class,
        AgentCompleteEvent.class, CdrEvent.class, OriginateResponseEvent.class, VarSetEvent.class,
        CoreShowChannelEvent.class, QueueMemberPauseEvent.class, QueueMemberPausedEvent.class,
        QueueMemberStatusEvent.class, QueueMemberEvent.class,
        // 19..: phones and rings (PhoneMapping)
        DeviceStateChangeEvent.class, ExtensionStatusEvent.class, ContactStatusEvent.class, PeerStatusEvent.class,
        ContactList.class, AgentCalledEvent.class};
    for (int i = 0; i < order.length; i++) {
      KINDS.put(order[i], i);
    }
    java.util.Set<String> names = new java.util.HashSet<>(java.util.List.of("coreshowchannelscomplete",
        "queueparams", "queueentry", "queuestatuscomplete", "devicestatelistcomplete", "extensionstatelistcomplete",
        "contactlistcomplete", "fullybooted"));
    for (Class<?> c : order) {
      names.add(c.getSimpleName().replaceFirst("Event$", "").toLowerCase(Locale.ROOT));
    }
    READ_EVENT_NAMES = java.util.Set.copyOf(names);
  }

  /** AMI event names (lower case) this mapper reads, with the answers of the lists the client asks for. */
  static final java.util.Set<String> READ_EVENT_NAMES;

  /** The channel variable the dialplan names a call's recording in (docs/TELEPHONY.md, "Recordings"). */
  public static final String RECORDING_VARIABLE = "DOZVON_RECORDING";

  /** The channel variable the calls Dozvon places carry their attempt's id in (set by the Originate). */
  public static final String ATTEMPT_VARIABLE = TelephonyEvent.CallTag.ATTEMPT;

  /** The channel variable the calls Dozvon places carry their deal's id in. */
  public static final String DEAL_VARIABLE = TelephonyEvent.CallTag.DEAL;

  private final String markerVariable;
  private final LongAdder mapped = new LongAdder();
  private final LongAdder malformed = new LongAdder();

  /** @param markerVariable the outcome marker variable ({@link TrackerSettings#markerVariable()}) */
  public AmiEventMapper(String markerVariable) {
    this.markerVariable = markerVariable;
  }

  /** A queue member's pause state, whichever of the four event classes carried it; null if it says none. */
  private static TelephonyEvent memberPause(Instant at, ManagerEvent e) {
    String iface;
    Boolean paused;
    String reason;
    if (e instanceof QueueMemberPausedEvent p) {   // QueueMemberPause(d), Asterisk 12+ and older
      iface = p.getInterface();
      paused = p.getPaused();
      reason = p.getPausedReason() != null ? p.getPausedReason() : p.getReason();
    } else {
      QueueMemberEvent m = (QueueMemberEvent) e;     // QueueMemberStatus, and QueueStatus's answer
      iface = m.getInterface() != null ? m.getInterface() : m.getLocation();
      paused = m.getPaused();
      reason = m.getPausedreason();
    }
    String extension = ChannelNames.extensionOf(iface);
    return extension == null || paused == null ? null : new TelephonyEvent.MemberPause(at, extension, paused, reason);
  }

  /** The record for an event that matters to call correlation, or null. Never throws. */
  public TelephonyEvent map(ManagerEvent e) {
    if (e == null) {
      return null;
    }
    Integer kind = KINDS.get(e.getClass());
    if (kind == null) {
      return null;
    }
    try {
      TelephonyEvent out = build(kind, e);
      if (out != null) {
        mapped.increment();
        if (out.linkedid() == null && out.uniqueid() == null
            && !(out instanceof TelephonyEvent.OriginateResponse) && !(out instanceof TelephonyEvent.MemberPause)
            && !(out instanceof TelephonyEvent.PhoneEvent)) {
          malformed(e, "neither Linkedid nor Uniqueid");
        }
      }
      return out;
    } catch (RuntimeException ex) {
      malformed(e, ex.toString());
      return null;
    }
  }

  private TelephonyEvent build(int kind, ManagerEvent e) {
    Instant at = instant(e.getTimestamp());
    if (kind >= 19) {
      return PhoneMapping.map(kind - 19, at, e);
    }
    if (kind >= 15) {
      return memberPause(at, e);
    }
    switch (kind) {
      case 0: {
        NewChannelEvent n = (NewChannelEvent) e;
        return new TelephonyEvent.NewChannel(at, n.getLinkedid(), n.getUniqueId(), n.getChannel(),
            n.getContext(), n.getExten(), n.getCallerIdNum(), n.getChannelStateDesc());
      }
      case 1: {
        NewCallerIdEvent n = (NewCallerIdEvent) e;
        return new TelephonyEvent.NewCallerId(at, n.getLinkedId(), n.getUniqueId(), n.getChannel(),
            n.getContext(), n.getExten(), n.getCallerIdNum());
      }
      case 2: {
        NewStateEvent n = (NewStateEvent) e;
        return new TelephonyEvent.NewState(at, n.getLinkedId(), n.getUniqueId(), n.getChannel(),
            n.getContext(), n.getExten(), n.getCallerIdNum(), n.getChannelStateDesc());
      }
      case 3: {
        DialBeginEvent d = (DialBeginEvent) e;
        return new TelephonyEvent.DialBegin(at, or(d.getLinkedId(), d.getDestLinkedId()),
            d.getUniqueId(), d.getChannel(), d.getContext(), d.getDestUniqueId(), d.getDestChannel(),
            d.getDestContext(), d.getDestExten(), d.getCallerIdNum());
      }
      case 4: {
        DialEndEvent d = (DialEndEvent) e;
        return new TelephonyEvent.DialEnd(at, or(d.getLinkedId(), d.getDestLinkedId()),
            d.getUniqueId(), d.getChannel(), d.getContext(), d.getDestUniqueId(), d.getDestChannel(),
            d.getDestContext(), d.getDestExten(), d.getDialStatus());
      }
      case 5: {
        HangupEvent h = (HangupEvent) e;
        return new TelephonyEvent.Hangup(at, h.getLinkedId(), h.getUniqueId(), h.getChannel(),
            h.getContext(), h.getExten(), h.getCallerIdNum(), h.getCause());
      }
      case 6: {
        QueueCallerJoinEvent q = (QueueCallerJoinEvent) e;
        return new TelephonyEvent.QueueCallerJoin(at, q.getLinkedId(), q.getUniqueId(), q.getQueue());
      }
      case 7: {
        QueueCallerAbandonEvent q = (QueueCallerAbandonEvent) e;
        return new TelephonyEvent.QueueCallerAbandon(at, q.getLinkedId(), q.getUniqueId(), q.getQueue(),
            q.getHoldTime());
      }
      case 8: {
        QueueCallerLeaveEvent q = (QueueCallerLeaveEvent) e;
        return new TelephonyEvent.QueueCallerLeave(at, q.getLinkedId(), q.getUniqueId(), q.getQueue());
      }
      case 9: {
        AgentConnectEvent a = (AgentConnectEvent) e;
        return new TelephonyEvent.AgentConnect(at, a.getLinkedId(), a.getUniqueId(), a.getQueue(),
            a.getInterface(), a.getDestChannel(), a.getHoldTime());
      }
      case 10: {
        AgentCompleteEvent a = (AgentCompleteEvent) e;
        return new TelephonyEvent.AgentComplete(at, a.getLinkedId(), a.getUniqueId(), a.getQueue(),
            a.getInterface(), a.getDestChannel(), a.getTalkTime());
      }
      case 11: {
        CdrEvent c = (CdrEvent) e;
        return new TelephonyEvent.Cdr(at, c.getUniqueId(), c.getDisposition(), c.getDuration(),
            c.getBillableSeconds());
      }
      case 12: {
        OriginateResponseEvent o = (OriginateResponseEvent) e;
        return new TelephonyEvent.OriginateResponse(at, o.getActionId(),
            "Success".equalsIgnoreCase(o.getResponse()), o.getReason(), o.getUniqueId(), o.getChannel());
      }
      case 13:
        return marker((VarSetEvent) e, at);
      default: {
        CoreShowChannelEvent c = (CoreShowChannelEvent) e;
        return new TelephonyEvent.ChannelSnapshot(at, c.getLinkedid(), c.getUniqueid(), c.getChannel(),
            c.getContext(), c.getExtension(), c.getCallerIdNum(), c.getChannelStateDesc(),
            c.getBridgeid(), hms(c.getDuration()));
      }
    }
  }

  private TelephonyEvent marker(VarSetEvent v, Instant at) {
    String name = v.getVariable();
    if (name == null) {
      return null;
    }
    // Set(__DOZVON_OUTCOME=...) (inherited by dialled channels) may be reported with its underscores.
    int from = 0;
    while (from < name.length() && name.charAt(from) == '_') {
      from++;
    }
    if (name.length() == 10 && name.equals("DIALSTATUS")) {
      String status = v.getValue();
      return status == null || status.isBlank() ? null
          : new TelephonyEvent.DialStatusSet(at, v.getLinkedId(), v.getUniqueId(), status);
    }
    if (name.length() - from == RECORDING_VARIABLE.length()
        && name.regionMatches(true, from, RECORDING_VARIABLE, 0, RECORDING_VARIABLE.length())) {
      String file = v.getValue();
      return file == null || file.isBlank() ? null
          : new TelephonyEvent.RecordingSet(at, v.getLinkedId(), v.getUniqueId(), file.strip());
    }
    String bare = name.substring(from);
    if (bare.equalsIgnoreCase(ATTEMPT_VARIABLE) || bare.equalsIgnoreCase(DEAL_VARIABLE)) {
      String value = v.getValue();
      return value == null || value.isBlank() ? null
          : new TelephonyEvent.CallTag(at, v.getLinkedId(), v.getUniqueId(), bare.toUpperCase(Locale.ROOT), value.strip());
    }
    if (!name.regionMatches(true, from, markerVariable, 0, markerVariable.length())
        || name.length() - from != markerVariable.length()) {
      return null;
    }
    return new TelephonyEvent.OutcomeMarker(at, v.getLinkedId(), v.getUniqueId(), v.getValue());
  }

  /** Events mapped to records so far. */
  public long mapped() {
    return mapped.sum();
  }

  /** Events of a relevant type that could not be read or lacked every call id. */
  public long malformed() {
    return malformed.sum();
  }

  private void malformed(ManagerEvent e, String why) {
    malformed.increment();
    long n = malformed.sum();
    // The bean as Asterisk-Java prints it carries the call's ids (linkedid, uniqueid, channel) where the PBX sent any.
    if (n <= WARN_FIRST || n % WARN_EVERY == 0) {
      LOG.warn("malformed AMI event {} ({} so far): {}; {}", e.getClass().getSimpleName(), n, why, brief(e));
    } else if (LOG.isDebugEnabled()) {
      LOG.debug("malformed AMI event {} ({} so far): {}; {}", e.getClass().getSimpleName(), n, why, brief(e));
    }
  }

  private static String brief(ManagerEvent e) {
    try {
      String text = e.toString();
      return text.length() <= 600 ? text : text.substring(0, 600) + "...";
    } catch (RuntimeException ex) {
      return "(unprintable: " + ex + ")";
    }
  }

  static Instant instant(Double epochSeconds) {
    if (epochSeconds == null || epochSeconds.isNaN() || epochSeconds.isInfinite() || epochSeconds < 0) {
      return null;
    }
    long seconds = (long) Math.floor(epochSeconds);
    long micros = Math.round((epochSeconds - seconds) * 1_000_000d);
    return Instant.ofEpochSecond(seconds, Math.min(micros, 999_999) * 1000);
  }

  /** {@code HH:MM:SS} (CoreShowChannel Duration) as seconds, or null. */
  static Long hms(String text) {
    if (text == null) {
      return null;
    }
    String[] parts = text.strip().split(":");
    long total = 0;
    try {
      for (String p : parts) {
        total = total * 60 + Long.parseLong(p);
      }
    } catch (NumberFormatException ex) {
      return null;
    }
    return total < 0 ? null : total;
  }

  private static String or(String a, String b) {
    return a != null && !a.isEmpty() ? a : b;
  }

  @Override
  public String toString() {
    return "AmiEventMapper[marker=" + markerVariable.toUpperCase(Locale.ROOT) + "]";
  }
}
