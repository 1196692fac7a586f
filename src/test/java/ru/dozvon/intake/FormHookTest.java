package ru.dozvon.intake;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import ru.dozvon.deals.FunnelFixture;
import ru.dozvon.support.TestApp;

/** The signed site-form webhook: accepted when signed right and fresh; refused when not, or replayed. */
class FormHookTest {

  static final String SECRET = "test-form-secret-0123456789"; // src/test/resources/funnel-test.yaml
  static FunnelFixture f;

  @BeforeAll
  static void start() {
    f = new FunnelFixture();
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  static HttpResponse<Buffer> hook(String source, String body, String ts, String sig) {
    var req = f.t.http.post("/hooks/forms/" + source);
    if (ts != null) {
      req.putHeader(WebhookSignature.TIMESTAMP_HEADER, ts);
    }
    if (sig != null) {
      req.putHeader(WebhookSignature.SIGNATURE_HEADER, sig);
    }
    return TestApp.await(req.sendBuffer(Buffer.buffer(body)));
  }

  static String body() {
    return "{\"phone\":\"" + FunnelFixture.newPhone() + "\",\"name\":\"Иван\",\"fields\":{\"utm_source\":\"vk\"}}";
  }

  static String sign(long ts, String body) {
    return WebhookSignature.sign(SECRET, ts, body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aSignedFreshFormBecomesADealOnceAndAReplayIsRefused() {
    Instant now = Instant.parse("2026-09-01T12:00:00Z");
    f.clock.set(now);
    String body = body();
    long ts = now.getEpochSecond();
    var ok = hook("web_form", body, String.valueOf(ts), sign(ts, body));
    assertThat(ok.statusCode()).as(ok.bodyAsString()).isEqualTo(201);
    long dealId = ok.bodyAsJsonObject().getLong("dealId");
    var deal = f.deal(dealId);
    assertThat(deal.getString("source")).isEqualTo("web_form");
    assertThat(deal.getJsonObject("fields").getString("utm_source")).isEqualTo("vk");
    assertThat(deal.getJsonArray("history").getJsonObject(0).getString("actor")).isEqualTo("webhook:web_form");

    f.clock.set(now.plus(Duration.ofSeconds(30)));
    var replay = hook("web_form", body, String.valueOf(ts), sign(ts, body));
    assertThat(replay.statusCode()).isEqualTo(409);
    assertThat(replay.bodyAsJsonObject().getString("rule")).isEqualTo("replay");

    long later = ts + 60;
    var resent = hook("web_form", body, String.valueOf(later), sign(later, body));
    assertThat(resent.statusCode()).as("signed anew, the same lead attaches").isEqualTo(200);
    assertThat(resent.bodyAsJsonObject().getLong("dealId")).isEqualTo(dealId);
  }

  /** Old signatures are forgotten; the request they signed is refused as stale by its timestamp all the same. */
  @Test
  void signaturesOlderThanTheClockSkewCanBeForgottenWithoutOpeningAReplay() throws Exception {
    Instant now = Instant.parse("2026-09-02T12:00:00Z");
    f.clock.set(now);
    String body = body();
    long ts = now.getEpochSecond();
    assertThat(hook("web_form", body, String.valueOf(ts), sign(ts, body)).statusCode()).isEqualTo(201);
    var store = new PgLeadIntake(f.t.app.pool(), f.t.app.dealListeners());
    assertThat(store.forgetNoncesBefore(now.minusSeconds(1)).await(10, java.util.concurrent.TimeUnit.SECONDS))
        .as("this one is recent").isZero();

    Instant later = now.plus(Duration.ofMinutes(11));
    f.clock.set(later);
    assertThat(store.forgetNoncesBefore(later.minus(Duration.ofMinutes(10))).await(10, java.util.concurrent.TimeUnit.SECONDS))
        .isGreaterThanOrEqualTo(1);

    var replay = hook("web_form", body, String.valueOf(ts), sign(ts, body));
    assertThat(replay.statusCode()).isEqualTo(401);
    assertThat(replay.bodyAsString()).contains("timestamp is more than 5 min away");
  }

  /** Refusals: each case is a timestamp offset (s) from now and how the request is spoiled. */
  @ParameterizedTest
  @CsvSource({
      "-301, none, 401",
      "301, none, 401",
      "-3600, none, 401",
      "0, wrong_secret, 401",
      "0, body_changed, 401",
      "0, timestamp_changed, 401",
      "0, no_prefix, 401",
      "0, no_signature, 401",
      "0, no_timestamp, 401",
      "0, letters_timestamp, 401",
      "0, short_hex, 401",
      "-300, none, 201",
      "300, none, 201"})
  void badlySignedOrStaleFormsAreRefused(long offset, String spoil, int status) {
    Instant now = Instant.parse("2026-09-02T12:00:00Z");
    f.clock.set(now);
    String body = body();
    long ts = now.getEpochSecond() + offset;
    String sig = sign(ts, body);
    String tsHeader = String.valueOf(ts);
    switch (spoil) {
      case "wrong_secret" -> sig = WebhookSignature.sign("another-secret-0123456789", ts, body.getBytes(StandardCharsets.UTF_8));
      case "body_changed" -> body = body.replace("Иван", "Пётр");
      case "timestamp_changed" -> tsHeader = String.valueOf(ts + 1);
      case "no_prefix" -> sig = sig.substring("sha256=".length());
      case "no_signature" -> sig = null;
      case "no_timestamp" -> tsHeader = null;
      case "letters_timestamp" -> tsHeader = "soon";
      case "short_hex" -> sig = sig.substring(0, 40);
      default -> { }
    }
    var r = hook("web_form", body, tsHeader, sig);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(status);
    assertThat(r.bodyAsString()).doesNotContain(SECRET);
  }

  @ParameterizedTest
  @CsvSource({"chat", "fax", "missed_call"})
  void aSourceWithoutASecretHasNoWebhook(String source) {
    long ts = f.clock.instant().getEpochSecond();
    String body = body();
    assertThat(hook(source, body, String.valueOf(ts), sign(ts, body)).statusCode()).isEqualTo(404);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"name\":\"no contact\"}| phone",
      "{\"phone\":\"12\"}| phone",
      "{\"phone\":\"+79160000000\",\"source\":\"chat\"}| source",
      "{\"phone\":\"+79160000000\",\"extra\":1}| extra",
      "{\"phone\":\"+79160000000\",\"name\":\"И\\u0000ван\"}| name",
      "{\"phone\":\"+79160000000\",\"fields\":{\"comment\":\"\\uD800\"}}| fields.comment",
      "{\"phone\":\"+79160000000\",\"fields\":{\"utm\\u0000\":\"vk\"}}| fields.utm\\u0000",
      "not json| body"})
  void aSignedButInvalidFormIs400NamingTheField(String body, String field) {
    long ts = f.clock.instant().getEpochSecond();
    var r = hook("web_form", body, String.valueOf(ts), sign(ts, body));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.bodyAsJsonObject().getString("field")).isEqualTo(field);
  }

  /** The same form with valid text instead of a NUL is taken, with everything as sent. */
  @Test
  void aSignedFormWithValidTextIsTakenAsSent() {
    // Later than the other tests' forms, so that their check of forgotten signatures does not count these.
    f.clock.set(Instant.parse("2026-09-03T12:00:00Z"));
    long ts = f.clock.instant().getEpochSecond();
    String phone = FunnelFixture.newPhone();
    String body = "{\"phone\":\"" + phone + "\",\"name\":\"Иван \\uD83D\\uDE00\",\"fields\":{\"comment\":\"ok\"}}";
    var r = hook("web_form", body, String.valueOf(ts), sign(ts, body));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    var deal = f.deal(r.bodyAsJsonObject().getLong("dealId"));
    assertThat(deal.getJsonObject("contact").getString("name")).isEqualTo("Иван \uD83D\uDE00");
  }

  /** An Idempotency-Key on the webhook: the same form again replays, another form under it is 422. */
  @Test
  void aReusedIdempotencyKeyWithAnotherFormIs422() {
    // Later than the other tests' forms, so that their check of forgotten signatures does not count these.
    f.clock.set(Instant.parse("2026-09-03T12:00:00Z"));
    long ts = f.clock.instant().getEpochSecond();
    String key = "form-" + System.nanoTime();
    String body = body();
    var first = keyed(key, body, ts);
    assertThat(first.statusCode()).as(first.bodyAsString()).isEqualTo(201);
    var same = keyed(key, body, ts + 1);
    assertThat(same.statusCode()).isEqualTo(201);
    assertThat(same.bodyAsJsonObject().getLong("dealId")).isEqualTo(first.bodyAsJsonObject().getLong("dealId"));
    var other = keyed(key, body(), ts + 2);
    assertThat(other.statusCode()).as(other.bodyAsString()).isEqualTo(422);
    assertThat(other.bodyAsJsonObject().getString("error")).isEqualTo("idempotency_key_reused");
    assertThat(other.bodyAsJsonObject().getString("detail")).contains(key);
  }

  private static HttpResponse<Buffer> keyed(String key, String body, long ts) {
    return TestApp.await(f.t.http.post("/hooks/forms/web_form").putHeader("Idempotency-Key", key)
        .putHeader(WebhookSignature.TIMESTAMP_HEADER, String.valueOf(ts)).putHeader(WebhookSignature.SIGNATURE_HEADER,
            sign(ts, body)).sendBuffer(Buffer.buffer(body)));
  }
}
