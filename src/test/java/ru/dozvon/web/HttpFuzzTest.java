package ru.dozvon.web;

import static org.assertj.core.api.Assertions.assertThat;
import static ru.dozvon.support.TestApp.ADMIN_TOKEN;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Row;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ru.dozvon.intake.WebhookSignature;
import ru.dozvon.support.MovableClock;
import ru.dozvon.support.People;
import ru.dozvon.support.TestApp;

/**
 * The fuzzed HTTP drill (issue #14): every route the running router has, called with valid bodies mutated, random
 * bytes, truncated JSON, wrong content types, garbage path ids, long query strings and headers, as the admin (bearer),
 * as an operator (session cookie with CSRF) and with no auth. After every request: never a 5xx (nor no answer), a 4xx
 * carries the JSON error shape of {@link Failures}, and a 4xx leaves the row count of every table unchanged.
 *
 * <p>{@code -Dfuzz.seed=N} replays a run ({@code random}: a new seed, logged); {@code -Dfuzz.tries=N} sets its length.
 * The run is a sequence on one service, so a failure replays with the same seed and at least as many tries.
 */
class HttpFuzzTest {

  private static final Logger LOG = LoggerFactory.getLogger(HttpFuzzTest.class);
  private static final String WEBHOOK_SECRET = "fuzz-webhook-secret-0123456789";
  private static final String OPERATOR_LOGIN = "fuzz.operator";
  private static final String OPERATOR_PASSWORD = "fuzz-operator-pass-1";
  private static final String LOGIN_TARGET = "fuzz.login";
  private static final String LOGIN_TARGET_PASSWORD = "fuzz-login-pass-1";
  /**
   * Tables a 4xx may legitimately change the row count of: {@code sign_in_failures} counts wrong passwords per login
   * (a 401 from /login or /api/me/password records one; that is the lock-out working, not a half-store).
   */
  private static final Set<String> TOUCHED_BY_4XX = Set.of("sign_in_failures");

  static long seed;
  static int tries;
  /**
   * Sunday 03:00 in Moscow, outside the calling hours, and it never moves: a new deal's first attempt is due on
   * Monday 10:00, so the scheduler and the dialer never fire one in the background (their callback tasks would
   * otherwise appear between a request and the count after it).
   */
  static MovableClock clock = new MovableClock(Instant.parse("2026-03-01T00:00:00Z"));
  static TestApp t;
  static People.Session operator;
  static long operatorId;
  static JsonObject funnel;

  @BeforeAll
  static void start() {
    String s = System.getProperty("fuzz.seed", "20261202");
    seed = "random".equals(s) ? new Random().nextLong() : Long.parseLong(s);
    tries = Integer.getInteger("fuzz.tries", 1500);
    LOG.info("HTTP fuzz: seed {} ({} tries); replay with -Dfuzz.seed={}", seed, tries, seed);
    t = TestApp.start(Map.of("DOZVON_WEBHOOK_SECRET_WEB_FORM", WEBHOOK_SECRET), clock);
  }

  @AfterAll
  static void stop() {
    if (t != null) {
      t.close();
    }
  }

  /** One request as sent, for the failure report. */
  record Sent(int no, String caller, HttpMethod method, String uri, Map<String, String> headers, Buffer body) {
    @Override
    public String toString() {
      StringBuilder b = new StringBuilder("#" + no + " " + caller + " " + method + " " + clip(uri, 300));
      headers.forEach((k, v) -> {
        if (!k.equals("Cookie") && !k.equals("Authorization") && !k.equals("X-CSRF-Token")) {
          b.append(" [").append(k).append(": ").append(clip(v, 120)).append(']');
        }
      });
      b.append(" body(").append(body == null ? 0 : body.length()).append(" bytes)=");
      b.append(body == null ? "<none>" : clip(escape(body), 400));
      return b.toString();
    }
  }

  record Answer(int status, String contentType, String body) {
  }

