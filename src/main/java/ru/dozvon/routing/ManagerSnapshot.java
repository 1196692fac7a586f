package ru.dozvon.routing;

import ru.dozvon.managers.ManagerState;
import java.util.Objects;

/**
 * A manager as the router sees them at the moment of one decision.
 *
 * @param id manager id
 * @param name display name, used in decision reasons
 * @param state shift state from the panel
 * @param pbxPaused the PBX reports the manager's queue member as paused (a pause taken on the phone)
 * @param activeDeals deals currently in work with this manager
 * @param maxActiveDeals load cap: the manager gets no new lead once {@code activeDeals} reaches it
 */
public record ManagerSnapshot(
    long id, String name, ManagerState state, boolean pbxPaused, int activeDeals, int maxActiveDeals) {

  public ManagerSnapshot {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(state, "state");
    if (activeDeals < 0) {
      throw new IllegalArgumentException("activeDeals must be >= 0, was " + activeDeals);
    }
    if (maxActiveDeals < 0) {
      throw new IllegalArgumentException("maxActiveDeals must be >= 0, was " + maxActiveDeals);
    }
  }

  /** On shift, not paused in the panel nor on the PBX, and under the load cap. */
  public boolean eligible() {
    return state == ManagerState.ON_SHIFT && !pbxPaused && activeDeals < maxActiveDeals;
  }

  /** Why this manager cannot take a lead now, or {@code null} when they can. */
  public String whyNotEligible() {
    if (state == ManagerState.OFF) {
      return "off shift";
    }
    if (state == ManagerState.PAUSED) {
      return "paused";
    }
    if (pbxPaused) {
      return "paused on PBX";
    }
    if (activeDeals >= maxActiveDeals) {
      return "at load cap";
    }
    return null;
  }

  /** The same manager with a different number of deals in work. */
  public ManagerSnapshot withActiveDeals(int deals) {
    return new ManagerSnapshot(id, name, state, pbxPaused, deals, maxActiveDeals);
  }

  /** The same manager in a different shift state. */
  public ManagerSnapshot withState(ManagerState newState) {
    return new ManagerSnapshot(id, name, newState, pbxPaused, activeDeals, maxActiveDeals);
  }
}
