package ru.dozvon.routing;

import java.util.Objects;

/**
 * The lead goes to this manager.
 *
 * @param managerId the chosen manager
 * @param why the decision to store with the deal
 */
public record Assignment(long managerId, Decision why) implements RoutingResult {

  public Assignment {
    Objects.requireNonNull(why, "why");
  }
}
