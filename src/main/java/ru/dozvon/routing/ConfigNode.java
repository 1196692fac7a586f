package ru.dozvon.routing;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** A map from snakeyaml-engine with its key path, so every config error can say where it is. */
final class ConfigNode {

  private final String path;
  private final Map<?, ?> map;

  ConfigNode(String path, Map<?, ?> map) {
    this.path = path;
    this.map = map;
  }

  static ConfigNode empty(String path) {
    return new ConfigNode(path, Map.of());
  }

  String path(String key) {
    return path + "." + key;
  }

  boolean has(String key) {
    return map.containsKey(key) && map.get(key) != null;
  }

  Object raw(String key) {
    return map.get(key);
  }

  List<String> keys() {
    return map.keySet().stream().map(String::valueOf).sorted().toList();
  }

  void allowOnly(String... allowed) {
    Set<String> ok = Set.of(allowed);
    for (String key : keys()) {
      if (!ok.contains(key)) {
        throw new IllegalArgumentException(path(key) + ": unknown key (expected one of "
            + String.join(", ", allowed) + ")");
      }
    }
  }

  ConfigNode section(String key) {
    Object value = map.get(key);
    if (!(value instanceof Map<?, ?> m)) {
      throw new IllegalArgumentException(path(key) + ": " + show(value) + " is not a mapping (expected key: value lines)");
    }
    return new ConfigNode(path(key), m);
  }

  int intAtLeast(String key, int min, int fallback, String expected) {
    if (!has(key)) {
      return fallback;
    }
    Object value = map.get(key);
    if (value instanceof Integer i && i >= min) {
      return i;
    }
    if (value instanceof Long l && l >= min && l <= Integer.MAX_VALUE) {
      return l.intValue();
    }
    throw new IllegalArgumentException(path(key) + ": " + show(value) + " is not " + expected);
  }

  double number(String key, double min, double max, double fallback, String expected) {
    if (!has(key)) {
      return fallback;
    }
    Object value = map.get(key);
    if (value instanceof Number n && !(value instanceof Double d && d.isNaN())) {
      double v = n.doubleValue();
      if (v >= min && v <= max && Double.isFinite(v)) {
        return v;
      }
    }
    throw new IllegalArgumentException(path(key) + ": " + show(value) + " is not " + expected);
  }

  static String show(Object value) {
    return value instanceof String s ? "'" + s + "'" : String.valueOf(value);
  }
}