  @Test
  void everyRouteAnswersBadInputWithA4xxAndStoresNothingHalf() throws Exception {
    Random rnd = new Random(seed);
    setUpPeopleAndRows();
    List<Endpoint> endpoints = endpoints(t.app.httpRouter());
    LOG.info("HTTP fuzz over {} routes: {}", endpoints.size(), endpoints);
    assertThat(endpoints).extracting(Endpoint::toString)
        .contains("POST /api/managers", "PATCH /api/managers/:id", "POST /api/leads", "GET /health", "POST /login");

    List<String> failures = new ArrayList<>();
    Map<String, Integer> statuses = new TreeMap<>();
    quiet();
    for (int i = 1; i <= tries && failures.size() < 30; i++) {
      Endpoint e = endpoints.get(rnd.nextInt(endpoints.size()));
      Sent sent = request(rnd, i, e);
      Map<String, Long> before = counts();
      Answer a;
      try {
        a = send(sent);
      } catch (Exception ex) {
        failures.add("no answer (" + ex + ") to " + sent);
        continue;
      }
      statuses.merge(e + " " + a.status(), 1, Integer::sum);
      if (a.status() >= 500) {
        failures.add(a.status() + " " + clip(a.body(), 300) + " to " + sent);
      } else if (a.status() >= 400) {
        String shape = isPage(e, a) ? null : errorShape(a);
        if (shape != null) {
          failures.add(a.status() + " without the error shape (" + shape + "): " + clip(a.body(), 200) + " to " + sent);
        }
        Map<String, Long> after = counts();
        if (!after.equals(before)) {
          failures.add(a.status() + " " + clip(a.body(), 200) + " changed row counts " + diff(before, after)
              + newest(before, after) + " to " + sent);
        }
      } else {
        // a success may change what the callers rely on (a password, a deactivation): put them back; and what it
        // set going after its commit (routing, tasks) finishes before the next request is judged
        keepOperatorSignedIn();
        quiet();
      }
    }
    LOG.info("HTTP fuzz answers (route status: count): {}", statuses);
    var health = TestApp.await(t.http.get("/health").send());
    assertThat(health.statusCode()).as(health.bodyAsString()).isEqualTo(200);
    assertThat(failures).as("seed " + seed + " (replay with -Dfuzz.seed=" + seed + " -Dfuzz.tries=" + tries + ")")
        .isEmpty();
  }

  // ---------------------------------------------------------------- the routes, from the router itself

  /** A route to call: its method and its path with {@code :param}s (a trailing {@code *} takes any tail). */
  record Endpoint(HttpMethod method, String path) {
    @Override
    public String toString() {
      return method + " " + path;
    }
  }

  static List<Endpoint> endpoints(Router root) {
    Set<Endpoint> out = new LinkedHashSet<>();
    walk(root, "", out);
    return new ArrayList<>(out);
  }

  private static void walk(Router router, String prefix, Set<Endpoint> out) {
    for (Route r : router.getRoutes()) {
      String path = r.getPath(); // a pattern's text too (":id"); null for handlers of every request (auth, body)
      if (path == null) {
        continue;
      }
      if (r.getSubRouter() != null) {
        walk(r.getSubRouter(), prefix + path.replaceAll("/?\\*?$", ""), out);
        continue;
      }
      String full = prefix + path + (r.isExactPath() || path.endsWith("*") ? "" : "*");
      if (r.methods() == null || r.methods().isEmpty()) {
        out.add(new Endpoint(HttpMethod.GET, full));
      } else {
        r.methods().forEach(m -> out.add(new Endpoint(m, full)));
      }
    }
  }

  // ---------------------------------------------------------------- the service's people and rows

  static long loginTargetId;

  static void setUpPeopleAndRows() throws Exception {
    JsonObject op = People.create(t, "Фазз Оператор", "201", "operator", OPERATOR_LOGIN, OPERATOR_PASSWORD);
    operatorId = op.getLong("id");
    People.create(t, "Фазз Супервизор", "202", "supervisor", "fuzz.supervisor", "fuzz-supervisor-pass-1");
    loginTargetId = People.create(t, "Фазз Вход", "203", "operator", LOGIN_TARGET, LOGIN_TARGET_PASSWORD).getLong("id");
    t.createManager("Фазз Без входа", "204", 5);
    operator = People.signIn(t, OPERATOR_LOGIN, OPERATOR_PASSWORD);
    for (int i = 0; i < 4; i++) {
      var r = TestApp.await(t.post("/api/leads", ADMIN_TOKEN).sendJsonObject(new JsonObject()
          .put("source", "manual").put("phone", "+7916555000" + i).put("name", "Лид " + i)));
      assertThat(r.statusCode()).as(r.bodyAsString()).isIn(200, 201);
      long deal = r.bodyAsJsonObject().getLong("id");
      var task = TestApp.await(t.post("/api/deals/" + deal + "/tasks", ADMIN_TOKEN).sendJsonObject(new JsonObject()
          .put("title", "Перезвонить").put("kind", "call").put("dueAt", "2026-03-03T12:00:00+03:00")));
      assertThat(task.statusCode()).as(task.bodyAsString()).isEqualTo(201);
    }
    t.settleRouting().await(30, TimeUnit.SECONDS);
    funnel = TestApp.await(t.get("/api/funnel", ADMIN_TOKEN).send()).bodyAsJsonObject();
  }

