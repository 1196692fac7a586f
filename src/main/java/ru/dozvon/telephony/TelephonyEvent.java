package ru.dozvon.telephony;

import java.time.Instant;

/**
 * What the PBX told us about a call, reduced to what call correlation needs. One record per AMI
 * event that matters; {@link AmiEventMapper} makes them, {@link CallTracker} consumes them.
 *
 * <p>Every field may be null: the PBX, a proxy or a lost line can leave any header out, and the
 * tracker decides what a record without, say, a linkedid is still good for. {@code at} is the
 * event's own {@code Timestamp} header ({@code timestampevents=yes}) or null when Asterisk sent
 * none; the tracker then uses its clock.
 *
 * <p>Field names follow the AMI headers: {@code uniqueid}/{@code channel}/{@code context}/
 * {@code exten}/{@code callerIdNum} describe the channel the event is about; {@code dest*} fields
 * describe the channel being dialled.
 */
public sealed interface TelephonyEvent {

  /** When Asterisk raised the event, or null when it sent no Timestamp header. */
  Instant at();

  /** The call this event belongs to (Asterisk's Linkedid), or null when the event carries none. */
  String linkedid();

  /**
   * The channel the event is about (Asterisk Uniqueid), or null. For a dial placed by an Originate
   * (no source channel) the tracker falls back to the destination's.
   */
  String uniqueid();

  /** A channel was created ({@code Newchannel}). */
  record NewChannel(Instant at, String linkedid, String uniqueid, String channel, String context,
      String exten, String callerIdNum, String state) implements TelephonyEvent {
  }

  /** A channel's caller id changed ({@code NewCallerid}); carriers' numbers are often normalised here. */
  record NewCallerId(Instant at, String linkedid, String uniqueid, String channel, String context,
      String exten, String callerIdNum) implements TelephonyEvent {
  }

  /** A channel changed state, e.g. Ring, Ringing, Up, Busy ({@code Newstate}). */
  record NewState(Instant at, String linkedid, String uniqueid, String channel, String context,
      String exten, String callerIdNum, String state) implements TelephonyEvent {
  }

  /**
   * A dial attempt began ({@code DialBegin}). The source fields are null when the dial was placed by
   * an AMI Originate rather than by a channel's {@code Dial()}/{@code Queue()}.
   */
  record DialBegin(Instant at, String linkedid, String uniqueid, String channel, String context,
      String destUniqueid, String destChannel, String destContext, String destExten, String callerIdNum)
      implements TelephonyEvent {

    /** Without the caller's number (the tracker does not need it; the screen pop does). */
    public DialBegin(Instant at, String linkedid, String uniqueid, String channel, String context,
        String destUniqueid, String destChannel, String destContext, String destExten) {
      this(at, linkedid, uniqueid, channel, context, destUniqueid, destChannel, destContext, destExten, null);
    }
  }

  /** A dial attempt ended with {@code dialStatus} (ANSWER, NOANSWER, BUSY, CANCEL, CHANUNAVAIL, CONGESTION, ...). */
  record DialEnd(Instant at, String linkedid, String uniqueid, String channel, String context,
      String destUniqueid, String destChannel, String destContext, String destExten,
      String dialStatus) implements TelephonyEvent {
  }

  /** A channel hung up ({@code Hangup}) with Q.850 {@code cause} (may be null). */
  record Hangup(Instant at, String linkedid, String uniqueid, String channel, String context,
      String exten, String callerIdNum, Integer cause) implements TelephonyEvent {
  }

  /** A caller entered queue {@code queue} ({@code QueueCallerJoin}). */
  record QueueCallerJoin(Instant at, String linkedid, String uniqueid, String queue)
      implements TelephonyEvent {
  }

  /** A caller hung up while waiting in a queue ({@code QueueCallerAbandon}). */
  record QueueCallerAbandon(Instant at, String linkedid, String uniqueid, String queue,
      Integer holdSeconds) implements TelephonyEvent {
  }

  /** A caller left a queue, for whatever reason ({@code QueueCallerLeave}). */
  record QueueCallerLeave(Instant at, String linkedid, String uniqueid, String queue)
      implements TelephonyEvent {
  }

  /**
   * A queue member answered the caller ({@code AgentConnect}); {@code memberInterface} is e.g.
   * {@code PJSIP/101}, {@code destChannel} the member's channel.
   */
  record AgentConnect(Instant at, String linkedid, String uniqueid, String queue,
      String memberInterface, String destChannel, Long holdSeconds) implements TelephonyEvent {
  }

  /** A queue member's conversation ended ({@code AgentComplete}). */
  record AgentComplete(Instant at, String linkedid, String uniqueid, String queue,
      String memberInterface, String destChannel, Long talkSeconds) implements TelephonyEvent {
  }

  /**
   * A CDR was written ({@code Cdr}). It carries no Linkedid (only the UniqueID of its channel), a
   * call can write several, and they come before or after the Hangups: the tracker's result never
   * depends on them.
   */
  record Cdr(Instant at, String uniqueid, String disposition, Integer durationSeconds,
      Integer billableSeconds) implements TelephonyEvent {
    @Override
    public String linkedid() {
      return null;
    }
  }

