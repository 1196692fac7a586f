package ru.dozvon.deals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Speed-to-lead: time from a request's arrival to the first real contact (an answered call or a
 * reply). Buckets from seed 001; histogram edges for the {@code dozvon_speed_to_lead_seconds}
 * meter add 5 minutes, after seed 000's "9x more conversions within 5 minutes".
 */
public final class SpeedToLead {

  /** How good a first-contact time is. Each bucket includes its upper edge. */
  public enum Bucket {
    /** Up to 20 minutes. */
    IDEAL,
    /** Over 20 minutes, up to 3 hours. */
    NORMAL,
    /** Over 3 hours, up to 12 hours. */
    ACCEPTABLE,
    /** Over 12 hours. */
    BAD
  }

  public static final Duration FAST_MAX = Duration.ofMinutes(5);
  public static final Duration IDEAL_MAX = Duration.ofMinutes(20);
  public static final Duration NORMAL_MAX = Duration.ofHours(3);
  public static final Duration ACCEPTABLE_MAX = Duration.ofHours(12);

  /** Histogram bucket edges, ascending: 5 min, 20 min, 3 h, 12 h. */
  public static final List<Duration> HISTOGRAM_EDGES = List.of(FAST_MAX, IDEAL_MAX, NORMAL_MAX, ACCEPTABLE_MAX);

  private SpeedToLead() {
  }

  /** The edges as a fresh array, in the form Micrometer's {@code serviceLevelObjectives} takes. */
  public static Duration[] histogramEdges() {
    return HISTOGRAM_EDGES.toArray(Duration[]::new);
  }

  /** The edges in seconds, for a {@code DistributionSummary}. */
  public static double[] histogramEdgesSeconds() {
    return HISTOGRAM_EDGES.stream().mapToDouble(d -> d.toSeconds()).toArray();
  }

  /** The bucket a first-contact time falls in. */
  public static Bucket bucket(Duration sinceArrival) {
    Objects.requireNonNull(sinceArrival, "sinceArrival");
    if (sinceArrival.isNegative()) {
      throw new IllegalArgumentException("speed-to-lead cannot be negative: " + sinceArrival);
    }
    if (sinceArrival.compareTo(IDEAL_MAX) <= 0) {
      return Bucket.IDEAL;
    }
    if (sinceArrival.compareTo(NORMAL_MAX) <= 0) {
      return Bucket.NORMAL;
    }
    return sinceArrival.compareTo(ACCEPTABLE_MAX) <= 0 ? Bucket.ACCEPTABLE : Bucket.BAD;
  }

  /**
   * Time from arrival to first contact. A contact stamped a moment before the arrival (the call
   * event was recorded before the deal row) counts as zero, not as an error.
   */
  public static Duration between(Instant arrivedAt, Instant firstContactAt) {
    Duration d = Duration.between(arrivedAt, firstContactAt);
    return d.isNegative() ? Duration.ZERO : d;
  }
}