  /** After a success: the operator's session still works, else their account is put back and they sign in again. */
  static void keepOperatorSignedIn() {
    if (TestApp.await(People.get(t, "/api/me", operator).send()).statusCode() == 200) {
      return;
    }
    var r = TestApp.await(t.patch("/api/managers/" + operatorId, ADMIN_TOKEN).sendJsonObject(new JsonObject()
        .put("active", true).put("login", OPERATOR_LOGIN).put("password", OPERATOR_PASSWORD)));
    assertThat(r.statusCode()).as("putting the fuzz operator back: " + r.bodyAsString()).isEqualTo(200);
    operator = People.signIn(t, OPERATOR_LOGIN, OPERATOR_PASSWORD);
  }

  /**
   * Waits until what a success set going after its commit (routing the new deal, its tasks) is done: routing
   * settled and the row counts the same on two reads 50 ms apart (at most 5 s; the check after a 4xx compares
   * counts read right before and right after it).
   */
  static void quiet() throws Exception {
    t.settleRouting().await(30, TimeUnit.SECONDS);
    Map<String, Long> last = counts();
    for (int i = 0; i < 100; i++) {
      t.app.vertx().timer(50).await(5, TimeUnit.SECONDS);
      Map<String, Long> now = counts();
      if (now.equals(last)) {
        return;
      }
      last = now;
    }
  }

  /**
   * A page (GET outside /api and /hooks) answering a person's browser in HTML: its 4xx is a Russian page saying what
   * is wrong («Нет доступа»), not the API's JSON shape.
   */
  static boolean isPage(Endpoint e, Answer a) {
    return e.method() == HttpMethod.GET && !e.path().startsWith("/api/") && !e.path().startsWith("/hooks/")
        && a.contentType() != null && a.contentType().startsWith("text/html");
  }

