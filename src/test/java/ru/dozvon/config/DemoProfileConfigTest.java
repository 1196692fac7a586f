package ru.dozvon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import ru.dozvon.simpbx.Shape;

/** Demo mode's settings: the profile laid over the defaults only in demo mode, and bad values named. */
class DemoProfileConfigTest {

  static AppConfig load(Map<String, String> env) {
    return ConfigLoader.load(env, Path.of(""));
  }

  @Test
  void demoModeLaysItsProfileOverTheDefaults() {
    AppConfig c = load(Map.of("DOZVON_DEMO", "true"));
    assertThat(c.demo().enabled()).isTrue();
    assertThat(c.database().dataDir()).isEqualTo(Path.of("./data-demo"));
    assertThat(c.retry().window().opens()).isEqualTo(LocalTime.MIDNIGHT);
    assertThat(c.retry().window().days()).hasSize(7);
    assertThat(c.retry().window().holidays()).isEmpty();
    assertThat(c.demo().rate()).isEqualTo(0.2);
    assertThat(c.demo().missedShare()).isEqualTo(0.4);
    assertThat(c.demo().operators()).containsExactly("101", "102");
    assertThat(c.demo().shape()).isEqualTo(Shape.PJSIP);
    assertThat(c.demo().ring()).isEqualTo(Duration.ofSeconds(6));
  }

  @Test
  void withoutDemoModeNothingOfTheProfileApplies() {
    AppConfig c = load(Map.of());
    assertThat(c.demo().enabled()).isFalse();
    assertThat(c.database().dataDir()).isEqualTo(Path.of("./data"));
    assertThat(c.retry().window().opens()).isEqualTo(LocalTime.of(10, 0));
    assertThat(load(Map.of("DOZVON_DEMO", "false")).database().dataDir()).isEqualTo(Path.of("./data"));
  }

  @Test
  void environmentVariablesStillWinInDemoMode() {
    AppConfig c = load(Map.of("DOZVON_DEMO", "true", "DOZVON_DATA_DIR", "/tmp/elsewhere", "DOZVON_DEMO_RATE", "2",
        "DOZVON_DEMO_MISSED", "1"));
    assertThat(c.database().dataDir()).isEqualTo(Path.of("/tmp/elsewhere"));
    assertThat(c.demo().rate()).isEqualTo(2.0);
    assertThat(c.demo().missedShare()).isEqualTo(1.0);
  }

  @Test
  void badValuesStopTheStartNamingTheKey() {
    assertThatThrownBy(() -> load(Map.of("DOZVON_DEMO", "maybe")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("DOZVON_DEMO").hasMessageContaining("'maybe'")
        .hasMessageContaining("true or false");
    assertThatThrownBy(() -> load(Map.of("DOZVON_DEMO", "true", "DOZVON_DEMO_RATE", "fast")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("demo.rate").hasMessageContaining("'fast'")
        .hasMessageContaining("calls per second");
    assertThatThrownBy(() -> load(Map.of("DOZVON_DEMO", "true", "DOZVON_DEMO_MISSED", "1.5")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("demo.missed_share").hasMessageContaining("'1.5'");
  }

  @Test
  void theSectionsOwnParserRefusesUnknownKeysAndBadOperators() {
    assertThatThrownBy(() -> ru.dozvon.simpbx.DemoSettings.fromMap(Map.of("speed", 3)))
        .hasMessageContaining("demo.speed: unknown key");
    assertThatThrownBy(() -> ru.dozvon.simpbx.DemoSettings.fromMap(Map.of("operators", List.of("101", "x1"))))
        .hasMessageContaining("demo.operators: 'x1'");
    assertThatThrownBy(() -> ru.dozvon.simpbx.DemoSettings.fromMap(Map.of("shape", "sip")))
        .hasMessageContaining("demo.shape").hasMessageContaining("pjsip, local or mixed");
    assertThatThrownBy(() -> ru.dozvon.simpbx.DemoSettings.fromMap(Map.of("ring", "soon")))
        .hasMessageContaining("demo.ring: 'soon'");
  }
}
