package ru.dozvon.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static ru.dozvon.support.TestApp.ADMIN_TOKEN;
import static ru.dozvon.support.TestApp.await;

import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import ru.dozvon.deals.FunnelFixture;
import ru.dozvon.intake.WebhookSignature;

/** Manager webhooks through the outbox, against a real local HTTP receiver that is down first. */
class OutboxTest {

  record Received(String body, String timestamp, String signature) {
  }

  static FunnelFixture f;

  @BeforeAll
  static void start() {
    // The receivers of these tests listen on this machine: a loopback address, refused by default.
    f = new FunnelFixture(Map.of("DOZVON_WEBHOOK_ALLOW_PRIVATE", "true"));
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  static int freePort() throws Exception {
    HttpServer s = f.t.app.vertx().createHttpServer().requestHandler(r -> r.response().end()).listen(0)
        .await(10, TimeUnit.SECONDS);
    int port = s.actualPort();
    s.close().await(10, TimeUnit.SECONDS);
    return port;
  }

  static int drain() throws Exception {
    return f.t.app.outbox().drain().await(30, TimeUnit.SECONDS);
  }

  @ParameterizedTest
  @CsvSource({"1, 5", "2, 10", "3, 20", "4, 40", "10, 2560", "11, 3600", "40, 3600"})
  void retriesBackOffExponentiallyUpToAnHour(int attempts, long seconds) {
    assertThat(OutboxDrainer.backoff(attempts)).isEqualTo(Duration.ofSeconds(seconds));
  }

  @ParameterizedTest
  @CsvSource({"ftp://x.ru/hook", "not a url", "http://", "javascript:alert(1)"})
  void aBadWebhookUrlIs400(String url) {
    long id = f.t.createManager("M" + Math.abs(url.hashCode() % 1000), String.valueOf(400 + Math.abs(url.hashCode() % 99)), 5)
        .getLong("id");
    var r = await(f.t.patch("/api/managers/" + id, ADMIN_TOKEN).sendJsonObject(new JsonObject().put("webhookUrl", url)));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.bodyAsJsonObject().getString("field")).isEqualTo("webhookUrl");
  }

