package ru.dozvon.managers;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import ru.dozvon.call.PhoneState;

/**
 * A person who works leads (operator) or watches the floor (supervisor), with a softphone
 * extension on the PBX.
 *
 * @param activeDeals open deals they own now (their load)
 * @param won deals won in the rating window
 * @param lost deals lost in the rating window
 * @param active false once deactivated: no leads, no working token, state OFF (rows are never deleted)
 * @param deactivatedAt when they were deactivated; null while active
 * @param phoneState their phone as the PBX last told it (UNKNOWN until it says anything)
 * @param autoDial the progressive dialer places their due callbacks ({@code DOZVON_AUTODIAL} turns it on for all)
 * @param login what they sign in with (null: none set); the password itself is never shown, only whether one is set
 */
public record Manager(long id, String name, String extension, String role, int maxActiveDeals,
                      String timezone, ManagerState state, boolean pbxPaused, int activeDeals,
                      int won, int lost, Instant createdAt, boolean active, Instant deactivatedAt,
                      PhoneState phoneState, boolean autoDial, String login, boolean hasPassword) {

  /** Raw conversion in the window, or null before any deal was decided. */
  public Double rawConversion() {
    return won + lost == 0 ? null : (double) won / (won + lost);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("name", name)
        .put("extension", extension)
        .put("role", role)
        .put("maxActiveDeals", maxActiveDeals)
        .put("timezone", timezone)
        .put("state", state.name())
        .put("active", active)
        .put("deactivatedAt", deactivatedAt == null ? null : deactivatedAt.toString())
        .put("pbxPaused", pbxPaused)
        .put("phoneState", phoneState.name())
        .put("autoDial", autoDial)
        .put("login", login)
        .put("hasPassword", hasPassword)
        .put("load", new JsonObject().put("activeDeals", activeDeals).put("maxActiveDeals", maxActiveDeals))
        .put("conversion", new JsonObject().put("won", won).put("lost", lost).put("raw", rawConversion()))
        .put("createdAt", createdAt.toString());
  }
}
