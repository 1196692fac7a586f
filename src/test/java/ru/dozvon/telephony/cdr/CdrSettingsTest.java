package ru.dozvon.telephony.cdr;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import ru.dozvon.config.ConfigException;
import ru.dozvon.config.ConfigLoader;

/** The telephony.cdr settings through the real loader, and the purity of the grouping rules. */
class CdrSettingsTest {

  static CdrSettings load(Map<String, String> env) {
    return ConfigLoader.load(env, Path.of("")).cdr();
  }

  @Test
  void defaultsReadTheServicesOwnDatabaseTableCdrEveryFewMinutes() {
    CdrSettings s = load(Map.of());
    assertThat(s.enabled()).isTrue();
    assertThat(s.db()).isEmpty();
    assertThat(s.table()).isEqualTo("cdr");
    assertThat(s.quotedTable()).isEqualTo("\"cdr\"");
    assertThat(s.every()).isEqualTo(Duration.ofMinutes(3));
    assertThat(s.zone()).isEqualTo(ZoneId.of("UTC"));
    assertThat(s.source()).isEqualTo("service-database/cdr");
  }

  @Test
  void environmentVariablesSetThem() {
    CdrSettings s = load(Map.of("DOZVON_CDR_DB_URL", "postgresql://asterisk:s3cret@pbx-db:5433/asteriskcdrdb",
        "DOZVON_CDR_TABLE", "Asterisk.CDR", "DOZVON_CDR_EVERY", "5m", "DOZVON_CDR_TIMEZONE", "Europe/Moscow",
        "DOZVON_CDR_ENABLED", "false"));
    assertThat(s.enabled()).isFalse();
    assertThat(s.db()).get().satisfies(u -> {
      assertThat(u.host()).isEqualTo("pbx-db");
      assertThat(u.port()).isEqualTo(5433);
      assertThat(u.password()).isEqualTo("s3cret");
    });
    assertThat(s.table()).as("folded as PostgreSQL folds cdr_pgsql's unquoted name").isEqualTo("asterisk.cdr");
    assertThat(s.quotedTable()).isEqualTo("\"asterisk\".\"cdr\"");
    assertThat(s.every()).isEqualTo(Duration.ofMinutes(5));
    assertThat(s.zone()).isEqualTo(ZoneId.of("Europe/Moscow"));
    assertThat(s.source()).isEqualTo("pbx-db:5433/asteriskcdrdb/asterisk.cdr").doesNotContain("s3cret");
    assertThat(s.toString()).doesNotContain("s3cret");
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', textBlock = """
      DOZVON_CDR_EVERY    | 5s              | DOZVON_CDR_EVERY: telephony.cdr.every: '5s' is too often
      DOZVON_CDR_EVERY    | often           | DOZVON_CDR_EVERY: telephony.cdr.every: 'often' is not a positive duration
      DOZVON_CDR_TABLE    | cdr; DROP x     | DOZVON_CDR_TABLE: telephony.cdr.table: 'cdr; DROP x' is not a table name
      DOZVON_CDR_TIMEZONE | +03:00          | DOZVON_CDR_TIMEZONE: telephony.cdr.timezone: '+03:00' is not a time zone name
      DOZVON_CDR_TIMEZONE | Mars/Olympus    | DOZVON_CDR_TIMEZONE: telephony.cdr.timezone: 'Mars/Olympus' is not a time zone
      DOZVON_CDR_ENABLED  | maybe           | DOZVON_CDR_ENABLED: telephony.cdr.enabled: 'maybe' is not true or false
      """)
  void aBadValueStopsStartUpNamingKeyValueAndForm(String variable, String value, String message) {
    assertThatThrownBy(() -> load(Map.of(variable, value))).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(message).hasMessageContaining("expected");
  }

  @Test
  void aBadCdrDatabaseUrlIsNamedWithoutItsPassword() {
    assertThatThrownBy(() -> load(Map.of("DOZVON_CDR_DB_URL", "mysql://u:hunter2@h/db")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("DOZVON_CDR_DB_URL").hasMessageContaining("postgresql://")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void anUnknownKeyOfTheSectionIsNamed() {
    assertThatThrownBy(() -> CdrSettings.fromTelephony(Map.of("cdr", Map.of("tabel", "cdr"))))
        .hasMessageStartingWith("telephony.cdr.tabel: unknown key");
  }

  @Test
  void theGroupingRulesArePure() {
    noClasses().that().haveSimpleNameStartingWith("CdrRules").or().haveSimpleNameStartingWith("CdrRow")
        .or().haveSimpleNameStartingWith("CdrSettings")
        .should().dependOnClassesThat().resideInAnyPackage("io.vertx..", "java.sql..", "io.micrometer..",
            "org.asteriskjava..")
        .check(new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("ru.dozvon.telephony.cdr"));
    assertThat(Set.of(CdrRules.Kind.values())).hasSize(3);
  }
}
