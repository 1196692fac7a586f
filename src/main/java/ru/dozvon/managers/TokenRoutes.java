package ru.dozvon.managers;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import ru.dozvon.errors.RuleViolation;
import ru.dozvon.web.Api;
import ru.dozvon.web.Principal;
import ru.dozvon.web.Role;
import ru.dozvon.web.RouteGroup;

/**
 * {@code /api/managers/{id}/token}: {@code POST} issues a new token, shown once, and revokes the manager's
 * previous ones; {@code DELETE} revokes them all (204). The admin may do both for anyone, a supervisor for
 * operators. A revoked token fails from the next request on (tokens are looked up on every request). The
 * built-in admin's token is set by {@code DOZVON_ADMIN_TOKEN} (or generated at the first start), not here.
 */
public final class TokenRoutes implements RouteGroup {

  private final PgAccounts accounts;

  public TokenRoutes(PgAccounts accounts) {
    this.accounts = java.util.Objects.requireNonNull(accounts);
  }

  @Override
  public void mount(Router api) {
    api.post("/managers/:id/token").handler(this::reissue);
    api.delete("/managers/:id/token").handler(this::revoke);
  }

  private void reissue(RoutingContext ctx) {
    Principal p = Api.principal(ctx);
    long id = managerId(ctx, p);
    Api.reply(ctx, 200, accounts.reissueToken(id, p).map(token -> new JsonObject().put("token", token)));
  }

  private void revoke(RoutingContext ctx) {
    Principal p = Api.principal(ctx);
    long id = managerId(ctx, p);
    accounts.revokeTokens(id, p).onSuccess(n -> ctx.response().setStatusCode(204).end()).onFailure(ctx::fail);
  }

  /** The manager in the path, for staff; {@code admin} (the built-in admin) is refused with the rule. */
  private static long managerId(RoutingContext ctx, Principal p) {
    p.require(Role.ADMIN, Role.SUPERVISOR);
    if ("admin".equals(ctx.pathParam("id").toLowerCase(Locale.ROOT))) {
      throw new RuleViolation("admin_token_not_revocable", "the built-in admin's token is not re-issued or revoked "
          + "through the API: set DOZVON_ADMIN_TOKEN and restart to change it");
    }
    return Api.idParam(ctx, "id");
  }
}