  /** Rows per table of the public schema (count(*), exact; the statistics views lag). */
  static Map<String, Long> counts() {
    try {
      var tables = t.app.pool().query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
          + "AND table_type = 'BASE TABLE' ORDER BY table_name").execute().await(10, TimeUnit.SECONDS);
      List<String> parts = new ArrayList<>();
      for (Row r : tables) {
        String name = r.getString(0);
        if (!TOUCHED_BY_4XX.contains(name) && !name.startsWith("flyway")) {
          parts.add("SELECT '" + name + "', count(*) FROM \"" + name + "\"");
        }
      }
      Map<String, Long> out = new TreeMap<>();
      for (Row r : t.app.pool().query(String.join(" UNION ALL ", parts)).execute().await(10, TimeUnit.SECONDS)) {
        out.put(r.getString(0), r.getLong(1));
      }
      return out;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String diff(Map<String, Long> before, Map<String, Long> after) {
    Map<String, String> d = new TreeMap<>();
    after.forEach((k, v) -> {
      if (!v.equals(before.get(k))) {
        d.put(k, before.get(k) + "->" + v);
      }
    });
    return d.toString();
  }

  /** The rows a count grew by (by id, newest first), to tell what wrote them. */
  static String newest(Map<String, Long> before, Map<String, Long> after) {
    StringBuilder out = new StringBuilder();
    after.forEach((table, n) -> {
      long grew = n - before.getOrDefault(table, 0L);
      if (grew > 0) {
        try {
          var rows = t.app.pool().query("SELECT to_jsonb(x)::text FROM \"" + table + "\" x ORDER BY 1 DESC LIMIT "
              + Math.min(grew, 5)).execute().await(10, TimeUnit.SECONDS);
          rows.forEach(r -> out.append(' ').append(table).append(':').append(clip(r.getString(0), 300)));
        } catch (Exception e) {
          out.append(' ').append(table).append(": ").append(e.getMessage());
        }
      }
    });
    return out.toString();
  }

  static List<Long> ids(String table) {
    try {
      var rows = t.app.pool().query("SELECT id FROM \"" + table + "\" ORDER BY id").execute().await(10, TimeUnit.SECONDS);
      List<Long> out = new ArrayList<>();
      rows.forEach(r -> out.add(r.getLong(0)));
      return out;
    } catch (Exception e) {
      return List.of(); // no such table (or no id column): the path parameter gets absent ids and garbage only
    }
  }

  // ---------------------------------------------------------------- one request

  private static final Pattern PARAM = Pattern.compile(":([A-Za-z]+)");
  private static final String[] GARBAGE_IDS = {"0", "-1", "abc", "1.5", "1e3", "99999999999999999999",
      "9223372036854775807", "-9223372036854775808", "%00", "%ED%A0%80", "%F0%9F%98%80", "%25", "%", "%zz", "+1",
      " 1", "1%20", "0x10", "NaN", "null", "undefined", "[]", "%7B%7D", "..", "%2e%2e%2fetc", "1;DROP TABLE deals",
      "'", "%22", "１２"};

  static Sent request(Random rnd, int no, Endpoint e) {
    Map<String, String> headers = new LinkedHashMap<>();
    String caller = e.path().startsWith("/hooks/") ? pick(rnd, "signed", "signed", "none", "admin")
        : pick(rnd, "admin", "admin", "operator", "operator", "none", "operator-no-csrf");
    switch (caller) {
      case "admin" -> headers.put("Authorization", "Bearer " + ADMIN_TOKEN);
      case "operator" -> {
        headers.put("Cookie", operator.cookieHeader());
        headers.put("X-CSRF-Token", operator.csrfToken());
      }
      case "operator-no-csrf" -> headers.put("Cookie", operator.cookieHeader());
      default -> {
      }
    }
    HttpMethod method = rnd.nextInt(40) == 0 ? pick(rnd, HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.PATCH,
        HttpMethod.POST, HttpMethod.OPTIONS) : e.method();
    String uri = path(rnd, e) + query(rnd, e);
    Buffer body = null;
    boolean sendsBody = method != HttpMethod.GET || rnd.nextInt(10) == 0;
    if (sendsBody) {
      body = body(rnd, e);
      headers.put("Content-Type", pick(rnd, "application/json", "application/json", "application/json",
          "application/json; charset=utf-8", "text/plain", "application/x-www-form-urlencoded",
          "multipart/form-data; boundary=xyz", "application/json; charset=latin1", "", "application/xml"));
    }
    extraHeaders(rnd, headers, e);
    if ("signed".equals(caller)) {
      long ts = clock.instant().getEpochSecond() + (rnd.nextInt(8) == 0 ? -100_000 : 0);
      byte[] bytes = body == null ? new byte[0] : body.getBytes();
      headers.put(WebhookSignature.TIMESTAMP_HEADER, rnd.nextInt(10) == 0 ? "soon" : Long.toString(ts));
      headers.put(WebhookSignature.SIGNATURE_HEADER, rnd.nextInt(10) == 0 ? "sha256=00"
          : WebhookSignature.sign(WEBHOOK_SECRET, ts, bytes));
    }
    return new Sent(no, caller, method, uri, headers, body);
  }

  static String path(Random rnd, Endpoint e) {
    String path = e.path();
    if (path.endsWith("*")) {
      path = path.substring(0, path.length() - 1) + pick(rnd, "app.js", "nope.css", "..%2f..%2fpom.xml", "%00",
          "a/b/c", "%ED%A0%80", "x".repeat(300));
    }
    Matcher m = PARAM.matcher(path);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String before = path.substring(0, m.start());
      String segment = before.replaceAll("/$", "");
      segment = segment.substring(segment.lastIndexOf('/') + 1);
      m.appendReplacement(out, Matcher.quoteReplacement(paramValue(rnd, segment, m.group(1))));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** A valid id of a row of the table the segment before the parameter names, an absent one, or garbage. */
  static String paramValue(Random rnd, String segment, String name) {
    if ("source".equals(name)) {
      return pick(rnd, "web_form", "web_form", "chat", "nope", "%00", "x".repeat(500), "WEB_FORM");
    }
    List<Long> rows = ids("unrecordable".equals(segment) ? "unrecordable_calls" : segment);
    int kind = rnd.nextInt(10);
    if (kind < 6 && !rows.isEmpty()) {
      return Long.toString(rows.get(rnd.nextInt(rows.size())));
    } else if (kind < 8) {
      return Long.toString((rows.isEmpty() ? 0 : rows.get(rows.size() - 1)) + 1000 + rnd.nextInt(1000));
    }
    return pick(rnd, GARBAGE_IDS);
  }

  private static final String[] QUERY_NAMES = {"phone", "stage", "managerId", "status", "limit", "from", "to", "due",
      "before", "after", "cursor", "q", "format", "page"};

  static String query(Random rnd, Endpoint e) {
    int kind = rnd.nextInt(10);
    if (kind < 4) {
      return "";
    }
    StringBuilder q = new StringBuilder("?");
    int n = 1 + rnd.nextInt(3);
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        q.append('&');
      }
      q.append(pick(rnd, QUERY_NAMES)).append('=');
      if (kind == 9 && i == 0) {
        q.append("9".repeat(pickInt(rnd, 3000, 5000, 20_000, 100_000))); // near and past the initial line limit
      } else {
        q.append(queryValue(rnd));
      }
    }
    return q.toString();
  }

