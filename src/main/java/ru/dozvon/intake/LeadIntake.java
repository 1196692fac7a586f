package ru.dozvon.intake;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import ru.dozvon.live.FeedEvent;
import ru.dozvon.live.LiveFeed;
import ru.dozvon.metrics.Meters;

/**
 * Where leads from forms, chats, email and messengers enter: stored in one transaction
 * ({@link PgLeadIntake}), then, once committed, counted and told to the live feed
 * ({@code deal.created} for a new deal, {@code deal.lead} for a request attached to an open one).
 */
public final class LeadIntake {

  private final PgLeadIntake store;
  private final LiveFeed feed;
  private final Meters meters;
  private final Clock clock;

  public LeadIntake(PgLeadIntake store, LiveFeed feed, Meters meters, Clock clock) {
    this.store = store;
    this.feed = feed;
    this.meters = meters;
    this.clock = clock;
  }

  public Future<PgLeadIntake.Accepted> accept(Lead lead, Optional<String> idempotencyKey,
                                              Optional<PgLeadIntake.Nonce> nonce, String actor) {
    Instant now = clock.instant();
    return store.accept(lead, idempotencyKey, nonce, actor, now).onSuccess(a -> {
      if (a.replayed()) {
        return;
      }
      JsonObject data = new JsonObject().put("source", lead.source())
          .put("phone", lead.phone() == null ? null : lead.phone().e164()).put("email", lead.email())
          .put("name", lead.name());
      if (a.created()) {
        meters.dealCreated();
        feed.publish(new FeedEvent("deal.created", a.dealId(), a.managerId(), clock.instant(), data));
      } else {
        feed.publish(new FeedEvent("deal.lead", a.dealId(), a.managerId(), clock.instant(), data));
      }
    });
  }
}
