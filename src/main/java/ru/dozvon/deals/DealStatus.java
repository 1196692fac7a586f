package ru.dozvon.deals;

/** Where a deal stands overall: still worked, or closed one of three ways. */
public enum DealStatus {
  OPEN, WON, LOST, INVALID;

  public boolean isClosed() {
    return this != OPEN;
  }
}
