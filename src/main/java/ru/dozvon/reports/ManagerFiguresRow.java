package ru.dozvon.reports;

/**
 * One manager's figures over a period (docs/REPORTS.md, "managers").
 *
 * @param stlMedianSeconds median speed-to-lead over the leads reached (null: none reached)
 * @param averageDealCycleSeconds mean of close minus arrival over the deals won in the period (null: none)
 */
public record ManagerFiguresRow(long id, String name, String extension, boolean active, long leads, long reached,
                                Double stlMedianSeconds, Double stlP90Seconds, long won, long lost,
                                Double averageDealCycleSeconds, long calls, long talkSeconds) {

  public Double reachedShare() {
    return leads == 0 ? null : (double) reached / leads;
  }

  /** won / (won + lost); null with neither. */
  public Double conversion() {
    return won + lost == 0 ? null : (double) won / (won + lost);
  }
}
