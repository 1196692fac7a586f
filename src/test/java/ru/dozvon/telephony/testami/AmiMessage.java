package ru.dozvon.telephony.testami;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One AMI packet as the test server received it: header names lower-cased (Asterisk-Java sends them
 * lower-case, Asterisk itself treats them case-insensitively), values exactly as sent; a header sent several times
 * keeps every value, joined by a line feed ({@link #getAll}).
 */
public record AmiMessage(Map<String, String> headers) {

  public AmiMessage {
    headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
  }

  /** The value of a header, any case, or null. */
  public String get(String name) {
    return headers.get(name.toLowerCase(Locale.ROOT));
  }

  public String action() {
    return get("action");
  }

  /** Every value of a header sent more than once ({@code Variable: A=1}, {@code Variable: B=2}), in order. */
  public java.util.List<String> getAll(String name) {
    String v = get(name);
    return v == null ? java.util.List.of() : java.util.List.of(v.split("\n", -1));
  }

  public String actionId() {
    return get("actionid");
  }

  /** True when this is the named action (AMI action names are case-insensitive). */
  public boolean is(String action) {
    return action.equalsIgnoreCase(action());
  }
}
