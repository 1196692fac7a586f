package ru.dozvon.web;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.nio.file.NoSuchFileException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The browser's side of the service, on the root router (outside {@code /api}): {@code /static/*} from the classpath
 * folder {@code web/static/}, {@code /webjars/*} from the WebJars on the classpath, and the pages from
 * {@code web/pages/<name>.html}. Every answer carries {@code Content-Security-Policy: default-src 'self'} (no inline
 * script or style, nothing from another origin), so a page is plain HTML plus modules under /static.
 *
 * <p>Pages need a session (the {@value #SESSION_COOKIE} cookie, looked up through {@link Sessions}); without one they
 * redirect to {@code /login}. The staff pages need the role supervisor or admin (403 otherwise). {@code /} sends a
 * signed-in person to their page by role. Pages are never cached (they depend on who asks); static files are
 * revalidated (ETag / Last-Modified), WebJars (versioned paths) are cached for a year.
 */
public final class PageRoutes implements RouteGroup {

  private static final Logger LOG = LoggerFactory.getLogger(PageRoutes.class);

  public static final String SESSION_COOKIE = "dozvon_session";

  /** Content security policy of every page and static file. */
  public static final String CSP = "default-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

  /** Who a session cookie belongs to; empty for an unknown, expired or ended session. */
  @FunctionalInterface
  public interface Sessions {
    Future<Optional<Principal>> find(String sessionId);
  }

  /** No sessions at all: every page but /login redirects there. */
  public static final Sessions NONE = id -> Future.succeededFuture(Optional.empty());

  private enum Access { ANYONE, SIGNED_IN, STAFF }

  private record Page(String file, Access access) {
  }

  private static final Map<String, Page> PAGES = Map.of(
      "/login", new Page("login.html", Access.ANYONE),
      "/operator", new Page("operator.html", Access.SIGNED_IN),
      "/supervisor", new Page("supervisor.html", Access.STAFF),
      "/wallboard", new Page("wallboard.html", Access.STAFF),
      "/supervisor/reports", new Page("reports.html", Access.STAFF),
      "/admin", new Page("admin.html", Access.STAFF));

  private static final Set<Role> STAFF = Set.of(Role.ADMIN, Role.SUPERVISOR);

  private final Sessions sessions;

  public PageRoutes(Sessions sessions) {
    this.sessions = sessions;
  }

  @Override
  public void mount(Router router) {
    router.route("/static/*").handler(ctx -> {
      secure(ctx.response());
      ctx.addHeadersEndHandler(v -> ctx.response().headers().set("Cache-Control", "no-cache"));
      ctx.next();
    }).handler(StaticHandler.create("web/static").setCachingEnabled(true).setDirectoryListing(false)
        .setDefaultContentEncoding("UTF-8").setIncludeHidden(false));
    router.route("/webjars/*").handler(ctx -> {
      secure(ctx.response());
      ctx.addHeadersEndHandler(v -> ctx.response().headers()
          .set("Cache-Control", "public, max-age=31536000, immutable"));
      ctx.next();
    }).handler(StaticHandler.create("META-INF/resources/webjars").setCachingEnabled(true)
        .setDirectoryListing(false).setDefaultContentEncoding("UTF-8"));
    router.get("/").handler(ctx -> principal(ctx).onComplete(p -> {
      if (p.failed()) {
        ctx.fail(p.cause());
      } else if (p.result().isEmpty()) {
        redirect(ctx, "/login");
      } else {
        redirect(ctx, STAFF.contains(p.result().get().role()) ? "/supervisor" : "/operator");
      }
    }));
    PAGES.forEach((path, page) -> router.get(path).handler(ctx -> serve(ctx, page)));
  }

  private void serve(RoutingContext ctx, Page page) {
    if (page.access() == Access.ANYONE) {
      send(ctx, page);
      return;
    }
    principal(ctx).onComplete(p -> {
      if (p.failed()) {
        ctx.fail(p.cause());
      } else if (p.result().isEmpty()) {
        String back = ctx.request().path();
        redirect(ctx, "/login?next=" + java.net.URLEncoder.encode(back, java.nio.charset.StandardCharsets.UTF_8));
      } else if (page.access() == Access.STAFF && !STAFF.contains(p.result().get().role())) {
        html(ctx, 403, "Нет доступа", "Эта страница — для руководителей. <a href=\"/operator\">Мои задачи</a>");
      } else {
        send(ctx, page);
      }
    });
  }

  private Future<Optional<Principal>> principal(RoutingContext ctx) {
    Cookie c = ctx.request().getCookie(SESSION_COOKIE);
    if (c == null || c.getValue().isBlank() || c.getValue().length() > 200) {
      return Future.succeededFuture(Optional.empty());
    }
    return sessions.find(c.getValue());
  }

  private static void send(RoutingContext ctx, Page page) {
    ctx.vertx().fileSystem().readFile("web/pages/" + page.file()).onComplete(read -> {
      if (read.succeeded()) {
        HttpServerResponse res = ctx.response();
        secure(res);
        res.putHeader("Content-Type", "text/html; charset=utf-8").putHeader("Cache-Control", "no-store").end(read.result());
      } else if (read.cause() instanceof NoSuchFileException || read.cause().getCause() instanceof NoSuchFileException
          || String.valueOf(read.cause().getMessage()).contains("does not exist")) {
        html(ctx, 404, "Страница не найдена", "Такой страницы пока нет. <a href=\"/\">На главную</a>");
      } else {
        LOG.warn("Page {} not read: {}", page.file(), read.cause().toString());
        html(ctx, 404, "Страница не найдена", "Такой страницы пока нет. <a href=\"/\">На главную</a>");
      }
    });
  }

  private static void redirect(RoutingContext ctx, String to) {
    secure(ctx.response());
    ctx.response().setStatusCode(302).putHeader("Location", to).putHeader("Cache-Control", "no-store").end();
  }

  private static void html(RoutingContext ctx, int status, String title, String body) {
    HttpServerResponse res = ctx.response();
    secure(res);
    res.setStatusCode(status).putHeader("Content-Type", "text/html; charset=utf-8").putHeader("Cache-Control", "no-store")
        .end(Buffer.buffer("<!doctype html><html lang=\"ru\"><head><meta charset=\"utf-8\"><title>" + title
            + " — Дозвон</title><link rel=\"stylesheet\" href=\"/static/app.css\"></head><body><main class=\"narrow\"><h1>"
            + title + "</h1><p>" + body + "</p></main></body></html>"));
  }

  private static void secure(HttpServerResponse res) {
    res.putHeader("Content-Security-Policy", CSP)
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "same-origin");
  }
}
