package ru.dozvon.signin;

import io.vertx.core.MultiMap;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.URI;
import java.util.Locale;
import java.util.Set;
import ru.dozvon.errors.Forbidden;
import ru.dozvon.errors.InvalidInput;
import ru.dozvon.web.Api;
import ru.dozvon.web.Failures;
import ru.dozvon.web.RouteGroup;
import ru.dozvon.web.SessionStore;

/**
 * {@code POST /login} and {@code POST /logout}, on the root router (outside {@code /api} and its authentication).
 * The body is JSON {@code {"login","password"}} or a form ({@code application/x-www-form-urlencoded}). A form sent by
 * a browser that wants HTML is answered with a redirect (to {@code next}, a local path, or {@code /}; back to
 * {@code /login?error=...} on failure); anything else gets JSON. A request whose {@code Origin} is another site is
 * refused (no signing a victim in to an attacker's account).
 */
public final class LoginRoutes implements RouteGroup {

  private static final int BODY_LIMIT = 4096;
  private static final Set<String> FIELDS = Set.of("login", "password", "next");

  private final SignIn signIn;
  private final SessionStore sessions;
  private final PgCredentials credentials;

  public LoginRoutes(SignIn signIn, SessionStore sessions, PgCredentials credentials) {
    this.signIn = signIn;
    this.sessions = sessions;
    this.credentials = credentials;
  }

  @Override
  public void mount(Router router) {
    router.post("/login").handler(Failures.bodyLimit(BODY_LIMIT));
    router.post("/login").handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT)).handler(this::login);
    router.post("/logout").handler(this::logout);
  }

  private void login(RoutingContext ctx) {
    refuseOtherOrigin(ctx);
    boolean form = isForm(ctx);
    JsonObject b;
    if (form) {
      MultiMap attrs = ctx.request().formAttributes();
      b = new JsonObject();
      for (String name : attrs.names()) {
        if (!FIELDS.contains(name)) {
          throw new InvalidInput(name, "unknown field (allowed: login, next, password)");
        }
        b.put(name, attrs.get(name));
      }
    } else {
      b = Api.body(ctx, FIELDS);
    }
    Object login = b.getValue("login");
    Object password = b.getValue("password");
    if (!(login instanceof String l) || l.isBlank()) {
      throw new InvalidInput("login", "is required");
    }
    if (l.length() > 200) {
      throw new InvalidInput("login", "must be at most 200 characters");
    }
    if (!(password instanceof String pw) || pw.isEmpty()) {
      throw new InvalidInput("password", "is required");
    }
    if (pw.length() > 1024) {
      throw new InvalidInput("password", "must be at most 1024 characters");
    }
    boolean html = form && String.valueOf(ctx.request().getHeader("Accept")).contains("text/html");
    String next = localPath(b.getString("next"));
    signIn.attempt(l, pw).onFailure(ctx::fail).onSuccess(outcome -> {
      if (outcome instanceof SignIn.SignedIn ok) {
        ctx.response().addCookie(cookie(ctx, ok.session().cookieValue()));
        ctx.response().putHeader("Cache-Control", "no-store");
        if (html) {
          redirect(ctx, next == null ? "/" : next);
          return;
        }
        credentials.me(ok.account().principal()).onFailure(ctx::fail)
            .onSuccess(me -> Api.send(ctx, 200, new JsonObject().put("id", me.getValue("id"))
                .put("name", me.getString("name")).put("role", me.getString("role"))
                .put("login", me.getString("login")).put("csrfToken", ok.session().csrfToken())));
      } else if (outcome instanceof SignIn.Locked locked) {
        ctx.response().putHeader("Retry-After", String.valueOf(locked.retryAfterSeconds()));
        if (html) {
          redirect(ctx, "/login?error=account_locked");
          return;
        }
        Api.send(ctx, 429, locked.toJson());
      } else {
        if (html) {
          redirect(ctx, "/login?error=invalid_credentials");
          return;
        }
        Api.send(ctx, 401, new JsonObject().put("error", "invalid_credentials")
            .put("detail", "wrong login or password"));
      }
    });
  }

  private void logout(RoutingContext ctx) {
    Cookie c = ctx.request().getCookie(SessionStore.COOKIE);
    sessions.end(c == null ? null : c.getValue()).onFailure(ctx::fail).onSuccess(x -> {
      ctx.response().addCookie(cookie(ctx, "").setMaxAge(0));
      ctx.response().putHeader("Cache-Control", "no-store").setStatusCode(204).end();
    });
  }

  /** The session cookie: HttpOnly, SameSite=Strict, Path=/, Secure when the request came over HTTPS. */
  static Cookie cookie(RoutingContext ctx, String value) {
    return Cookie.cookie(SessionStore.COOKIE, value).setHttpOnly(true).setSameSite(CookieSameSite.STRICT)
        .setPath("/").setSecure(overHttps(ctx));
  }

  /** HTTPS to us, or to the proxy in front ({@code X-Forwarded-Proto: https}). */
  static boolean overHttps(RoutingContext ctx) {
    String proto = ctx.request().getHeader("X-Forwarded-Proto");
    return ctx.request().isSSL() || proto != null && proto.strip().toLowerCase(Locale.ROOT).startsWith("https");
  }

  private static boolean isForm(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    return type != null && type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded");
  }

  private static void refuseOtherOrigin(RoutingContext ctx) {
    String origin = ctx.request().getHeader("Origin");
    if (origin == null || origin.isBlank() || "null".equals(origin)) {
      return;
    }
    String host = ctx.request().getHeader("X-Forwarded-Host");
    if (host == null) {
      host = ctx.request().getHeader("Host");
    }
    try {
      URI o = URI.create(origin.strip());
      String originHost = o.getPort() < 0 ? o.getHost() : o.getHost() + ":" + o.getPort();
      String h = host == null ? "" : host.strip().toLowerCase(Locale.ROOT);
      String oh = String.valueOf(originHost).toLowerCase(Locale.ROOT);
      if (h.equals(oh) || h.replaceFirst(":(80|443)$", "").equals(oh)) {
        return;
      }
    } catch (IllegalArgumentException e) {
      // refused below
    }
    throw new Forbidden("cross_origin", "sign-in is accepted from this site's own pages only");
  }

  /** A local path to go to after signing in; anything else (another site, //host) is dropped. */
  private static String localPath(String next) {
    if (next == null || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\") || next.length() > 300
        || next.chars().anyMatch(c -> c < 0x20)) {
      return null;
    }
    return next;
  }

  private static void redirect(RoutingContext ctx, String to) {
    ctx.response().setStatusCode(303).putHeader("Location", to).end();
  }
}
