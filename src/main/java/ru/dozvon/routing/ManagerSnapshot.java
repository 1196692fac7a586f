package ru.dozvon.routing;

import ru.dozvon.call.PhoneState;
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
 * @param phone their phone as the PBX last told it: unregistered, unavailable or in use takes no lead
 */
public record ManagerSnapshot(
    long id, String name, ManagerState state, boolean pbxPaused, int activeDeals, int maxActiveDeals,
    PhoneState phone) {

  /** The reason stored in a decision for a manager whose phone is not registered or not reachable. */
  public static final String PHONE_UNREGISTERED = "телефон не зарегистрирован";
  /** The reason stored in a decision for a manager whose phone is in a call. */
  public static final String PHONE_IN_USE = "телефон занят";

  /** A manager whose phone state is not known (no PBX, or not told yet): not held against them. */
  public ManagerSnapshot(long id, String name, ManagerState state, boolean pbxPaused, int activeDeals,
                         int maxActiveDeals) {
    this(id, name, state, pbxPaused, activeDeals, maxActiveDeals, PhoneState.UNKNOWN);
  }

  public ManagerSnapshot {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(phone, "phone");
    if (activeDeals < 0) {
      throw new IllegalArgumentException("activeDeals must be >= 0, was " + activeDeals);
    }
    if (maxActiveDeals < 0) {
      throw new IllegalArgumentException("maxActiveDeals must be >= 0, was " + maxActiveDeals);
    }
  }

  /** On shift, not paused in the panel nor on the PBX, a phone that can take a call, and under the load cap. */
  public boolean eligible() {
    return whyNotEligible() == null;
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
    if (phone == PhoneState.UNREGISTERED || phone == PhoneState.UNAVAILABLE) {
      return PHONE_UNREGISTERED;
    }
    if (phone == PhoneState.IN_USE) {
      return PHONE_IN_USE;
    }
    if (activeDeals >= maxActiveDeals) {
      return "at load cap";
    }
    return null;
  }

  /** The same manager with a different number of deals in work. */
  public ManagerSnapshot withActiveDeals(int deals) {
    return new ManagerSnapshot(id, name, state, pbxPaused, deals, maxActiveDeals, phone);
  }

  /** The same manager in a different shift state. */
  public ManagerSnapshot withState(ManagerState newState) {
    return new ManagerSnapshot(id, name, newState, pbxPaused, activeDeals, maxActiveDeals, phone);
  }
}
