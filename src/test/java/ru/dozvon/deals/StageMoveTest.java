package ru.dozvon.deals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static ru.dozvon.deals.Deals.NOW;
import static ru.dozvon.deals.Deals.fields;
import static ru.dozvon.deals.Deals.open;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StageMoveTest {

  private final Funnel funnel = Funnel.defaults();

  @ParameterizedTest(name = "{0} -> {1} deal[{2}] submitted[{3}]: {4} {5}")
  @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
      new            | in_work        | -                                    | -                                   | missing_fields | platform
      new            | in_work        | -                                    | platform=                           | missing_fields | platform
      new            | in_work        | -                                    | platform=   \s                      | missing_fields | platform
      new            | in_work        | platform=site                        | platform=                           | missing_fields | platform
      new            | qualified      | -                                    | niche=dental;source=yandex          | missing_fields | platform
      in_work        | qualified      | platform=site                        | -                                   | missing_fields | niche;source
      in_work        | qualified      | platform=site                        | niche=dental                        | missing_fields | source
      in_work        | offer_sent     | platform=site                        | niche=dental;source=yandex          | missing_fields | budget
      start_agreed   | contract_sent  | platform=site;niche=d;source=s;budget=1 | -                                | missing_fields | contract
      in_work        | in_work        | platform=site                        | -                                   | same_stage     | -
      qualified      | new            | platform=site;niche=d;source=s       | -                                   | back_to_first_stage | -
      contract_sent  | launched       | platform=site;niche=d;source=s;budget=1;contract=c | -                  | close_required | -
      in_work        | lost           | platform=site                        | -                                   | close_required | -
      in_work        | thinking       | platform=site                        | -                                   | unknown_stage  | stage
      in_work        | -              | platform=site                        | -                                   | unknown_stage  | stage
      """)
  void refusesBrokenMoves(String from, String to, String dealFields, String submitted, String code,
      String missing) {
    StageMove move = funnel.check(open(from, dealFields), to, fields(submitted), NOW);

    assertThat(move).isInstanceOf(StageMove.Refused.class);
    Refusal refusal = ((StageMove.Refused) move).refusal();
    assertThat(refusal.code()).isEqualTo(code);
    assertThat(refusal.missingFields())
        .containsExactlyElementsOf(missing == null ? List.of() : Arrays.asList(missing.split(";")));
    if (code.equals("missing_fields")) {
      assertThat(refusal.message()).contains(missing.split(";"));
    }
  }

  @ParameterizedTest(name = "{0} -> {1}: task «{4}» in {5} min")
  @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
      new            | in_work        | -                                    | platform=site                       | Связаться и квалифицировать | 30
      new            | in_work        | platform=site                        | -                                   | Связаться и квалифицировать | 30
      new            | in_work        | platform=                            | platform=site                       | Связаться и квалифицировать | 30
      in_work        | qualified      | platform=site                        | niche=dental;source=yandex          | Подготовить и отправить КП  | 240
      new            | qualified      | -                                    | platform=s;niche=dental;source=y    | Подготовить и отправить КП  | 240
      qualified      | offer_sent     | platform=site;niche=d;source=s       | budget=100000                       | Отработать возражения       | 1440
      offer_sent     | attempts_2plus | platform=site;niche=d;source=s;budget=1 | -                                | -                           | -
      attempts_2plus | start_agreed   | platform=site;niche=d;source=s;budget=1 | -                                | Договор и счёт              | 1440
      offer_sent     | start_agreed   | platform=site;niche=d;source=s;budget=1 | -                                | Договор и счёт              | 1440
      start_agreed   | contract_sent  | platform=site;niche=d;source=s;budget=1 | contract=https://drive/1         | -                           | -
      attempts_2plus | offer_sent     | platform=site;niche=d;source=s;budget=1 | -                                | Отработать возражения       | 1440
      qualified      | in_work        | platform=site;niche=d;source=s       | -                                   | Связаться и квалифицировать | 30
      """)
  void allowsMovesAndSetsTheEntryTask(String from, String to, String dealFields, String submitted,
      String taskTitle, Integer dueInMinutes) {
    StageMove move = funnel.check(open(from, dealFields), to, fields(submitted), NOW);

    assertThat(move).isInstanceOf(StageMove.Allowed.class);
    StageMove.Allowed allowed = (StageMove.Allowed) move;
    assertThat(allowed.fromStage()).isEqualTo(from);
    assertThat(allowed.toStage()).isEqualTo(to);
    if (taskTitle == null) {
      assertThat(allowed.task()).isEmpty();
    } else {
      TaskSpec task = allowed.task().orElseThrow();
      assertThat(task.title()).isEqualTo(taskTitle);
      assertThat(task.dueAt()).isEqualTo(NOW.plus(Duration.ofMinutes(dueInMinutes)));
      assertThat(task.kind()).isEqualTo(TaskKind.STAGE_ENTRY);
      assertThat(task.assignee()).isEqualTo(AssigneeRole.MANAGER);
    }
  }

  @ParameterizedTest
  @CsvSource({"WON", "LOST", "INVALID"})
  void aClosedDealCannotMove(DealStatus status) {
    DealView closed = new DealView(status, "lost", fields("platform=site"), 3, null, NOW.minusSeconds(9000),
        NOW.minusSeconds(60), null);

    StageMove move = funnel.check(closed, "in_work", Map.of(), NOW);

    assertThat(((StageMove.Refused) move).refusal().rule()).isEqualTo(FunnelRule.DEAL_CLOSED);
  }

  @Test
  void orThrowGivesTheViolationTheWebLayerMapsTo409() {
    StageMove move = funnel.check(open("in_work", "platform=site"), "qualified", Map.of(), NOW);

    assertThat(move.isAllowed()).isFalse();
    assertThatThrownBy(move::orThrow).isInstanceOfSatisfying(FunnelRuleViolation.class, e -> {
      assertThat(e.code()).isEqualTo("missing_fields");
      assertThat(e.missingFields()).containsExactly("niche", "source");
      assertThat(e.getMessage()).contains("Квалифицирован");
    });
  }

  @Test
  void anAllowedMoveComesBackFromOrThrow() {
    StageMove move = funnel.check(open("new", ""), "in_work", Map.of("platform", "site"), NOW);

    assertThat(move.orThrow().toStage()).isEqualTo("in_work");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      new           | ''
      in_work       | platform
      qualified     | platform;niche;source
      offer_sent    | platform;niche;source;budget
      contract_sent | platform;niche;source;budget;contract
      launched      | platform;niche;source;budget;contract
      """)
  void requiredFieldsAddUpAlongTheFunnel(String stage, String expected) {
    assertThat(funnel.requiredFieldsFor(stage))
        .containsExactlyElementsOf(expected.isEmpty() ? List.of() : Arrays.asList(expected.split(";")));
  }
}
