package ru.dozvon.telephony;

import ru.dozvon.call.CallDirection;
import ru.dozvon.call.CallOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import ru.dozvon.phone.PhoneNumber;
import ru.dozvon.phone.PhoneNumbers;
import ru.dozvon.telephony.CallState.Chan;
import ru.dozvon.telephony.CallState.Leg;

/**
 * Turns what is known about an ended call into its {@link CallRecord}: direction, customer number,
 * who answered and how it ended. Pure; the rules are documented in {@code docs/TELEPHONY.md}.
 */
final class CallVerdict {

  private CallVerdict() {
  }

  static CallRecord decide(CallState s, TrackerSettings settings, NumberCache numbers, Instant endedAt,
      boolean expired) {
    Chan caller = inboundCaller(s);
    boolean outboundContext = s.channels.values().stream().anyMatch(c -> c.inOutbound);
    CallDirection direction;
    String customerRaw;
    if (!outboundContext && caller != null) {
      direction = CallDirection.INBOUND;
      customerRaw = caller.callerRaw;
    } else {
      customerRaw = outboundNumber(s, numbers);
      Chan root = s.root();
      boolean originated = root != null && root.originated;
      direction = customerRaw != null || outboundContext || originated ? CallDirection.OUTBOUND
          : CallDirection.INTERNAL;
    }
    PhoneNumber number = numbers.parse(customerRaw);
    // Only a caller can withhold a number; an outbound call without one simply never dialled.
    boolean withheld = direction == CallDirection.INBOUND && number == null
        && PhoneNumbers.isWithheld(customerRaw);

    Instant started = s.startedAt == null ? endedAt : s.startedAt;
    Instant answeredAt;
    String operator;
    CallOutcome outcome;
    Instant firstDial = null;
    Instant lastDialEnd = null;
    if (direction == CallDirection.INBOUND) {
      for (Leg leg : s.legs.values()) {
        if (isOperatorLeg(leg, s, settings)) {
          firstDial = min(firstDial, leg.beganAt);
          lastDialEnd = max(lastDialEnd, leg.endedAt);
        }
      }
      answeredAt = s.operatorAnsweredAt;
      operator = s.operatorExtension;
      outcome = answeredAt != null || operator != null ? CallOutcome.ANSWERED : inboundMissed(s, settings);
    } else {
      answeredAt = null;
      int worst = 0;
      boolean anyLeg = false;
      for (Leg leg : s.legs.values()) {
        if (leg.sourceUniqueid == null) {
          continue; // an Originate's own leg (ringing the operator), not a dial of the customer
        }
        anyLeg = true;
        firstDial = min(firstDial, leg.beganAt);
        lastDialEnd = max(lastDialEnd, leg.endedAt);
        if ("ANSWER".equals(leg.status)) {
          answeredAt = min(answeredAt, leg.endedAt == null ? endedAt : leg.endedAt);
        }
        worst = Math.max(worst, rank(leg.status, false));
      }
      for (Chan c : s.channels.values()) {
        if (c.inOutbound || c == s.root()) {
          anyLeg |= c.dialStatus != null;
          worst = Math.max(worst, rank(c.dialStatus, false));
        }
      }
      Chan root = s.root();
      operator = root != null && !root.inInbound ? ChannelNames.extensionOf(root.name) : null;
      outcome = answeredAt != null ? CallOutcome.ANSWERED
          : !anyLeg ? CallOutcome.NOT_CONNECTED
          : worst == 0 ? CallOutcome.NO_ANSWER : unanswered(worst);
    }
    if (answeredAt != null && answeredAt.isAfter(endedAt)) {
      answeredAt = endedAt;
    }
    long wait = seconds(started, answeredAt != null ? answeredAt : endedAt);
    long ring = firstDial == null ? 0
        : seconds(firstDial, answeredAt != null ? answeredAt : lastDialEnd != null ? lastDialEnd : endedAt);
    long talk = answeredAt == null ? 0 : seconds(answeredAt, endedAt);
    String company = direction == CallDirection.INBOUND ? caller.inboundExten : null;
    Integer cause = direction == CallDirection.INBOUND ? caller.cause : customerCause(s);
    return new CallRecord(s.linkedid, direction, outcome, number, customerRaw, withheld, company,
        operator, s.queue, started, answeredAt, endedAt, wait, ring, talk, expired, s.partial,
        s.attemptTag, s.dealTag, cause);
  }

  /**
   * The hangup cause of the customer's side of a call we placed: the channel the customer was dialled on (with a
   * Local channel, its other half may carry the real cause: {@code Hangup(17)} in the trunk's context); the answered
   * leg if one was, else the last one. With no customer leg at all, the operator's own channel (their phone did not
   * answer: 19, busy: 17, ...).
   */
  private static Integer customerCause(CallState s) {
    Chan chosen = null;
    for (java.util.Map.Entry<String, Leg> e : s.legs.entrySet()) {
      Leg leg = e.getValue();
      Chan dest = s.channels.get(e.getKey());
      if (leg.sourceUniqueid == null || dest == null) {
        continue;
      }
      if (chosen == null || "ANSWER".equals(leg.status)) {
        chosen = dest;
      }
    }
    if (chosen == null) {
      Chan root = s.root();
      return root == null ? null : root.cause;
    }
    if (chosen.cause != null && chosen.cause != 0 || chosen.name == null || chosen.name.indexOf(';') < 0) {
      return chosen.cause;
    }
    String base = chosen.name.substring(0, chosen.name.indexOf(';'));
    for (Chan c : s.channels.values()) {
      if (c != chosen && c.name != null && c.name.startsWith(base + ";") && c.cause != null && c.cause != 0) {
        return c.cause;
      }
    }
    return chosen.cause;
  }

