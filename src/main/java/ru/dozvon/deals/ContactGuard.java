package ru.dozvon.deals;

import java.time.Duration;
import java.util.Objects;

/**
 * What must have happened before a deal may be closed with a "the customer went silent" reason
 * such as «не отвечает» (seed 003 §9.4-9.5): enough attempts to reach them, and enough time since
 * the last real contact.
 *
 * @param minAttempts at least this many contact attempts were made
 * @param minSilence at least this long since the last contact (or since the deal arrived, if never)
 */
public record ContactGuard(int minAttempts, Duration minSilence) {

  public ContactGuard {
    if (minAttempts < 0) {
      throw new IllegalArgumentException("minAttempts must be >= 0: " + minAttempts);
    }
    Objects.requireNonNull(minSilence, "minSilence");
    if (minSilence.isNegative()) {
      throw new IllegalArgumentException("minSilence must not be negative: " + minSilence);
    }
  }
}
