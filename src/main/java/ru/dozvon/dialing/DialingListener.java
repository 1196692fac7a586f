package ru.dozvon.dialing;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import ru.dozvon.call.CallOutcome;
import ru.dozvon.deals.AssigneeRole;
import ru.dozvon.deals.ContactChannel;
import ru.dozvon.deals.DealEvent;
import ru.dozvon.deals.DealTxListener;
import ru.dozvon.deals.PgDealStore;
import ru.dozvon.deals.PgTaskStore;
import ru.dozvon.deals.Priority;
import ru.dozvon.deals.TaskKind;
import ru.dozvon.deals.TaskSpec;

/**
 * Keeps each deal's callback schedule in step with what happens to the deal, inside the
 * transaction that made it happen (DOMAIN 3):
 * <ul>
 *   <li>Created with a phone: attempt 1; with only an email: the email requests.</li>
 *   <li>MissedAgain, CustomerMessage: a callback is due now (the pending attempt moves, or a new ladder starts
 *       when the chain had stopped); a message also ends the email requests, and on a deal without a phone
 *       gives the manager a task to answer.</li>
 *   <li>ContactMade: the chain stops (and the email requests).</li>
 *   <li>OutboundCallEnded: the call's result is the attempt's outcome. NOT_CONNECTED (the operator never picked
 *       up, the customer was not dialled) is no call to the customer: nothing changes.</li>
 *   <li>Closed: attempts not yet ended are cancelled.</li>
 * </ul>
 * Returns what its work caused (a deal closed by the exhausted ladder, contact made by a callback) for the chain
 * to tell. Registered after routing's listener, so a new deal's attempt and tasks go to the manager just chosen.
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
  public Future<List<DealEvent>> on(SqlConnection tx, DealEvent event) {
    Instant now = clock.instant();
    if (event instanceof DealEvent.Created c) {
      return (c.phone() != null
          ? chain.start(tx, c.dealId(), c.phone(), c.at(), now)
          : email.start(tx, c.dealId(), c.at(), now)).map(List.of());
    } else if (event instanceof DealEvent.MissedAgain m) {
      return chain.follow(tx, m.dealId(), now);
    } else if (event instanceof DealEvent.CustomerMessage m) {
      return email.stop(tx, m.dealId(), "the lead wrote (" + m.channel() + ")", now)
          .compose(stopped -> PgAttempts.lockDeal(tx, m.dealId()).compose(deal -> deal.phone() != null || !deal.open()
              ? chain.follow(tx, deal, now)
              : answerTask(tx, deal, m, now).map(List.<DealEvent>of())));
    } else if (event instanceof DealEvent.ContactMade c) {
      if (c.channel() == ContactChannel.ANSWERED_OUTBOUND_CALL) {
        return NOTHING; // a callback's outcome: told by our own outcome path, which already followed the chain
      }
      return chain.follow(tx, c.dealId(), now)
          .compose(caused -> email.stop(tx, c.dealId(), "the lead made contact (" + c.channel() + ")", now).map(caused));
    } else if (event instanceof DealEvent.OutboundCallEnded o) {
      return outbound(tx, o, now);
    } else if (event instanceof DealEvent.Closed c) {
      return chain.cancel(tx, c.dealId(), "the deal was closed " + c.status(), now)
          .compose(x -> email.stop(tx, c.dealId(), "the deal was closed " + c.status(), now)).map(List.of());
    }
    return NOTHING;
  }

  /** New deals with a phone take their attempts 1 in one statement; every other event takes {@link #on}. */
  @Override
  public Future<List<DealEvent>> onAll(SqlConnection tx, List<? extends DealEvent> events) {
    List<DealEvent.Created> created = new java.util.ArrayList<>();
    List<DealEvent> others = new java.util.ArrayList<>();
    for (DealEvent e : events) {
      if (e instanceof DealEvent.Created c && c.phone() != null) {
        created.add(c);
      } else {
        others.add(e);
      }
    }
    if (created.size() < 2) {
      return DealTxListener.super.onAll(tx, events);
    }
    return chain.startAll(tx, created, clock.instant())
        .compose(x -> DealTxListener.super.onAll(tx, others));
  }

  private static Future<Void> answerTask(SqlConnection tx, PgAttempts.DealRow deal, DealEvent.CustomerMessage m,
                                         Instant now) {
    TaskSpec task = new TaskSpec(TaskKind.FOLLOW_UP, "Ответить клиенту: новое сообщение (" + m.channel().name()
        .toLowerCase(java.util.Locale.ROOT) + ")", now, AssigneeRole.MANAGER);
    return PgTaskStore.create(tx, deal.id(), deal.managerId(), task, Priority.RED, null)
        .compose(id -> PgDealStore.history(tx, deal.id(), now, "task", "system", new JsonObject()
            .put("kind", task.kind().name()).put("title", task.title()).put("taskId", id)));
  }

  private Future<List<DealEvent>> outbound(SqlConnection tx, DealEvent.OutboundCallEnded o, Instant now) {
    AttemptOutcome outcome = outcomeOfCall(o.outcome());
    if (outcome == null) {
      return NOTHING;
    }
    return PgAttempts.lockDeal(tx, o.dealId()).compose(deal -> !deal.open() ? NOTHING
        : o.attemptId() != null ? chain.recordOutcomeOf(tx, deal, o.attemptId(), outcome, "pbx", o.pbxCallId(), now)
        : chain.recordOutcome(tx, deal, outcome, null, null, "pbx", o.pbxCallId(), now));
  }

  /** A call's outcome as an attempt's; null for a call that never reached for the customer. */
  static AttemptOutcome outcomeOfCall(CallOutcome callOutcome) {
    if (callOutcome == null) {
      return AttemptOutcome.FAILED;
    }
    return switch (callOutcome) {
      case ANSWERED -> AttemptOutcome.REACHED;
      case NO_ANSWER -> AttemptOutcome.NO_ANSWER;
      case BUSY -> AttemptOutcome.BUSY;
      case UNAVAILABLE -> AttemptOutcome.UNAVAILABLE;
      case NOT_CONNECTED -> null;
      default -> AttemptOutcome.FAILED;
    };
  }
}
