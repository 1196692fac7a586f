package ru.dozvon.simpbx;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import ru.dozvon.time.Durations;

/**
 * The {@code demo} section: demo mode ({@code --demo}, {@code DOZVON_DEMO=true}) and its simulated PBX.
 *
 * @param enabled demo mode on: the simulated PBX is built in, demo operators are made, calls flow
 * @param rate inbound calls per second ({@code DOZVON_DEMO_RATE}; 0.2 = one every 5 s)
 * @param missedShare the share of them nobody answers ({@code DOZVON_DEMO_MISSED}), 0..1
 * @param operators the demo operators' extensions (their phones are registered on the simulated PBX)
 * @param shape the PBX's channels: pjsip, local or mixed
 * @param ring how long an operator's phone rings before an inbound call is missed (and the unit of a customer's ring)
 * @param talk how long an answered call lasts
 */
public record DemoSettings(boolean enabled, double rate, double missedShare, List<String> operators, Shape shape,
                           Duration ring, Duration talk) {

  public static final DemoSettings DEFAULT = new DemoSettings(false, 0.2, 0.4, List.of("101", "102"), Shape.PJSIP,
      Duration.ofSeconds(6), Duration.ofSeconds(10));
  private static final List<String> KEYS = List.of("enabled", "rate", "missed_share", "operators", "shape", "ring",
      "talk");

  public DemoSettings {
    operators = List.copyOf(operators);
  }

  /** Parses the section as snakeyaml-engine loads it; absent keys keep their defaults. */
  public static DemoSettings fromMap(Map<String, Object> section) {
    if (section == null || section.isEmpty()) {
      return DEFAULT;
    }
    for (String key : section.keySet()) {
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException("demo." + key + ": unknown key (expected one of "
            + String.join(", ", KEYS) + ")");
      }
    }
    boolean enabled = bool(section.get("enabled"), DEFAULT.enabled());
    double rate = number(section, "rate", DEFAULT.rate(), 0.001, 100, "calls per second, 0.001 to 100");
    double missed = number(section, "missed_share", DEFAULT.missedShare(), 0, 1, "a share from 0 to 1");
    List<String> operators = DEFAULT.operators();
    Object ops = section.get("operators");
    if (ops != null) {
      operators = new ArrayList<>();
      for (Object o : ops instanceof List<?> l ? l : List.of(String.valueOf(ops).split(","))) {
        String e = String.valueOf(o).strip();
        if (!e.matches("\\d{2,6}")) {
          throw new IllegalArgumentException("demo.operators: '" + e + "' is not an extension (2 to 6 digits)");
        }
        operators.add(e);
      }
      if (operators.isEmpty()) {
        throw new IllegalArgumentException("demo.operators: empty (expected a list of extensions, e.g. [101, 102])");
      }
    }
    Shape shape = DEFAULT.shape();
    if (section.get("shape") != null) {
      try {
        shape = Shape.parse(String.valueOf(section.get("shape")));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("demo.shape: " + e.getMessage());
      }
    }
    return new DemoSettings(enabled, rate, missed, operators, shape, duration(section, "ring", DEFAULT.ring()),
        duration(section, "talk", DEFAULT.talk()));
  }

  private static boolean bool(Object v, boolean dflt) {
    if (v == null) {
      return dflt;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    return switch (String.valueOf(v).strip().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on", "1" -> true;
      case "false", "no", "off", "0", "" -> false;
      default -> throw new IllegalArgumentException("demo.enabled: '" + v + "' is not true or false");
    };
  }

  private static double number(Map<String, Object> section, String key, double dflt, double min, double max,
                               String expected) {
    Object v = section.get(key);
    if (v == null || String.valueOf(v).isBlank()) {
      return dflt;
    }
    try {
      double d = Double.parseDouble(String.valueOf(v).strip());
      if (d >= min && d <= max) {
        return d;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new IllegalArgumentException("demo." + key + ": '" + v + "' is not " + expected);
  }

  private static Duration duration(Map<String, Object> section, String key, Duration dflt) {
    Object v = section.get(key);
    if (v == null) {
      return dflt;
    }
    try {
      Duration d = v instanceof Integer i ? Duration.ofSeconds(i) : Durations.parse(String.valueOf(v).strip());
      if (d.isNegative() || d.compareTo(Duration.ofMinutes(10)) > 0) {
        throw new IllegalArgumentException("out of range");
      }
      return d;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("demo." + key + ": '" + v + "' is not a duration from 0s to 10m ("
          + Durations.EXPECTED + ")");
    }
  }
}
