package ru.dozvon.web;

import io.netty.handler.codec.TooLongFrameException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.pgclient.PgException;
import java.net.ConnectException;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ru.dozvon.errors.DomainException;
import ru.dozvon.errors.Forbidden;
import ru.dozvon.errors.IdempotencyKeyReused;
import ru.dozvon.errors.InvalidInput;
import ru.dozvon.errors.NotFound;
import ru.dozvon.errors.RuleViolation;
import ru.dozvon.errors.Unauthorized;

/**
 * The one place where failures become HTTP answers: {@code {"error": "...", "detail": "..."}}
 * with a fitting status. Unexpected failures are logged once here, with the request path.
 */
public final class Failures {

  private static final Logger LOG = LoggerFactory.getLogger(Failures.class);
  /** Where a route's body limit is kept for the 413 to state it. */
  private static final String BODY_LIMIT = "dozvon.bodyLimit";
  /** SQL states of text PostgreSQL refuses: invalid byte sequence (NUL in text), untranslatable character (NUL in jsonb). */
  private static final Set<String> UNSTORABLE_TEXT = Set.of("22021", "22P05");

  private Failures() {
  }

  /**
   * A handler to mount before a route's {@code BodyHandler}: it notes the limit, so that the 413 the body
   * handler answers states it.
   */
  public static Handler<RoutingContext> bodyLimit(long bytes) {
    return ctx -> {
      ctx.put(BODY_LIMIT, bytes);
      ctx.next();
    };
  }

  /**
   * Requests the HTTP decoder could not read (Vert.x answers them itself, with no body): the same error shape,
   * naming what is wrong. A request line or headers over the server's limits, else a request that is not HTTP.
   */
  public static void invalidRequest(HttpServerRequest req) {
    Throwable cause = req.decoderResult() == null ? null : req.decoderResult().cause();
    String message = cause == null || cause.getMessage() == null ? "" : cause.getMessage();
    if (cause instanceof TooLongFrameException && message.startsWith("An HTTP line is larger than")) {
      refuse(req, 414, "uri_too_long", "uri", "the request line (method, path and query) is longer than "
          + new HttpServerOptions().getMaxInitialLineLength() + " bytes");
    } else if (cause instanceof TooLongFrameException && message.startsWith("HTTP header is larger than")) {
      refuse(req, 431, "headers_too_large", "headers", "the request headers are larger than "
          + new HttpServerOptions().getMaxHeaderSize() + " bytes");
    } else {
      refuse(req, 400, "bad_request", "request", "not a valid HTTP/1.1 request (request line or headers malformed)");
    }
  }

  /** Answers a request outside the router in the usual shape, and closes the connection (its state is unknown). */
  static void refuse(HttpServerRequest req, int status, String error, String field, String detail) {
    try {
      req.response().setStatusCode(status).putHeader("Content-Type", "application/json; charset=utf-8")
          .putHeader("Connection", "close")
          .end(error(error, detail).put("field", field).encode())
          .onComplete(x -> req.connection().close());
    } catch (RuntimeException e) {
      req.connection().close(); // the answer could not even start (the request was unreadable): nothing else to do
    }
  }

  /** "path" or "query" when that part of the URI has a {@code %} not followed by two hex digits, else null. */
  static String badPercentEncoding(HttpServerRequest req) {
    String uri = req.uri() == null ? "" : req.uri();
    int q = uri.indexOf('?');
    if (!percentEncoded(q < 0 ? uri : uri.substring(0, q))) {
      return "path";
    }
    return q >= 0 && !percentEncoded(uri.substring(q + 1)) ? "query" : null;
  }

  private static boolean percentEncoded(String s) {
    for (int i = s.indexOf('%'); i >= 0; i = s.indexOf('%', i + 1)) {
      if (i + 2 >= s.length() || Character.digit(s.charAt(i + 1), 16) < 0 || Character.digit(s.charAt(i + 2), 16) < 0) {
        return false;
      }
    }
    return true;
  }

