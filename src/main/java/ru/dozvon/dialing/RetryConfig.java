package ru.dozvon.dialing;

import java.util.Map;
import java.util.Objects;

/**
 * The whole {@code retry} config section: the ladder, the calling window, the per-number limits and
 * the email variant. Immutable; read once at start-up. See {@code config/application.yaml}.
 */
public record RetryConfig(
    RetryPolicyConfig policy, CallingWindow window, NumberLimits limits, EmailOnlyConfig emailOnly) {

  /** Every default: DOMAIN 3 as written. */
  public static final RetryConfig DEFAULT = new RetryConfig(
      RetryPolicyConfig.DEFAULT, CallingWindow.DEFAULT, NumberLimits.DEFAULT, EmailOnlyConfig.DEFAULT);

  public RetryConfig {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(window, "window");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(emailOnly, "emailOnly");
  }

  /**
   * Parses the value of the {@code retry} key as snakeyaml-engine loads it; absent keys (or a null
   * section) take the defaults.
   *
   * @throws IllegalArgumentException naming the key path, the bad value and the expected form, e.g.
   *     {@code retry.steps[2].delay: '1x' is not a duration (expected e.g. 1h, 30m, 1d or PT1H)}
   */
  public static RetryConfig fromMap(Map<String, Object> section) {
    return RetryConfigParser.parse(section, "retry");
  }
}
