package ru.dozvon.dialing;

import io.vertx.sqlclient.Pool;
import java.time.Clock;
import ru.dozvon.deals.DealEventChain;
import ru.dozvon.deals.PgFollowUps;
import ru.dozvon.deals.PgDealWorkflow;
import ru.dozvon.live.LiveFeed;
import ru.dozvon.metrics.Meters;
import ru.dozvon.web.RouteGroup;

/**
 * The dialing feature put together from its config: the deal listener that keeps the callback
 * schedule, the outcome route, and the scheduler that fires due attempts.
 *
 * <p>An exhausted ladder closes its deal through the deals feature's own close ({@link PgDealWorkflow#closeByLadder});
 * the outcome route tells the chain what the outcome caused.
 */
public final class Dialing {

  private final Pool pool;
  private final Clock clock;
  private final Meters meters;
  private final LiveFeed feed;
  private final PgRetryChain chain;
  private final DialingListener listener;
  private final RetryConfig.Scheduler pace;
  private final DealEventChain events;
  private final ru.dozvon.deals.AfterContact afterContact;
  private final PgFollowUps followUps;
  private final RetryPolicy policy;
  private final RetryConfig retry;
  private ClickToCall clickToCall;
  private Dialer dialer;

  public Dialing(RetryConfig retry, PgDealWorkflow deals, DealEventChain events, Pool pool, Clock clock, Meters meters,
                 LiveFeed feed) {
    this.pool = pool;
    this.clock = clock;
    this.meters = meters;
    this.feed = feed;
    this.pace = retry.scheduler();
    this.events = events;
    this.afterContact = deals.afterContact();
    this.followUps = deals.followUps();
    this.retry = retry;
    this.policy = RetryPolicy.from(retry);
    deals.requireLossReason(retry.policy().lossReason(), "retry.exhausted.loss_reason");
    this.chain = new PgRetryChain(policy, deals, meters);
    this.listener = new DialingListener(chain, new PgEmailRequests(new EmailOnlyPolicy(retry.emailOnly(), retry.window())),
        clock);
  }

  /** Goes into the deal listeners, after routing's. */
  public DialingListener listener() {
    return listener;
  }

  /** {@code POST /api/deals/{id}/outcome}. */
  public RouteGroup routes() {
    return new OutcomeRoutes(pool, chain, events, clock, afterContact, followUps);
  }

  /**
   * Click-to-call on this PBX, and the progressive dialer beside it (which places due attempts through it).
   *
   * @param phones whether an operator's phone is idle, for the dialer
   */
  public void calls(Pbx pbx, DialerConfig dialerConfig, OperatorPhones phones) {
    clickToCall = new ClickToCall(pool, clock, policy, retry.limits(), pbx, feed, meters);
    dialer = new Dialer(pool, clock, dialerConfig, retry.window(), clickToCall, pbx, phones, meters);
  }

  /** {@code POST /api/deals/{id}/call} (after {@link #calls}). */
  public RouteGroup callRoutes() {
    return new CallRoutes(clickToCall);
  }

  /** Click-to-call (after {@link #calls}). */
  public ClickToCall clickToCall() {
    return clickToCall;
  }

  /** The progressive dialer, the scheduler's hand-off (after {@link #calls}). */
  public Dialer dialer() {
    return dialer;
  }

  /** A scheduler to deploy, at the configured pace ({@code retry.scheduler}: 250 ms and 100 by default). */
  public AttemptScheduler scheduler(DueAttemptHandler handler) {
    return new AttemptScheduler(pool, clock, meters, feed, handler, pace.every(), pace.batch());
  }
}
