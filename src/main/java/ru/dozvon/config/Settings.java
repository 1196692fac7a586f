package ru.dozvon.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The merged settings tree (YAML maps, lists and scalars) with, for every value, where it came
 * from, so that an error can name the exact key the user wrote: a YAML path in a file, or an
 * environment variable. Values of secret keys are never shown.
 */
final class Settings {

  private final Map<String, Object> tree = new LinkedHashMap<>();
  private final Map<String, String> origins = new LinkedHashMap<>();
  private final Set<String> secretPaths;

  Settings(Set<String> secretPaths) {
    this.secretPaths = secretPaths;
  }

  /** Merges a parsed YAML document; maps merge key by key, anything else replaces. */
  void merge(Map<String, Object> doc, String file) {
    mergeInto(tree, doc, "", file);
  }

  @SuppressWarnings("unchecked")
  private void mergeInto(Map<String, Object> target, Map<String, Object> doc, String prefix, String file) {
    for (Map.Entry<String, Object> e : doc.entrySet()) {
      String path = prefix.isEmpty() ? String.valueOf(e.getKey()) : prefix + "." + e.getKey();
      Object value = e.getValue();
      Object existing = target.get(e.getKey());
      if (value instanceof Map<?, ?> m && existing instanceof Map<?, ?> old) {
        Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) old);
        mergeInto(copy, (Map<String, Object>) m, path, file);
        target.put(String.valueOf(e.getKey()), copy);
      } else {
        target.put(String.valueOf(e.getKey()), value);
        origins.put(path, file + ": " + path);
      }
    }
  }

  /** Sets one value from an environment variable. */
  @SuppressWarnings("unchecked")
  void override(String path, Object value, String variable) {
    String[] parts = path.split("\\.");
    Map<String, Object> node = tree;
    for (int i = 0; i < parts.length - 1; i++) {
      Object child = node.get(parts[i]);
      Map<String, Object> next = child instanceof Map<?, ?> m
          ? new LinkedHashMap<>((Map<String, Object>) m) : new LinkedHashMap<>();
      node.put(parts[i], next);
      node = next;
    }
    node.put(parts[parts.length - 1], value);
    origins.put(path, variable);
  }

  /** Where the value at a path came from (a variable name, or "file: path"), or null. */
  String originOf(String path) {
    return origins.get(path);
  }

  Object get(String path) {
    Object node = tree;
    for (String part : path.split("\\.")) {
      if (!(node instanceof Map<?, ?> m)) {
        return null;
      }
      node = m.get(part);
    }
    return node;
  }

  /** The section under a top-level key, as loaded (for the features' own parsers). */
  @SuppressWarnings("unchecked")
  Map<String, Object> section(String key) {
    Object s = tree.get(key);
    return s instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  /** An error naming where the value came from, the value (unless secret) and what was expected. */
  ConfigException error(String path, Object value, String expected) {
    String origin = origins.getOrDefault(path, path);
    String shown = secretPaths.contains(path) ? "<hidden>" : String.valueOf(value);
    String sep = origin.contains(": ") ? " = " : "=";
    return new ConfigException(origin + sep + "'" + shown + "': expected " + expected);
  }

  String string(String path, String fallback) {
    Object v = get(path);
    if (v == null) {
      return fallback;
    }
    if (v instanceof Map<?, ?> || v instanceof List<?>) {
      throw error(path, v, "a single value");
    }
    return String.valueOf(v).strip();
  }

  int integer(String path, int fallback, int min, int max, String what) {
    Object v = get(path);
    if (v == null || (v instanceof String s && s.isBlank())) {
      return fallback;
    }
    try {
      long n = v instanceof Number num && !(v instanceof Double) ? num.longValue() : Long.parseLong(String.valueOf(v).strip());
      if (n < min || n > max) {
        throw error(path, v, what + " " + min + "-" + max);
      }
      return (int) n;
    } catch (NumberFormatException e) {
      throw error(path, v, what + " " + min + "-" + max);
    }
  }

  /** A list given as a YAML list or as a comma-separated string (environment variables). */
  List<String> list(String path, List<String> fallback) {
    Object v = get(path);
    if (v == null) {
      return fallback;
    }
    List<String> out = new ArrayList<>();
    if (v instanceof List<?> l) {
      for (Object o : l) {
        out.add(String.valueOf(o).strip());
      }
    } else if (v instanceof Map<?, ?>) {
      throw error(path, v, "a list");
    } else {
      for (String s : String.valueOf(v).split(",")) {
        out.add(s.strip());
      }
    }
    out.removeIf(String::isEmpty);
    return List.copyOf(out);
  }
}
