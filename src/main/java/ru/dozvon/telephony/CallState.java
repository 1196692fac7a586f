package ru.dozvon.telephony;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import ru.dozvon.phone.PhoneNumbers;

/**
 * What the tracker knows so far about one live call (one Linkedid): its channels, its dial legs
 * and the facts that decide its outcome. Mutable, owned by one {@link CallTracker}, never shared.
 *
 * <p>Every fact is kept so that the order of arrival does not matter: times are minima or maxima,
 * flags only ever turn on, and the verdict is taken once, when the call ends ({@link CallVerdict}).
 */
final class CallState {

  /** One channel of the call. */
  static final class Chan {
    final String uniqueid;
    String name;
    /** The context the channel was first seen in. */
    String firstContext;
    boolean inInbound;
    boolean inOutbound;
    /** First real Exten seen while in an inbound context: the company number dialled. */
    String inboundExten;
    /** First real Exten seen while in an outbound (click-to-call) context: the customer's number. */
    String outboundExten;
    /** Best caller number seen: a valid number wins over a withheld one. */
    String callerRaw;
    boolean callerValid;
    /** The channel was dialled by another channel (it is a callee, not a caller). */
    boolean dialDest;
    /** The channel was rung by an AMI Originate (a dial with no source channel). */
    boolean originated;
    boolean hungUp;
    /** The most telling failure a Dial() on this channel reported through DIALSTATUS, ranked. */
    String dialStatus;
    String bridgeId;
    /** The Q.850 cause of its Hangup, or null (not hung up yet, or no Cause header). */
    Integer cause;
    /** The resync round in which the channel was last seen alive or hung up. */
    long seenEpoch;

    Chan(String uniqueid) {
      this.uniqueid = uniqueid;
    }
  }

  /** One dial attempt from a channel (or from an Originate) to a destination channel. */
  static final class Leg {
    String sourceUniqueid;
    String destChannel;
    String destContext;
    String destExten;
    String status;
    Instant beganAt;
    Instant endedAt;
  }

  final String linkedid;
  final Map<String, Chan> channels = new HashMap<>(8);
  final Map<String, Leg> legs = new LinkedHashMap<>(4);
  Instant startedAt;
  Instant lastHangupAt;
  Instant lastEventAt;
  /** Clock time of the last event, for the idle time-out (event timestamps may be skewed). */
  Instant lastActivity;
  String operatorExtension;
  Instant operatorAnsweredAt;
  String queue;
  boolean queueJoined;
  boolean queueAbandoned;
  String marker;
  boolean partial;
  boolean rootHungUp;
  /** {@code DOZVON_ATTEMPT} / {@code DOZVON_DEAL} as a channel of the call carried them (a call Dozvon placed). */
  String attemptTag;
  String dealTag;
  /** The call reached {@link TrackerSettings#maxChannelsPerCall()} (logged once). */
  boolean channelsCapped;

  CallState(String linkedid) {
    this.linkedid = linkedid;
  }

  Chan chan(String uniqueid) {
    return channels.computeIfAbsent(uniqueid, Chan::new);
  }

  /** Records where a channel is in the dialplan, as any channel event reports it. */
  void seen(Chan c, String name, String context, String exten, String callerIdNum,
      TrackerSettings settings, NumberCache numbers) {
    if (name != null && c.name == null) {
      c.name = name;
    }
    if (context != null) {
      if (c.firstContext == null) {
        c.firstContext = context;
      }
      boolean realExten = exten != null && !exten.isBlank() && !"s".equals(exten);
      if (settings.inboundContexts().contains(context)) {
        c.inInbound = true;
        if (realExten && c.inboundExten == null) {
          c.inboundExten = exten;
        }
      }
      if (settings.outboundContexts().contains(context)) {
        c.inOutbound = true;
        if (realExten && c.outboundExten == null) {
          c.outboundExten = exten;
        }
      }
    }
    if (callerIdNum != null && !callerIdNum.equals(c.callerRaw) && !c.callerValid) {
      // A withheld value never replaces a number; the first valid number sticks (the carrier's
      // 8916... and the normalised +7916... that may follow are the same number).
      if (!PhoneNumbers.isWithheld(callerIdNum)) {
        c.callerRaw = callerIdNum;
        c.callerValid = numbers.isValid(callerIdNum);
      } else if (c.callerRaw == null) {
        c.callerRaw = callerIdNum;
      }
    }
  }

  /** The leg to that destination; past {@code max} legs a new destination gets a leg that is not kept. */
  Leg leg(String destUniqueid, String destChannel, int max) {
    String key = destUniqueid != null ? destUniqueid : destChannel;
    key = key == null ? "?" + legs.size() : key;
    Leg leg = legs.get(key);
    if (leg == null) {
      leg = new Leg();
      if (legs.size() < max) {
        legs.put(key, leg);
      }
    }
    return leg;
  }

  void timeOf(Instant at) {
    if (startedAt == null || at.isBefore(startedAt)) {
      startedAt = at;
    }
    if (lastEventAt == null || at.isAfter(lastEventAt)) {
      lastEventAt = at;
    }
  }

  void hangupAt(Instant at) {
    if (lastHangupAt == null || at.isAfter(lastHangupAt)) {
      lastHangupAt = at;
    }
  }

  /** Keeps the earliest operator answer: a later one is a transfer, not the first contact. */
  void operatorAnswered(String extension, Instant at) {
    if (operatorAnsweredAt == null || at.isBefore(operatorAnsweredAt)) {
      operatorAnsweredAt = at;
      operatorExtension = extension;
    } else if (operatorExtension == null) {
      operatorExtension = extension;
    }
  }

  boolean allHungUp() {
    for (Chan c : channels.values()) {
      if (!c.hungUp) {
        return false;
      }
    }
    return !channels.isEmpty();
  }

  /** The channel that started the call (its Uniqueid is the Linkedid), or null if never seen. */
  Chan root() {
    return channels.get(linkedid);
  }
}
