package ru.dozvon.telephony;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AmiSettingsTest {

  private static Map<String, Object> section() {
    Map<String, Object> m = new HashMap<>();
    m.put("host", "pbx.local");
    m.put("port", 5038);
    m.put("user", "dozvon");
    m.put("secret", "top-secret-1");
    return m;
  }

  @Test
  void minimalSectionTakesTheDefaultTimings() {
    AmiSettings s = AmiSettings.fromYaml(section());
    assertThat(s).isEqualTo(AmiSettings.of("pbx.local", 5038, "dozvon", "top-secret-1"));
    assertThat(s.pingInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(s.reconnectMax()).isEqualTo(Duration.ofSeconds(60));
  }

  @ParameterizedTest
  @CsvSource({
      "connectTimeout,    200ms, PT0.2S",
      "connectTimeout,    5s,    PT5S",
      "socketReadTimeout, 2m,    PT2M",
      "pingInterval,      1h,    PT1H",
      "pingTimeout,       ' 3s ', PT3S",
      "reconnectMin,      50ms,  PT0.05S",
      "reconnectMax,      90s,   PT1M30S",
  })
  void durationsAreRead(String key, String value, String expected) {
    Map<String, Object> m = section();
    m.put(key, value);
    AmiSettings s = AmiSettings.fromYaml(m);
    Duration d = switch (key) {
      case "connectTimeout" -> s.connectTimeout();
      case "socketReadTimeout" -> s.socketReadTimeout();
      case "pingInterval" -> s.pingInterval();
      case "pingTimeout" -> s.pingTimeout();
      case "reconnectMin" -> s.reconnectMin();
      default -> s.reconnectMax();
    };
    assertThat(d).isEqualTo(Duration.parse(expected));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "pingInterval      | 1x    | ami.pingInterval: '1x' is not a duration (expected e.g. 200ms, 5s, 1m, 1h)",
      "pingTimeout       | 5     | ami.pingTimeout: '5' is not a duration",
      "connectTimeout    | -1s   | ami.connectTimeout: '-1s' is not a duration",
      "connectTimeout    | 0s    | ami.connectTimeout: 'PT0S' is not a positive duration",
      "socketReadTimeout | s     | ami.socketReadTimeout: 's' is not a duration",
      "reconnectMin      | 1y    | ami.reconnectMin: '1y' is not a duration",
      "port              | 0     | ami.port: '0' is not a TCP port",
      "port              | 70000 | ami.port: '70000' is not a TCP port",
      "port              | abc   | ami.port: 'abc' is not a TCP port",
      "host              | ' '   | ami.host: ' ' is not a non-empty text",
      "user              | ''    | ami.user: '' is not a non-empty text",
      "colour            | red   | ami.colour: unknown key",
  })
  void badValuesAreNamedWithTheirPath(String key, String value, String message) {
    Map<String, Object> m = section();
    m.put(key, key.equals("port") && value.matches("\\d+") ? Integer.valueOf(value) : value);
    assertThatThrownBy(() -> AmiSettings.fromYaml(m)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(message);
  }

  @Test
  void reconnectMaxBelowMinIsRefused() {
    Map<String, Object> m = section();
    m.put("reconnectMin", "10s");
    m.put("reconnectMax", "5s");
    assertThatThrownBy(() -> AmiSettings.fromYaml(m)).hasMessageStartingWith("ami.reconnectMax: PT5S is shorter");
  }

  @Test
  void missingSecretIsReportedWithoutEchoingAnything() {
    Map<String, Object> m = section();
    m.put("secret", 12345);
    assertThatThrownBy(() -> AmiSettings.fromYaml(m)).hasMessageStartingWith("ami.secret: missing or not a text")
        .hasMessageNotContaining("12345");
    assertThatThrownBy(() -> AmiSettings.fromYaml(null)).hasMessageStartingWith("ami: section is missing");
  }

  @Test
  void toStringHidesTheSecret() {
    assertThat(AmiSettings.fromYaml(section()).toString()).contains("secret=***").doesNotContain("top-secret-1");
  }
}
