package ru.dozvon.routing;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import ru.dozvon.errors.InvalidInput;
import ru.dozvon.web.Api;
import ru.dozvon.web.Principal;
import ru.dozvon.web.Role;
import ru.dozvon.web.RouteGroup;

/**
 * {@code GET /api/routing/unassigned}: the deals waiting for a manager, with why (staff only).
 * {@code POST /api/deals/{id}/assign}: a supervisor gives a deal to a manager by hand (staff only).
 */
public final class RoutingRoutes implements RouteGroup {

  private static final Set<String> ASSIGN_FIELDS = Set.of("managerId", "reason", "force");

  private final PgLeadAssigner assigner;
  private final PgHandAssigner handAssigner;

  public RoutingRoutes(RoutingVerticle routing) {
    this.assigner = routing.assigner();
    this.handAssigner = routing.handAssigner();
  }

  @Override
  public void mount(Router api) {
    api.get("/routing/unassigned").handler(this::unassigned);
    api.post("/deals/:id/assign").handler(this::assign);
  }

  private void unassigned(RoutingContext ctx) {
    Api.principal(ctx).require(Role.ADMIN, Role.SUPERVISOR);
    int limit = Api.limitQuery(ctx, 100, 1000);
    Api.reply(ctx, 200, assigner.waiting(limit));
  }

  private void assign(RoutingContext ctx) {
    Principal p = Api.principal(ctx);
    p.require(Role.ADMIN, Role.SUPERVISOR);
    long dealId = Api.idParam(ctx, "id");
    JsonObject b = Api.body(ctx, ASSIGN_FIELDS);
    long managerId = Api.requiredInt(b, "managerId", 1, Integer.MAX_VALUE);
    String reason = Api.requiredString(b, "reason", 500);
    Object force = b.getValue("force", false);
    if (!(force instanceof Boolean)) {
      throw new InvalidInput("force", "must be true or false");
    }
    Api.reply(ctx, 200, handAssigner.assignByHand(dealId, managerId, reason, (Boolean) force, p.actor())
        .map(done -> new JsonObject().put("dealId", done.dealId()).put("managerId", done.managerId())
            .put("previousManagerId", done.previousManagerId()).put("forcedAboveCap", done.aboveCap())
            .put("decision", done.decision())));
  }
}
