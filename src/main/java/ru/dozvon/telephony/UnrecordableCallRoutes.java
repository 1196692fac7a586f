package ru.dozvon.telephony;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import ru.dozvon.web.Api;
import ru.dozvon.web.Principal;
import ru.dozvon.web.Role;
import ru.dozvon.web.RouteGroup;

/**
 * {@code GET /api/calls/unrecordable}: the calls the database refused, with their facts and the refusal (staff
 * only). {@code POST /api/calls/unrecordable/{id}/ack}: someone has seen one, it stops degrading {@code /health}.
 */
public final class UnrecordableCallRoutes implements RouteGroup {

  private final PgUnrecordableCalls calls;

  public UnrecordableCallRoutes(PgUnrecordableCalls calls) {
    this.calls = calls;
  }

  @Override
  public void mount(Router api) {
    api.get("/calls/unrecordable").handler(this::list);
    api.post("/calls/unrecordable/:id/ack").handler(this::ack);
  }

  private void list(RoutingContext ctx) {
    Api.principal(ctx).require(Role.ADMIN, Role.SUPERVISOR);
    int limit = Api.limitQuery(ctx, 100, 1000);
    Api.reply(ctx, 200, calls.list(limit));
  }

  private void ack(RoutingContext ctx) {
    Principal p = Api.principal(ctx);
    p.require(Role.ADMIN, Role.SUPERVISOR);
    Api.reply(ctx, 200, calls.acknowledge(Api.idParam(ctx, "id"), p.actor()));
  }
}
