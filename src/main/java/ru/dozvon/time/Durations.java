package ru.dozvon.time;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them in config, the one parser every settings section uses:
 * {@code 1h}, {@code 30m}, {@code 1d}, {@code 3w}, {@code 1h30m}, {@code 45s}, {@code 500ms},
 * {@code 0}, or ISO-8601 ({@code PT1H}, {@code P1D}).
 */
public final class Durations {

  /** The expected form, for error messages. */
  public static final String EXPECTED = "expected e.g. 1h, 30m, 1d or PT1H";

  private static final Pattern SHORT =
      Pattern.compile("(?:(\\d+)w)?(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?(?:(\\d+)ms)?");

  private Durations() {
  }

  /**
   * A duration setting of a YAML section: absent, the default; a whole number, seconds; else as {@link #parse}.
   *
   * @param name the setting's full key, for the error ({@code dialer.wrap_up})
   * @param expected the examples the error gives ({@code "15s, 1m"})
   * @throws IllegalArgumentException "dialer.wrap_up: 'x' is not a duration (expected e.g. 15s, 1m)"
   */
  public static Duration setting(java.util.Map<String, Object> section, String key, Duration dflt, String name,
                                 String expected) {
    Object v = section.get(key);
    if (v == null) {
      return dflt;
    }
    if (v instanceof Integer i) {
      return Duration.ofSeconds(i);
    }
    try {
      return parse(String.valueOf(v).strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + ": '" + v + "' is not a duration (expected e.g. " + expected + ")");
    }
  }

  /**
   * Parses a non-negative duration.
   *
   * @throws IllegalArgumentException "'1x' is not a duration (expected e.g. 1h, 30m, 1d or PT1H)"
   */
  public static Duration parse(String text) {
    String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT).replace(" ", "");
    Duration d;
    if ("0".equals(t)) {
      d = Duration.ZERO;
    } else if (t.startsWith("p") || t.startsWith("-p")) {
      try {
        d = Duration.parse(t.toUpperCase(Locale.ROOT));
      } catch (DateTimeParseException e) {
        throw notADuration(text);
      }
    } else {
      Matcher m = SHORT.matcher(t);
      if (t.isEmpty() || !m.matches()) {
        throw notADuration(text);
      }
      try {
        d = Duration.ofDays(7 * number(m.group(1)) + number(m.group(2))).plusHours(number(m.group(3)))
            .plusMinutes(number(m.group(4))).plusSeconds(number(m.group(5))).plusMillis(number(m.group(6)));
      } catch (ArithmeticException | NumberFormatException e) {
        throw notADuration(text);
      }
    }
    if (d.isNegative()) {
      throw new IllegalArgumentException("'" + text + "' is negative (" + EXPECTED + ")");
    }
    return d;
  }

  /** Readable English: "1 day", "2 hours", "1 hour 30 minutes", "no time". */
  public static String describe(Duration d) {
    List<String> parts = new ArrayList<>();
    add(parts, d.toDays(), "day");
    add(parts, d.toHoursPart(), "hour");
    add(parts, d.toMinutesPart(), "minute");
    add(parts, d.toSecondsPart(), "second");
    return parts.isEmpty() ? "no time" : String.join(" ", parts);
  }

  private static void add(List<String> parts, long n, String unit) {
    if (n != 0) {
      parts.add(n + " " + unit + (n == 1 ? "" : "s"));
    }
  }

  private static long number(String group) {
    return group == null ? 0 : Long.parseLong(group);
  }

  private static IllegalArgumentException notADuration(String text) {
    return new IllegalArgumentException("'" + text + "' is not a duration (" + EXPECTED + ")");
  }
}
