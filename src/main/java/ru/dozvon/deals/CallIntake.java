package ru.dozvon.deals;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import ru.dozvon.live.FeedEvent;
import ru.dozvon.live.LiveFeed;
import ru.dozvon.metrics.Meters;

/**
 * Where every ended call enters the business: recorded (and a missed one turned into a deal) in
 * one transaction, shared with the missed calls that arrived together ({@link GroupCommit}), then
 * counted and told to the live feed once committed.
 */
public final class CallIntake {

  private final GroupCommit recorder;
  private final LiveFeed feed;
  private final Meters meters;
  private final Clock clock;

  public CallIntake(GroupCommit recorder, LiveFeed feed, Meters meters, Clock clock) {
    this.recorder = recorder;
    this.feed = feed;
    this.meters = meters;
    this.clock = clock;
  }

  /**
   * Records one ended call.
   *
   * @param seenAt when we saw the call end (for the hangup-to-deal meter)
   */
  public Future<PgCallRecorder.Recorded> accept(CallFacts c, Instant seenAt) {
    return recorder.record(c).onSuccess(r -> {
      if (r.effect() == PgCallRecorder.Effect.DUPLICATE) {
        return;
      }
      meters.callEnded(c.outcome().name(), c.missed());
      Instant now = clock.instant();
      JsonObject call = new JsonObject().put("pbxCallId", c.pbxCallId()).put("direction", c.direction().name())
          .put("outcome", c.outcome().name()).put("missed", c.missed())
          .put("phone", c.customer() == null ? null : c.customer().e164())
          .put("withheld", c.withheld()).put("operator", c.operatorExtension()).put("queue", c.queue());
      feed.publish(new FeedEvent("call.ended", r.dealId(), r.managerId(), now, call));
      if (r.effect() == PgCallRecorder.Effect.DEAL_CREATED) {
        meters.dealCreated();
        meters.hangupToDeal(Duration.between(seenAt, now));
        feed.publish(new FeedEvent("deal.created", r.dealId(), r.managerId(), now,
            new JsonObject().put("source", "missed_call").put("phone", c.customer().e164())));
      } else if (r.effect() == PgCallRecorder.Effect.ATTACHED_MISSED) {
        feed.publish(new FeedEvent("deal.missed_again", r.dealId(), r.managerId(), now,
            new JsonObject().put("phone", c.customer().e164())));
      }
    });
  }
}
