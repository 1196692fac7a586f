package ru.dozvon.dialing;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import ru.dozvon.deals.DealEvent;
import ru.dozvon.deals.DealTxListener;

/**
 * Keeps each deal's callback schedule in step with what happens to the deal, inside the
 * transaction that made it happen (DOMAIN 3):
 * <ul>
 *   <li>Created with a phone: attempt 1; with only an email: the email requests.</li>
 *   <li>MissedAgain: the pending attempt is due again (usually now).</li>
 *   <li>ContactMade: the chain stops (and the email requests).</li>
 *   <li>OutboundCallEnded: the call's result is the current attempt's outcome, then the next step
 *       or the exhausted ladder. NOT_CONNECTED (the operator never picked up, the customer was not
 *       dialled) is no attempt on the customer: the attempt stays open.</li>
 *   <li>Closed: attempts not yet ended are cancelled.</li>
 * </ul>
 * Registered after routing's listener, so a new deal's attempt and tasks go to the manager just chosen.
 */
public final class DialingListener implements DealTxListener {

  private final PgRetryChain chain;
  private final PgEmailRequests email;
  private final Clock clock;

  DialingListener(PgRetryChain chain, PgEmailRequests email, Clock clock) {
    this.chain = chain;
    this.email = email;
    this.clock = clock;
  }

  @Override
  public Future<Void> on(SqlConnection tx, DealEvent event) {
    Instant now = clock.instant();
    if (event instanceof DealEvent.Created c) {
      return c.phone() != null
          ? chain.start(tx, c.dealId(), c.phone(), c.at(), now)
          : email.start(tx, c.dealId(), c.at(), now);
    } else if (event instanceof DealEvent.MissedAgain m) {
      return chain.missedAgain(tx, m.dealId(), m.at(), now);
    } else if (event instanceof DealEvent.ContactMade c) {
      if (DealEvent.ContactMade.CALLBACK.equals(c.channel())) {
        return Future.succeededFuture(); // told by our own outcome path, which already decided the chain
      }
      return chain.contactMade(tx, c.dealId(), channel(c.channel()), c.at(), now)
          .compose(x -> email.stop(tx, c.dealId(), "the lead made contact (" + c.channel() + ")", now));
    } else if (event instanceof DealEvent.OutboundCallEnded o) {
      return outbound(tx, o, now);
    } else if (event instanceof DealEvent.Closed c) {
      return chain.cancel(tx, c.dealId(), "the deal was closed " + c.status(), now)
          .compose(x -> email.stop(tx, c.dealId(), "the deal was closed " + c.status(), now));
    }
    return Future.succeededFuture();
  }

  private Future<Void> outbound(SqlConnection tx, DealEvent.OutboundCallEnded o, Instant now) {
    AttemptOutcome outcome = outcomeOfCall(o.outcome());
    if (outcome == null) {
      return Future.succeededFuture();
    }
    return PgAttempts.lockDeal(tx, o.dealId()).compose(deal -> !deal.open() ? Future.succeededFuture()
        : chain.recordOutcome(tx, deal, outcome, null, "pbx", o.pbxCallId(), now).mapEmpty());
  }

  /** A call's outcome as an attempt's; null for a call that never reached for the customer. */
  static AttemptOutcome outcomeOfCall(String callOutcome) {
    return switch (callOutcome == null ? "" : callOutcome) {
      case "ANSWERED" -> AttemptOutcome.REACHED;
      case "NO_ANSWER" -> AttemptOutcome.NO_ANSWER;
      case "BUSY" -> AttemptOutcome.BUSY;
      case "UNAVAILABLE" -> AttemptOutcome.UNAVAILABLE;
      case "NOT_CONNECTED" -> null;
      default -> AttemptOutcome.FAILED;
    };
  }

  private static ContactChannel channel(String channel) {
    return switch (channel == null ? "" : channel.toLowerCase(Locale.ROOT)) {
      case "inbound_call", "call" -> ContactChannel.ANSWERED_INBOUND_CALL;
      case "email" -> ContactChannel.EMAIL;
      case "chat" -> ContactChannel.CHAT;
      case "messenger" -> ContactChannel.MESSENGER;
      case "sms" -> ContactChannel.SMS;
      default -> ContactChannel.OTHER;
    };
  }
}
