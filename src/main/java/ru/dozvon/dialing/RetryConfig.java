package ru.dozvon.dialing;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * The whole {@code retry} config section: the ladder, the calling window, the per-number limits,
 * the email variant and the scheduler's pace. Immutable; read once at start-up. See
 * {@code config/application.yaml}.
 */
public record RetryConfig(
    RetryPolicyConfig policy, CallingWindow window, NumberLimits limits, EmailOnlyConfig emailOnly,
    Scheduler scheduler) {

  /** How often the durable scheduler looks for due attempts, and how many it claims per statement. */
  public record Scheduler(Duration every, int batch) {
    public static final Scheduler DEFAULT = new Scheduler(Duration.ofMillis(250), 100);

    public Scheduler {
      if (every.toMillis() < 10 || every.compareTo(Duration.ofMinutes(1)) > 0) {
        throw new IllegalArgumentException("every: '" + every + "' is out of range (expected 10ms to 1m)");
      }
      if (batch < 1 || batch > 10_000) {
        throw new IllegalArgumentException("batch: " + batch + " is out of range (expected 1 to 10000)");
      }
    }
  }

  /** Every default: DOMAIN 3 as written. */
  public static final RetryConfig DEFAULT = new RetryConfig(
      RetryPolicyConfig.DEFAULT, CallingWindow.DEFAULT, NumberLimits.DEFAULT, EmailOnlyConfig.DEFAULT, Scheduler.DEFAULT);

  public RetryConfig {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(window, "window");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(emailOnly, "emailOnly");
    Objects.requireNonNull(scheduler, "scheduler");
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
