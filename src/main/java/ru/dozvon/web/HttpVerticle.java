package ru.dozvon.web;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ru.dozvon.metrics.Meters;

/**
 * The HTTP edge: ops routes, then {@code /api} behind bearer or session-cookie auth with a body size limit, and one
 * failure handler. On stop it stops accepting and lets requests in flight finish.
 */
public final class HttpVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(HttpVerticle.class);

  private final int port;
  private final long maxBodyBytes;
  private final Pool pool;
  private final Meters meters;
  private final Supplier<String> amiState;
  private final Supplier<Future<Integer>> unrecordableCalls;
  private final List<RouteGroup> groups;
  private final List<RouteGroup> rootGroups;
  private SessionStore sessions;
  private HttpServer server;
  private Router router;
  private Supplier<String> journalState = () -> null;

  /**
   * @param unrecordableCalls calls the database refused and no one has acknowledged yet (makes /health DEGRADED)
   * @param rootGroups routes outside {@code /api} and its bearer auth (signed webhooks): each mounts
   *     on the root router and brings its own body handler and limit
   */
  public HttpVerticle(int port, long maxBodyBytes, Pool pool, Meters meters, Supplier<String> amiState,
                      Supplier<Future<Integer>> unrecordableCalls, List<RouteGroup> groups, List<RouteGroup> rootGroups) {
    this.rootGroups = List.copyOf(rootGroups);
    this.port = port;
    this.maxBodyBytes = maxBodyBytes;
    this.pool = pool;
    this.meters = meters;
    this.amiState = amiState;
    this.unrecordableCalls = unrecordableCalls;
    this.groups = List.copyOf(groups);
  }

  /** Accepts the session cookie of signed-in people beside bearer tokens on {@code /api} (with the CSRF check). */
  public HttpVerticle withSessions(SessionStore sessions) {
    this.sessions = sessions;
    return this;
  }

  /**
   * The state of the ended-calls journal for /health ({@code OK}, {@code FULL}: DEGRADED, {@code DISABLED}); before
   * the start.
   */
  public HttpVerticle journalState(Supplier<String> state) {
    this.journalState = state;
    return this;
  }

  @Override
  public Future<?> start() {
    router = Router.router(vertx);
    new OpsRoutes(pool, meters, amiState, unrecordableCalls).journal(journalState).mount(router);
    rootGroups.forEach(g -> g.mount(router));

    Router api = Router.router(vertx);
    api.route().handler(Failures.bodyLimit(maxBodyBytes));
    // Only methods that carry a body: on a GET with a form Content-Type the body handler throws (a 500), and no
    // GET route reads a body.
    api.route().method(HttpMethod.POST).method(HttpMethod.PUT).method(HttpMethod.PATCH).method(HttpMethod.DELETE)
        .handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes));
    api.route().handler(new AuthHandler(new TokenStore(pool), sessions));
    api.route().handler(HttpVerticle::refuseUnstorableQuery);
    groups.forEach(g -> g.mount(api));
    router.route("/api/*").subRouter(api);

    router.route().failureHandler(Failures::handle);
    api.route().failureHandler(Failures::handle);
    for (int status : new int[] {404, 405, 413, 500}) {
      router.errorHandler(status, Failures::handle);
      api.errorHandler(status, Failures::handle);
    }

    return vertx.createHttpServer(new HttpServerOptions().setPort(port).setCompressionSupported(true))
        .invalidRequestHandler(Failures::invalidRequest)
        .requestHandler(req -> {
          // the router fails on a broken %-escape in the path before any handler of ours (a text/plain 400)
          String field = Failures.badPercentEncoding(req);
          if (field != null) {
            Failures.refuse(req, 400, "invalid_input", field, "the " + field
                + " holds a '%' not followed by two hex digits (percent-encoding, RFC 3986)");
          } else {
            router.handle(req);
          }
        })
        .listen()
        .onSuccess(s -> {
          server = s;
          LOG.info("HTTP listening on port {}", s.actualPort());
        });
  }

  /** Query parameters reach SQL as text: one holding NUL or a lone surrogate is refused here, for every route. */
  private static void refuseUnstorableQuery(RoutingContext ctx) {
    ctx.queryParams().forEach(e -> {
      StorableText.check(e.getKey(), StorableText.visible(e.getKey()));
      StorableText.check(e.getValue(), StorableText.visible(e.getKey()));
    });
    ctx.next();
  }

  /** The root router once started: its routes (and the {@code /api} sub-router's) are what the fuzz drill calls. */
  public Router router() {
    return router;
  }

  /** The port actually bound (useful when 0 was asked for). */
  public int actualPort() {
    return server.actualPort();
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.shutdown(10, TimeUnit.SECONDS);
  }
}
