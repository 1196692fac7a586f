package ru.dozvon.reports;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Map;

/**
 * Missed calls by weekday and hour of the day in the company's zone.
 *
 * @param cells {@code cells[w][h]}: weekday {@code w} (0 = Monday), hour {@code h} (0-23)
 */
public record Heatmap(long[][] cells, long total) {

  /** The width of the buckets the database counts in: every zone's offset is a whole number of them. */
  public static final int BUCKET_SECONDS = 900;

  /** From counts per bucket (the bucket's start in epoch seconds / {@link #BUCKET_SECONDS}). */
  public static Heatmap of(Map<Long, Long> perBucket, ZoneId zone) {
    long[][] cells = new long[7][24];
    long total = 0;
    for (Map.Entry<Long, Long> e : perBucket.entrySet()) {
      ZonedDateTime local = Instant.ofEpochSecond(e.getKey() * BUCKET_SECONDS).atZone(zone);
      cells[local.getDayOfWeek().getValue() - 1][local.getHour()] += e.getValue();
      total += e.getValue();
    }
    return new Heatmap(cells, total);
  }

  public long[] byWeekday() {
    long[] out = new long[7];
    for (int w = 0; w < 7; w++) {
      for (int h = 0; h < 24; h++) {
        out[w] += cells[w][h];
      }
    }
    return out;
  }

  public long[] byHour() {
    long[] out = new long[24];
    for (int w = 0; w < 7; w++) {
      for (int h = 0; h < 24; h++) {
        out[h] += cells[w][h];
      }
    }
    return out;
  }

  /** The fullest cell, the earliest in the week on a tie; null when there is none. */
  public Peak peak() {
    Peak best = null;
    for (int w = 0; w < 7; w++) {
      for (int h = 0; h < 24; h++) {
        if (cells[w][h] > 0 && (best == null || cells[w][h] > best.count())) {
          best = new Peak(DayOfWeek.of(w + 1), h, cells[w][h]);
        }
      }
    }
    return best;
  }

  public record Peak(DayOfWeek weekday, int hour, long count) {
  }
}
