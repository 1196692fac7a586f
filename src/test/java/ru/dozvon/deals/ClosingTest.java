package ru.dozvon.deals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static ru.dozvon.deals.Deals.ALL_FIELDS;
import static ru.dozvon.deals.Deals.NOW;
import static ru.dozvon.deals.Deals.fields;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClosingTest {

  private final Funnel funnel = Funnel.defaults();

  /** A deal with attempts made and the last contact this many minutes before NOW (or none: arrived then). */
  private static DealView deal(int attempts, long silentMinutes, boolean everContacted, String fieldSpec) {
    java.time.Instant since = NOW.minus(Duration.ofMinutes(silentMinutes));
    return new DealView(DealStatus.OPEN, "offer_sent", fields(fieldSpec), attempts,
        everContacted ? since : null, everContacted ? since.minus(Duration.ofDays(3)) : since, null, null);
  }

  // 3 weeks = 30240 min; 20 days = 28800 min.
  @ParameterizedTest(name = "[{index}] {0} {1} comment={2} attempts={3} silent={4}min contacted={5} -> {6}")
  @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
      LOST    | no_answer        | клиент молчит  | 2 | 60000 | true  | too_few_attempts       | -
      LOST    | no_answer        | клиент молчит  | 0 | 60000 | false | too_few_attempts       | -
      LOST    | no_answer        | клиент молчит  | 3 | 28800 | true  | too_soon_since_contact | -
      LOST    | no_answer        | клиент молчит  | 9 | 30239 | true  | too_soon_since_contact | -
      LOST    | no_answer        | клиент молчит  | 3 | 30240 | true  | closed                 | -
      LOST    | no_answer        | клиент молчит  | 3 | 30241 | true  | closed                 | -
      LOST    | no_answer        | клиент молчит  | 3 | 28800 | false | too_soon_since_contact | -
      LOST    | no_answer        | клиент молчит  | 3 | 30240 | false | closed                 | -
      LOST    | -                | клиент молчит  | 3 | 60000 | true  | missing_fields         | reason
      LOST    | '  '             | дорого ему     | 3 | 60000 | true  | missing_fields         | reason
      LOST    | too_expensive    | -              | 0 | 10    | true  | missing_fields         | comment
      LOST    | too_expensive    | '   '          | 0 | 10    | true  | missing_fields         | comment
      LOST    | -                | -              | 0 | 10    | true  | missing_fields         | reason;comment
      LOST    | spam             | это спам       | 0 | 10    | true  | unknown_reason         | reason
      LOST    | price            | купили не у нас| 0 | 10    | true  | unknown_reason         | reason
      LOST    | too_expensive    | дорого         | 0 | 10    | true  | closed                 | -
      LOST    | chose_competitor | ушли к Ивану   | 1 | 10    | true  | closed                 | -
      LOST    | could_not_reach  | 4 попытки      | 4 | 1500  | false | too_soon_since_contact | -
      LOST    | could_not_reach  | 2 попытки      | 2 | 60000 | false | too_few_attempts       | -
      LOST    | could_not_reach  | 3 попытки      | 3 | 30240 | false | closed                 | -
      LOST    | postponed        | вернуться в мае| 1 | 10    | true  | closed                 | -
      WON     | -                | -              | 2 | 10    | true  | missing_fields         | reason
      WON     | '' | оплатили                     | 2 | 10    | true  | missing_fields         | reason
      WON     | too_expensive    | -              | 2 | 10    | true  | unknown_reason         | reason
      WON     | recommendation   | -              | 2 | 10    | true  | closed                 | -
      WON     | price            | оплатили 50%   | 2 | 10    | true  | closed                 | -
      INVALID | -                | -              | 0 | 10    | false | missing_fields         | reason
      INVALID | lottery          | -              | 0 | 10    | false | unknown_reason         | reason
      INVALID | no_need          | -              | 0 | 10    | false | unknown_reason         | reason
      INVALID | spam             | -              | 0 | 10    | false | closed                 | -
      INVALID | wrong_number     | номер не тот   | 0 | 10    | false | closed                 | -
      INVALID | duplicate        | -              | 0 | 10    | false | closed                 | -
      INVALID | not_real_customer| -              | 0 | 10    | false | closed                 | -
      INVALID | test             | -              | 0 | 10    | false | closed                 | -
      """)
  void closingRules(DealStatus status, String reason, String comment, int attempts, long silentMinutes,
      boolean contacted, String expected, String fieldsAtFault) {
    Closure closure = funnel.close(deal(attempts, silentMinutes, contacted, ALL_FIELDS), status, reason,
        comment, NOW);

    if (expected.equals("closed")) {
      Closure.Closed closed = closure.orThrow();
      assertThat(closed.status()).isEqualTo(status);
      assertThat(closed.reason().code()).isEqualTo(reason);
      assertThat(closed.closedAt()).isEqualTo(NOW);
      assertThat(closed.automatic()).isFalse();
      assertThat(closed.stage()).isEqualTo(status == DealStatus.WON ? "launched" : "lost");
      assertThat(closed.controlTask().isPresent()).isEqualTo(status == DealStatus.LOST);
      assertThat(closed.notifyCustomer()).isEqualTo(status == DealStatus.LOST);
    } else {
      Refusal refusal = ((Closure.Refused) closure).refusal();
      assertThat(refusal.code()).isEqualTo(expected);
      assertThat(refusal.missingFields()).containsExactlyElementsOf(
          fieldsAtFault == null ? List.of() : Arrays.asList(fieldsAtFault.split(";")));
    }
  }

  @Test
  void everyLossGivesTheSupervisorAControlTask() {
    Closure.Closed closed = funnel.close(deal(1, 10, true, ""), DealStatus.LOST, "no_need",
        "  бизнес закрывается  ", NOW).orThrow();

    TaskSpec task = closed.controlTask().orElseThrow();
    assertThat(task.title()).isEqualTo("Проконтролировать закрытие сделки");
    assertThat(task.kind()).isEqualTo(TaskKind.CLOSING_CONTROL);
    assertThat(task.assignee()).isEqualTo(AssigneeRole.SUPERVISOR);
    assertThat(task.dueAt()).isEqualTo(NOW.plus(Duration.ofDays(1)));
    assertThat(closed.comment()).isEqualTo("бизнес закрывается");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      ''                                               | platform;niche;source;budget;contract
      platform=s;niche=n;source=y;budget=1              | contract
      platform=s;niche=n;source=y;budget=;contract=c    | budget
      """)
  void winningNeedsTheWonStageFields(String fieldSpec, String missing) {
    Closure closure = funnel.close(deal(2, 10, true, fieldSpec), DealStatus.WON, "price", null, NOW);

    assertThatThrownBy(closure::orThrow).isInstanceOfSatisfying(FunnelRuleViolation.class, e -> {
      assertThat(e.code()).isEqualTo("missing_fields");
      assertThat(e.missingFields()).containsExactly(missing.split(";"));
    });
  }

  @ParameterizedTest
  @CsvSource({"WON", "LOST", "INVALID"})
  void aClosedDealCannotBeClosedAgain(DealStatus already) {
    DealView closed = new DealView(already, "lost", fields(ALL_FIELDS), 4, null, NOW.minusSeconds(99_999),
        NOW.minusSeconds(60), null);

    Closure closure = funnel.close(closed, DealStatus.LOST, "too_expensive", "ещё раз", NOW);

    assertThat(((Closure.Refused) closure).refusal().rule()).isEqualTo(FunnelRule.DEAL_CLOSED);
  }

  @Test
  void closingAsOpenIsAProgrammingError() {
    assertThatThrownBy(() -> funnel.close(deal(0, 10, true, ""), DealStatus.OPEN, "x", "y", NOW))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theGuardRefusalSaysWhenClosingBecomesAllowed() {
    Closure closure = funnel.close(deal(3, Duration.ofDays(20).toMinutes(), true, ""), DealStatus.LOST,
        "no_answer", "молчит", NOW);

    assertThat(((Closure.Refused) closure).refusal().message())
        .contains("не отвечает", "21 d", "20 d", NOW.plus(Duration.ofDays(1)).toString());
  }
}
