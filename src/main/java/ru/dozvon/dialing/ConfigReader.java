package ru.dozvon.dialing;

import ru.dozvon.time.Durations;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads one mapping of a YAML section as snakeyaml-engine loads it, with errors that name the key
 * path, the bad value and the expected form. Absent or null keys give the caller's default.
 */
final class ConfigReader {

  private final Map<?, ?> map;
  private final String path;

  private ConfigReader(Map<?, ?> map, String path) {
    this.map = map;
    this.path = path;
  }

  /** A reader over {@code node}; null reads as an empty mapping (every key takes its default). */
  static ConfigReader of(Object node, String path) {
    if (node == null) {
      return new ConfigReader(Map.of(), path);
    }
    if (!(node instanceof Map<?, ?> m)) {
      throw new IllegalArgumentException(path + ": '" + node + "' is not a mapping (expected keys and values)");
    }
    return new ConfigReader(m, path);
  }

  String path(String key) {
    return path + "." + key;
  }

  /** This mapping's own key path, e.g. {@code retry.scheduler}. */
  String at() {
    return path;
  }

  /** Refuses keys other than {@code known}, so a typo is an error rather than a silent default. */
  ConfigReader onlyKeys(String... known) {
    Set<String> allowed = new LinkedHashSet<>(Arrays.asList(known));
    for (Object key : map.keySet()) {
      if (!allowed.contains(String.valueOf(key))) {
        throw new IllegalArgumentException(path(String.valueOf(key))
            + ": unknown key (expected one of " + String.join(", ", allowed) + ")");
      }
    }
    return this;
  }

  boolean has(String key) {
    return map.get(key) != null;
  }

  Object raw(String key) {
    return map.get(key);
  }

  ConfigReader section(String key) {
    return of(map.get(key), path(key));
  }

  String string(String key, String fallback) {
    Object v = map.get(key);
    if (v == null) {
      return fallback;
    }
    if (!(v instanceof String s) || s.isBlank()) {
      throw new IllegalArgumentException(path(key) + ": '" + v + "' is not a non-empty text");
    }
    return s.strip();
  }

  int integer(String key, int fallback, String expected) {
    Object v = map.get(key);
    if (v == null) {
      return fallback;
    }
    if ((v instanceof Integer || v instanceof Long) && ((Number) v).longValue() >= 0
        && ((Number) v).longValue() <= Integer.MAX_VALUE) {
      return ((Number) v).intValue();
    }
    throw new IllegalArgumentException(path(key) + ": '" + v + "' is not a whole number (" + expected + ")");
  }

  Duration duration(String key, Duration fallback) {
    Object v = map.get(key);
    return v == null ? fallback : durationValue(v, path(key));
  }

  /** A duration value at {@code at}: text such as 1h, or the number 0. */
  static Duration durationValue(Object v, String at) {
    if (v instanceof Integer i && i == 0) {
      return Duration.ZERO;
    }
    if (!(v instanceof String s)) {
      throw new IllegalArgumentException(at + ": '" + v + "' is not a duration (" + Durations.EXPECTED + ")");
    }
    try {
      return Durations.parse(s);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(at + ": " + e.getMessage(), e);
    }
  }

  /** The list at {@code key}, or null when absent. */
  List<?> list(String key, String expected) {
    Object v = map.get(key);
    if (v == null) {
      return null;
    }
    if (!(v instanceof List<?> l)) {
      throw new IllegalArgumentException(path(key) + ": '" + v + "' is not a list (" + expected + ")");
    }
    return l;
  }
}
