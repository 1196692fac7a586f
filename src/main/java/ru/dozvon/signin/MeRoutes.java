package ru.dozvon.signin;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.Set;
import ru.dozvon.errors.Forbidden;
import ru.dozvon.errors.InvalidInput;
import ru.dozvon.web.Api;
import ru.dozvon.web.Principal;
import ru.dozvon.web.RouteGroup;
import ru.dozvon.web.Session;
import ru.dozvon.web.SessionStore;

/**
 * {@code GET /api/me}: who the caller is ({@code csrfToken} for a cookie caller, null for a bearer one).
 * {@code POST /api/me/password {"current","new"}}: changes the caller's own password (204); their other sessions
 * end, the one in use stays. A wrong {@code current} counts towards the lock-out as a wrong sign-in does.
 */
public final class MeRoutes implements RouteGroup {

  private static final Set<String> PASSWORD_FIELDS = Set.of("current", "new");

  private final PgCredentials credentials;
  private final SignIn signIn;
  private final Passwords passwords;
  private final Clock clock;

  public MeRoutes(PgCredentials credentials, SignIn signIn, Passwords passwords, Clock clock) {
    this.credentials = credentials;
    this.signIn = signIn;
    this.passwords = passwords;
    this.clock = clock;
  }

  @Override
  public void mount(Router api) {
    api.get("/me").handler(this::me);
    api.post("/me/password").handler(this::changePassword);
  }

  private void me(RoutingContext ctx) {
    Principal p = Api.principal(ctx);
    String csrf = Api.session(ctx).map(Session::csrfToken).orElse(null);
    ctx.response().putHeader("Cache-Control", "no-store");
    Api.reply(ctx, 200, credentials.me(p).map(me -> me.put("csrfToken", csrf)));
  }

  private void changePassword(RoutingContext ctx) {
    Principal p = Api.principal(ctx);
    JsonObject b = Api.body(ctx, PASSWORD_FIELDS);
    Object current = b.getValue("current");
    if (!(current instanceof String cur) || cur.isEmpty()) {
      throw new InvalidInput("current", "is required (your password now)");
    }
    if (cur.length() > 1024) {
      throw new InvalidInput("current", "must be at most 1024 characters");
    }
    String fresh = PasswordRules.password("new", b.getValue("new"));
    byte[] keep = Api.session(ctx).map(Session::idHash).orElse(null);
    credentials.of(p).compose(found -> {
      var account = found.orElseThrow(() -> new Forbidden("invalid_credentials", "no password to change"));
      return signIn.check(account, cur);
    }).compose(outcome -> {
      if (outcome instanceof SignIn.Locked locked) {
        ctx.response().putHeader("Retry-After", String.valueOf(locked.retryAfterSeconds()));
        Api.send(ctx, 429, locked.toJson());
        return Future.succeededFuture();
      }
      if (outcome instanceof SignIn.Invalid) {
        throw new Forbidden("invalid_credentials", "the current password is wrong");
      }
      return passwords.hash(fresh).compose(hash -> credentials.pool().withTransaction(tx ->
              PgCredentials.setPassword(tx, p.managerId(), hash, "changed by the user", clock.instant())
                  .compose(x -> SessionStore.endOthers(tx, p.managerId(), keep))))
          .onSuccess(ended -> ctx.response().setStatusCode(204).end());
    }).onFailure(ctx::fail);
  }
}
