package ru.dozvon.model;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/** Where a run's time goes (per phase: count and total ms), for tuning the model test. */
public final class Timing {
  private static final Map<String, long[]> PHASES = new TreeMap<>();

  private Timing() {
  }

  public static synchronized void add(String phase, long nanos) {
    long[] c = PHASES.computeIfAbsent(phase, k -> new long[2]);
    c[0]++;
    c[1] += nanos;
  }

  public static <T> T time(String phase, Supplier<T> work) {
    long t0 = System.nanoTime();
    try {
      return work.get();
    } finally {
      add(phase, System.nanoTime() - t0);
    }
  }

  public static synchronized String summary() {
    StringBuilder out = new StringBuilder();
    PHASES.forEach((k, c) -> out.append(String.format("%-22s %6d x %8.1f ms = %8.0f ms%n", k, c[0],
        c[1] / 1e6 / Math.max(1, c[0]), c[1] / 1e6)));
    return out.toString();
  }
}
