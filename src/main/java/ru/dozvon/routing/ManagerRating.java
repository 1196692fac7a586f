package ru.dozvon.routing;

/**
 * A manager's conversion over the rating window.
 *
 * @param managerId manager id
 * @param won deals won in the window
 * @param lost deals lost in the window
 * @param value smoothed rating {@code (won + k * teamAverage) / (won + lost + k)}
 */
public record ManagerRating(long managerId, int won, int lost, double value) {

  /** Deals decided (won or lost) in the window: how much evidence the rating rests on. */
  public int decided() {
    return won + lost;
  }
}
