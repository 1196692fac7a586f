package ru.dozvon.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource({
      "1h, PT1H", "30m, PT30M", "1d, PT24H", "2d, PT48H", "1h30m, PT1H30M", "1d2h, PT26H", "45s, PT45S", "3w, PT504H", "500ms, PT0.5S", "1m30s, PT1M30S", "2s250ms, PT2.25S",
      "0, PT0S", "0m, PT0S", "' 1H ', PT1H", "1h 30m, PT1H30M", "PT1H, PT1H", "pt15m, PT15M", "P1D, PT24H",
      "P1DT2H, PT26H",
  })
  void parses(String text, String iso) {
    assertThat(Durations.parse(text)).isEqualTo(Duration.parse(iso));
  }

  @ParameterizedTest(name = "''{0}''")
  @ValueSource(strings = {"", "1x", "h", "1", "60", "1.5h", "-1h", "1m1h", "PT", "P1Y", "99999999999999999999d", "soon"})
  void refuses(String text) {
    assertThatThrownBy(() -> Durations.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("'" + text + "' is not a duration")
        .hasMessageEndingWith("(expected e.g. 1h, 30m, 1d or PT1H)");
  }

  @ParameterizedTest(name = "{0} reads \"{1}\"")
  @CsvSource({
      "PT1H, 1 hour", "PT2H, 2 hours", "P1D, 1 day", "PT26H, 1 day 2 hours", "PT1H30M, 1 hour 30 minutes",
      "PT10M, 10 minutes", "PT1S, 1 second", "PT0S, no time",
  })
  void describes(String iso, String text) {
    assertThat(Durations.describe(Duration.parse(iso))).isEqualTo(text);
  }
}
