package ru.dozvon.web;

import static org.assertj.core.api.Assertions.assertThat;
import static ru.dozvon.support.TestApp.ADMIN_TOKEN;
import static ru.dozvon.support.TestApp.await;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import ru.dozvon.deals.FunnelFixture;

/** A body over the limit is 413 in the usual error shape, stating the limit of that route. */
class BodyLimitTest {

  static FunnelFixture f;

  @BeforeAll
  static void start() {
    f = new FunnelFixture(Map.of("DOZVON_HTTP_MAX_BODY_BYTES", "4096"));
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  static String lead(int nameLength) {
    return new JsonObject().put("source", "web_form").put("phone", FunnelFixture.newPhone())
        .put("name", "x".repeat(nameLength)).encode();
  }

  @Test
  void anApiBodyOverTheConfiguredLimitIs413StatingIt() {
    var r = await(f.t.post("/api/leads", ADMIN_TOKEN).putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer(lead(5000))));
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(r.bodyAsJsonObject()).isEqualTo(new JsonObject().put("error", "body_too_large")
        .put("detail", "the request body is over the limit of 4096 bytes"));

    var fits = await(f.t.post("/api/leads", ADMIN_TOKEN).sendBuffer(Buffer.buffer(lead(150))));
    assertThat(fits.statusCode()).as(fits.bodyAsString()).isEqualTo(201);
  }

  /** Without a Content-Length (chunked) the limit is found while reading, with the same answer. */
  @Test
  void aChunkedBodyOverTheLimitIs413StatingIt() throws Exception {
    HttpClient client = f.t.app.vertx().createHttpClient();
    try {
      JsonObject answer = client.request(HttpMethod.POST, f.t.app.httpPort(), "localhost", "/api/leads")
          .compose(req -> {
            req.setChunked(true).putHeader("Authorization", "Bearer " + ADMIN_TOKEN);
            for (int i = 0; i < 9; i++) {
              req.write("x".repeat(1000));
            }
            return req.send(Buffer.buffer("x".repeat(1000)));
          })
          .compose(resp -> resp.body().map(b -> new JsonObject().put("status", resp.statusCode())
              .put("body", b.toJsonObject())))
          .await(10, TimeUnit.SECONDS);
      assertThat(answer.getInteger("status")).isEqualTo(413);
      assertThat(answer.getJsonObject("body").getString("detail"))
          .isEqualTo("the request body is over the limit of 4096 bytes");
    } finally {
      client.close();
    }
  }

  /** The signed form webhook has its own limit (intake.webhook_max_body_bytes, 65536 by default). */
  @Test
  void aWebhookBodyOverItsLimitIs413StatingIt() {
    var r = await(f.t.http.post("/hooks/forms/web_form").sendBuffer(Buffer.buffer(lead(70_000))));
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(r.bodyAsJsonObject()).isEqualTo(new JsonObject().put("error", "body_too_large")
        .put("detail", "the request body is over the limit of 65536 bytes"));
  }
}
