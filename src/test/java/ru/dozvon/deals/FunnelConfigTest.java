package ru.dozvon.deals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

class FunnelConfigTest {

  private static final Path DEFAULT_YAML = Path.of("config/application.yaml");
  private static final String REMOVE = "<remove>";

  @SuppressWarnings("unchecked")
  private static Map<String, Object> defaultSection() throws IOException {
    Object doc = new Load(LoadSettings.builder().build())
        .loadFromString(Files.readString(DEFAULT_YAML, StandardCharsets.UTF_8));
    return (Map<String, Object>) ((Map<String, Object>) doc).get("funnel");
  }

  /** The table's value column is YAML, so {@code 30} is a number and {@code "3"} a text. */
  private static Object yaml(String text) {
    return new Load(LoadSettings.builder().build()).loadFromString(text);
  }

  @Test
  void theDefaultYamlIsExactlyTheDefaultFunnel() throws IOException {
    assertThat(FunnelConfig.fromMap(defaultSection())).isEqualTo(FunnelConfig.defaults());
  }

  /** DOMAIN.md section 5, stage by stage. */
  @ParameterizedTest(name = "{0}: {1} «{2}»")
  @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
      0 | new            | Новая заявка           | -                           | -    | open
      1 | in_work        | Взята в работу         | Связаться и квалифицировать | PT30M | open
      2 | qualified      | Квалифицирован         | Подготовить и отправить КП  | PT4H | open
      3 | offer_sent     | Отправлено КП          | Отработать возражения       | P1D  | open
      4 | attempts_2plus | 2 попытки и более      | -                           | -    | open
      5 | start_agreed   | Согласован старт       | Договор и счёт              | P1D  | open
      6 | contract_sent  | Выставлен договор/счет | -                           | -    | open
      7 | launched       | Запущено в работу      | -                           | -    | won
      8 | lost           | Отказ/отложено         | -                           | -    | closing
      """)
  void theDefaultStagesAreTheAxeleratorFunnel(int index, String code, String name, String taskTitle,
      Duration within, String kind) {
    List<Stage> stages = FunnelConfig.defaults().stages();
    Stage stage = stages.get(index);

    assertThat(stages).hasSize(9);
    assertThat(stage.code()).isEqualTo(code);
    assertThat(stage.name()).isEqualTo(name);
    assertThat(stage.task()).isEqualTo(Optional.ofNullable(taskTitle).map(t -> new StageTask(t, within)));
    assertThat(stage.won()).isEqualTo(kind.equals("won"));
    assertThat(stage.closing()).isEqualTo(kind.equals("closing"));
  }

  @Test
  void theDefaultListsHoldTheSeedReasons() {
    FunnelConfig config = FunnelConfig.defaults();

    assertThat(config.lossReasons()).extracting(Reason::name)
        .contains("не дозвонился", "не отвечает", "дорого", "выбрали конкурента", "нет потребности", "отложено");
    assertThat(config.invalidReasons()).extracting(Reason::code)
        .containsExactly("wrong_number", "duplicate", "not_real_customer", "test", "spam");
    assertThat(config.lossReasons()).filteredOn(r -> r.code().equals("no_answer")).singleElement()
        .extracting(Reason::guard).isEqualTo(Optional.of(new ContactGuard(3, Duration.ofDays(21))));
    assertThat(config.winReasons()).isNotEmpty().allMatch(r -> r.guard().isEmpty());
    assertThat(config.closing().autoCloseAfter()).isEqualTo(Duration.ofDays(56));
    assertThat(config.closing().reopenWithin()).isEqualTo(Duration.ofDays(30));
  }

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource(delimiter = '|', textBlock = """
      stages[1].task.within            | '1x'          | funnel.stages[1].task.within: '1x' is not a duration (expected e.g. 90s, 30m, 4h, 1d, 3w)
      stages[1].task.within            | 30            | funnel.stages[1].task.within: 30 is not a duration
      stages[1].task.within            | '0m'          | funnel.stages[1].task.within: '0m' is zero
      stages[1].task.within            | <remove>      | funnel.stages[1].task.within: missing
      stages[1].task.title             | '""'          | funnel.stages[1].task.title: '' is not a non-empty text
      stages[1].task                   | 'soon'        | funnel.stages[1].task: 'soon' is not a mapping
      stages[2].code                   | 'In Work'     | funnel.stages[2].code: 'In Work' is not a code
      stages[2].code                   | in_work       | funnel.stages[2].code: 'in_work' appears twice
      stages[0].name                   | <remove>      | funnel.stages[0].name: missing
      stages[3].required_fields        | budget        | funnel.stages[3].required_fields: 'budget' is not a list
      stages[3].required_fields        | [Budget]      | funnel.stages[3].required_fields[0]: 'Budget' is not a code
      stages[1].requried_fields        | []            | funnel.stages[1].requried_fields: unknown key (expected one of closing, code, name, required_fields, task, won)
      stages[7].won                    | 'yes'         | funnel.stages[7].won: 'yes' is not a boolean (expected true or false)
      stages[7].won                    | false         | funnel.stages: 0 stages with won: true (expected exactly 1)
      stages[6].won                    | true          | funnel.stages: 2 stages with won: true
      stages[8].closing                | <remove>      | funnel.stages: 0 stages with closing: true
      stages[8].won                    | true          | funnel.stages[8]: both won and closing are true
      stages[0].won                    | true          | funnel.stages[0]: 'new' is won or closing
      stages                           | 'x'           | funnel.stages: 'x' is not a list
      stages                           | [{code: a, name: A}] | funnel.stages: 1 stages (expected at least 3
      stagse                           | []            | funnel.stagse: unknown key
      loss_reasons[1].min_attempts     | -1            | funnel.loss_reasons[1].min_attempts: -1 is not allowed (expected a whole number 0..1000)
      loss_reasons[1].min_attempts     | '"3"'         | funnel.loss_reasons[1].min_attempts: '3' is not allowed
      loss_reasons[1].min_silence      | '3 weeks'     | funnel.loss_reasons[1].min_silence: '3 weeks' is not a duration
      loss_reasons[1].min_silence      | <remove>      | funnel.loss_reasons[1].min_silence: missing
      loss_reasons[2].name             | 12            | funnel.loss_reasons[2].name: 12 is not a non-empty text
      loss_reasons                     | <remove>      | funnel.loss_reasons: missing
      win_reasons[0].min_attempts      | 3             | funnel.win_reasons[0].min_attempts: unknown key
      invalid_reasons                  | []            | funnel.invalid_reasons: empty (expected at least one reason)
      invalid_reasons[1].code          | wrong_number  | funnel.invalid_reasons[1].code: 'wrong_number' appears twice
      invalid_reasons[0]               | spam          | funnel.invalid_reasons[0]: 'spam' is not a mapping
      closing.auto_close_reason        | spam          | funnel.closing.auto_close_reason: 'spam' is not a loss reason
      closing.reopen_stage             | launched      | funnel.closing.reopen_stage: 'launched' is not an open stage
      closing.reopen_stage             | nowhere       | funnel.closing.reopen_stage: 'nowhere' is not an open stage
      closing.auto_close_after         | '8 weeks'     | funnel.closing.auto_close_after: '8 weeks' is not a duration
      closing.reopen_within            | 30dd          | funnel.closing.reopen_within: '30dd' is not a duration
      closing.control_task.title       | <remove>      | funnel.closing.control_task.title: missing
      closing.notify_customer_on_loss  | 1             | funnel.closing.notify_customer_on_loss: 1 is not a boolean
      closing                          | <remove>      | funnel.closing: missing
      qualification.priority.red_from  | 21            | funnel.qualification.priority.red_from: 21 is out of range
      qualification.priority.yellow_from | 2.5         | funnel.qualification.priority.yellow_from: 2.5 is not allowed
      qualification.priority.unscored  | blue          | funnel.qualification.priority.unscored: 'blue' is not a priority (expected red, yellow or green)
      qualification.criteria[0].code   | need          | funnel.qualification.criteria: code 'need' appears twice
      qualification.criteria           | []            | funnel.qualification.criteria: empty
      """)
  void errorsNameTheKeyTheValueAndTheExpectedForm(String path, String value, String message) throws IOException {
    Map<String, Object> section = defaultSection();
    set(section, path, value.equals(REMOVE) ? REMOVE : yaml(value));

    assertThatThrownBy(() -> FunnelConfig.fromMap(section))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(message);
  }

  @Test
  void aMissingSectionIsNamed() {
    assertThatThrownBy(() -> FunnelConfig.fromMap(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("funnel: null is not a mapping");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({"90s, PT1M30S", "30m, PT30M", "4h, PT4H", "1d, PT24H", "3w, PT504H", "8w, PT1344H"})
  void durationsReadAsWritten(String text, Duration expected) throws IOException {
    Map<String, Object> section = defaultSection();
    set(section, "closing.auto_close_after", text);

    assertThat(FunnelConfig.fromMap(section).closing().autoCloseAfter()).isEqualTo(expected);
  }

  /** Sets (or with REMOVE, removes) the value at a path such as {@code stages[1].task.within}. */
  @SuppressWarnings("unchecked")
  @Test
  void followUpsAreReadAndABadOneNamesItsKey() throws IOException {
    Map<String, Object> section = defaultSection();
    assertThat(FunnelConfig.fromMap(section).followUps()).isEqualTo(FollowUps.DEFAULT);
    set(section, "follow_ups.no_answer_after", "2h");
    assertThat(FunnelConfig.fromMap(section).followUps().noAnswerAfter()).isEqualTo(java.time.Duration.ofHours(2));
    set(section, "follow_ups.thinking_every", "weekly");
    assertThatThrownBy(() -> FunnelConfig.fromMap(section)).hasMessageContaining("funnel.follow_ups.thinking_every");
    Map<String, Object> other = defaultSection();
    set(other, "follow_ups.offer.stage", "nowhere");
    assertThatThrownBy(() -> FunnelConfig.fromMap(other)).hasMessageContaining("funnel.follow_ups.offer.stage");
    Map<String, Object> third = defaultSection();
    set(third, "follow_ups.offer.reminders", java.util.List.of("2d", "soon"));
    assertThatThrownBy(() -> FunnelConfig.fromMap(third)).hasMessageContaining("funnel.follow_ups.offer.reminders[1]");
  }

  private static void set(Map<String, Object> root, String path, Object value) {
    Object node = root;
    String[] parts = path.split("\\.");
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i];
      boolean last = i == parts.length - 1;
      int bracket = part.indexOf('[');
      String key = bracket < 0 ? part : part.substring(0, bracket);
      Map<String, Object> map = (Map<String, Object>) node;
      if (bracket < 0) {
        if (last) {
          if (value == REMOVE) {
            map.remove(key);
          } else {
            map.put(key, value);
          }
          return;
        }
        node = map.get(key);
      } else {
        int index = Integer.parseInt(part.substring(bracket + 1, part.length() - 1));
        List<Object> list = (List<Object>) map.get(key);
        if (last) {
          list.set(index, value);
          return;
        }
        node = list.get(index);
      }
    }
  }
}
