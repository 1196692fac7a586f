package ru.dozvon.reports;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Callback attempts by ladder step and what came of them. */
public record LadderReport(List<Step> steps, Step outsideLadder) {

  /** Outcomes of an attempt, as {@code attempts.outcome} spells them. */
  public static final List<String> OUTCOMES = List.of("REACHED", "REACHED_CALL_LATER", "NO_ANSWER", "BUSY",
      "UNAVAILABLE", "FAILED");

  /**
   * One step (null: calls outside the ladder).
   *
   * @param byOutcome counts per {@link #OUTCOMES} entry
   */
  public record Step(Integer step, long attempts, Map<String, Long> byOutcome, long cancelled, long open) {

    public long withOutcome() {
      return byOutcome.values().stream().mapToLong(Long::longValue).sum();
    }

    /** (REACHED + REACHED_CALL_LATER) / attempts with an outcome; null with none. */
    public Double reachedShare() {
      long with = withOutcome();
      return with == 0 ? null
          : (double) (byOutcome.getOrDefault("REACHED", 0L) + byOutcome.getOrDefault("REACHED_CALL_LATER", 0L)) / with;
    }
  }

  /** One counted group of attempts: step (null outside the ladder), state, outcome (null), count. */
  public record Count(Integer step, String state, String outcome, long n) {
  }

  public static LadderReport of(List<Count> counts) {
    Map<Integer, List<Count>> bySteps = new TreeMap<>();
    List<Count> outside = new ArrayList<>();
    for (Count c : counts) {
      if (c.step() == null) {
        outside.add(c);
      } else {
        bySteps.computeIfAbsent(c.step(), k -> new ArrayList<>()).add(c);
      }
    }
    List<Step> steps = new ArrayList<>();
    bySteps.forEach((k, v) -> steps.add(step(k, v)));
    return new LadderReport(steps, step(null, outside));
  }

  private static Step step(Integer no, List<Count> counts) {
    Map<String, Long> by = new java.util.LinkedHashMap<>();
    OUTCOMES.forEach(o -> by.put(o, 0L));
    long all = 0;
    long cancelled = 0;
    long open = 0;
    for (Count c : counts) {
      all += c.n();
      if (c.outcome() != null && by.containsKey(c.outcome())) {
        by.merge(c.outcome(), c.n(), Long::sum);
      } else if ("CANCELLED".equals(c.state())) {
        cancelled += c.n();
      } else if (!"DONE".equals(c.state())) {
        open += c.n();
      }
    }
    return new Step(no, all, by, cancelled, open);
  }
}
