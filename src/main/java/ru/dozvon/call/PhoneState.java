package ru.dozvon.call;

/**
 * What an operator's phone is doing, as the PBX reports it (device state, extension hint state and SIP
 * registration folded into one by {@code telephony.PhoneStates}). Stored on the manager
 * ({@code managers.phone_state}), shown on {@code /api/managers} and read by routing and the dialer.
 */
public enum PhoneState {
  /** Registered and idle: can ring now. */
  AVAILABLE,
  /** Ringing, not yet in a call. */
  RINGING,
  /** In a call (busy, on hold, or in a call while another rings). */
  IN_USE,
  /** Known to the PBX but not reachable (device UNAVAILABLE/INVALID, qualify failed). */
  UNAVAILABLE,
  /** The softphone is not registered (contact removed, peer unregistered). */
  UNREGISTERED,
  /** The PBX has said nothing about this phone yet (no PBX, no hint): not held against the operator. */
  UNKNOWN;

  /** Routing hands no lead to, and the dialer dials for no operator whose phone is in one of these states. */
  public boolean blocksLeads() {
    return this == UNREGISTERED || this == UNAVAILABLE || this == IN_USE;
  }

  /** Free for a call placed now: available, or nothing known against it. */
  public boolean idle() {
    return this == AVAILABLE || this == UNKNOWN;
  }
}
