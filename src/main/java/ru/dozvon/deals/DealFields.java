package ru.dozvon.deals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import ru.dozvon.errors.InvalidInput;

/**
 * The free-form fields of a deal (platform, niche, UTM tags, form fields) at the HTTP edge: checked
 * on the way in (flat, bounded, named field in every 400), and flattened to text for the funnel rules.
 */
public final class DealFields {

  public static final int MAX_FIELDS = 50;
  public static final int MAX_KEY = 64;
  public static final int MAX_VALUE = 2000;

  private DealFields() {
  }

  /**
   * Checks a submitted {@code fields} object: at most {@value #MAX_FIELDS} keys of letters, digits,
   * {@code _ . -}, each a string (up to {@value #MAX_VALUE} characters), number, boolean or null.
   * Nested objects are refused so that every original field stays one readable value.
   *
   * @param name the body field the object came in, for the 400 ({@code fields})
   */
  public static JsonObject check(Object raw, String name) {
    if (raw == null) {
      return new JsonObject();
    }
    if (!(raw instanceof JsonObject obj)) {
      throw new InvalidInput(name, "must be a JSON object of field names to values");
    }
    if (obj.size() > MAX_FIELDS) {
      throw new InvalidInput(name, obj.size() + " fields, at most " + MAX_FIELDS + " allowed");
    }
    for (String key : obj.fieldNames()) {
      String at = name + "." + key;
      if (key.isEmpty() || key.length() > MAX_KEY || !key.matches("[A-Za-z0-9_.\\-]+")) {
        throw new InvalidInput(at, "field names are 1 to " + MAX_KEY + " letters, digits, _ . -");
      }
      Object v = obj.getValue(key);
      if (v instanceof JsonObject || v instanceof JsonArray) {
        throw new InvalidInput(at, "must be a string, number, boolean or null, not a nested value");
      }
      if (v instanceof String s && s.length() > MAX_VALUE) {
        throw new InvalidInput(at, "must be at most " + MAX_VALUE + " characters");
      }
    }
    return obj.copy();
  }

  /** The fields as the funnel sees them: text values; nulls left out (they count as empty). */
  public static Map<String, String> asText(JsonObject fields) {
    Map<String, String> out = new LinkedHashMap<>();
    if (fields == null) {
      return out;
    }
    for (String key : fields.fieldNames()) {
      Object v = fields.getValue(key);
      if (v != null) {
        out.put(key, v instanceof JsonObject o ? o.encode() : v instanceof JsonArray a ? a.encode() : v.toString());
      }
    }
    return out;
  }
}
