package ru.dozvon.routing;

import java.util.List;
import java.util.Objects;

/**
 * Why a lead went where it went; stored on the deal and shown to supervisors.
 *
 * @param strategy the strategy in force for the lead's source
 * @param returningCustomer the lead went back to the customer's previous manager, not through the strategy
 * @param candidates the eligible managers weighed, with their rating and load
 * @param reason a sentence for people, e.g. "conversion: chose Ivanova (rating 0.31, 4/10 deals) with
 *     weight 0.31 among 3 eligible"
 */
public record Decision(Strategy strategy, boolean returningCustomer, List<Candidate> candidates, String reason) {

  public Decision {
    Objects.requireNonNull(strategy, "strategy");
    Objects.requireNonNull(reason, "reason");
    candidates = List.copyOf(candidates);
  }
}
