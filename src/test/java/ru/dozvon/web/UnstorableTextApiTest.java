package ru.dozvon.web;

import static org.assertj.core.api.Assertions.assertThat;
import static ru.dozvon.support.TestApp.ADMIN_TOKEN;
import static ru.dozvon.support.TestApp.await;

import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import ru.dozvon.deals.FunnelFixture;

/**
 * Text PostgreSQL cannot store as it came (NUL, unpaired surrogates) in any field of any body, in keys of
 * nested objects and in query parameters: 400 naming the field by its JSON path, nothing stored; the same
 * request with a valid string (an emoji's proper surrogate pair included) is accepted and stored exactly.
 */
class UnstorableTextApiTest {

  /** Bad strings as they are written in JSON text: escapes, so that the body itself is plain ASCII. */
  static final List<String> BAD = List.of("a\\u0000b", "\\u0000", "\\uD800", "x\\uDC00y", "end\\uDBFF",
      "\\uDE00\\uD83D");
  /** A valid string with a character outside the BMP (a surrogate pair in JSON), and Cyrillic. */
  static final String GOOD = "Анна \\uD83D\\uDE00 ok";
  static final AtomicInteger EXTENSIONS = new AtomicInteger(300);

  static FunnelFixture f;
  static long operatorId;
  static long patchedId;
  static long lastDeal;