  /**
   * The result of an asynchronous Originate ({@code OriginateResponse}), broadcast to every AMI
   * session: only {@code actionId} says whether it was ours. {@code uniqueid} is the originated
   * channel's, which is the Linkedid of the call it started (or null/{@code <unknown>} on failure).
   */
  /**
   * A queue member paused or unpaused on the PBX (QueueMemberPause, QueueMemberStatus, or the
   * QueueMember answers of the resync's QueueStatus): not a call event; it makes an operator
   * ineligible for new leads while paused on the phone.
   *
   * @param extension the member's extension, from its interface ({@code PJSIP/101} -> {@code 101})
   */
  record MemberPause(Instant at, String extension, boolean paused, String reason) implements TelephonyEvent {
    @Override
    public String linkedid() {
      return null;
    }

    @Override
    public String uniqueid() {
      return null;
    }
  }

  record OriginateResponse(Instant at, String actionId, boolean success, Integer reason,
      String uniqueid, String channel) implements TelephonyEvent {
    @Override
    public String linkedid() {
      return null;
    }
  }

  /**
   * The dialplan marked how the call ends by setting the marker variable (see
   * {@link TrackerSettings#markerVariable()}), e.g. {@code Set(DOZVON_OUTCOME=AFTER_HOURS)}.
   */
  record OutcomeMarker(Instant at, String linkedid, String uniqueid, String value)
      implements TelephonyEvent {
  }

  /**
   * A channel variable Dozvon sets on the calls it places ({@code DOZVON_ATTEMPT}, {@code DOZVON_DEAL}: the Originate's
   * {@code Variable} headers, reported back as {@code VarSet}): ties every event of the call to the attempt, whatever
   * order they come in.
   *
   * @param name the variable without the inheritance underscores ({@code __DOZVON_ATTEMPT} -> {@code DOZVON_ATTEMPT})
   */
  record CallTag(Instant at, String linkedid, String uniqueid, String name, String value) implements TelephonyEvent {
    /** The variable carrying the attempt's id. */
    public static final String ATTEMPT = "DOZVON_ATTEMPT";
    /** The variable carrying the deal's id. */
    public static final String DEAL = "DOZVON_DEAL";
  }

  /**
   * {@code Dial()} finished on a channel and set {@code DIALSTATUS} ({@code VarSet}). The only trace
   * of a dial that could not even create the callee's channel (an unregistered phone, a trunk down:
   * CHANUNAVAIL/CONGESTION without DialBegin/DialEnd).
   */
  record DialStatusSet(Instant at, String linkedid, String uniqueid, String status)
      implements TelephonyEvent {
  }

  /**
   * One live channel as the PBX lists it in answer to {@code CoreShowChannels} after a (re)connect.
   * {@code durationSeconds} is how long the channel has existed (null when unknown);
   * {@code bridgeId} is set while the channel is bridged to another.
   */
  record ChannelSnapshot(Instant at, String linkedid, String uniqueid, String channel,
      String context, String exten, String callerIdNum, String state, String bridgeId,
      Long durationSeconds) implements TelephonyEvent {
  }

  /**
   * A queue rings one of its members for a caller ({@code AgentCalled}): with DialBegin, what the screen pop
   * reacts to. Not given to the call tracker.
   *
   * @param memberInterface the member rung, e.g. {@code PJSIP/101}
   * @param callerIdNum the caller's number as the PBX has it now
   */
  record AgentCalled(Instant at, String linkedid, String uniqueid, String queue, String memberInterface,
      String destChannel, String callerIdNum) implements TelephonyEvent {
  }

  /**
   * The dialplan named the call's recording ({@code Set(DOZVON_RECORDING=...)} before {@code MixMonitor}, seen
   * as VarSet): kept until the call ends and stored with it. Not given to the call tracker.
   */
  record RecordingSet(Instant at, String linkedid, String uniqueid, String file) implements TelephonyEvent {
  }

  /**
   * What the PBX says about a phone rather than a call: folded per extension by {@link PhoneStates}, never
   * given to the call tracker. Raised by state changes and by the resync's lists (DeviceStateList,
   * ExtensionStateList, PJSIPShowContacts).
   */
  sealed interface PhoneEvent extends TelephonyEvent {
    @Override
    default String linkedid() {
      return null;
    }

    @Override
    default String uniqueid() {
      return null;
    }

    /**
     * A device's state ({@code DeviceStateChange}): {@code device} e.g. {@code PJSIP/101}, {@code state}
     * NOT_INUSE, INUSE, BUSY, RINGING, RINGINUSE, ONHOLD, UNAVAILABLE, INVALID or UNKNOWN.
     */
    record DeviceState(Instant at, String device, String state) implements PhoneEvent {
    }

    /**
     * An extension hint's state ({@code ExtensionStatus}): {@code status} the number (0 idle, 1 in use, 2 busy,
     * 4 unavailable, 8 ringing, 16 on hold, sums of them; negative: hint removed), {@code statusText} its name.
     */
    record ExtensionState(Instant at, String exten, String context, Integer status, String statusText)
        implements PhoneEvent {
    }

    /**
     * A registration change: {@code ContactStatus}/{@code ContactList} (PJSIP; {@code endpoint} the AOR, status
     * Reachable, Unreachable, Removed, Created, NonQualified) or {@code PeerStatus} ({@code endpoint} e.g.
     * {@code PJSIP/101}, status Registered, Unregistered, Unreachable, Reachable).
     */
    record Registration(Instant at, String endpoint, String status) implements PhoneEvent {
    }
  }
}