  /**
   * The customer's channel of an inbound call: the call's first channel when it started in an
   * inbound context; failing that (its start was not seen), any inbound-context channel that was
   * not itself dialled (an outgoing trunk channel may sit in the trunk's inbound context too).
   */
  static Chan inboundCaller(CallState s) {
    Chan root = s.root();
    if (root != null && root.firstContext != null) {
      return root.inInbound && !root.dialDest ? root : null;
    }
    for (Chan c : s.channels.values()) {
      if (c.inInbound && !c.dialDest) {
        return c;
      }
    }
    return null;
  }

  /** A dial from the caller's side to an operator's phone (not an Originate, not back to a trunk). */
  static boolean isOperatorLeg(Leg leg, CallState s, TrackerSettings settings) {
    if (leg.sourceUniqueid == null) {
      return false;
    }
    String context = leg.destContext;
    if (context == null && leg.destChannel != null) {
      for (Chan c : s.channels.values()) {
        if (leg.destChannel.equals(c.name)) {
          context = c.firstContext;
        }
      }
    }
    if (context == null) {
      return settings.operatorContexts().isEmpty();
    }
    if (settings.inboundContexts().contains(context) || settings.outboundContexts().contains(context)) {
      return false;
    }
    return settings.operatorContexts().isEmpty() || settings.operatorContexts().contains(context);
  }

  private static CallOutcome inboundMissed(CallState s, TrackerSettings settings) {
    if (s.marker != null) {
      String m = s.marker.strip().toUpperCase(Locale.ROOT);
      if (m.equals("AFTER_HOURS")) {
        return CallOutcome.AFTER_HOURS;
      }
      if (m.equals("VOICEMAIL")) {
        return CallOutcome.VOICEMAIL;
      }
    }
    if (s.queueAbandoned) {
      return CallOutcome.QUEUE_ABANDONED;
    }
    int worst = 0;
    boolean anyLeg = false;
    for (Leg leg : s.legs.values()) {
      if (isOperatorLeg(leg, s, settings)) {
        anyLeg = true;
        worst = Math.max(worst, rank(leg.status, true));
      }
    }
    for (Chan c : s.channels.values()) {
      if (c.inInbound && !c.dialDest && c.dialStatus != null) {
        anyLeg = true;
        worst = Math.max(worst, rank(c.dialStatus, true));
      }
    }
    if (worst == 5) {
      return CallOutcome.CALLER_ABANDONED;
    }
    if (worst > 0) {
      return unanswered(worst);
    }
    // Rung but the end of the ring was never reported, or left a queue without an agent: no answer.
    // Never rung at all (hung up in the greeting or IVR): the caller gave up.
    return anyLeg || s.queueJoined ? CallOutcome.NO_ANSWER : CallOutcome.CALLER_ABANDONED;
  }

  /**
   * Ranks a failed dial status; when several operators (or attempts) failed differently, the one
   * closest to a conversation speaks for the call: rang unanswered, then busy, then unreachable.
   */
  static int rank(String status, boolean inbound) {
    if (status == null || "ANSWER".equals(status)) {
      return 0;
    }
    return switch (status) {
      // Inbound, CANCEL means the caller hung up while it rang; outbound, that we gave up: no answer.
      case "CANCEL" -> inbound ? 5 : 4;
      case "NOANSWER" -> 4;
      case "BUSY" -> 3;
      case "CHANUNAVAIL", "CONGESTION" -> 2;
      default -> 1;
    };
  }

  private static CallOutcome unanswered(int rank) {
    return switch (rank) {
      case 3 -> CallOutcome.BUSY;
      case 2 -> CallOutcome.UNAVAILABLE;
      default -> CallOutcome.NO_ANSWER;
    };
  }

  /** The number an outbound call dialled: click-to-call Exten, a dialled Exten, or the caller's Exten. */
  private static String outboundNumber(CallState s, NumberCache numbers) {
    for (Chan c : s.channels.values()) {
      if (c.outboundExten != null) {
        return c.outboundExten;
      }
    }
    for (Leg leg : s.legs.values()) {
      if (leg.sourceUniqueid != null && leg.destExten != null
          && numbers.isValid(leg.destExten)) {
        return leg.destExten;
      }
    }
    return null;
  }

  private static long seconds(Instant from, Instant to) {
    if (from == null || to == null || to.isBefore(from)) {
      return 0;
    }
    return (Duration.between(from, to).toMillis() + 500) / 1000;
  }

  private static Instant min(Instant a, Instant b) {
    return a == null ? b : b == null || a.isBefore(b) ? a : b;
  }

  private static Instant max(Instant a, Instant b) {
    return a == null ? b : b == null || a.isAfter(b) ? a : b;
  }
}