  static String queryValue(Random rnd) {
    String raw = pick(rnd, "", "1", "-5", "0", "abc", "2026-03-01", "2026-03-01T00:00:00Z", "2026-13-45", "OPEN",
        "WON", "new", "89161234567", "+7 (916) 123-45-67", "today", "overdue", "99999999999999999999", "NaN",
        "\u0000", "\uD800", "😀", "%", "\u202Eevil", "x".repeat(2000), "1,2,3", "true");
    if ("%".equals(raw) || rnd.nextInt(8) == 0) {
      return raw; // sent raw: a lone %, or characters not encoded
    }
    return URLEncoder.encode(raw, StandardCharsets.UTF_8);
  }

  static void extraHeaders(Random rnd, Map<String, String> headers, Endpoint e) {
    if (rnd.nextInt(4) != 0) {
      return;
    }
    switch (rnd.nextInt(9)) {
      case 0 -> headers.put("X-Fuzz", "y".repeat(pickInt(rnd, 1000, 9000, 70_000))); // past the header size limit
      case 1 -> headers.put("Idempotency-Key", pick(rnd, "k-" + rnd.nextInt(5), "", " ", "x".repeat(300), "a b",
          "ключ"));
      case 2 -> headers.put("Last-Event-ID", pick(rnd, "-1", "abc", "99999999999999999999", "0", "1", "ключ"));
      case 3 -> headers.put("Accept", pick(rnd, "text/csv", "application/xml", "*/*", "text/csv;q=0, garbage"));
      case 4 -> headers.put("Range", pick(rnd, "bytes=0-10", "bytes=-1", "bytes=a-b", "bytes=99999999999999999999-"));
      case 5 -> headers.put("Authorization", pick(rnd, "Bearer", "Bearer ", "Basic YWRtaW46eA==", "Bearer "
          + "z".repeat(5000), "Bearer wrong-token"));
      case 6 -> headers.put("Cookie", pick(rnd, "dozvon_session=", "dozvon_session=garbage", "dozvon_session="
          + "q".repeat(4000), "a=b; dozvon_session=" + operator.cookie() + "; dozvon_session=x"));
      case 7 -> headers.put("X-CSRF-Token", pick(rnd, "", "wrong", "x".repeat(3000)));
      default -> headers.put("Content-Length-Fuzz", "1");
    }
  }

  // ---------------------------------------------------------------- bodies

