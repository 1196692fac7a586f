package ru.dozvon.deals;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Lead qualification (DOMAIN.md section 2): every configured criterion scored 1 to 5, the total is
 * the lead's quality, and the total gives the priority colour unless a person set one by hand.
 */
public final class Qualification {

  /**
   * A complete, valid score.
   *
   * @param points points per criterion code, in the configured order
   * @param total the sum
   * @param max the highest total possible with these criteria
   */
  public record Score(Map<String, Integer> points, int total, int max) {
    public Score {
      points = Collections.unmodifiableMap(new LinkedHashMap<>(points));
    }
  }

  private final QualificationConfig config;

  public Qualification(QualificationConfig config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  public List<Criterion> criteria() {
    return config.criteria();
  }

  /**
   * Validates and sums a score. Every criterion must be scored: a partial total would rank a
   * half-qualified lead below a fully qualified weaker one.
   *
   * @throws InvalidScoreException naming the first unknown, missing or out-of-range criterion
   */
  public Score score(Map<String, Integer> points) {
    if (points == null) {
      throw new InvalidScoreException("score", "missing (expected points for " + codes() + ")");
    }
    for (String code : new TreeSet<>(points.keySet())) {
      if (config.criteria().stream().noneMatch(c -> c.code().equals(code))) {
        throw new InvalidScoreException("score." + code, "unknown criterion (expected one of " + codes() + ")");
      }
    }
    Map<String, Integer> ordered = new LinkedHashMap<>();
    int total = 0;
    for (Criterion c : config.criteria()) {
      Integer p = points.get(c.code());
      String expected = "expected " + Criterion.MIN_POINTS + ".." + Criterion.MAX_POINTS + " points";
      if (p == null) {
        throw new InvalidScoreException("score." + c.code(), "missing (" + expected + ")");
      }
      if (p < Criterion.MIN_POINTS || p > Criterion.MAX_POINTS) {
        throw new InvalidScoreException("score." + c.code(), p + " is out of range (" + expected + ")");
      }
      ordered.put(c.code(), p);
      total += p;
    }
    return new Score(ordered, total, config.criteria().size() * Criterion.MAX_POINTS);
  }

  /** The colour a total earns: RED from {@code redFrom}, YELLOW from {@code yellowFrom}, else GREEN. */
  public Priority priorityFor(int total) {
    if (total >= config.redFrom()) {
      return Priority.RED;
    }
    return total >= config.yellowFrom() ? Priority.YELLOW : Priority.GREEN;
  }

  /** A colour set by hand wins; else the score's colour; else the configured colour for unscored deals. */
  public Priority priority(Optional<Score> score, Optional<Priority> setByHand) {
    if (setByHand.isPresent()) {
      return setByHand.get();
    }
    return score.map(s -> priorityFor(s.total())).orElse(config.unscored());
  }

  private String codes() {
    return config.criteria().stream().map(Criterion::code).collect(Collectors.joining(", "));
  }
}
