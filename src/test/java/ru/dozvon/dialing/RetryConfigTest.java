package ru.dozvon.dialing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

class RetryConfigTest {

  @SuppressWarnings("unchecked")
  static Map<String, Object> yaml(String text) {
    return (Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromString(text);
  }

  @SuppressWarnings("unchecked")
  static RetryConfig parseSection(String sectionYaml) {
    Map<String, Object> root = yaml("retry:\n" + sectionYaml.indent(2));
    return RetryConfig.fromMap((Map<String, Object>) root.get("retry"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void shippedSectionIsTheDefaultPlusExampleHolidays() throws IOException {
    Map<String, Object> root = yaml(Files.readString(Path.of("config/application.yaml")));
    RetryConfig cfg = RetryConfig.fromMap((Map<String, Object>) root.get("retry"));
    assertThat(cfg.policy()).isEqualTo(RetryPolicyConfig.DEFAULT);
    assertThat(cfg.limits()).isEqualTo(NumberLimits.DEFAULT);
    assertThat(cfg.emailOnly()).isEqualTo(EmailOnlyConfig.DEFAULT);
    CallingWindow w = cfg.window();
    assertThat(w.withZone(w.zone())).isEqualTo(w);
    assertThat(new CallingWindow(w.zone(), w.opens(), w.closes(), w.days(), CallingWindow.DEFAULT.holidays()))
        .isEqualTo(CallingWindow.DEFAULT);
    assertThat(w.holidays()).contains(LocalDate.of(2026, 1, 1), LocalDate.of(2026, 1, 9),
        LocalDate.of(2026, 11, 4), LocalDate.of(2027, 1, 8), LocalDate.of(2027, 6, 14));
    assertThat(w.holidays()).doesNotContain(LocalDate.of(2026, 1, 10), LocalDate.of(2027, 1, 9));
    assertThat(w.holidays()).hasSize(9 + 7 + 8 + 5);
  }

  @Test
  void theSchedulersPaceIsSetInTheSection() {
    assertThat(RetryConfig.DEFAULT.scheduler()).isEqualTo(new RetryConfig.Scheduler(java.time.Duration.ofMillis(250), 100));
    assertThat(parseSection("scheduler: {every: 1s, batch: 500}").scheduler())
        .isEqualTo(new RetryConfig.Scheduler(java.time.Duration.ofSeconds(1), 500));
    assertThat(parseSection("scheduler: {batch: 20}").scheduler().every()).isEqualTo(java.time.Duration.ofMillis(250));
  }

  @Test
  void absentSectionOrKeysGiveTheDefaults() {
    assertThat(RetryConfig.fromMap(null)).isEqualTo(RetryConfig.DEFAULT);
    assertThat(RetryConfig.fromMap(Map.of())).isEqualTo(RetryConfig.DEFAULT);
    assertThat(parseSection("calling_window: {hours: '09:00-18:00'}").window().zone())
        .isEqualTo(ZoneId.of("Europe/Moscow"));
  }

  @Test
  void parsesAnotherCompanysSettings() {
    RetryConfig cfg = parseSection("""
        steps:
          - delay: 0
          - delay: PT30M
          - next_calling_day: 1h30m
        exhausted: {loss_reason: не отвечает, supervisor_task: Проверить}
        calling_window:
          timezone: Europe/Berlin
          hours: 09:00-17:30
          days: [MON, TUE, SAT]
          holidays: [2026-12-24..2026-12-26]
        number_limits:
          mobile: {max_per_day: 5}
          fixed_line: {min_gap: 15m}
        email_only:
          requests: [{delay: 0m}, {delay: 1d}, {delay: 2d}]
        """);
    assertThat(cfg.policy().steps()).containsExactly(new RetryStep.AfterDelay(Duration.ZERO),
        new RetryStep.AfterDelay(Duration.ofMinutes(30)), new RetryStep.NextCallingDay(Duration.ofMinutes(90)));
    assertThat(cfg.policy().lossReason()).isEqualTo("не отвечает");
    assertThat(cfg.policy().supervisorTask()).isEqualTo("Проверить");
    assertThat(cfg.window()).isEqualTo(new CallingWindow(ZoneId.of("Europe/Berlin"), LocalTime.of(9, 0),
        LocalTime.of(17, 30), EnumSet.of(DayOfWeek.MONDAY, DayOfWeek.TUESDAY, DayOfWeek.SATURDAY),
        java.util.Set.of(LocalDate.of(2026, 12, 24), LocalDate.of(2026, 12, 25), LocalDate.of(2026, 12, 26))));
    assertThat(cfg.limits().mobile()).isEqualTo(new NumberLimits.Limit(5, Duration.ofHours(1)));
    assertThat(cfg.limits().fixedLine()).isEqualTo(new NumberLimits.Limit(0, Duration.ofMinutes(15)));
    assertThat(cfg.emailOnly().requests()).hasSize(3);
    assertThat(cfg.emailOnly().task()).isEqualTo(EmailOnlyConfig.DEFAULT.task());
    assertThat(RetryPolicy.from(cfg).attempts()).isEqualTo(3);
  }

  static Stream<Arguments> badSections() {
    return Stream.of(
        Arguments.of("scheduler: {every: 5ms}", "retry.scheduler: every: 'PT0.005S' is out of range (expected 10ms to 1m)"),
        Arguments.of("scheduler: {batch: 0}", "retry.scheduler: batch: 0 is out of range (expected 1 to 10000)"),
        Arguments.of("scheduler: {batch: many}", "retry.scheduler.batch: 'many' is not a whole number"),
        Arguments.of("scheduler: {pace: 1s}", "retry.scheduler.pace: unknown key"),
        Arguments.of("steps: [{delay: 1h}, {delay: 1h}, {delay: 1x}]",
            "retry.steps[2].delay: '1x' is not a duration (expected e.g. 1h, 30m, 1d or PT1H)"),
        Arguments.of("steps: [{delay: -1h}]", "retry.steps[0].delay: '-1h' is not a duration"),
        Arguments.of("steps: [{delay: -PT1H}]", "retry.steps[0].delay: '-PT1H' is negative"),
        Arguments.of("steps: [{delay: 60}]", "retry.steps[0].delay: '60' is not a duration"),
        Arguments.of("steps: [{next_calling_day: soon}]", "retry.steps[0].next_calling_day: 'soon' is not a duration"),
        Arguments.of("steps: []", "retry.steps: must list at least one step"),
        Arguments.of("steps: 1h", "retry.steps: '1h' is not a list"),
        Arguments.of("steps: [1h]", "retry.steps[0]: '1h' is not a mapping"),
        Arguments.of("steps: [{dealy: 1h}]", "retry.steps[0].dealy: unknown key (expected one of delay, next_calling_day)"),
        Arguments.of("steps: [{delay: 1h, next_calling_day: 0m}]",
            "retry.steps[0]: '{delay=1h, next_calling_day=0m}' needs exactly one of delay or next_calling_day"),
        Arguments.of("steps: [{}]", "retry.steps[0]: '{}' needs exactly one of delay or next_calling_day"),
        Arguments.of("stepz: []", "retry.stepz: unknown key (expected one of steps, exhausted,"),
        Arguments.of("exhausted: {loss_reason: ''}", "retry.exhausted.loss_reason: '' is not a non-empty text"),
        Arguments.of("exhausted: {supervisor_task: 5}", "retry.exhausted.supervisor_task: '5' is not a non-empty text"),
        Arguments.of("exhausted: {action: CLOSE_LOST}", "retry.exhausted.action: unknown key"),
        Arguments.of("calling_window: 5", "retry.calling_window: '5' is not a mapping"),
        Arguments.of("calling_window: {timezone: Mars/Base}",
            "retry.calling_window.timezone: 'Mars/Base' is not a time zone (expected e.g. Europe/Moscow)"),
        Arguments.of("calling_window: {timezone: 'UTC+99'}", "retry.calling_window.timezone: 'UTC+99' is not a time zone"),
        Arguments.of("calling_window: {hours: '19:00-10:00'}",
            "retry.calling_window.hours: '19:00-10:00' closes before it opens"),
        Arguments.of("calling_window: {hours: 10-19}",
            "retry.calling_window.hours: '10-19' is not calling hours (expected e.g. 10:00-19:00"),
        Arguments.of("calling_window: {days: MON-FRY}",
            "retry.calling_window.days: 'MON-FRY' is not calling days: 'FRY' is not a day"),
        Arguments.of("calling_window: {days: [MON, XYZ]}", "retry.calling_window.days: 'MON,XYZ' is not calling days"),
        Arguments.of("calling_window: {holidays: [2026-13-01]}",
            "retry.calling_window.holidays[0]: '2026-13-01' is not a date (expected e.g. 2026-02-23"),
        Arguments.of("calling_window: {holidays: [2026-01-01, 'Jan 7']}",
            "retry.calling_window.holidays[1]: 'Jan 7' is not a date"),
        Arguments.of("calling_window: {holidays: [2026-01-08..2026-01-01]}",
            "retry.calling_window.holidays[0]: '2026-01-08..2026-01-01' is not a range of at most a year"),
        Arguments.of("calling_window: {holidays: [2026-01-01..2026-01-02..2026-01-03]}",
            "retry.calling_window.holidays[0]: '2026-01-01..2026-01-02..2026-01-03' is not a date"),
        Arguments.of("calling_window: {holidays: 2026-01-01}", "retry.calling_window.holidays: '2026-01-01' is not a list"),
        Arguments.of("calling_window: {hourz: 10:00-19:00}", "retry.calling_window.hourz: unknown key"),
        Arguments.of("number_limits: {mobile: {max_per_day: -1}}",
            "retry.number_limits.mobile.max_per_day: '-1' is not a whole number (expected e.g. 3, or 0 for no limit)"),
        Arguments.of("number_limits: {mobile: {max_per_day: three}}",
            "retry.number_limits.mobile.max_per_day: 'three' is not a whole number"),
        Arguments.of("number_limits: {mobile: {max_per_day: 2.5}}",
            "retry.number_limits.mobile.max_per_day: '2.5' is not a whole number"),
        Arguments.of("number_limits: {mobile: {min_gap: 2x}}", "retry.number_limits.mobile.min_gap: '2x' is not a duration"),
        Arguments.of("number_limits: {landline: {}}",
            "retry.number_limits.landline: unknown key (expected one of mobile, fixed_line, other)"),
        Arguments.of("number_limits: {other: [3]}", "retry.number_limits.other: '[3]' is not a mapping"),
        Arguments.of("email_only: {requests: [{delay: soon}]}", "retry.email_only.requests[0].delay: 'soon' is not a duration"),
        Arguments.of("email_only: {requests: []}", "retry.email_only.requests: must list at least one step"),
        Arguments.of("email_only: {template: ''}", "retry.email_only.template: '' is not a non-empty text"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badSections")
  void errorsNameTheKeyPathTheValueAndTheForm(String section, String message) {
    assertThatThrownBy(() -> parseSection(section))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(message);
  }

  @Test
  void snakeyamlLoadsTheseShapesAsAssumed() {
    // Guards the error table: YAML 1.2 core schema keeps dates and times as text.
    Map<String, Object> m = yaml("a: 2026-01-01\nb: 10:00-19:00\nc: 3\nd: 0m");
    assertThat(m.values()).extracting(Object::getClass).map(Class::getSimpleName)
        .containsExactly("String", "String", "Integer", "String");
    assertThat(List.copyOf(m.keySet())).containsExactly("a", "b", "c", "d");
  }
}
