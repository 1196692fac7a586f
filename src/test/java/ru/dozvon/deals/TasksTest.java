package ru.dozvon.deals;

import static org.assertj.core.api.Assertions.assertThat;
import static ru.dozvon.deals.Deals.NOW;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TasksTest {

  @ParameterizedTest(name = "now = due {0}s, done={1} -> overdue {2}")
  @CsvSource({"-60, false, false", "-1, false, false", "0, false, false", "1, false, true",
      "86400, false, true", "1, true, false", "86400, true, false"})
  void aTaskIsOverdueStrictlyAfterItsDeadlineUntilDone(long secondsPastDue, boolean done, boolean overdue) {
    Instant due = NOW;
    Instant now = due.plusSeconds(secondsPastDue);
    TaskSpec task = new TaskSpec(TaskKind.STAGE_ENTRY, "Отработать возражения", due, AssigneeRole.MANAGER);

    assertThat(Tasks.isOverdue(due, done ? now.minusSeconds(1) : null, now)).isEqualTo(overdue);
    if (!done) {
      assertThat(Tasks.isOverdue(task, now)).isEqualTo(overdue);
      assertThat(Tasks.overdueBy(task, now))
          .isEqualTo(overdue ? Duration.ofSeconds(secondsPastDue) : Duration.ZERO);
    }
  }

  @Test
  void mostUrgentFirstWithControlTasksAheadAtTheSameDeadline() {
    TaskSpec later = new TaskSpec(TaskKind.CALLBACK, "Перезвонить", NOW.plusSeconds(60), AssigneeRole.MANAGER);
    TaskSpec managerNow = new TaskSpec(TaskKind.STAGE_ENTRY, "Договор и счёт", NOW, AssigneeRole.MANAGER);
    TaskSpec controlNow = new TaskSpec(TaskKind.CLOSING_CONTROL, "Проконтролировать закрытие сделки", NOW,
        AssigneeRole.SUPERVISOR);
    TaskSpec earliest = new TaskSpec(TaskKind.MANUAL, "Позвонить", NOW.minusSeconds(3600), AssigneeRole.MANAGER);
    List<TaskSpec> tasks = new ArrayList<>(List.of(later, managerNow, controlNow, earliest));

    tasks.sort(Tasks.MOST_URGENT);

    assertThat(tasks).containsExactly(earliest, controlNow, managerNow, later);
  }

  @ParameterizedTest
  @CsvSource(value = {"''", "'  '", "-"}, nullValues = "-")
  void aTaskNeedsATitle(String title) {
    org.assertj.core.api.Assertions.assertThatThrownBy(
        () -> new TaskSpec(TaskKind.MANUAL, title, NOW, AssigneeRole.MANAGER))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