  public static void handle(RoutingContext ctx) {
    if (ctx.response().ended()) {
      return;
    }
    Throwable t = ctx.failure();
    if (t == null) {
      int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
      send(ctx, status, errorName(status), detail(ctx, status));
      return;
    }
    if (t instanceof DomainException d) {
      JsonObject body = error(d.code(), d.getMessage());
      if (d instanceof InvalidInput in) {
        body.put("field", in.field());
      }
      if (d instanceof RuleViolation rv) {
        body.put("rule", rv.rule());
        if (!rv.missing().isEmpty()) {
          body.put("missing", new JsonArray(rv.missing()));
        }
      }
      send(ctx, statusOf(d), body);
      return;
    }
    if (t instanceof IllegalArgumentException iae && ctx.statusCode() == 400) {
      send(ctx, 400, "invalid_input", iae.getMessage());
      return;
    }
    if (isDatabaseDown(t)) {
      LOG.warn("{} {}: database unavailable: {}", ctx.request().method(), ctx.request().path(), t.getMessage());
      send(ctx, 503, "database_unavailable", "the database cannot be reached; try again shortly");
      return;
    }
    if (t instanceof PgException pg && UNSTORABLE_TEXT.contains(pg.getSqlState())) {
      // The edge refuses such text before it gets here (StorableText); this is the last line, still a 400.
      LOG.warn("{} {}: text the database refused got past the checks: {}", ctx.request().method(),
          ctx.request().path(), pg.getMessage());
      send(ctx, 400, error("invalid_input", "the request holds text the database cannot store (NUL or invalid Unicode)")
          .put("field", "body"));
      return;
    }
    if (t instanceof PgException pg && "23505".equals(pg.getSqlState())) {
      send(ctx, 409, "conflict", "already exists: " + pg.getConstraint());
      return;
    }
    if (ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
      send(ctx, ctx.statusCode(), errorName(ctx.statusCode()), detail(ctx, ctx.statusCode()));
      return;
    }
    LOG.error("{} {} failed", ctx.request().method(), ctx.request().path(), t);
    send(ctx, 500, "internal_error", "an unexpected error; it has been logged");
  }

  static int statusOf(DomainException d) {
    if (d instanceof InvalidInput) {
      return 400;
    } else if (d instanceof Unauthorized) {
      return 401;
    } else if (d instanceof Forbidden) {
      return 403;
    } else if (d instanceof NotFound) {
      return 404;
    } else if (d instanceof RuleViolation) {
      return 409;
    } else if (d instanceof IdempotencyKeyReused) {
      return 422;
    }
    return 400;
  }

  /** Connection-level failures of the database client (refused, closed, timed out). */
  public static boolean isDatabaseDown(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ConnectException
          || c instanceof io.vertx.core.VertxException ve && ve.getMessage() != null
              && (ve.getMessage().contains("closed") || ve.getMessage().contains("Connection"))
          || c instanceof java.util.concurrent.TimeoutException
          || c instanceof io.netty.channel.ConnectTimeoutException
          || c instanceof PgException pg && pg.getSqlState() != null && pg.getSqlState().startsWith("57P")) {
        return true;
      }
    }
    return false;
  }

  private static JsonObject error(String error, String detail) {
    return new JsonObject().put("error", error).put("detail", detail);
  }

  private static void send(RoutingContext ctx, int status, String error, String detail) {
    send(ctx, status, error(error, detail));
  }

  private static void send(RoutingContext ctx, int status, JsonObject body) {
    if (status == 401) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
    }
    Api.send(ctx, status, body);
  }

  private static String errorName(int status) {
    return switch (status) {
      case 400 -> "bad_request";
      case 401 -> "unauthorized";
      case 403 -> "forbidden";
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 413 -> "body_too_large";
      case 415 -> "unsupported_media_type";
      default -> status >= 500 ? "internal_error" : "bad_request";
    };
  }

  private static String detail(RoutingContext ctx, int status) {
    Long limit = ctx.get(BODY_LIMIT);
    if (status == 413 && limit != null) {
      return "the request body is over the limit of " + limit + " bytes";
    }
    return defaultDetail(status);
  }

  private static String defaultDetail(int status) {
    return switch (status) {
      case 404 -> "no such resource";
      case 405 -> "method not allowed on this resource";
      case 413 -> "the request body is larger than allowed";
      default -> "request failed with status " + status;
    };
  }
}