  static Buffer body(Random rnd, Endpoint e) {
    int kind = rnd.nextInt(20);
    if (kind == 0) {
      byte[] b = new byte[rnd.nextInt(300)];
      rnd.nextBytes(b);
      return Buffer.buffer(b);
    } else if (kind == 1) {
      return Buffer.buffer(pick(rnd, "", " ", "\n", "null", "[]", "\"text\"", "123", "true", "{", "}", "{}}",
          "{\"a\":}", "{'a':1}", "\uFEFF{}", "{}\u0000", "[{}]", "{\"a\":1,}", "{\"a\" 1}", "/*c*/{}"));
    } else if (kind == 2) {
      return Buffer.buffer(nested(rnd));
    }
    JsonObject valid = valid(rnd, e);
    if (kind == 3) {
      return Buffer.buffer(valid.encode());
    }
    if (kind == 4) {
      String text = valid.encode();
      return Buffer.buffer(text.substring(0, rnd.nextInt(Math.max(1, text.length()))));
    }
    if (kind == 5) {
      return Buffer.buffer(new JsonArray().add(valid).encode());
    }
    if (kind == 6 && !valid.isEmpty()) {
      // a duplicate key: the same field again with another value, written by hand (the JSON model keeps one)
      String field = pick(rnd, valid.fieldNames().toArray(new String[0]));
      String text = valid.encode();
      return Buffer.buffer("{\"" + field + "\":" + Json.encode(oddValue(rnd)) + "," + text.substring(1));
    }
    if (kind == 7) {
      // lone surrogates as raw bytes (not UTF-8) rather than as \\u escapes
      String text = valid.encode();
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      Buffer b = Buffer.buffer();
      int at = text.indexOf(':') + 2;
      b.appendBytes(bytes, 0, Math.max(0, Math.min(at, bytes.length)));
      b.appendBytes(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80, (byte) 0xC0, (byte) 0xAF});
      if (at < bytes.length) {
        b.appendBytes(bytes, at, bytes.length - at);
      }
      return b;
    }
    int mutations = 1 + rnd.nextInt(3);
    for (int i = 0; i < mutations; i++) {
      mutate(rnd, valid);
    }
    return Buffer.buffer(valid.encode());
  }

  static String nested(Random rnd) {
    int depth = pickInt(rnd, 50, 900, 1100, 5000, 20_000);
    boolean arrays = rnd.nextBoolean();
    String open = arrays ? "[" : "{\"a\":";
    String close = arrays ? "]" : "}";
    String inner = "{\"name\":" + open.repeat(depth) + "1" + close.repeat(depth) + "}";
    return rnd.nextBoolean() ? inner : open.repeat(depth) + "{}" + close.repeat(depth);
  }

  static void mutate(Random rnd, JsonObject o) {
    List<String> names = new ArrayList<>(o.fieldNames());
    int kind = rnd.nextInt(10);
    if (names.isEmpty() || kind == 0) {
      o.put(pick(rnd, "unknown", "id", "__proto__", "", "\u0000", "\uD800", "поле", "x".repeat(300)), oddValue(rnd));
      return;
    }
    String field = names.get(rnd.nextInt(names.size()));
    if (kind == 1) {
      o.remove(field);
    } else if (kind == 2 && o.getValue(field) instanceof JsonObject inner && !inner.isEmpty()) {
      mutate(rnd, inner);
    } else {
      o.put(field, oddValue(rnd));
    }
  }

  static Object oddValue(Random rnd) {
    return switch (rnd.nextInt(24)) {
      case 0 -> null;
      case 1 -> 1;
      case 2 -> -1;
      case 3 -> 0;
      case 4 -> Long.MAX_VALUE;
      case 5 -> Long.MIN_VALUE;
      case 6 -> new java.math.BigInteger("9".repeat(40));
      case 7 -> 1e308;
      case 8 -> -0.0;
      case 9 -> 2.5;
      case 10 -> true;
      case 11 -> pick(rnd, "NaN", "Infinity", "-Infinity", "1e999", "-0", "0x1F", "١٢٣");
      case 12 -> pick(rnd, "", " ", "\t\n", "\u00A0");
      case 13 -> "x".repeat(pickInt(rnd, 65, 201, 2001, 4001, 20_000, 70_000));
      case 14 -> pick(rnd, "a\u0000b", "\u0000");
      case 15 -> pick(rnd, "\uD800", "a\uDC00b", "\uDBFF\uDBFF");
      case 16 -> pick(rnd, "😀", "Ж", "\u202Eabc", "e\u0301", "\uFFFF", "\uFEFF", "<script>alert(1)</script>");
      case 17 -> new JsonArray().add(1).add("a");
      case 18 -> new JsonArray();
      case 19 -> new JsonObject();
      case 20 -> new JsonObject().put("a", new JsonObject().put("b", "\u0000"));
      case 21 -> pick(rnd, "2026-03-02T12:00:00+03:00", "2026-02-30T25:00:00Z", "2099-01-01T00:00:00Z",
          "1970-01-01T00:00:00Z", "-999999999-01-01T00:00:00Z", "+999999999-12-31T23:59:59Z", "now");
      case 22 -> pick(rnd, "ON_SHIFT", "PAUSED", "OFF", "LOST", "WON", "INVALID", "REACHED", "NO_ANSWER", "admin",
          "operator", "supervisor", "call", "email", "HOT", "manual", "web_form");
      default -> pick(rnd, "+79161234567", "89161234567", "12345", "+1", "+7916123456789012345", "a@b.c", "@", "a@b");
    };
  }

  /** A body the route accepts (or nearly: ids and states drift as the run goes); {} for a route not listed here. */
  static JsonObject valid(Random rnd, Endpoint e) {
    String phone = "+7916" + (1_000_000 + rnd.nextInt(9_000_000));
    String stage = pickCode(rnd, funnel.getJsonArray("stages"));
    List<Long> managers = ids("managers");
    long someManager = managers.isEmpty() ? 1 : managers.get(rnd.nextInt(managers.size()));
    Map<String, Supplier<JsonObject>> bodies = Map.ofEntries(
        Map.entry("POST /api/managers", () -> new JsonObject().put("name", "Менеджер " + rnd.nextInt(1000))
            .put("extension", Integer.toString(300 + rnd.nextInt(600))).put("maxActiveDeals", rnd.nextInt(20))
            .put("timezone", "Europe/Moscow").put("role", pick(rnd, "operator", "supervisor"))
            .put("login", "m" + rnd.nextInt(1_000_000)).put("password", "pass-" + rnd.nextInt(1_000_000) + "-long")),
        Map.entry("PATCH /api/managers/:id", () -> new JsonObject().put("state", pick(rnd, "ON_SHIFT", "PAUSED", "OFF"))
            .put("maxActiveDeals", rnd.nextInt(20)).put("name", "Имя " + rnd.nextInt(100))
            .put("autoDial", rnd.nextBoolean()).put("timezone", "Asia/Yekaterinburg")),
        Map.entry("POST /api/leads", () -> new JsonObject().put("source", pick(rnd, "manual", "web_form", "chat"))
            .put("phone", phone).put("name", "Клиент").put("email", "c" + rnd.nextInt(1000) + "@example.ru")
            .put("fields", new JsonObject().put("city", "Казань"))),
        Map.entry("POST /hooks/forms/:source", () -> new JsonObject().put("phone", phone).put("name", "С формы")
            .put("fields", new JsonObject().put("utm", "x"))),
        Map.entry("POST /api/deals/:id/notes", () -> new JsonObject().put("text", "Заметка " + rnd.nextInt(100))),
        Map.entry("POST /api/deals/:id/tasks", () -> new JsonObject().put("title", "Задача").put("kind",
            pick(rnd, "call", "email", "meeting", "other")).put("dueAt", "2026-03-04T12:00:00+03:00")
            .put("forManagerId", someManager)),
        Map.entry("PATCH /api/tasks/:id", () -> new JsonObject().put("dueAt", "2026-03-05T12:00:00+03:00")
            .put("reason", "Клиент попросил")),
        Map.entry("POST /api/tasks/:id/done", () -> new JsonObject().put("note", "Сделано").put("nextStep",
            new JsonObject().put("title", "Дальше").put("kind", "call").put("dueAt", "2026-03-06T12:00:00+03:00"))),
        Map.entry("POST /api/deals/:id/stage", () -> new JsonObject().put("stage", stage)
            .put("fields", new JsonObject().put("budget", "100000")).put("reason", "Так надо")),
        Map.entry("POST /api/deals/:id/close", () -> {
          String status = pick(rnd, "LOST", "WON", "INVALID");
          String list = switch (status) {
            case "LOST" -> "lossReasons";
            case "WON" -> "winReasons";
            default -> "invalidReasons";
          };
          return new JsonObject().put("status", status).put("reason", pickCode(rnd, funnel.getJsonArray(list)))
              .put("comment", "Комментарий");
        }),
        Map.entry("POST /api/deals/:id/reopen", () -> new JsonObject()),
        Map.entry("POST /api/deals/:id/score", () -> {
          JsonObject points = new JsonObject();
          funnel.getJsonObject("qualification").getJsonArray("criteria").forEach(c ->
              points.put(((JsonObject) c).getString("code"), 1 + rnd.nextInt(5)));
          return new JsonObject().put("points", points);
        }),
        Map.entry("POST /api/deals/:id/outcome", () -> new JsonObject().put("result",
            pick(rnd, "REACHED", "NO_ANSWER", "BUSY", "REACHED_CALL_LATER")).put("note", "Итог")),
        Map.entry("POST /api/deals/:id/call", () -> new JsonObject().put("override", rnd.nextBoolean())),
        Map.entry("POST /api/deals/:id/assign", () -> new JsonObject().put("managerId", someManager)
            .put("reason", "Вручную").put("force", rnd.nextBoolean())),
        Map.entry("POST /api/me/password", () -> new JsonObject().put("current", "wrong-" + rnd.nextInt(9))
            .put("new", "new-pass-" + rnd.nextInt(1000) + "-long")),
        Map.entry("POST /login", () -> new JsonObject().put("login", LOGIN_TARGET)
            .put("password", rnd.nextInt(4) == 0 ? LOGIN_TARGET_PASSWORD : "wrong-" + rnd.nextInt(9))
            .put("next", pick(rnd, "/operator", "https://evil.example/", "//evil", "/supervisor"))),
        Map.entry("POST /api/calls/unrecordable/:id/ack", () -> new JsonObject()));
    Supplier<JsonObject> s = bodies.get(e.toString());
    return s == null ? new JsonObject() : s.get();
  }

  static String pickCode(Random rnd, JsonArray items) {
    if (items == null || items.isEmpty()) {
      return "none";
    }
    return items.getJsonObject(rnd.nextInt(items.size())).getString("code");
  }

  // ---------------------------------------------------------------- sending and checking

  /**
   * Sends over a plain socket (so that a malformed request line, a raw space or a lone {@code %} reach the service as
   * written), {@code Connection: close}, and reads the answer to its end; an event stream's headers only.
   */
  static Answer send(Sent s) throws IOException {
    ByteArrayOutputStream req = new ByteArrayOutputStream();
    StringBuilder head = new StringBuilder(s.method().name()).append(' ').append(s.uri()).append(" HTTP/1.1\r\n")
        .append("Host: localhost\r\nConnection: close\r\n");
    s.headers().forEach((k, v) -> {
      if (!(k.equals("Content-Type") && v.isEmpty())) {
        head.append(k).append(": ").append(v).append("\r\n");
      }
    });
    if (s.body() != null) {
      head.append("Content-Length: ").append(s.body().length()).append("\r\n");
    }
    req.write(head.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
    if (s.body() != null) {
      req.write(s.body().getBytes());
    }
    try (Socket socket = new Socket("localhost", t.app.httpPort())) {
      socket.setSoTimeout((int) ANSWER_WITHIN_MS);
      try {
        socket.getOutputStream().write(req.toByteArray());
        socket.getOutputStream().flush();
      } catch (IOException e) {
        // the service may answer (413, 431) and close before reading all it was sent: read what it said
      }
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      int headEnd = -1;
      int n;
      while ((n = in.read(buf)) > 0) {
        got.write(buf, 0, n);
        if (headEnd < 0) {
          headEnd = got.toString(StandardCharsets.ISO_8859_1).indexOf("\r\n\r\n");
          if (headEnd >= 0 && got.toString(StandardCharsets.ISO_8859_1).substring(0, headEnd).toLowerCase()
              .contains("content-type: text/event-stream")) {
            break;
          }
        }
      }
      String text = got.toString(StandardCharsets.ISO_8859_1);
      headEnd = text.indexOf("\r\n\r\n");
      if (!text.startsWith("HTTP/1.") || headEnd < 0) {
        throw new IOException("not an HTTP answer: '" + clip(text, 200) + "'");
      }
      int status = Integer.parseInt(text.substring(9, 12));
      String contentType = null;
      boolean chunked = false;
      for (String line : text.substring(0, headEnd).split("\r\n")) {
        String lower = line.toLowerCase();
        if (lower.startsWith("content-type:")) {
          contentType = line.substring(13).strip();
        } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
          chunked = true;
        }
      }
      byte[] all = got.toByteArray();
      byte[] body = java.util.Arrays.copyOfRange(all, headEnd + 4, all.length);
      if (contentType != null && contentType.startsWith("text/event-stream")) {
        return new Answer(status, contentType, "<stream>");
      }
      return new Answer(status, contentType, new String(chunked ? unchunk(body) : body, StandardCharsets.UTF_8));
    }
  }

  static byte[] unchunk(byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String text = new String(body, StandardCharsets.ISO_8859_1);
    int at = 0;
    while (at < text.length()) {
      int eol = text.indexOf("\r\n", at);
      if (eol < 0) {
        break;
      }
      int size = Integer.parseInt(text.substring(at, eol).split(";")[0].strip(), 16);
      if (size == 0) {
        break;
      }
      out.write(body, eol + 2, Math.min(size, body.length - eol - 2));
      at = eol + 2 + size + 2;
    }
    return out.toByteArray();
  }

  /** No answer within this (the connection idle) is a failure: a request left hanging. */
  private static final long ANSWER_WITHIN_MS = 10_000;

  /** What is wrong with a 4xx answer's body, or null when it is {@code {"error": "...", "detail": "..."}}. */
  static String errorShape(Answer a) {
    JsonObject o;
    try {
      o = new JsonObject(a.body());
    } catch (RuntimeException e) {
      return "not a JSON object; Content-Type " + a.contentType();
    }
    if (!(o.getValue("error") instanceof String err) || err.isBlank()) {
      return "no error code";
    }
    if (!(o.getValue("detail") instanceof String detail) || detail.isBlank()) {
      return "no detail";
    }
    return null;
  }

  @SafeVarargs
  static <T> T pick(Random rnd, T... options) {
    return options[rnd.nextInt(options.length)];
  }

  static int pickInt(Random rnd, int... options) {
    return options[rnd.nextInt(options.length)];
  }

  static String clip(String s, int max) {
    return s == null ? "null" : s.length() <= max ? s : s.substring(0, max) + "...(" + s.length() + " chars)";
  }

  static String escape(Buffer b) {
    StringBuilder out = new StringBuilder();
    String s = b.toString(StandardCharsets.UTF_8);
    for (int i = 0; i < s.length() && out.length() < 2000; i++) {
      char c = s.charAt(i);
      out.append(c < 0x20 || c == 0x7f || Character.isSurrogate(c) || c == '\uFFFD'
          ? String.format("\\u%04x", (int) c) : String.valueOf(c));
    }
    return out.toString();
  }

  /** Vert.x's encoder, for a duplicate key's value. */
  private static final class Json {
    static String encode(Object v) {
      return io.vertx.core.json.Json.encode(v);
    }
  }
}
