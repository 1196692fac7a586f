package ru.dozvon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The dial template and the recordings folder, read by the real loader from environment variables. */
class PhoneSettingsConfigTest {

  static AppConfig load(Map<String, String> env) {
    return ConfigLoader.load(env, Path.of(""));
  }

  @Test
  void defaultsAreThePjsipTemplateAndNoRecordingsFolder() {
    AppConfig cfg = load(Map.of());
    assertThat(cfg.phones().devices().device("101")).isEqualTo("PJSIP/101");
    assertThat(cfg.phones().recordingsDir()).isNull();
  }

  @Test
  void theVariablesSetTemplateAndFolder() {
    AppConfig cfg = load(Map.of("DOZVON_OPERATOR_DIAL", "Local/{ext}@from-internal",
        "DOZVON_RECORDINGS_DIR", "/var/spool/asterisk/monitor"));
    assertThat(cfg.phones().devices().extensionOf("Local/205@from-internal-0000000a;1")).isEqualTo("205");
    assertThat(cfg.phones().recordingsDir()).isEqualTo(Path.of("/var/spool/asterisk/monitor"));
  }

  @Test
  void aTemplateWithoutTheExtensionStopsTheStartNamingTheVariable() {
    assertThatThrownBy(() -> load(Map.of("DOZVON_OPERATOR_DIAL", "PJSIP/101")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("DOZVON_OPERATOR_DIAL")
        .hasMessageContaining("{ext}");
  }
}
