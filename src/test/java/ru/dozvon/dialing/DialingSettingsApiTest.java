package ru.dozvon.dialing;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import ru.dozvon.support.TestApp;

/** GET /api/settings/dialing: the ladder and dialing settings as the running service read them, for staff only. */
class DialingSettingsApiTest {

  static TestApp t;

  @BeforeAll
  static void start() {
    t = TestApp.start(Map.of("DOZVON_CALLING_HOURS", "09:30-18:00", "DOZVON_CALLING_DAYS", "MON-SAT",
        "DOZVON_TIMEZONE", "Asia/Yekaterinburg", "DOZVON_AUTODIAL", "true"));
  }

  @AfterAll
  static void stop() {
    t.close();
  }

  @Test
  void staffSeeTheLadderWindowLimitsAndDialerAsConfigured() {
    var r = TestApp.await(t.get("/api/settings/dialing", TestApp.ADMIN_TOKEN).send());
    assertThat(r.statusCode()).isEqualTo(200);
    JsonObject b = r.bodyAsJsonObject();
    var steps = b.getJsonObject("ladder").getJsonArray("steps");
    assertThat(steps).hasSize(t.config.retry().policy().steps().size()).hasSize(4);
    assertThat(steps.getJsonObject(0).getJsonObject("delay").getLong("seconds")).isZero();
    assertThat(steps.getJsonObject(1).getJsonObject("delay").getLong("seconds")).isEqualTo(3600);
    assertThat(steps.getJsonObject(2).getJsonObject("delay").getString("iso")).isEqualTo("PT24H");
    assertThat(steps.getJsonObject(1).getString("describe")).isEqualTo("1 hour after attempt 1");
    assertThat(b.getJsonObject("ladder").getJsonObject("exhausted").getString("supervisorTask"))
        .isEqualTo("Проконтролировать закрытие сделки");
    JsonObject w = b.getJsonObject("callingWindow");
    assertThat(w.getString("timezone")).isEqualTo("Asia/Yekaterinburg");
    assertThat(w.getString("opens")).isEqualTo("09:30");
    assertThat(w.getString("closes")).isEqualTo("18:00");
    assertThat(w.getJsonArray("days").getList()).containsExactly("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY",
        "FRIDAY", "SATURDAY");
    assertThat(w.getJsonArray("holidays").getList()).contains("2026-11-04");
    assertThat(w.getJsonArray("env").getList()).contains("DOZVON_CALLING_HOURS");
    assertThat(b.getJsonObject("numberLimits").getJsonObject("mobile").getInteger("maxPerDay")).isEqualTo(3);
    assertThat(b.getJsonObject("numberLimits").getJsonObject("fixedLine").getInteger("maxPerDay")).isZero();
    assertThat(b.getJsonObject("dialer").getBoolean("autoDial")).isTrue();
    assertThat(b.getJsonObject("dialer").getJsonObject("wrapUp").getLong("seconds")).isEqualTo(15);
    assertThat(b.getJsonObject("emailOnly").getJsonArray("requests")).hasSize(2);
    assertThat(b.getString("changedIn")).contains("DOZVON_CONFIG");
  }

  @Test
  void anOperatorIsRefusedAndNoTokenIsUnauthorized() {
    String token = t.createManager("Оператор настроек", "291", 5).getString("token");
    assertThat(TestApp.await(t.get("/api/settings/dialing", token).send()).statusCode()).isEqualTo(403);
    assertThat(TestApp.await(t.get("/api/settings/dialing", null).send()).statusCode()).isEqualTo(401);
  }
}
