package ru.dozvon.managers;

/**
 * Where a manager is in their working day, as the panel or the shift schedule says. Only ON_SHIFT
 * managers take new leads; new managers start OFF.
 *
 * <p>A plain enum with no dependencies: the pure router ({@code ru.dozvon.routing}) reads it too.
 */
public enum ManagerState {
  /** Working and able to take leads. */
  ON_SHIFT,
  /** On shift but on a break the manager took in the panel. */
  PAUSED,
  /** Not working: gets no new leads; deals already in work stay with them. */
  OFF
}
