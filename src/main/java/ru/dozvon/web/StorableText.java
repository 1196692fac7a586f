package ru.dozvon.web;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import ru.dozvon.errors.InvalidInput;

/**
 * Refuses text that PostgreSQL cannot keep as it came, before anything is stored: the NUL character
 * U+0000 (refused in {@code text} and in {@code jsonb}, so the insert failed and the lead with it) and
 * unpaired UTF-16 surrogates (a JSON escape of a lone U+D800: not Unicode, it would be written as
 * {@code ?} and the original lost); also numbers too large for a double, which would be stored as the
 * string {@code "Infinity"}. Every string of a JSON document is checked, keys of
 * nested objects too, and the refusal names the value by its JSON path ({@code fields.comment},
 * {@code tags[2]}).
 */
public final class StorableText {

  private StorableText() {
  }

  /** Walks a parsed JSON document once; the path of the root's members is their bare name. */
  public static void check(Object json) {
    walk(json, "");
  }

  /** Checks one string, e.g. a query parameter or a header, named {@code field} in the refusal. */
  public static void check(String value, String field) {
    String problem = problem(value);
    if (problem != null) {
      throw new InvalidInput(field, problem);
    }
  }

  private static void walk(Object value, String path) {
    if (value instanceof JsonObject o) {
      walkObject(o.getMap(), path);
    } else if (value instanceof Map<?, ?> m) {
      walkObject(m, path);
    } else if (value instanceof JsonArray a) {
      for (int i = 0; i < a.size(); i++) {
        walk(a.getValue(i), (path.isEmpty() ? "body" : path) + "[" + i + "]");
      }
    } else if (value instanceof Iterable<?> list) {
      int i = 0;
      for (Object item : list) {
        walk(item, (path.isEmpty() ? "body" : path) + "[" + i++ + "]");
      }
    } else if (value instanceof String s) {
      check(s, path.isEmpty() ? "body" : path);
    } else if (value instanceof Double d && d.isInfinite()) {
      // The parser reads 1e400 as Infinity, which would be stored as the string "Infinity".
      throw new InvalidInput(path.isEmpty() ? "body" : path, "is a number too large to store (beyond ±1.7e308)");
    }
  }

  private static void walkObject(Map<?, ?> members, String path) {
    for (Map.Entry<?, ?> e : members.entrySet()) {
      String key = String.valueOf(e.getKey());
      String at = path.isEmpty() ? visible(key) : path + "." + visible(key);
      String keyProblem = problem(key);
      if (keyProblem != null) {
        throw new InvalidInput(at, "the field name " + keyProblem);
      }
      walk(e.getValue(), at);
    }
  }

  /** What is wrong with the text, or null when PostgreSQL can store it unchanged. */
  static String problem(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\0') {
        return "must not contain the NUL character (\\u0000) at position " + i;
      }
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++; // a proper pair: one character outside the Basic Multilingual Plane (an emoji)
      } else if (Character.isSurrogate(c)) {
        return String.format("must be valid Unicode text: an unpaired surrogate (\\u%04X) at position %d", (int) c, i);
      }
    }
    return null;
  }

  /**
   * A field name as it can be shown in a refusal: the characters refused here written as JSON-style escapes,
   * so the answer itself stays valid text.
   */
  static String visible(String name) {
    if (problem(name) == null) {
      return name;
    }
    StringBuilder out = new StringBuilder(name.length() + 8);
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean pair = Character.isHighSurrogate(c) && i + 1 < name.length() && Character.isLowSurrogate(name.charAt(i + 1));
      if (pair) {
        out.append(c).append(name.charAt(++i));
      } else if (c == '\0' || Character.isSurrogate(c)) {
        out.append(String.format("\\u%04X", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
