package ru.dozvon.dialing;

import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.util.function.Supplier;
import ru.dozvon.deals.DealTxListener;
import ru.dozvon.deals.Funnel;
import ru.dozvon.deals.FunnelConfig;
import ru.dozvon.live.LiveFeed;
import ru.dozvon.live.Meters;
import ru.dozvon.web.RouteGroup;

/**
 * The dialing feature put together from its config: the deal listener that keeps the callback
 * schedule, the outcome route, and the scheduler that fires due attempts.
 *
 * @param allListeners every deal listener in order (dialing's included), read lazily: an exhausted
 *     ladder closes the deal and tells them {@code Closed}, and they are built after this
 */
public final class Dialing {

  private final Pool pool;
  private final Clock clock;
  private final Meters meters;
  private final LiveFeed feed;
  private final PgRetryChain chain;
  private final DialingListener listener;
  private final RetryConfig.Scheduler pace;

  public Dialing(RetryConfig retry, FunnelConfig funnelConfig, Pool pool, Clock clock, Meters meters, LiveFeed feed,
                 Supplier<DealTxListener> allListeners) {
    this.pool = pool;
    this.clock = clock;
    this.meters = meters;
    this.feed = feed;
    this.pace = retry.scheduler();
    Funnel funnel = new Funnel(funnelConfig);
    RetryPolicy policy = RetryPolicy.from(retry);
    PgExhaustion exhaustion = new PgExhaustion(funnel, retry.policy().lossReason(), allListeners);
    this.chain = new PgRetryChain(policy, funnel, exhaustion, meters, allListeners);
    this.listener = new DialingListener(chain, new PgEmailRequests(new EmailOnlyPolicy(retry.emailOnly(), retry.window())),
        clock);
  }

  /** Goes into the deal listeners, after routing's. */
  public DialingListener listener() {
    return listener;
  }

  /** {@code POST /api/deals/{id}/outcome}. */
  public RouteGroup routes() {
    return new OutcomeRoutes(pool, chain, clock);
  }

  /** A scheduler to deploy, at the configured pace ({@code retry.scheduler}: 250 ms and 100 by default). */
  public AttemptScheduler scheduler(DueAttemptHandler handler) {
    return new AttemptScheduler(pool, clock, meters, feed, handler, pace.every(), pace.batch());
  }
}
