package ru.dozvon.deals;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The settings of the work after the first contact (DOMAIN 7, issue 12), read from the {@code funnel} section:
 * whether closing a contact's task needs a next step, the default next step after a reached call, the list of
 * «Статус последнего общения» (seed 002), the date fields that make tasks, and the talk-time limit per day
 * (seed 001: 3 hours is the human maximum).
 *
 * @param nextStepRequired {@code funnel.next_step_required}: closing a contact's task that leaves a deal in work
 *     without an open task is refused (409 {@code next_step_required}) unless a next step comes with it
 * @param defaultNextStep {@code funnel.default_next_step}: the task made for the manager when a reached call leaves
 *     the deal without one (the call already happened, so it is not refused)
 * @param contactStatuses {@code funnel.contact_statuses}: codes and names, in the order clients show them
 * @param dateTasks {@code funnel.date_tasks}: deal fields holding a date that make a task some time before it
 * @param talkLimitPerDay {@code funnel.talk_limit_per_day}: above it a manager's talk time today is flagged
 */
public record AfterContactConfig(boolean nextStepRequired, StageTask defaultNextStep,
                                 List<ContactStatus> contactStatuses, List<DateTask> dateTasks,
                                 Duration talkLimitPerDay) {

  /** One «статус последнего общения», e.g. {@code thinking} «Думает». */
  public record ContactStatus(String code, String name) {
    public ContactStatus {
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(name, "name");
    }
  }

  /**
   * A field that makes a task: when a deal gets {@code field} (an ISO date or date-time), a task {@code title} is due
   * {@code before} that moment; when the field changes, the task moves.
   */
  public record DateTask(String field, String title, Duration before) {
    public DateTask {
      Objects.requireNonNull(field, "field");
      Objects.requireNonNull(before, "before");
      if (title == null || title.isBlank()) {
        throw new IllegalArgumentException("date task title is blank");
      }
    }
  }

  public AfterContactConfig {
    Objects.requireNonNull(defaultNextStep, "defaultNextStep");
    contactStatuses = List.copyOf(contactStatuses);
    dateTasks = List.copyOf(dateTasks);
    Objects.requireNonNull(talkLimitPerDay, "talkLimitPerDay");
    var codes = new HashSet<String>();
    for (int i = 0; i < contactStatuses.size(); i++) {
      if (!codes.add(contactStatuses.get(i).code())) {
        throw new IllegalArgumentException("funnel.contact_statuses[" + i + "].code: '" + contactStatuses.get(i).code()
            + "' appears twice (expected unique codes)");
      }
    }
    var fields = new HashSet<String>();
    for (int i = 0; i < dateTasks.size(); i++) {
      if (!fields.add(dateTasks.get(i).field())) {
        throw new IllegalArgumentException("funnel.date_tasks[" + i + "].field: '" + dateTasks.get(i).field()
            + "' appears twice (expected one task per field)");
      }
    }
  }

  /** The status with this code, if the list has it. */
  public Optional<ContactStatus> contactStatus(String code) {
    return contactStatuses.stream().filter(s -> s.code().equals(code)).findFirst();
  }

  /** The shipped defaults (seed 002's statuses, a next step due in 1 day, the presentation date, 3 h of talk). */
  public static AfterContactConfig defaults() {
    return new AfterContactConfig(true, new StageTask("Следующий шаг: связаться с клиентом", Duration.ofDays(1)),
        List.of(new ContactStatus("thinking", "Думает"), new ContactStatus("awaiting_offer", "Ждёт КП"),
            new ContactStatus("approving", "Согласовывает с руководством"),
            new ContactStatus("cant_talk", "Не может говорить")),
        List.of(new DateTask("presentation_date", "Подготовиться к презентации", Duration.ofDays(1))),
        Duration.ofHours(3));
  }
}
