package ru.dozvon.deals;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Date fields that make tasks (seed 002: «дата презентации» makes the presentation task the day before), pure.
 * A value is an ISO date ({@code 2026-03-10}: the start of that day in the company zone) or date-time
 * ({@code 2026-03-10T15:00:00+03:00}, or without offset in the company zone).
 */
public final class DateTasks {

  /**
   * What a change of one date field asks for.
   *
   * @param field the deal field
   * @param task the task to have open for it; empty: the field was emptied, its open task is cancelled
   */
  public record Plan(String field, Optional<TaskSpec> task) {
  }

  private DateTasks() {
  }

  /**
   * The plans for the configured date fields among {@code submitted} (fields a move or a lead brought).
   *
   * @throws IllegalArgumentException naming the field when a value is not a date
   */
  public static List<Plan> plan(List<AfterContactConfig.DateTask> config, Map<String, String> submitted, ZoneId zone) {
    List<Plan> out = new ArrayList<>();
    for (AfterContactConfig.DateTask d : config) {
      if (!submitted.containsKey(d.field())) {
        continue;
      }
      String raw = submitted.get(d.field());
      if (raw == null || raw.isBlank()) {
        out.add(new Plan(d.field(), Optional.empty()));
        continue;
      }
      Instant at = parse(raw.strip(), zone).orElseThrow(() -> new IllegalArgumentException(d.field()));
      out.add(new Plan(d.field(), Optional.of(new TaskSpec(TaskKind.MEETING, d.title(), at.minus(d.before()),
          AssigneeRole.MANAGER))));
    }
    return out;
  }

  /** The configured field whose value is not a date, if any (checked before anything is stored). */
  public static Optional<String> badValue(List<AfterContactConfig.DateTask> config, Map<String, String> submitted,
                                          ZoneId zone) {
    for (AfterContactConfig.DateTask d : config) {
      String raw = submitted.get(d.field());
      if (raw != null && !raw.isBlank() && parse(raw.strip(), zone).isEmpty()) {
        return Optional.of(d.field());
      }
    }
    return Optional.empty();
  }

  static Optional<Instant> parse(String v, ZoneId zone) {
    try {
      return Optional.of(OffsetDateTime.parse(v).toInstant());
    } catch (DateTimeParseException e) {
      // not with an offset; try the forms without one
    }
    try {
      return Optional.of(LocalDateTime.parse(v).atZone(zone).toInstant());
    } catch (DateTimeParseException e) {
      // not a local date-time
    }
    try {
      return Optional.of(LocalDate.parse(v).atStartOfDay(zone).toInstant());
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
