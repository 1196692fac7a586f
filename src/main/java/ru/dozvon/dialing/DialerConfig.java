package ru.dozvon.dialing;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import ru.dozvon.time.Durations;

/**
 * The progressive dialer ({@code dialer} section of {@code config/application.yaml}).
 *
 * @param autoDial on for every manager ({@code DOZVON_AUTODIAL}); otherwise per manager ({@code managers.auto_dial})
 * @param wrapUp the pause after each call of an operator before the dialer rings them again
 * @param afterOperatorFailure the pause after the operator's phone did not take a call (unregistered, busy, not
 *     answered): an operator away from the phone is not rung every few seconds
 * @param every how often the dialer looks for due attempts it holds (it also looks at once when one comes due, a
 *     call ends, or a manager's state changes)
 */
public record DialerConfig(boolean autoDial, Duration wrapUp, Duration afterOperatorFailure, Duration every) {

  public static final DialerConfig DEFAULT = new DialerConfig(false, Duration.ofSeconds(15), Duration.ofSeconds(60),
      Duration.ofSeconds(1));

  public DialerConfig {
    if (wrapUp.isNegative() || wrapUp.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException("dialer.wrap_up: '" + Durations.describe(wrapUp)
          + "' is out of range (expected 0s to 1h)");
    }
    if (afterOperatorFailure.isNegative() || afterOperatorFailure.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException("dialer.after_operator_failure: '" + Durations.describe(afterOperatorFailure)
          + "' is out of range (expected 0s to 1h)");
    }
    if (every.toMillis() < 10 || every.compareTo(Duration.ofMinutes(1)) > 0) {
      throw new IllegalArgumentException("dialer.every: '" + every + "' is out of range (expected 10ms to 1m)");
    }
  }

  /** Parses the section as snakeyaml-engine loads it; absent keys keep their defaults. */
  public static DialerConfig fromMap(Map<String, Object> section) {
    if (section == null || section.isEmpty()) {
      return DEFAULT;
    }
    for (String key : section.keySet()) {
      if (!List.of("auto_dial", "wrap_up", "after_operator_failure", "every").contains(key)) {
        throw new IllegalArgumentException("dialer." + key
            + ": unknown key (expected one of auto_dial, wrap_up, after_operator_failure, every)");
      }
    }
    return new DialerConfig(
        bool(section.get("auto_dial"), DEFAULT.autoDial()),
        duration(section, "wrap_up", DEFAULT.wrapUp()),
        duration(section, "after_operator_failure", DEFAULT.afterOperatorFailure()),
        duration(section, "every", DEFAULT.every()));
  }

  private static boolean bool(Object v, boolean dflt) {
    if (v == null) {
      return dflt;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    String s = String.valueOf(v).strip().toLowerCase(java.util.Locale.ROOT);
    return switch (s) {
      case "true", "yes", "on", "1" -> true;
      case "false", "no", "off", "0", "" -> false;
      default -> throw new IllegalArgumentException("dialer.auto_dial: '" + v + "' is not true or false");
    };
  }

  private static Duration duration(Map<String, Object> section, String key, Duration dflt) {
    return Durations.setting(section, key, dflt, "dialer." + key, "15s, 1m");
  }

}
