package ru.dozvon.config;

import ru.dozvon.store.DbUrl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {

  @TempDir
  Path dir;

  private AppConfig load(Map<String, String> env) {
    return ConfigLoader.load(env, Path.of(""));
  }

  @Test
  void defaultsNeedNoSettings() {
    AppConfig c = load(Map.of());
    assertThat(c.http().port()).isEqualTo(8080);
    assertThat(c.database().embedded()).isTrue();
    assertThat(c.database().dataDir()).isEqualTo(Path.of("./data"));
    assertThat(c.ami().enabled()).isFalse();
    assertThat(c.ami().port()).isEqualTo(5038);
    assertThat(c.ami().inboundContexts()).containsExactly("from-trunk", "from-pstn");
    assertThat(c.ami().originateContext()).isEqualTo("click-to-call");
    assertThat(c.auth().adminToken()).isEmpty();
    assertThat(c.retry().window().zone()).isEqualTo(ZoneId.of("Europe/Moscow"));
    assertThat(c.retry().window().opens()).isEqualTo(LocalTime.of(10, 0));
    assertThat(c.retry().window().closes()).isEqualTo(LocalTime.of(19, 0));
    assertThat(c.retry().window().days()).containsExactlyInAnyOrder(DayOfWeek.MONDAY, DayOfWeek.TUESDAY,
        DayOfWeek.WEDNESDAY, DayOfWeek.THURSDAY, DayOfWeek.FRIDAY);
    assertThat(c.retry().window().holidays()).contains(java.time.LocalDate.parse("2026-11-04"));
    assertThat(c.retry().policy().steps()).hasSize(4);
    assertThat(c.funnel().stages()).hasSize(9);
  }

  @Test
  void environmentOverridesEverything() {
    AppConfig c = load(Map.ofEntries(
        Map.entry("DOZVON_HTTP_PORT", "9090"),
        Map.entry("DOZVON_DB_URL", "postgresql://crm:s%40cret@db.local:6543/dozvon"),
        Map.entry("DOZVON_DATA_DIR", "/var/lib/dozvon"),
        Map.entry("DOZVON_AMI_HOST", "pbx.local"),
        Map.entry("DOZVON_AMI_PORT", "5039"),
        Map.entry("DOZVON_AMI_USER", "crm"),
        Map.entry("DOZVON_AMI_SECRET", "topsecret"),
        Map.entry("DOZVON_INBOUND_CONTEXTS", "from-trunk, from-sip ,"),
        Map.entry("DOZVON_ORIGINATE_CONTEXT", "c2c"),
        Map.entry("DOZVON_TIMEZONE", "Europe/Berlin"),
        Map.entry("DOZVON_CALLING_HOURS", "9:30-18:00"),
        Map.entry("DOZVON_CALLING_DAYS", "mon,tue,sat")));
    assertThat(c.http().port()).isEqualTo(9090);
    DbUrl url = c.database().url().orElseThrow();
    assertThat(url.host()).isEqualTo("db.local");
    assertThat(url.port()).isEqualTo(6543);
    assertThat(url.database()).isEqualTo("dozvon");
    assertThat(url.user()).isEqualTo("crm");
    assertThat(url.password()).isEqualTo("s@cret");
    assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.local:6543/dozvon");
    assertThat(c.database().dataDir()).isEqualTo(Path.of("/var/lib/dozvon"));
    assertThat(c.ami().enabled()).isTrue();
    assertThat(c.ami().host()).isEqualTo("pbx.local");
    assertThat(c.ami().port()).isEqualTo(5039);
    assertThat(c.ami().secret()).isEqualTo("topsecret");
    assertThat(c.ami().inboundContexts()).containsExactly("from-trunk", "from-sip");
    assertThat(c.ami().originateContext()).isEqualTo("c2c");
    assertThat(c.retry().window().zone()).isEqualTo(ZoneId.of("Europe/Berlin"));
    assertThat(c.retry().window().opens()).isEqualTo(LocalTime.of(9, 30));
    assertThat(c.retry().window().days()).containsExactlyInAnyOrder(DayOfWeek.MONDAY, DayOfWeek.TUESDAY,
        DayOfWeek.SATURDAY);
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', value = {
      "DOZVON_HTTP_PORT|abc|DOZVON_HTTP_PORT='abc': expected a port number 0-65535",
      "DOZVON_HTTP_PORT|70000|DOZVON_HTTP_PORT='70000': expected a port number 0-65535",
      "DOZVON_HTTP_PORT|-1|DOZVON_HTTP_PORT='-1': expected a port number 0-65535",
      "DOZVON_AMI_PORT|5038x|DOZVON_AMI_PORT='5038x': expected a port number 1-65535",
      "DOZVON_DB_POOL_SIZE|0|DOZVON_DB_POOL_SIZE='0': expected a pool size 1-200",
      "DOZVON_DB_CALL_TRANSACTIONS|0|DOZVON_DB_CALL_TRANSACTIONS='0': expected a number of transactions 1-64",
      "DOZVON_DB_URL|mysql://x/y|DOZVON_DB_URL='<hidden>': expected postgresql://user:pass@host:port/db",
      "DOZVON_DB_URL|postgresql://h:99999/db|DOZVON_DB_URL='<hidden>': expected postgresql://user:pass@host:port/db with a port 1-65535",
      "DOZVON_ADMIN_TOKEN|short|DOZVON_ADMIN_TOKEN='<hidden>': expected at least 16 printable characters without spaces",
      "DOZVON_INBOUND_CONTEXTS|from trunk|DOZVON_INBOUND_CONTEXTS='from trunk': expected dialplan context names (letters, digits, _ . + -)",
      "DOZVON_INBOUND_CONTEXTS|' , '|DOZVON_INBOUND_CONTEXTS='': expected a comma list of dialplan contexts, e.g. from-trunk,from-pstn",
  })
  void badValueRefusesWithOneLineNamingKeyValueAndForm(String key, String value, String message) {
    assertThatThrownBy(() -> load(Map.of(key, value)))
        .isInstanceOf(ConfigException.class)
        .hasMessage(message);
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', value = {
      "DOZVON_TIMEZONE|Mars/Olympus|DOZVON_TIMEZONE: retry.calling_window.timezone: 'Mars/Olympus'",
      "DOZVON_CALLING_HOURS|10-19|DOZVON_CALLING_HOURS: retry.calling_window.hours: '10-19' is not calling hours",
      "DOZVON_CALLING_HOURS|25:00-26:00|DOZVON_CALLING_HOURS: retry.calling_window.hours: '25:00-26:00'",
      "DOZVON_CALLING_HOURS|19:00-10:00|DOZVON_CALLING_HOURS: retry.calling_window.hours: '19:00-10:00' closes before it opens",
      "DOZVON_CALLING_DAYS|MONDAYS|DOZVON_CALLING_DAYS: retry.calling_window.days: 'MONDAYS' is not calling days",
      "DOZVON_WEBHOOK_ALLOW_PRIVATE|maybe|DOZVON_WEBHOOK_ALLOW_PRIVATE: notify.webhook_allow_private: 'maybe'",
      "DOZVON_WEBHOOK_ALLOWED_HOSTS|10.0.0.0/40|DOZVON_WEBHOOK_ALLOWED_HOSTS: notify.webhook_allowed_hosts: '10.0.0.0/40'",
  })
  void badCalendarValuesNameTheVariableAndTheKey(String key, String value, String start) {
    assertThatThrownBy(() -> load(Map.of(key, value)))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(start)
        .hasMessageContaining("expected");
  }

  @Test
  void webhookHostsArePublicOnlyUnlessTheSettingsAllowOthers() throws IOException {
    assertThat(load(Map.of()).webhooks().allowPrivate()).isFalse();
    assertThat(load(Map.of()).webhooks().allowedNames()).isEmpty();
    AppConfig c = load(Map.of("DOZVON_WEBHOOK_ALLOW_PRIVATE", "true", "DOZVON_WEBHOOK_ALLOWED_HOSTS",
        "Hooks.Internal, 10.0.0.0/8"));
    assertThat(c.webhooks().allowPrivate()).isTrue();
    assertThat(c.webhooks().allowedNames()).containsExactly("hooks.internal");
    assertThat(c.webhooks().allowedBlocks()).hasSize(1);
    Path file = dir.resolve("notify.yaml");
    Files.writeString(file, "notify:\n  webhook_allowed_hosts: [crm.internal, 300.0.0.0/8]\n");
    assertThatThrownBy(() -> load(Map.of("DOZVON_CONFIG", file.toString())))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("notify.webhook_allowed_hosts: '300.0.0.0/8' is not a host name");
  }

  @Test
  void badFeatureSectionInAFileNamesThePath() throws IOException {
    Path file = dir.resolve("retry.yaml");
    Files.writeString(file, "retry:\n  steps:\n    - delay: 1x\n");
    assertThatThrownBy(() -> load(Map.of("DOZVON_CONFIG", file.toString())))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("retry.steps[0].delay: '1x'");
  }

  @Test
  void amiHostWithoutUserIsRefused() {
    assertThatThrownBy(() -> load(Map.of("DOZVON_AMI_HOST", "pbx")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ami.user")
        .hasMessageContaining("an AMI user name when DOZVON_AMI_HOST is set");
  }

  @Test
  void secretsNeverAppearInMessagesOrToString() {
    AppConfig c = load(Map.of("DOZVON_AMI_HOST", "pbx", "DOZVON_AMI_USER", "crm", "DOZVON_AMI_SECRET", "hunter2-secret",
        "DOZVON_ADMIN_TOKEN", "admin-token-1234567890", "DOZVON_DB_URL", "postgresql://u:dbpass99@h/db"));
    assertThat(c.toString()).doesNotContain("hunter2-secret", "admin-token-1234567890", "dbpass99");
    assertThatThrownBy(() -> load(Map.of("DOZVON_DB_URL", "postgresql://u:dbpass99@h:0x/db")))
        .hasMessageNotContaining("dbpass99");
  }

  @Test
  void fileNamedByDozvonConfigIsReadThenEnvironmentWins() throws IOException {
    Path file = dir.resolve("site.yaml");
    Files.writeString(file, """
        http:
          port: 7000
        ami:
          inboundContexts: [a-ctx, b-ctx]
        retry:
          steps: [{delay: 0m}]
        """);
    AppConfig c = load(Map.of("DOZVON_CONFIG", file.toString(), "DOZVON_HTTP_PORT", "7001"));
    assertThat(c.http().port()).isEqualTo(7001);
    assertThat(c.ami().inboundContexts()).isEqualTo(List.of("a-ctx", "b-ctx"));
    assertThat(c.http().maxBodyBytes()).isEqualTo(65536);
    assertThat(c.retry().policy().steps()).hasSize(1);
  }

  @Test
  void badValueInFileNamesTheFileAndPath() throws IOException {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, "http:\n  port: eighty\n");
    assertThatThrownBy(() -> load(Map.of("DOZVON_CONFIG", file.toString())))
        .isInstanceOf(ConfigException.class)
        .hasMessage(file + ": http.port = 'eighty': expected a port number 0-65535");
  }

  @Test
  void missingOrBrokenConfigFileIsRefused() throws IOException {
    assertThatThrownBy(() -> load(Map.of("DOZVON_CONFIG", dir.resolve("none.yaml").toString())))
        .hasMessageContaining("DOZVON_CONFIG=")
        .hasMessageContaining("expected a readable YAML file");
    Path broken = dir.resolve("broken.yaml");
    Files.writeString(broken, "http: [port: 1\n");
    assertThatThrownBy(() -> load(Map.of("DOZVON_CONFIG", broken.toString())))
        .hasMessageContaining("broken.yaml: not valid YAML");
    Path scalar = dir.resolve("scalar.yaml");
    Files.writeString(scalar, "just text\n");
    assertThatThrownBy(() -> load(Map.of("DOZVON_CONFIG", scalar.toString())))
        .hasMessageContaining("expected a YAML mapping");
  }

  @Test
  void bundledDefaultsAreUsedOutsideTheProjectFolder() {
    AppConfig c = ConfigLoader.load(Map.of(), dir);
    assertThat(c.http().port()).isEqualTo(8080);
    assertThat(c.ami().inboundContexts()).containsExactly("from-trunk", "from-pstn");
  }

  @Test
  void placingCallsAndTheDialer() {
    AppConfig d = load(Map.of());
    assertThat(d.placing().operatorDial().device("101")).isEqualTo("PJSIP/101");
    assertThat(d.placing().companyCallerId()).isEmpty();
    assertThat(d.placing().perSecond()).isEqualTo(5);
    assertThat(d.placing().maxInFlight()).isEqualTo(20);
    assertThat(d.placing().ringTimeout()).isEqualTo(java.time.Duration.ofSeconds(30));
    assertThat(d.dialer()).isEqualTo(ru.dozvon.dialing.DialerConfig.DEFAULT);
    assertThat(d.dialer().autoDial()).isFalse();
    assertThat(d.dialer().wrapUp()).isEqualTo(java.time.Duration.ofSeconds(15));

    AppConfig c = load(Map.of("DOZVON_OPERATOR_DIAL", "Local/{ext}@from-internal",
        "DOZVON_COMPANY_CALLER_ID", "74951234567", "DOZVON_AUTODIAL", "true"));
    assertThat(c.placing().operatorDial().device("101")).isEqualTo("Local/101@from-internal");
    assertThat(c.placing().operatorDial().extensionOf("Local/101@from-internal-00000001;1")).isEqualTo("101");
    assertThat(c.placing().companyCallerId()).isEqualTo("74951234567");
    assertThat(c.dialer().autoDial()).isTrue();
  }

  @Test
  void theWallboardsFiguresAndThresholds() {
    assertThat(load(Map.of()).live()).isEqualTo(ru.dozvon.live.LiveConfig.DEFAULT);
    assertThat(load(Map.of()).live().serviceLevelSeconds()).isEqualTo(20);
    assertThat(load(Map.of()).live().backlogRedAfter()).isEqualTo(java.time.Duration.ofMinutes(15));
    AppConfig c = load(Map.of("DOZVON_LIVE_SERVICE_LEVEL_SECONDS", "30", "DOZVON_LIVE_SERVICE_LEVEL_TARGET", "0.9",
        "DOZVON_LIVE_BACKLOG_RED_AFTER", "5m", "DOZVON_LIVE_ABANDON_RATE_RED_ABOVE", "0.05",
        "DOZVON_LIVE_LONGEST_WAIT_RED_AFTER", "2m", "DOZVON_LIVE_SPEED_TO_LEAD_RED_AFTER", "20m"));
    assertThat(c.live()).isEqualTo(new ru.dozvon.live.LiveConfig(30, 0.9, java.time.Duration.ofMinutes(5), 0.05,
        java.time.Duration.ofMinutes(2), java.time.Duration.ofMinutes(20), 1.0, 20));
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', value = {
      "DOZVON_LIVE_SERVICE_LEVEL_SECONDS|0|DOZVON_LIVE_SERVICE_LEVEL_SECONDS: live.service_level_seconds: '0' is out of range",
      "DOZVON_LIVE_SERVICE_LEVEL_SECONDS|2.5|DOZVON_LIVE_SERVICE_LEVEL_SECONDS: live.service_level_seconds: '2.5' is not a whole number",
      "DOZVON_LIVE_SERVICE_LEVEL_TARGET|80%|DOZVON_LIVE_SERVICE_LEVEL_TARGET: live.service_level_target: '80%' is not a number",
      "DOZVON_LIVE_SERVICE_LEVEL_TARGET|1.5|DOZVON_LIVE_SERVICE_LEVEL_TARGET: live.service_level_target: '1.5' is out of range",
      "DOZVON_LIVE_BACKLOG_RED_AFTER|soon|DOZVON_LIVE_BACKLOG_RED_AFTER: live.backlog_red_after: 'soon' is not a duration",
      "DOZVON_LIVE_LONGEST_WAIT_RED_AFTER|0s|DOZVON_LIVE_LONGEST_WAIT_RED_AFTER: live.longest_wait_red_after: 'no time' is out of range",
  })
  void badLiveValuesNameTheVariableAndTheKey(String key, String value, String start) {
    assertThatThrownBy(() -> load(Map.of(key, value)))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(start);
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', value = {
      "DOZVON_OPERATOR_DIAL|PJSIP/101|DOZVON_OPERATOR_DIAL: telephony.operator_dial: 'PJSIP/101' must contain {ext}",
      "DOZVON_COMPANY_CALLER_ID|call us|DOZVON_COMPANY_CALLER_ID: telephony.company_caller_id: 'call us' is not a caller id",
      "DOZVON_AUTODIAL|maybe|DOZVON_AUTODIAL: dialer.auto_dial: 'maybe' is not true or false",
  })
  void badPlacingValuesNameTheVariableAndTheKey(String key, String value, String start) {
    assertThatThrownBy(() -> load(Map.of(key, value)))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(start);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "'telephony: {originate: {per_second: 0}}'|telephony.originate.per_second: '0' is out of range (expected 1 to 1000)",
      "'telephony: {originate: {max_in_flight: many}}'|telephony.originate.max_in_flight: 'many' is not a whole number",
      "'telephony: {originate: {burst: 3}}'|telephony.originate.burst: unknown key",
      "'telephony: {originate: {ring_timeout: 1s}}'|telephony.originate.ring_timeout: '1 second' is out of range",
      "'dialer: {wrap_up: 2h}'|dialer.wrap_up: '2 hours' is out of range (expected 0s to 1h)",
      "'dialer: {pace: 3}'|dialer.pace: unknown key",
  })
  void badPlacingSectionsInAFileNameTheirKey(String yaml, String start) throws IOException {
    Path file = dir.resolve("placing.yaml");
    Files.writeString(file, yaml);
    assertThatThrownBy(() -> load(Map.of("DOZVON_CONFIG", file.toString())))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(start);
  }
}
