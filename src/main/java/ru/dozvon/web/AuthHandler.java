package ru.dozvon.web;

import io.vertx.core.Handler;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Set;
import ru.dozvon.errors.Forbidden;
import ru.dozvon.errors.Unauthorized;

/**
 * Authenticates every {@code /api} request: {@code Authorization: Bearer <token>} (API clients), or else the
 * {@value SessionStore#COOKIE} session cookie of a signed-in person. A cookie caller must send the session's
 * {@code X-CSRF-Token} on every state-changing method (a browser attaches the cookie by itself, the header only our
 * own pages can set); a bearer caller needs none (no browser sends a bearer token unasked).
 */
final class AuthHandler implements Handler<RoutingContext> {

  static final String PRINCIPAL = "dozvon.principal";
  static final String SESSION = "dozvon.session";
  static final String TOKEN_HASH = "dozvon.tokenHash";
  static final String CSRF_HEADER = "X-CSRF-Token";

  private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

  private final TokenStore tokens;
  private final SessionStore sessions;

  AuthHandler(TokenStore tokens, SessionStore sessions) {
    this.tokens = tokens;
    this.sessions = sessions;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null && sessions != null) {
      Cookie cookie = ctx.request().getCookie(SessionStore.COOKIE);
      if (cookie != null) {
        bySession(ctx, cookie.getValue());
        return;
      }
    }
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
      ctx.fail(new Unauthorized("missing 'Authorization: Bearer <token>' header or session cookie (sign in at /login)"));
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
        ctx.put(TOKEN_HASH, TokenStore.hash(token));
        ctx.next();
      }
    });
  }

  private void bySession(RoutingContext ctx, String value) {
    sessions.find(value).onComplete(found -> {
      if (found.failed()) {
        ctx.fail(found.cause());
      } else if (found.result().isEmpty()) {
        ctx.fail(new Unauthorized("the session has ended or expired; sign in again at /login"));
      } else {
        Session s = found.result().get();
        if (!SAFE.contains(ctx.request().method()) && !sameToken(ctx.request().getHeader(CSRF_HEADER), s.csrfToken())) {
          ctx.fail(new Forbidden("csrf_token_invalid", "a request signed in by cookie must carry the header "
              + CSRF_HEADER + " with the session's csrfToken (from POST /login or GET /api/me)"));
          return;
        }
        ctx.put(SESSION, s);
        ctx.put(PRINCIPAL, s.principal());
        ctx.next();
      }
    });
  }

  private static boolean sameToken(String given, String expected) {
    return given != null && MessageDigest.isEqual(given.strip().getBytes(StandardCharsets.UTF_8),
        expected.getBytes(StandardCharsets.UTF_8));
  }

  /** The caller of an authenticated request. */
  static Principal principal(RoutingContext ctx) {
    return ctx.get(PRINCIPAL);
  }

  /** The session of a cookie caller; null for a bearer caller. */
  static Session session(RoutingContext ctx) {
    return ctx.get(SESSION);
  }

  /** The SHA-256 of a bearer caller's token; null for a cookie caller. */
  static byte[] tokenHash(RoutingContext ctx) {
    return ctx.get(TOKEN_HASH);
  }
}
