package ru.dozvon.deals;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * Qualification criteria and the score thresholds for the priority colour.
 *
 * @param criteria what is scored, 1 to 5 points each
 * @param redFrom a total of at least this is RED
 * @param yellowFrom a total of at least this (and below {@code redFrom}) is YELLOW; below is GREEN
 * @param unscored the colour of a deal nobody has scored yet
 */
public record QualificationConfig(List<Criterion> criteria, int redFrom, int yellowFrom,
    Priority unscored) {

  public QualificationConfig {
    criteria = List.copyOf(criteria);
    Objects.requireNonNull(unscored, "unscored");
    if (criteria.isEmpty()) {
      throw new IllegalArgumentException("funnel.qualification.criteria: empty (expected at least one criterion)");
    }
    var codes = new HashSet<String>();
    for (Criterion c : criteria) {
      if (!codes.add(c.code())) {
        throw new IllegalArgumentException("funnel.qualification.criteria: code '" + c.code()
            + "' appears twice (expected unique codes)");
      }
    }
    int min = criteria.size() * Criterion.MIN_POINTS;
    int max = criteria.size() * Criterion.MAX_POINTS;
    if (yellowFrom <= min || yellowFrom > max) {
      throw new IllegalArgumentException("funnel.qualification.priority.yellow_from: " + yellowFrom
          + " is out of range (expected " + (min + 1) + ".." + max + " for " + criteria.size()
          + " criteria, so that some totals stay green)");
    }
    if (redFrom <= yellowFrom || redFrom > max) {
      throw new IllegalArgumentException("funnel.qualification.priority.red_from: " + redFrom
          + " is out of range (expected " + (yellowFrom + 1) + ".." + max
          + ": above yellow_from and reachable)");
    }
  }
}