  @BeforeAll
  static void start() {
    f = new FunnelFixture();
    operatorId = f.t.createManager("Ольга", "201", 500).getLong("id");
    patchedId = f.t.createManager("Пётр", "202", 5).getLong("id");
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  /**
   * Every body field that reaches the database, by route: the body with {@code %s} where the string goes,
   * the field the 400 must name ({@code *} stands for the string as the answer shows it), the valid string
   * to try the same request with, and the status it then gets.
   */
  static Stream<Arguments> places() {
    return Stream.of(
        place("POST", "/api/leads", "{\"source\":\"web_form\",\"phone\":\"$PHONE\",\"name\":\"%s\"}", "name", GOOD, 201),
        place("POST", "/api/leads", "{\"source\":\"web_form\",\"phone\":\"$PHONE\",\"fields\":{\"comment\":\"%s\"}}",
            "fields.comment", GOOD, 201),
        place("POST", "/api/leads", "{\"source\":\"web_form\",\"phone\":\"$PHONE\",\"fields\":{\"utm_%s\":\"x\"}}",
            "fields.utm_*", "term", 201),
        place("POST", "/api/leads", "{\"source\":\"web_form\",\"phone\":\"$PHONE\",\"%s\":\"x\"}", "*", null, 0),
        place("POST", "/api/leads", "{\"source\":\"email\",\"email\":\"me%s@example.ru\"}", "email", "$N", 201),
        place("POST", "/api/leads", "{\"source\":\"web_form%s\",\"phone\":\"$PHONE\"}", "source", "", 201),
        place("POST", "/api/managers", "{\"name\":\"%s\",\"extension\":\"$EXT\",\"maxActiveDeals\":5}", "name", GOOD, 201),
        place("PATCH", "/api/managers/$PATCHED", "{\"name\":\"%s\"}", "name", GOOD, 200),
        place("POST", "/api/deals/$DEAL/outcome", "{\"result\":\"NO_ANSWER\",\"note\":\"%s\"}", "note", GOOD, 200),
        place("POST", "/api/deals/$DEAL/close", "{\"status\":\"LOST\",\"reason\":\"too_expensive\",\"comment\":\"%s\"}",
            "comment", GOOD, 200),
        place("POST", "/api/deals/$DEAL/close", "{\"status\":\"LOST\",\"reason\":\"%s\",\"comment\":\"дорого\"}",
            "reason", "too_expensive", 200),
        place("POST", "/api/deals/$DEAL/stage", "{\"stage\":\"in_work\",\"fields\":{\"platform\":\"%s\"}}",
            "fields.platform", GOOD, 200),
        place("POST", "/api/deals/$DEAL/stage", "{\"stage\":\"in_work\",\"fields\":{\"platform\":\"x\"},\"reason\":\"%s\"}",
            "reason", GOOD, 200),
        place("POST", "/api/deals/$DEAL/stage", "{\"stage\":\"in_%s\",\"fields\":{\"platform\":\"x\"}}", "stage", "work", 200),
        place("POST", "/api/deals/$DEAL/score", "{\"points\":{\"%s\":3}}", "points.*", null, 0),
        place("POST", "/api/deals/$DEAL/assign", "{\"managerId\":$PATCHED,\"reason\":\"%s\",\"force\":true}",
            "reason", GOOD, 200));
  }

  static Arguments place(String method, String path, String template, String field, String good, int goodStatus) {
    return Arguments.of(method + " " + path + " " + field, method, path, template, field, good, goodStatus);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("places")
  void unstorableTextIs400NamingTheFieldAndValidTextIsStored(String label, String method, String path, String template,
                                                             String field, String good, int goodStatus) {
    for (String bad : BAD) {
      String phone = FunnelFixture.newPhone();
      var r = send(method, path, template, bad, phone);
      assertThat(r.statusCode()).as("%s with %s: %s", label, bad, r.bodyAsString()).isEqualTo(400);
      JsonObject err = r.bodyAsJsonObject();
      assertThat(err.getString("error")).isEqualTo("invalid_input");
      assertThat(err.getString("field")).as(label + " with " + bad).isEqualTo(field.replace("*", bad));
      assertThat(err.getString("detail")).containsAnyOf("NUL character", "unpaired surrogate");
      assertThat(f.query("SELECT 1 FROM contacts WHERE phone = $1", phone).size()).as("nothing stored").isZero();
    }
    if (good != null) {
      String phone = FunnelFixture.newPhone();
      String value = good.replace("$N", String.valueOf(System.nanoTime()));
      var r = send(method, path, template, value, phone);
      assertThat(r.statusCode()).as("%s with a valid string: %s", label, r.bodyAsString()).isEqualTo(goodStatus);
      String decoded = new JsonObject("{\"v\":\"" + value + "\"}").getString("v");
      String stored = lastDeal == 0 ? r.bodyAsString() : r.bodyAsString() + f.deal(lastDeal).encode();
      assertThat(stored).as("stored and answered as sent").contains(decoded);
    }
  }

  private static HttpResponse<Buffer> send(String method, String path, String template, String value, String phone) {
    String p = path;
    lastDeal = 0;
    if (p.contains("$DEAL")) {
      lastDeal = f.newDeal(operatorId);
      p = p.replace("$DEAL", String.valueOf(lastDeal));
    }
    p = p.replace("$PATCHED", String.valueOf(patchedId));
    String body = template.replace("%s", value).replace("$PHONE", phone)
        .replace("$EXT", String.valueOf(EXTENSIONS.incrementAndGet())).replace("$PATCHED", String.valueOf(patchedId));
    var req = method.equals("PATCH") ? f.t.patch(p, ADMIN_TOKEN) : f.t.post(p, ADMIN_TOKEN);
    return await(req.putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(body)));
  }

  /** Arrays and deeper nesting are walked too, though the routes refuse such shapes afterwards anyway. */
  @Test
  void valuesInArraysAndNestedObjectsAreNamedByTheirPath() {
    var r = send("POST", "/api/leads",
        "{\"source\":\"web_form\",\"phone\":\"$PHONE\",\"fields\":{\"tags\":[\"ok\",{\"deep\":\"%s\"}]}}", "\\u0000",
        FunnelFixture.newPhone());
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.bodyAsJsonObject().getString("field")).isEqualTo("fields.tags[1].deep");
  }

  /** 1e400 does not fit a double: read as Infinity, it would be stored as the string "Infinity". */
  @Test
  void aNumberTooLargeToStoreIs400AndAnyDoubleIsKept() {
    var r = send("POST", "/api/leads", "{\"source\":\"web_form\",\"phone\":\"$PHONE\",\"fields\":{\"budget\":%s}}",
        "1e400", FunnelFixture.newPhone());
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(400);
    assertThat(r.bodyAsJsonObject().getString("field")).isEqualTo("fields.budget");
    var ok = send("POST", "/api/leads", "{\"source\":\"web_form\",\"phone\":\"$PHONE\",\"fields\":{\"budget\":%s}}",
        "1.5e300", FunnelFixture.newPhone());
    assertThat(ok.statusCode()).isEqualTo(201);
    assertThat(ok.bodyAsJsonObject().getJsonObject("fields").getDouble("budget")).isEqualTo(1.5e300);
  }

