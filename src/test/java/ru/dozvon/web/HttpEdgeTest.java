package ru.dozvon.web;

import static org.assertj.core.api.Assertions.assertThat;
import static ru.dozvon.support.TestApp.ADMIN_TOKEN;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import ru.dozvon.support.TestApp;

/**
 * Requests the router never sees, or that failed inside Vert.x before our handlers (found by HttpFuzzTest): each is a
 * 4xx in the usual error shape naming what is wrong, never a 500 nor a bare status line.
 */
class HttpEdgeTest {

  static TestApp t;

  @BeforeAll
  static void start() {
    t = TestApp.start();
  }

  @AfterAll
  static void stop() {
    t.close();
  }

  /** Sends raw bytes, reads to the end; the status and the JSON body. */
  static JsonObject raw(String request) throws Exception {
    try (Socket s = new Socket("localhost", t.app.httpPort())) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
      InputStream in = s.getInputStream();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      in.transferTo(out);
      String text = out.toString(StandardCharsets.UTF_8);
      int bodyAt = text.indexOf("\r\n\r\n");
      assertThat(bodyAt).as(text).isPositive();
      String body = text.substring(bodyAt + 4);
      return new JsonObject().put("status", Integer.parseInt(text.substring(9, 12)))
          .put("body", body.startsWith("[") ? new JsonObject().put("list", new io.vertx.core.json.JsonArray(body))
              : new JsonObject(body));
    }
  }

  @Test
  void aGetWithAFormContentTypeAndABodyIsServedNotA500() {
    var r = TestApp.await(t.get("/api/managers", ADMIN_TOKEN)
        .putHeader("Content-Type", "application/x-www-form-urlencoded").sendBuffer(Buffer.buffer("a=b")));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    var multipart = TestApp.await(t.get("/api/managers", ADMIN_TOKEN)
        .putHeader("Content-Type", "multipart/form-data; boundary=xyz").sendBuffer(Buffer.buffer("{}")));
    assertThat(multipart.statusCode()).as(multipart.bodyAsString()).isEqualTo(200);
  }

  @Test
  void aRequestLineOverTheLimitIs414NamingTheLimit() throws Exception {
    JsonObject a = raw("GET /api/deals?phone=" + "9".repeat(5000) + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(a.getInteger("status")).isEqualTo(414);
    assertThat(a.getJsonObject("body")).isEqualTo(new JsonObject().put("error", "uri_too_long")
        .put("detail", "the request line (method, path and query) is longer than 4096 bytes").put("field", "uri"));
  }

  @Test
  void headersOverTheLimitAre431NamingTheLimit() throws Exception {
    JsonObject a = raw("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + "y".repeat(9000) + "\r\nConnection: close\r\n\r\n");
    assertThat(a.getInteger("status")).isEqualTo(431);
    assertThat(a.getJsonObject("body")).isEqualTo(new JsonObject().put("error", "headers_too_large")
        .put("detail", "the request headers are larger than 8192 bytes").put("field", "headers"));
  }

  @Test
  void somethingThatIsNotHttpIs400() throws Exception {
    JsonObject a = raw("GET /api/deals?to= &x=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(a.getInteger("status")).isEqualTo(400);
    assertThat(a.getJsonObject("body").getString("error")).isEqualTo("bad_request");
    assertThat(a.getJsonObject("body").getString("detail")).contains("not a valid HTTP/1.1 request");
  }

  @Test
  void aBrokenPercentEscapeIs400NamingThePathOrTheQuery() throws Exception {
    JsonObject path = raw("GET /api/deals/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(path.getInteger("status")).isEqualTo(400);
    assertThat(path.getJsonObject("body").getString("field")).isEqualTo("path");
    assertThat(path.getJsonObject("body").getString("detail")).contains("'%' not followed by two hex digits");
    JsonObject query = raw("GET /api/deals?phone=% HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + ADMIN_TOKEN
        + "\r\nConnection: close\r\n\r\n");
    assertThat(query.getInteger("status")).isEqualTo(400);
    assertThat(query.getJsonObject("body").getString("field")).isEqualTo("query");
    JsonObject fine = raw("GET /api/deals?phone=%2B79161234567 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
        + ADMIN_TOKEN + "\r\nConnection: close\r\n\r\n");
    assertThat(fine.getInteger("status")).as(fine.encode()).isEqualTo(200);
  }
}
