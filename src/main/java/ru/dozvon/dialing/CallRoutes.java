package ru.dozvon.dialing;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import ru.dozvon.errors.InvalidInput;
import ru.dozvon.web.Api;
import ru.dozvon.web.Principal;
import ru.dozvon.web.RouteGroup;

/**
 * {@code POST /api/deals/{id}/call} {@code {"override"?: true}}: click-to-call. The deal's manager (an operator: own
 * deals only, on their own phone) or staff (on their own phone; the admin, who has none, on the deal manager's).
 * 202 with the attempt once the Originate is queued; the operator's phone rings, then the lead's. 409 naming the
 * {@code rule} that refuses it ({@link ClickToCall}). {@code override} calls outside the calling window, kept in the
 * history.
 */
public final class CallRoutes implements RouteGroup {

  private static final Set<String> FIELDS = Set.of("override");

  private final ClickToCall calls;

  CallRoutes(ClickToCall calls) {
    this.calls = calls;
  }

  @Override
  public void mount(Router api) {
    api.post("/deals/:id/call").handler(this::call);
  }

  private void call(RoutingContext ctx) {
    long dealId = Api.idParam(ctx, "id");
    Principal p = Api.principal(ctx);
    boolean empty = ctx.body() == null || ctx.body().buffer() == null || ctx.body().buffer().toString().isBlank();
    JsonObject body = empty ? new JsonObject() : Api.body(ctx, FIELDS);
    Object override = body.getValue("override");
    if (override != null && !(override instanceof Boolean)) {
      throw new InvalidInput("override", "must be true or false");
    }
    var who = new ClickToCall.Caller(p.actor(), p.managerId(), p.isStaff() ? null : p.managerId());
    Api.reply(ctx, 202, calls.call(dealId, who, Boolean.TRUE.equals(override)));
  }
}
