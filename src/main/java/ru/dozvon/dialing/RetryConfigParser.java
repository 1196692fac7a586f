package ru.dozvon.dialing;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Builds a {@link RetryConfig} from its YAML section; every error names the key path. */
final class RetryConfigParser {

  private static final String STEP_FORM = "expected a list of {delay: 1h} or {next_calling_day: 0m}";
  private static final String HOLIDAY_FORM = "expected e.g. 2026-02-23 or 2026-01-01..2026-01-08";

  private RetryConfigParser() {
  }

  static RetryConfig parse(Object section, String path) {
    ConfigReader r = ConfigReader.of(section, path)
        .onlyKeys("steps", "exhausted", "call_later_after", "calling_window", "number_limits", "email_only",
            "scheduler");
    RetryConfig d = RetryConfig.DEFAULT;
    ConfigReader exhausted = r.section("exhausted").onlyKeys("loss_reason", "supervisor_task");
    RetryPolicyConfig policy = new RetryPolicyConfig(
        r.has("steps") ? steps(r.list("steps", STEP_FORM), r.path("steps")) : d.policy().steps(),
        exhausted.string("loss_reason", d.policy().lossReason()),
        exhausted.string("supervisor_task", d.policy().supervisorTask()),
        r.duration("call_later_after", d.policy().callLaterAfter()));
    return new RetryConfig(policy, window(r.section("calling_window"), d.window()),
        limits(r.section("number_limits"), d.limits()), emailOnly(r.section("email_only"), d.emailOnly()),
        scheduler(r.section("scheduler"), d.scheduler()));
  }

  static RetryConfig.Scheduler scheduler(ConfigReader s, RetryConfig.Scheduler d) {
    s.onlyKeys("every", "batch");
    Duration every = s.duration("every", d.every());
    int batch = s.integer("batch", d.batch(), "attempts claimed per statement, 1 to 10000");
    return rethrow(s.at(), () -> new RetryConfig.Scheduler(every, batch));
  }

  static List<RetryStep> steps(List<?> items, String at) {
    if (items.isEmpty()) {
      throw new IllegalArgumentException(at + ": must list at least one step (" + STEP_FORM + ")");
    }
    List<RetryStep> steps = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      String itemPath = at + "[" + i + "]";
      ConfigReader step = ConfigReader.of(items.get(i), itemPath).onlyKeys("delay", "next_calling_day");
      if (step.has("delay") == step.has("next_calling_day")) {
        throw new IllegalArgumentException(itemPath + ": '" + items.get(i)
            + "' needs exactly one of delay or next_calling_day (" + STEP_FORM + ")");
      }
      steps.add(step.has("delay")
          ? new RetryStep.AfterDelay(step.duration("delay", null))
          : new RetryStep.NextCallingDay(step.duration("next_calling_day", null)));
    }
    return steps;
  }

  static CallingWindow window(ConfigReader w, CallingWindow d) {
    w.onlyKeys("timezone", "hours", "days", "holidays");
    ZoneId zone = d.zone();
    String zoneText = w.string("timezone", null);
    if (zoneText != null) {
      try {
        zone = ZoneId.of(zoneText);
      } catch (DateTimeException e) {
        throw new IllegalArgumentException(w.path("timezone") + ": '" + zoneText
            + "' is not a time zone (expected e.g. Europe/Moscow)", e);
      }
    }
    CallingWindow.Hours hours = new CallingWindow.Hours(d.opens(), d.closes());
    String hoursText = w.string("hours", null);
    if (hoursText != null) {
      hours = rethrow(w.path("hours"), () -> CallingWindow.Hours.parse(hoursText));
    }
    Set<DayOfWeek> days = d.days();
    Object daysValue = w.raw("days");
    if (daysValue instanceof List<?> list) {
      String joined = String.join(",", list.stream().map(String::valueOf).toList());
      days = rethrow(w.path("days"), () -> CallingWindow.parseDays(joined));
    } else if (daysValue != null) {
      days = rethrow(w.path("days"), () -> CallingWindow.parseDays(String.valueOf(daysValue)));
    }
    List<?> holidayItems = w.list("holidays", HOLIDAY_FORM);
    Set<LocalDate> holidays = holidayItems == null ? d.holidays() : holidays(holidayItems, w.path("holidays"));
    return new CallingWindow(zone, hours.opens(), hours.closes(), days, holidays);
  }

  private static Set<LocalDate> holidays(List<?> items, String at) {
    Set<LocalDate> dates = new TreeSet<>();
    for (int i = 0; i < items.size(); i++) {
      String item = String.valueOf(items.get(i)).strip();
      String itemPath = at + "[" + i + "]";
      try {
        String[] range = item.split("\\.\\.", -1);
        if (range.length > 2) {
          throw new DateTimeException(item);
        }
        LocalDate from = LocalDate.parse(range[0].strip());
        LocalDate to = range.length == 2 ? LocalDate.parse(range[1].strip()) : from;
        if (to.isBefore(from) || from.plusDays(366).isBefore(to)) {
          throw new IllegalArgumentException(itemPath + ": '" + item
              + "' is not a range of at most a year, first date first (" + HOLIDAY_FORM + ")");
        }
        from.datesUntil(to.plusDays(1)).forEach(dates::add);
      } catch (DateTimeException e) {
        throw new IllegalArgumentException(itemPath + ": '" + item + "' is not a date (" + HOLIDAY_FORM + ")", e);
      }
    }
    return dates;
  }

  static NumberLimits limits(ConfigReader l, NumberLimits d) {
    l.onlyKeys("mobile", "fixed_line", "other");
    return new NumberLimits(limit(l.section("mobile"), d.mobile()),
        limit(l.section("fixed_line"), d.fixedLine()), limit(l.section("other"), d.other()));
  }

  private static NumberLimits.Limit limit(ConfigReader l, NumberLimits.Limit d) {
    l.onlyKeys("max_per_day", "min_gap");
    return new NumberLimits.Limit(l.integer("max_per_day", d.maxPerDay(), "expected e.g. 3, or 0 for no limit"),
        l.duration("min_gap", d.minGap()));
  }

  static EmailOnlyConfig emailOnly(ConfigReader e, EmailOnlyConfig d) {
    e.onlyKeys("requests", "task", "template");
    return new EmailOnlyConfig(
        e.has("requests") ? steps(e.list("requests", STEP_FORM), e.path("requests")) : d.requests(),
        e.string("task", d.task()), e.string("template", d.template()));
  }

  private static <T> T rethrow(String at, java.util.function.Supplier<T> parse) {
    try {
      return parse.get();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(at + ": " + e.getMessage(), e);
    }
  }
}
