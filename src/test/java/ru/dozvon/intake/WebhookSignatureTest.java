package ru.dozvon.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WebhookSignatureTest {

  static final Instant NOW = Instant.ofEpochSecond(1_800_000_000L);

  /** A known vector, computed independently: printf '1800000000.{"a":1}' | openssl dgst -sha256 -hmac secret-secret-secret. */
  @Test
  void signsTimestampDotBody() throws Exception {
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
    mac.init(new javax.crypto.spec.SecretKeySpec("secret-secret-secret".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    String expected = "sha256=" + java.util.HexFormat.of().formatHex(
        mac.doFinal("1800000000.{\"a\":1}".getBytes(StandardCharsets.UTF_8)));
    assertThat(WebhookSignature.sign("secret-secret-secret", 1_800_000_000L, "{\"a\":1}".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({
      "0, true, OK", "-300, true, OK", "300, true, OK", "-301, true, STALE_TIMESTAMP", "301, true, STALE_TIMESTAMP",
      "0, false, BAD_SIGNATURE", "-301, false, STALE_TIMESTAMP"})
  void verdicts(long offset, boolean right, WebhookSignature.Verdict verdict) {
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
    long ts = NOW.getEpochSecond() + offset;
    String sig = WebhookSignature.sign(right ? "k-0123456789abcdef" : "other-0123456789", ts, body);
    assertThat(WebhookSignature.verify("k-0123456789abcdef", String.valueOf(ts), sig, body, NOW, Duration.ofMinutes(5)))
        .isEqualTo(verdict);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "intake: {webhooks: {fax: {secret: '0123456789abcdef'}}}| intake.webhooks.fax",
      "intake: {webhooks: {chat: {secret: 'qwe987'}}}| intake.webhooks.chat.secret",
      "intake: {webhooks: [1]}| intake.webhooks",
      "intake: {max_clock_skew: 5x}| intake.max_clock_skew",
      "intake: {jobs_every: 0s}| intake.jobs_every",
      "intake: {colour: red}| intake.colour",
      "intake: {webhook_max_body_bytes: 10}| intake.webhook_max_body_bytes"})
  @SuppressWarnings("unchecked")
  void configErrorsNameTheKeyAndNeverTheSecret(String yaml, String path) {
    Map<String, Object> doc = (Map<String, Object>) new org.snakeyaml.engine.v2.api.Load(
        org.snakeyaml.engine.v2.api.LoadSettings.builder().build()).loadFromString(yaml);
    assertThatThrownBy(() -> IntakeConfig.fromMap((Map<String, Object>) doc.get("intake")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(path + ":")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("qwe987").doesNotContain("0123456789abcdef"));
  }

  @Test
  void theDefaultSectionParses() throws Exception {
    @SuppressWarnings("unchecked")
    Map<String, Object> doc = (Map<String, Object>) new org.snakeyaml.engine.v2.api.Load(
        org.snakeyaml.engine.v2.api.LoadSettings.builder().build()).loadFromString(
        java.nio.file.Files.readString(java.nio.file.Path.of("config/application.yaml")));
    @SuppressWarnings("unchecked")
    IntakeConfig c = IntakeConfig.fromMap((Map<String, Object>) doc.get("intake"));
    assertThat(c).isEqualTo(IntakeConfig.defaults());
  }

  @Test
  void secretsComeFromTheEnvironmentPerSource() {
    var cfg = ru.dozvon.config.ConfigLoader.load(Map.of("DOZVON_WEBHOOK_SECRET_CHAT", "chat-secret-0123456789"),
        java.nio.file.Path.of(""));
    assertThat(cfg.intake().secret("chat")).contains("chat-secret-0123456789");
    assertThatThrownBy(() -> ru.dozvon.config.ConfigLoader.load(Map.of("DOZVON_WEBHOOK_SECRET_CHAT", "short"),
        java.nio.file.Path.of(""))).hasMessageContaining("DOZVON_WEBHOOK_SECRET_CHAT").hasMessageNotContaining(": short");
  }
}
