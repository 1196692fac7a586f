package ru.dozvon.live;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import ru.dozvon.time.Durations;

/**
 * The wallboard's figures and when they turn red ({@code live} section of {@code config/application.yaml};
 * docs/REPORTS.md, "Live figures").
 *
 * @param serviceLevelSeconds an inbound call answered within this many seconds of its start counts for the service level
 * @param serviceLevelTarget the share of calls answered in time below which the service level is red
 * @param backlogRedAfter the oldest due callback waiting longer than this turns the backlog red
 * @param abandonRateRedAbove today's abandon rate above this is red
 * @param longestWaitRedAfter a caller waiting in a queue longer than this is red
 * @param speedToLeadRedAfter today's median speed-to-lead above this is red
 * @param loadRedAbove a manager's open deals over their cap above this share is red
 * @param controlTasksShown how many «Проконтролировать закрытие сделки» tasks the snapshot lists (all are counted)
 */
public record LiveConfig(int serviceLevelSeconds, double serviceLevelTarget, Duration backlogRedAfter,
                         double abandonRateRedAbove, Duration longestWaitRedAfter, Duration speedToLeadRedAfter,
                         double loadRedAbove, int controlTasksShown) {

  public static final LiveConfig DEFAULT = new LiveConfig(20, 0.8, Duration.ofMinutes(15), 0.1,
      Duration.ofSeconds(60), Duration.ofMinutes(5), 1.0, 20);

  private static final List<String> KEYS = List.of("service_level_seconds", "service_level_target",
      "backlog_red_after", "abandon_rate_red_above", "longest_wait_red_after", "speed_to_lead_red_after",
      "load_red_above", "control_tasks_shown");

  public LiveConfig {
    if (serviceLevelSeconds < 1 || serviceLevelSeconds > 3600) {
      throw new IllegalArgumentException("live.service_level_seconds: '" + serviceLevelSeconds
          + "' is out of range (expected a whole number of seconds from 1 to 3600)");
    }
    share("service_level_target", serviceLevelTarget, 1.0);
    share("abandon_rate_red_above", abandonRateRedAbove, 1.0);
    share("load_red_above", loadRedAbove, 10.0);
    positive("backlog_red_after", backlogRedAfter);
    positive("longest_wait_red_after", longestWaitRedAfter);
    positive("speed_to_lead_red_after", speedToLeadRedAfter);
    if (controlTasksShown < 1 || controlTasksShown > 500) {
      throw new IllegalArgumentException("live.control_tasks_shown: '" + controlTasksShown
          + "' is out of range (expected 1 to 500)");
    }
  }

  /** Parses the section as snakeyaml-engine loads it (or as environment variables set it: text); absent keys keep their defaults. */
  public static LiveConfig fromMap(Map<String, Object> section) {
    if (section == null || section.isEmpty()) {
      return DEFAULT;
    }
    for (String key : section.keySet()) {
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException("live." + key + ": unknown key (expected one of " + String.join(", ", KEYS)
            + ")");
      }
    }
    return new LiveConfig(
        (int) number(section, "service_level_seconds", DEFAULT.serviceLevelSeconds(), true),
        number(section, "service_level_target", DEFAULT.serviceLevelTarget(), false),
        duration(section, "backlog_red_after", DEFAULT.backlogRedAfter()),
        number(section, "abandon_rate_red_above", DEFAULT.abandonRateRedAbove(), false),
        duration(section, "longest_wait_red_after", DEFAULT.longestWaitRedAfter()),
        duration(section, "speed_to_lead_red_after", DEFAULT.speedToLeadRedAfter()),
        number(section, "load_red_above", DEFAULT.loadRedAbove(), false),
        (int) number(section, "control_tasks_shown", DEFAULT.controlTasksShown(), true));
  }

  private static void share(String key, double v, double max) {
    if (!(v >= 0 && v <= max)) {
      throw new IllegalArgumentException("live." + key + ": '" + v + "' is out of range (expected a number from 0 to "
          + max + ")");
    }
  }

  private static void positive(String key, Duration d) {
    if (d.isNegative() || d.isZero() || d.compareTo(Duration.ofDays(7)) > 0) {
      throw new IllegalArgumentException("live." + key + ": '" + Durations.describe(d)
          + "' is out of range (expected more than 0 and at most 7d)");
    }
  }

  private static double number(Map<String, Object> section, String key, double dflt, boolean whole) {
    Object v = section.get(key);
    if (v == null) {
      return dflt;
    }
    if (v instanceof Number n && (!whole || n instanceof Integer || n instanceof Long)) {
      return n.doubleValue();
    }
    String s = String.valueOf(v).strip();
    try {
      return whole ? Integer.parseInt(s) : Double.parseDouble(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("live." + key + ": '" + v + "' is not "
          + (whole ? "a whole number" : "a number (e.g. 0.8)"));
    }
  }

  private static Duration duration(Map<String, Object> section, String key, Duration dflt) {
    return Durations.setting(section, key, dflt, "live." + key, "15m, 60s");
  }

}
