package ru.dozvon.routing;

/** Where a manager is in their working day, as the panel or the shift schedule says. */
public enum ManagerState {
  /** Working and able to take leads. */
  ON_SHIFT,
  /** On shift but on a break the manager took in the panel. */
  PAUSED,
  /** Not working: gets no new leads; deals already in work stay with them. */
  OFF
}
