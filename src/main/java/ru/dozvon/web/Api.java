package ru.dozvon.web;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import ru.dozvon.errors.InvalidInput;

/** What every route handler needs: the caller, the JSON body with field checks, replies. */
public final class Api {

  private Api() {
  }

  /** The authenticated caller. */
  public static Principal principal(RoutingContext ctx) {
    return AuthHandler.principal(ctx);
  }

  /** The session of a caller signed in by cookie; empty for a bearer caller. */
  public static Optional<Session> session(RoutingContext ctx) {
    return Optional.ofNullable(AuthHandler.session(ctx));
  }

  /** The SHA-256 of a bearer caller's token, to watch it ({@link SessionWatch#watchToken}); empty for a cookie caller. */
  public static Optional<byte[]> tokenHash(RoutingContext ctx) {
    return Optional.ofNullable(AuthHandler.tokenHash(ctx));
  }

  /** Replies with JSON, or fails the request with the future's error. */
  public static <T> void reply(RoutingContext ctx, int status, Future<T> result) {
    result.onSuccess(value -> send(ctx, status, value)).onFailure(ctx::fail);
  }

  public static void send(RoutingContext ctx, int status, Object value) {
    String body = value instanceof JsonObject o ? o.encode()
        : value instanceof JsonArray a ? a.encode() : String.valueOf(value);
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json; charset=utf-8").end(body);
  }

  /**
   * The request body as a JSON object, refusing anything else, fields not in {@code allowed}, and text
   * PostgreSQL could not store unchanged anywhere in it ({@link StorableText}).
   */
  public static JsonObject body(RoutingContext ctx, Set<String> allowed) {
    return jsonObject(ctx.body() == null ? null : ctx.body().buffer(), allowed);
  }

  /** The same checks on a raw body (a signed webhook reads its bytes itself to check the signature). */
  public static JsonObject jsonObject(Buffer raw, Set<String> allowed) {
    String text = utf8(raw);
    if (text == null || text.isBlank()) {
      throw new InvalidInput("body", "a JSON object is required");
    }
    Object parsed;
    try {
      parsed = Json.decodeValue(text);
    } catch (DecodeException e) {
      throw new InvalidInput("body", "not valid JSON");
    }
    if (!(parsed instanceof JsonObject obj)) {
      throw new InvalidInput("body", "must be a JSON object");
    }
    // Before the field checks, so that a bad field name is named in a form the answer can carry.
    StorableText.check(obj);
    for (String key : obj.fieldNames()) {
      if (!allowed.contains(key)) {
        throw new InvalidInput(key, "unknown field (allowed: " + String.join(", ", new TreeSet<>(allowed)) + ")");
      }
    }
    return obj;
  }

  /** The body as text; bytes that are not UTF-8 are refused rather than silently replaced by U+FFFD. */
  private static String utf8(Buffer raw) {
    if (raw == null) {
      return null;
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(raw.getBytes())).toString();
    } catch (CharacterCodingException e) {
      throw new InvalidInput("body", "not valid UTF-8 text");
    }
  }

  public static String requiredString(JsonObject o, String field, int maxLength) {
    return optionalString(o, field, maxLength).orElseThrow(() -> new InvalidInput(field, "is required"));
  }

  public static Optional<String> optionalString(JsonObject o, String field, int maxLength) {
    Object v = o.getValue(field);
    if (v == null) {
      return Optional.empty();
    }
    if (!(v instanceof String s)) {
      throw new InvalidInput(field, "must be a string");
    }
    String t = s.strip();
    if (t.isEmpty()) {
      throw new InvalidInput(field, "must not be blank");
    }
    if (t.length() > maxLength) {
      throw new InvalidInput(field, "must be at most " + maxLength + " characters");
    }
    return Optional.of(t);
  }

  public static Optional<Integer> optionalInt(JsonObject o, String field, int min, int max) {
    Object v = o.getValue(field);
    if (v == null) {
      return Optional.empty();
    }
    if (!(v instanceof Integer || v instanceof Long) ) {
      throw new InvalidInput(field, "must be a whole number from " + min + " to " + max);
    }
    long n = ((Number) v).longValue();
    if (n < min || n > max) {
      throw new InvalidInput(field, "must be a whole number from " + min + " to " + max);
    }
    return Optional.of((int) n);
  }

  public static int requiredInt(JsonObject o, String field, int min, int max) {
    return optionalInt(o, field, min, max).orElseThrow(() -> new InvalidInput(field, "is required"));
  }

  /** A path parameter that must be a positive id. */
  public static long idParam(RoutingContext ctx, String name) {
    String raw = ctx.pathParam(name);
    try {
      long id = Long.parseLong(raw);
      if (id > 0) {
        return id;
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw new InvalidInput(name, "'" + raw + "' is not an id");
  }

  /** An optional query parameter that must be a positive id. */
  public static Optional<Long> idQuery(RoutingContext ctx, String name) {
    String raw = ctx.queryParams().get(name);
    if (raw == null || raw.isBlank()) {
      return Optional.empty();
    }
    try {
      long id = Long.parseLong(raw.strip());
      if (id > 0) {
        return Optional.of(id);
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw new InvalidInput(name, "'" + raw + "' is not an id");
  }

  /** A list's {@code limit} query parameter: {@code fallback} when absent, else a number from 1 to {@code max}. */
  public static int limitQuery(RoutingContext ctx, int fallback, int max) {
    String raw = ctx.queryParams().get("limit");
    if (raw == null || raw.isBlank()) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(raw.strip());
      if (n >= 1 && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw new InvalidInput("limit", "'" + raw + "' is not a number from 1 to " + max);
  }
}
