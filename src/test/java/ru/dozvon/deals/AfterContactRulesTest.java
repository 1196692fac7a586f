package ru.dozvon.deals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static ru.dozvon.deals.Deals.NOW;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The pure after-contact rules (issue 12): next steps, date tasks, the settings, «не дозвонился» by hand and by rule. */
class AfterContactRulesTest {

  private static final AfterContactConfig ON = AfterContactConfig.defaults();
  private static final AfterContactConfig OFF = new AfterContactConfig(false, ON.defaultNextStep(),
      ON.contactStatuses(), ON.dateTasks(), ON.talkLimitPerDay());

  @ParameterizedTest(name = "[{index}] required={0} {1} {2} {3} others={4} given={5} -> {6}")
  @CsvSource(delimiter = '|', textBlock = """
      true  | OPEN | in_work   | STAGE_ENTRY     | 0 | false | next_step_required
      true  | OPEN | qualified | CALLBACK        | 0 | false | next_step_required
      true  | OPEN | offer_sent| CALL            | 0 | false | next_step_required
      true  | OPEN | in_work   | STAGE_ENTRY     | 0 | true  | allowed
      true  | OPEN | in_work   | STAGE_ENTRY     | 1 | false | allowed
      true  | OPEN | new       | CALLBACK        | 0 | false | allowed
      true  | LOST | lost      | STAGE_ENTRY     | 0 | false | allowed
      true  | OPEN | in_work   | EMAIL           | 0 | false | allowed
      true  | OPEN | in_work   | MEETING         | 0 | false | allowed
      true  | OPEN | in_work   | OTHER           | 0 | false | allowed
      true  | OPEN | in_work   | FOLLOW_UP       | 0 | false | allowed
      true  | OPEN | in_work   | CONTACT_REQUEST | 0 | false | allowed
      false | OPEN | in_work   | STAGE_ENTRY     | 0 | false | allowed
      """)
  void closingAContactsTaskNeedsANextStep(boolean required, DealStatus status, String stage, TaskKind kind,
                                          int others, boolean given, String expected) {
    var refusal = NextSteps.onTaskDone(required ? ON : OFF, status, stage, "new", kind, others, given);
    assertThat(refusal.map(r -> r.code()).orElse("allowed")).isEqualTo(expected);
  }

  @Test
  void aReachedCallWithNothingLeftGetsTheDefaultNextStepDueInADay() {
    var t = NextSteps.afterReachedCall(ON, DealStatus.OPEN, "in_work", "new", 0, NOW).orElseThrow();
    assertThat(t.kind()).isEqualTo(TaskKind.CALL);
    assertThat(t.title()).isEqualTo("Следующий шаг: связаться с клиентом");
    assertThat(t.dueAt()).isEqualTo(NOW.plus(Duration.ofDays(1)));
    assertThat(t.assignee()).isEqualTo(AssigneeRole.MANAGER);
    assertThat(NextSteps.afterReachedCall(ON, DealStatus.OPEN, "in_work", "new", 1, NOW)).isEmpty();
    assertThat(NextSteps.afterReachedCall(ON, DealStatus.OPEN, "new", "new", 0, NOW)).isEmpty();
    assertThat(NextSteps.afterReachedCall(ON, DealStatus.WON, "launched", "new", 0, NOW)).isEmpty();
  }

  @ParameterizedTest(name = "[{index}] {0} -> {1}")
  @CsvSource(delimiter = '|', textBlock = """
      2026-03-10T15:00:00+03:00 | 2026-03-09T12:00:00Z
      2026-03-10T15:00:00Z      | 2026-03-09T15:00:00Z
      2026-03-10T15:00          | 2026-03-09T12:00:00Z
      2026-03-10                | 2026-03-08T21:00:00Z
      """)
  void aDateFieldMakesItsTaskTheDayBeforeInTheCompanyZone(String value, Instant due) {
    var plans = DateTasks.plan(ON.dateTasks(), Map.of("presentation_date", value, "niche", "x"),
        ZoneId.of("Europe/Moscow"));
    assertThat(plans).hasSize(1);
    TaskSpec t = plans.get(0).task().orElseThrow();
    assertThat(t.dueAt()).isEqualTo(due);
    assertThat(t.title()).isEqualTo("Подготовиться к презентации");
  }

