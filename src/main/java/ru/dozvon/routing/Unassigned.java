package ru.dozvon.routing;

import java.util.Objects;

/**
 * Nobody can take the lead now; it waits in the unassigned queue that supervisors see and is routed
 * again as soon as a manager becomes eligible.
 *
 * @param strategy the strategy in force for the lead's source
 * @param reason why nobody is eligible, e.g. "nobody eligible among 4 managers: 2 off shift, 2 at load cap"
 */
public record Unassigned(Strategy strategy, String reason) implements RoutingResult {

  public Unassigned {
    Objects.requireNonNull(strategy, "strategy");
    Objects.requireNonNull(reason, "reason");
  }
}