  @Test
  void anOverdueTaskReachesTheManagersWebhookAfterTheReceiverComesBack() throws Exception {
    int port = freePort();
    JsonObject m = f.t.createManager("Вебхук", "501", 10);
    long managerId = m.getLong("id");
    var patched = await(f.t.patch("/api/managers/" + managerId, ADMIN_TOKEN)
        .sendJsonObject(new JsonObject().put("webhookUrl", "http://localhost:" + port + "/bot")));
    assertThat(patched.statusCode()).as(patched.bodyAsString()).isEqualTo(200);
    String secret = patched.bodyAsJsonObject().getString("webhookSecret");
    assertThat(secret).startsWith("whs_");
    assertThat(patched.bodyAsJsonObject().getString("webhookUrl")).isEqualTo("http://localhost:" + port + "/bot");
    var again = await(f.t.get("/api/managers/" + managerId, ADMIN_TOKEN).send()).bodyAsJsonObject();
    assertThat(again.getString("webhookSecret")).as("shown once").isNull();

    Instant t0 = Instant.parse("2026-10-01T09:00:00Z");
    f.clock.set(t0);
    long deal = f.newDeal(managerId);
    assertThat(f.post("/api/deals/" + deal + "/stage", ADMIN_TOKEN, new JsonObject().put("stage", "in_work")
        .put("fields", new JsonObject().put("platform", "web"))).statusCode()).isEqualTo(200);
    f.clock.set(t0.plus(Duration.ofMinutes(31)));
    f.tick();
    // the stage task's notice (the deal's callback task, due at once, is overdue as well and has its own)
    var row = f.query("SELECT id, payload, attempts FROM outbox WHERE manager_id = $1 AND topic = 'task.overdue' "
        + "AND payload::text LIKE '%Связаться и квалифицировать%'", managerId);
    assertThat(row.size()).isEqualTo(1);
    long outboxId = row.iterator().next().getLong("id");
    JsonObject payload = row.iterator().next().getJsonObject("payload");
    assertThat(payload.getJsonObject("data").getLong("dealId")).isEqualTo(deal);

    // The receiver is down: the try fails, is kept with its error, and waits 5 s.
    assertThat(drain()).isZero();
    var failed = f.query("SELECT attempts, last_error, next_try_at, delivered_at FROM outbox WHERE id = $1", outboxId)
        .iterator().next();
    assertThat(failed.getInteger("attempts")).isEqualTo(1);
    assertThat(failed.getString("last_error")).isNotBlank();
    assertThat(failed.getOffsetDateTime("next_try_at").toInstant()).isEqualTo(f.clock.instant().plusSeconds(5));
    assertThat(failed.getOffsetDateTime("delivered_at")).isNull();

    CompletableFuture<Received> got = new CompletableFuture<>();
    // The stage task's notice is the one followed here; the callback task's own notice may come first.
    HttpServer receiver = f.t.app.vertx().createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
      if (b.toString().contains("Связаться и квалифицировать")) {
        got.complete(new Received(b.toString(), req.getHeader(WebhookSignature.TIMESTAMP_HEADER),
            req.getHeader(WebhookSignature.SIGNATURE_HEADER)));
      }
      req.response().setStatusCode(204).end();
    })).listen(port).await(10, TimeUnit.SECONDS);
    try {
      assertThat(drain()).as("not due again yet").isZero();
      assertThat(got).isNotDone();
      f.clock.set(f.clock.instant().plusSeconds(5));
      drain();
      Received r = got.get(10, TimeUnit.SECONDS);
      assertThat(new JsonObject(r.body())).isEqualTo(payload);
      assertThat(WebhookSignature.verify(secret, r.timestamp(), r.signature(), r.body().getBytes(),
          f.clock.instant(), Duration.ofMinutes(5))).isEqualTo(WebhookSignature.Verdict.OK);
      var delivered = f.query("SELECT attempts, delivered_at FROM outbox WHERE id = $1", outboxId).iterator().next();
      assertThat(delivered.getInteger("attempts")).isEqualTo(2);
      assertThat(delivered.getOffsetDateTime("delivered_at")).isNotNull();
      f.clock.set(f.clock.instant().plus(Duration.ofHours(2)));
      assertThat(drain()).as("delivered once").isZero();
    } finally {
      receiver.close().await(10, TimeUnit.SECONDS);
    }
  }

  /** A new deal that lands on a manager with a webhook queues "deal.assigned" in the same transaction. */
  @Test
  void aNewDealOnAManagerQueuesDealAssigned() throws Exception {
    JsonObject m = f.t.createManager("Бот", "502", 10);
    long managerId = m.getLong("id");
    await(f.t.patch("/api/managers/" + managerId, ADMIN_TOKEN)
        .sendJsonObject(new JsonObject().put("webhookUrl", "https://bot.example.ru/dozvon")));
    Instant lost = Instant.parse("2026-10-05T09:00:00Z");
    f.clock.set(lost);
    long old = f.newDeal(managerId);
    f.post("/api/deals/" + old + "/close", ADMIN_TOKEN, new JsonObject().put("status", "LOST").put("reason", "other")
        .put("comment", "x"));
    f.clock.set(lost.plus(Duration.ofDays(40)));
    var reopened = f.post("/api/deals/" + old + "/reopen", ADMIN_TOKEN, new JsonObject());
    assertThat(reopened.statusCode()).isEqualTo(201);
    long fresh = reopened.bodyAsJsonObject().getLong("id");
    var rows = f.query("SELECT target_url, payload FROM outbox WHERE manager_id = $1 AND topic = 'deal.assigned'", managerId);
    assertThat(rows.size()).isEqualTo(1);
    assertThat(rows.iterator().next().getString("target_url")).isEqualTo("https://bot.example.ru/dozvon");
    assertThat(rows.iterator().next().getJsonObject("payload").getJsonObject("data").getLong("dealId")).isEqualTo(fresh);
  }

  @Test
  void managersShowSpeedToLead() {
    JsonObject m = f.t.createManager("Быстрый", "503", 10);
    long managerId = m.getLong("id");
    Instant t0 = Instant.parse("2026-11-02T09:00:00Z");
    f.clock.set(t0);
    long[] minutes = {4, 12, 50};
    for (long min : minutes) {
      long deal = f.newDeal(managerId);
      f.sql("UPDATE deals SET first_contact_at = arrived_at + make_interval(mins => $2) WHERE id = $1", deal, (int) min);
    }
    f.newDeal(managerId); // not reached yet, arrived 1 h before "now": counts against the share
    f.clock.set(t0.plus(Duration.ofHours(1)));
    var all = await(f.t.get("/api/managers", ADMIN_TOKEN).send()).bodyAsJsonArray();
    JsonObject me = all.stream().map(JsonObject.class::cast).filter(o -> o.getLong("id") == managerId).findFirst().orElseThrow();
    JsonObject s = me.getJsonObject("speedToLead");
    assertThat(s.getLong("medianSeconds")).isEqualTo(12 * 60);
    assertThat(s.getLong("reached")).isEqualTo(3);
    assertThat(s.getDouble("withinIdealShare")).isEqualTo(2.0 / 4);
  }
}
