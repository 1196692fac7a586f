package ru.dozvon.routing;

import java.util.Map;
import java.util.TreeMap;

/**
 * The distribution of the last N lead scores, so a score can be placed as a percentile of the recent stream.
 * A ring buffer keeps the order of arrival for eviction; a sorted count per score value answers "how many
 * below" in O(distinct scores), which is small (scores are sums of a few 1-5 criteria).
 */
final class ScorePercentiles {

  private final int[] ring;
  private final TreeMap<Integer, int[]> counts = new TreeMap<>();
  private int size;
  private int next;

  ScorePercentiles(int capacity) {
    ring = new int[capacity];
  }

  void observe(int score) {
    if (size == ring.length) {
      int old = ring[next];
      int[] c = counts.get(old);
      if (--c[0] == 0) {
        counts.remove(old);
      }
    } else {
      size++;
    }
    ring[next] = score;
    next = (next + 1) % ring.length;
    counts.computeIfAbsent(score, s -> new int[1])[0]++;
  }

  int size() {
    return size;
  }

  /**
   * The share of recent leads scoring below {@code score} ({@code [0]}) and at most {@code score}
   * ({@code [1]}); the lead's percentile lies between the two. Call after observing the score itself.
   */
  double[] interval(int score) {
    if (size == 0) {
      return new double[] {0, 1};
    }
    long below = 0;
    for (Map.Entry<Integer, int[]> e : counts.headMap(score, false).entrySet()) {
      below += e.getValue()[0];
    }
    int[] equal = counts.get(score);
    long atMost = below + (equal == null ? 0 : equal[0]);
    return new double[] {(double) below / size, (double) atMost / size};
  }
}
