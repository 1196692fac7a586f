package ru.dozvon.deals;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import ru.dozvon.time.Durations;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Reads values out of a YAML section as snakeyaml-engine loads it, so that every error names the
 * key path, the bad value and the expected form.
 */
final class ConfigValues {

  static final String DURATION_FORM = "expected e.g. 90s, 30m, 4h, 1d, 3w";
  private static final Pattern CODE = Pattern.compile("[a-z][a-z0-9_]*");

  private ConfigValues() {
  }

  static IllegalArgumentException bad(String path, Object value, String problem, String expected) {
    return new IllegalArgumentException(path + ": " + show(value) + " " + problem + " (" + expected + ")");
  }

  static String show(Object value) {
    if (value instanceof Map) {
      return "a mapping";
    }
    if (value instanceof List) {
      return "a list";
    }
    return value instanceof String s ? "'" + s + "'" : String.valueOf(value);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object value, String path) {
    if (!(value instanceof Map<?, ?> m)) {
      throw bad(path, value, "is not a mapping", "expected key: value pairs");
    }
    for (Object key : m.keySet()) {
      if (!(key instanceof String)) {
        throw bad(path, key, "is not a text key", "expected keys such as code, name");
      }
    }
    return (Map<String, Object>) value;
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Object value, String path, String expected) {
    if (!(value instanceof List<?>)) {
      throw bad(path, value, "is not a list", expected);
    }
    return (List<Object>) value;
  }

  /** Refuses keys the parser does not know, so that a typo is an error, not a silent default. */
  static void onlyKeys(Map<String, Object> map, String path, Set<String> known) {
    for (String key : map.keySet()) {
      if (!known.contains(key)) {
        throw new IllegalArgumentException(path + "." + key + ": unknown key (expected one of "
            + String.join(", ", new TreeSet<>(known)) + ")");
      }
    }
  }

  static Object required(Map<String, Object> map, String key, String path, String expected) {
    Object value = map.get(key);
    if (value == null) {
      throw new IllegalArgumentException(path + "." + key + ": missing (" + expected + ")");
    }
    return value;
  }

  static String text(Map<String, Object> map, String key, String path, String expected) {
    Object value = required(map, key, path, expected);
    if (!(value instanceof String s) || s.isBlank()) {
      throw bad(path + "." + key, value, "is not a non-empty text", expected);
    }
    return s.strip();
  }

  static String code(Object value, String path) {
    if (!(value instanceof String s) || !CODE.matcher(s).matches()) {
      throw bad(path, value, "is not a code", "expected lower-case latin letters, digits and _, e.g. in_work");
    }
    return s;
  }

  static String code(Map<String, Object> map, String key, String path) {
    return code(required(map, key, path, "expected a code such as in_work"), path + "." + key);
  }

  static int integer(Map<String, Object> map, String key, String path, int min, int max) {
    String expected = "expected a whole number " + min + ".." + max;
    Object value = required(map, key, path, expected);
    if (!(value instanceof Integer || value instanceof Long)
        || ((Number) value).longValue() < min || ((Number) value).longValue() > max) {
      throw bad(path + "." + key, value, "is not allowed", expected);
    }
    return ((Number) value).intValue();
  }

  static boolean bool(Map<String, Object> map, String key, String path, boolean absent) {
    Object value = map.get(key);
    if (value == null) {
      return absent;
    }
    if (!(value instanceof Boolean b)) {
      throw bad(path + "." + key, value, "is not a boolean", "expected true or false");
    }
    return b;
  }

  static Duration duration(Map<String, Object> map, String key, String path, boolean positive) {
    Object value = required(map, key, path, DURATION_FORM);
    Duration d;
    try {
      d = value instanceof String s ? Durations.parse(s) : null;
    } catch (IllegalArgumentException e) {
      d = null;
    }
    if (d == null) {
      throw bad(path + "." + key, value, "is not a duration", DURATION_FORM);
    }
    if (positive && d.isZero()) {
      throw bad(path + "." + key, value, "is zero", "expected a positive duration, e.g. 30m");
    }
    return d;
  }
}
