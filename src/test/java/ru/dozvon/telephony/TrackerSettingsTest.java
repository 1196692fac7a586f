package ru.dozvon.telephony;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

class TrackerSettingsTest {

  @Test
  @SuppressWarnings("unchecked")
  void theShippedConfigurationGivesTheDefaults() throws IOException {
    assertThat(ru.dozvon.config.ConfigLoader.load(Map.of(), Path.of("")).telephony())
        .isEqualTo(TrackerSettings.defaults());
    var custom = ru.dozvon.config.ConfigLoader.load(
        Map.of("DOZVON_INBOUND_CONTEXTS", "pstn-in", "DOZVON_ORIGINATE_CONTEXT", "c2c"), Path.of("")).telephony();
    assertThat(custom.inboundContexts()).containsExactly("pstn-in");
    assertThat(custom.outboundContexts()).containsExactly("c2c");
    assertThat(TrackerSettings.fromMap(null)).isEqualTo(TrackerSettings.defaults());
  }

  @Test
  void readsEveryKey() {
    Map<String, Object> section = Map.ofEntries(
        Map.entry("inbound-contexts", "from-trunk, from-sip-provider"),
        Map.entry("operator-contexts", List.of("operators")),
        Map.entry("outbound-contexts", List.of("c2c")),
        Map.entry("marker-variable", "CRM_OUTCOME"),
        Map.entry("idle-timeout", "90m"),
        Map.entry("recent-ended-memory", 500),
        Map.entry("max-channels-per-call", 64),
        Map.entry("max-live-calls", 3000),
        Map.entry("max-line-bytes", 4096),
        Map.entry("max-event-bytes", 8192),
        Map.entry("max-event-types", 300));

    TrackerSettings s = TrackerSettings.fromMap(section);

    assertThat(s).isEqualTo(new TrackerSettings(Set.of("from-trunk", "from-sip-provider"),
        Set.of("operators"), Set.of("c2c"), "CRM_OUTCOME", Duration.ofMinutes(90), 500, 64, 3000, 4096, 8192,
        300));
    assertThat(TrackerSettings.defaults().maxChannelsPerCall()).isEqualTo(1000);
    assertThat(TrackerSettings.defaults().maxLiveCalls()).isEqualTo(20000);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      4h    | PT4H
      30m   | PT30M
      90s   | PT1M30S
      1d    | PT24H
      500ms | PT0.5S
      """)
  void durations(String text, Duration expected) {
    assertThat(TrackerSettings.fromMap(Map.of("idle-timeout", text)).idleTimeout()).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      idle-timeout        | 1x          | telephony.idle-timeout: '1x' is not a positive duration (expected e.g. 90s, 30m, 4h, 1d)
      idle-timeout        | 0s          | telephony.idle-timeout: '0s' is not a positive duration
      idle-timeout        | -5m         | telephony.idle-timeout: '-5m' is not a positive duration
      recent-ended-memory | lots        | telephony.recent-ended-memory: 'lots' is not a positive whole number
      marker-variable     | 'NOT VALID' | telephony.marker-variable: 'NOT VALID' is not a channel variable name
      inbound-contexts    | ''          | telephony.inbound-contexts: must name at least one context
      inbound-contexts    | 'a,b c'     | telephony.inbound-contexts[1]: 'b c' is not a dialplan context name
      max-live-calls      | many        | telephony.max-live-calls: 'many' is not a positive whole number
      max-channels-per-call | '-1'      | telephony.max-channels-per-call: '-1' is not a positive whole number
      timeout             | 4h          | telephony.timeout: unknown key
      """)
  void badValuesNameTheKeyTheValueAndTheForm(String key, String value, String message) {
    Map<String, Object> section = new HashMap<>();
    section.put(key, value);

    assertThatThrownBy(() -> TrackerSettings.fromMap(section))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(message);
  }

  @Test
  void nonStringItemsAndNumbersAreRefusedWithTheirPath() {
    assertThatThrownBy(() -> TrackerSettings.fromMap(Map.of("operator-contexts", List.of("ok", 7))))
        .hasMessageStartingWith("telephony.operator-contexts[1]: '7' is not a dialplan context name");
    assertThatThrownBy(() -> TrackerSettings.fromMap(Map.of("recent-ended-memory", 0)))
        .hasMessageStartingWith("telephony.recent-ended-memory: '0' is not a positive whole number");
    assertThatThrownBy(() -> TrackerSettings.fromMap(Map.of("max-channels-per-call", 1)))
        .hasMessageStartingWith("telephony.max-channels-per-call: '1' must be a whole number of at least 2");
    assertThatThrownBy(() -> TrackerSettings.fromMap(Map.of("max-line-bytes", 100)))
        .hasMessageStartingWith("telephony.max-line-bytes: '100' must be a whole number of at least 1024");
    assertThatThrownBy(() -> TrackerSettings.fromMap(Map.of("max-line-bytes", 65536, "max-event-bytes", 2000)))
        .hasMessageStartingWith("telephony.max-event-bytes: '2000' must be at least telephony.max-line-bytes (65536)");
    assertThatThrownBy(() -> TrackerSettings.fromMap(Map.of("max-live-calls", 0)))
        .hasMessageStartingWith("telephony.max-live-calls: '0' is not a positive whole number");
    assertThat(TrackerSettings.fromMap(Map.of("idle-timeout", 60)).idleTimeout()).isEqualTo(Duration.ofMinutes(1));
  }
}