  @Test
  void anEmptiedDateCancelsAndABadOneIsNamed() {
    ZoneId msk = ZoneId.of("Europe/Moscow");
    Map<String, String> emptied = new HashMap<>();
    emptied.put("presentation_date", " ");
    assertThat(DateTasks.plan(ON.dateTasks(), emptied, msk).get(0).task()).isEmpty();
    assertThat(DateTasks.plan(ON.dateTasks(), Map.of("niche", "x"), msk)).isEmpty();
    assertThat(DateTasks.badValue(ON.dateTasks(), Map.of("presentation_date", "next friday"), msk))
        .contains("presentation_date");
    assertThat(DateTasks.badValue(ON.dateTasks(), Map.of("presentation_date", "2026-03-10"), msk)).isEmpty();
  }

  @Test
  void theSettingsParseWithDefaultsAndNameTheirKeys() {
    Map<String, Object> root = new HashMap<>(Map.of("next_step_required", false,
        "contact_statuses", List.of(Map.of("code", "thinking", "name", "Думает")),
        "date_tasks", List.of(Map.of("field", "demo_at", "title", "Демо", "before", "2h")),
        "talk_limit_per_day", "150m"));
    AfterContactConfig c = AfterContactConfigParser.parse(root);
    assertThat(c.nextStepRequired()).isFalse();
    assertThat(c.contactStatuses()).extracting(AfterContactConfig.ContactStatus::code).containsExactly("thinking");
    assertThat(c.dateTasks().get(0).before()).isEqualTo(Duration.ofHours(2));
    assertThat(c.talkLimitPerDay()).isEqualTo(Duration.ofMinutes(150));
    assertThat(AfterContactConfigParser.parse(Map.of())).isEqualTo(AfterContactConfig.defaults());
    assertThatThrownBy(() -> AfterContactConfigParser.parse(Map.of("contact_statuses",
        List.of(Map.of("code", "a", "name", "A"), Map.of("code", "a", "name", "B")))))
        .hasMessageContaining("funnel.contact_statuses[1].code");
    assertThatThrownBy(() -> AfterContactConfigParser.parse(Map.of("next_step_required", "yes")))
        .hasMessageContaining("funnel.next_step_required");
    assertThatThrownBy(() -> AfterContactConfigParser.parse(Map.of("date_tasks",
        List.of(Map.of("field", "d", "title", "T", "before", "soon")))))
        .hasMessageContaining("funnel.date_tasks[0].before");
  }

  @Test
  void couldNotReachByHandIsGuardedButTheLaddersCloseIsARulesAndIsNot() {
    Funnel funnel = Funnel.defaults();
    DealView fresh = new DealView(DealStatus.OPEN, "new", Map.of(), 0, null, NOW.minus(Duration.ofDays(1)), null, null);
    Closure byHand = funnel.close(fresh, DealStatus.LOST, "could_not_reach", "не берёт трубку", NOW);
    assertThat(((Closure.Refused) byHand).refusal().code()).isEqualTo("too_few_attempts");
    DealView tried = new DealView(DealStatus.OPEN, "in_work", Map.of(), 4, NOW.minus(Duration.ofDays(2)),
        NOW.minus(Duration.ofDays(3)), null, null);
    Closure tooSoon = funnel.close(tried, DealStatus.LOST, "could_not_reach", "не берёт трубку", NOW);
    assertThat(((Closure.Refused) tooSoon).refusal().code()).isEqualTo("too_soon_since_contact");
    DealView silent = new DealView(DealStatus.OPEN, "in_work", Map.of(), 3, NOW.minus(Duration.ofDays(21)),
        NOW.minus(Duration.ofDays(30)), null, null);
    assertThat(funnel.close(silent, DealStatus.LOST, "could_not_reach", "3 недели тишины", NOW))
        .isInstanceOf(Closure.Closed.class);
    Closure byRule = funnel.closeByRule(fresh, DealStatus.LOST, "could_not_reach", "график пройден", NOW);
    assertThat(byRule).isInstanceOf(Closure.Closed.class);
    assertThat(((Closure.Closed) byRule).controlTask()).isPresent();
    // a rule's close still obeys every other check
    assertThat(((Closure.Refused) funnel.closeByRule(fresh, DealStatus.LOST, "nope", "x", NOW)).refusal().code())
        .isEqualTo("unknown_reason");
  }
}
