package ru.dozvon.live;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * One thing that happened, for the live feed of operators and supervisors.
 *
 * @param type dotted lowercase, e.g. {@code deal.created}, {@code call.ended}, {@code attempt.due}
 * @param managerId the manager it concerns (operators see only theirs), or null for the floor
 * @param data what the browser shows
 */
public record FeedEvent(String type, Long dealId, Long managerId, Instant at, JsonObject data) {

  public JsonObject toJson() {
    return new JsonObject().put("type", type).put("dealId", dealId).put("managerId", managerId)
        .put("at", at.toString()).put("data", data);
  }
}
