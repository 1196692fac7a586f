package ru.dozvon.web;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import ru.dozvon.errors.Unauthorized;

/** Checks {@code Authorization: Bearer <token>} on every {@code /api} request. */
final class AuthHandler implements Handler<RoutingContext> {

  static final String PRINCIPAL = "dozvon.principal";

  private final TokenStore tokens;

  AuthHandler(TokenStore tokens) {
    this.tokens = tokens;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
      ctx.fail(new Unauthorized("missing 'Authorization: Bearer <token>' header"));
      return;
    }
    String token = header.substring(7).strip();
    if (token.length() > 200) {
      ctx.fail(new Unauthorized("unknown or revoked token"));
      return;
    }
    tokens.find(token).onComplete(found -> {
      if (found.failed()) {
        ctx.fail(found.cause());
      } else if (found.result().isEmpty()) {
        ctx.fail(new Unauthorized("unknown or revoked token"));
      } else {
        ctx.put(PRINCIPAL, found.result().get());
        ctx.next();
      }
    });
  }

  /** The caller of an authenticated request. */
  static Principal principal(RoutingContext ctx) {
    return ctx.get(PRINCIPAL);
  }
}
