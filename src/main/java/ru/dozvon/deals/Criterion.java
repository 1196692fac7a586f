package ru.dozvon.deals;

import java.util.Objects;

/**
 * One qualification criterion a manager scores 1 to 5 (fit to the ideal customer profile,
 * readiness to buy, real need, channel).
 *
 * @param code stable key in the score map ({@code icp_fit})
 * @param name what the manager sees («Соответствие портрету клиента»)
 */
public record Criterion(String code, String name) {

  /** Lowest points for a criterion. */
  public static final int MIN_POINTS = 1;
  /** Highest points for a criterion. */
  public static final int MAX_POINTS = 5;

  public Criterion {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(name, "name");
  }
}