  @Test
  void bytesThatAreNotUtf8Are400NotReplaced() {
    byte[] head = ("{\"source\":\"web_form\",\"phone\":\"" + FunnelFixture.newPhone() + "\",\"name\":\"")
        .getBytes(StandardCharsets.UTF_8);
    Buffer body = Buffer.buffer(head).appendBytes(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80, (byte) 0xC3})
        .appendString("\"}");
    var r = await(f.t.post("/api/leads", ADMIN_TOKEN).putHeader("Content-Type", "application/json").sendBuffer(body));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(400);
    assertThat(r.bodyAsJsonObject().getString("field")).isEqualTo("body");
    assertThat(r.bodyAsJsonObject().getString("detail")).contains("UTF-8");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "/api/deals?stage=%00| stage",
      "/api/deals?source=web_form%00| source",
      "/api/deals?phone=%2B7916%00| phone",
      "/api/deals?managerId=1%00| managerId",
      "/api/deals?x%00y=1| x\\u0000y",
      "/api/tasks?due=%00today| due",
      "/api/routing/unassigned?limit=%00| limit"})
  void queryParametersWithNulAre400NamingTheParameter(String path, String field) {
    var r = await(f.t.get(path, ADMIN_TOKEN).send());
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(400);
    assertThat(r.bodyAsJsonObject().getString("field")).isEqualTo(field);
    var ok = await(f.t.get(path.replace("%00", "").replace("=1", "=" + operatorId), ADMIN_TOKEN).send());
    assertThat(ok.statusCode()).as("without the NUL: " + ok.bodyAsString()).isIn(200, 400);
    if (ok.statusCode() == 400) {
      assertThat(ok.bodyAsJsonObject().getString("detail")).doesNotContain("NUL");
    }
  }

  /** An Idempotency-Key is stored: one holding NUL or other control characters never reaches the database. */
  @ParameterizedTest
  @CsvSource({"key\u0000one", "key\u0001one", "ключ"})
  void anIdempotencyKeyWithNulIs400(String key) throws Exception {
    String phone = FunnelFixture.newPhone();
    String body = "{\"source\":\"web_form\",\"phone\":\"" + phone + "\"}";
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    // Raw bytes on the wire: the HTTP client refuses to send such a header at all.
    String head = "POST /api/leads HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + ADMIN_TOKEN
        + "\r\nContent-Type: application/json\r\nIdempotency-Key: " + key + "\r\nContent-Length: " + bytes.length
        + "\r\nConnection: close\r\n\r\n";
    String answer = raw(Buffer.buffer(head.getBytes(StandardCharsets.UTF_8)).appendBytes(bytes));
    assertThat(answer).startsWith("HTTP/1.1 400");
    assertThat(f.query("SELECT 1 FROM contacts WHERE phone = $1", phone).size()).isZero();
    var ok = await(f.t.post("/api/leads", ADMIN_TOKEN).putHeader("Idempotency-Key", "key-" + System.nanoTime())
        .sendBuffer(Buffer.buffer(body)));
    assertThat(ok.statusCode()).isEqualTo(201);
  }

  /** Sends bytes as they are and returns the whole answer (the server closes the connection). */
  private static String raw(Buffer request) throws Exception {
    NetClient client = f.t.app.vertx().createNetClient();
    try {
      NetSocket socket = client.connect(f.t.app.httpPort(), "localhost").await(10, TimeUnit.SECONDS);
      Buffer got = Buffer.buffer();
      Promise<Void> closed = Promise.promise();
      socket.handler(got::appendBuffer);
      socket.closeHandler(v -> closed.tryComplete());
      socket.write(request);
      closed.future().await(10, TimeUnit.SECONDS);
      return got.toString(StandardCharsets.UTF_8);
    } finally {
      client.close();
    }
  }
}
