package ru.dozvon.deals;

import java.time.Instant;
import java.util.Objects;

/**
 * A task some rule wants created: what, by when and for whom. The store turns it into a task row
 * bound to a deal and a person; the rules never know who the person is, only the role.
 *
 * @param kind what the task is for
 * @param title what the assignee reads, in Russian (e.g. «Подготовить и отправить КП»)
 * @param dueAt the deadline; the task is overdue strictly after it
 * @param assignee the deal's manager or the supervisor
 */
public record TaskSpec(TaskKind kind, String title, Instant dueAt, AssigneeRole assignee) {

  public TaskSpec {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(dueAt, "dueAt");
    Objects.requireNonNull(assignee, "assignee");
    if (title == null || title.isBlank()) {
      throw new IllegalArgumentException("task title is blank");
    }
  }
}
