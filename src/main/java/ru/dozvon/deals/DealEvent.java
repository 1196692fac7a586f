package ru.dozvon.deals;

import java.time.Instant;
import ru.dozvon.call.CallOutcome;
import ru.dozvon.phone.PhoneNumber;

/**
 * Something that happened to a deal, told by the {@link DealEventChain} to the {@link DealTxListener}s inside
 * the transaction that made it happen, so that follow-ups (routing, the callback schedule) commit with it or
 * not at all.
 */
public sealed interface DealEvent {

  long dealId();

  Instant at();

  /**
   * A new deal. {@code phone} is null for a deal with only an email. {@code routingPending}: the deal was
   * stored with {@code routing_pending} set (a deal from the PBX), so routing decides its owner after this
   * transaction commits, in a batch with the deals that arrived meanwhile, instead of inside it.
   */
  record Created(long dealId, long contactId, String source, PhoneNumber phone, Instant at, boolean routingPending)
      implements DealEvent {
    public Created(long dealId, long contactId, String source, PhoneNumber phone, Instant at) {
      this(dealId, contactId, source, phone, at, false);
    }
  }

  /**
   * Routing gave the deal an owner (by rule or by hand), told inside the transaction that stored it: the
   * manager's notification commits with the assignment or not at all.
   */
  record Assigned(long dealId, long managerId, boolean byHand, Instant at) implements DealEvent {
  }

  /** A missed call from a lead that already has an open deal: a callback is due now. */
  record MissedAgain(long dealId, String pbxCallId, Instant at) implements DealEvent {
  }

  /**
   * The lead wrote by themselves (a chat, a letter, another form) on their open deal: like a missed call, a
   * callback is due now. Not contact (DOMAIN 3): nobody at the company talked to them yet.
   */
  record CustomerMessage(long dealId, ContactChannel channel, Instant at) implements DealEvent {
  }

  /** Two-way contact: an answered call in either direction, or a manager's reply. */
  record ContactMade(long dealId, ContactChannel channel, Instant at) implements DealEvent {
  }

  /**
   * An outbound call to the lead ended (an operator's callback, click-to-call, the dialer): dialing reads the attempt's
   * outcome from it. {@code attemptId}: the attempt a call Dozvon placed belongs to (null for a call dialled by hand
   * from the phone), so that its result lands on that attempt and no other.
   */
  record OutboundCallEnded(long dealId, String pbxCallId, CallOutcome outcome, String operatorExtension, Instant at,
                           Long attemptId) implements DealEvent {
    public OutboundCallEnded(long dealId, String pbxCallId, CallOutcome outcome, String operatorExtension, Instant at) {
      this(dealId, pbxCallId, outcome, operatorExtension, at, null);
    }
  }

  /**
   * The deal was closed (won, lost, invalid), by a person or by a rule. Routing updates ratings
   * and frees the manager's capacity; dialing cancels pending attempts.
   */
  record Closed(long dealId, Long managerId, DealStatus status, String reason, Instant at) implements DealEvent {
  }
}
