package ru.dozvon.routing;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Managers' conversion over a rolling window, smoothed toward the team average.
 *
 * <p>rating = (won + k * teamAverage) / (won + lost + k): a Beta prior worth {@code k} deals at the team's
 * conversion. A new manager with two deals therefore sits close to the team average (neither starved nor
 * flooded), and their own record takes over as deals are decided.
 *
 * <p>Kept incrementally: every win or loss goes into a per-day bucket and into running totals per manager
 * and for the team; as the clock passes midnight (UTC) the buckets that left the window are subtracted.
 * Reading a rating is a map look-up, never a scan of history. The window is the last {@code windowDays}
 * UTC calendar days including today; an event leaves it at the UTC midnight {@code windowDays} days after
 * its own day. At start-up, replay the window's closed deals through {@link #recordWin}/{@link #recordLoss}.
 *
 * <p>Not thread-safe: confine it to the thread (verticle) that routes.
 */
public final class ConversionRating {

  private static final long SECONDS_PER_DAY = 86_400L;

  private final Clock clock;
  private final int windowDays;
  private final double priorStrength;
  /** epoch day -> manager id -> {won, lost} recorded for that day. */
  private final TreeMap<Long, Map<Long, int[]>> buckets = new TreeMap<>();
  /** manager id -> {won, lost} over the window. */
  private final Map<Long, int[]> totals = new HashMap<>();
  private long teamWon;
  private long teamLost;
  private long today = Long.MIN_VALUE;

  /**
   * @param clock the time source; the window moves with it
   * @param windowDays length of the rolling window in days (at least 1)
   * @param priorStrength k, the weight of the team average in deals (0 = no smoothing)
   */
  public ConversionRating(Clock clock, int windowDays, double priorStrength) {
    this.clock = Objects.requireNonNull(clock, "clock");
    if (windowDays < 1) {
      throw new IllegalArgumentException("windowDays must be >= 1, was " + windowDays);
    }
    if (!(priorStrength >= 0) || Double.isInfinite(priorStrength)) {
      throw new IllegalArgumentException("priorStrength must be a finite number >= 0, was " + priorStrength);
    }
    this.windowDays = windowDays;
    this.priorStrength = priorStrength;
  }

  /** Ratings as configured in {@code routing.rating}. */
  public static ConversionRating of(Clock clock, RoutingConfig config) {
    return new ConversionRating(clock, config.ratingWindowDays(), config.priorStrength());
  }

  /**
   * Records a deal won by the manager at the given time.
   *
   * @return false when the time is already outside the window (the event is ignored)
   */
  public boolean recordWin(long managerId, Instant at) {
    return record(managerId, at, 0);
  }

  /**
   * Records a deal lost by the manager at the given time.
   *
   * @return false when the time is already outside the window (the event is ignored)
   */
  public boolean recordLoss(long managerId, Instant at) {
    return record(managerId, at, 1);
  }

  /** The manager's rating now; a manager with no decided deals gets the team average. */
  public ManagerRating rating(long managerId) {
    expire();
    return ratingAsOfLastExpiry(managerId, teamAverageNow());
  }

  /**
   * Brings the window up to the clock once, so that a decision weighing hundreds of managers reads the clock
   * once and not per manager; returns the team average to pass to {@link #ratingAsOfLastExpiry}.
   */
  double refresh() {
    expire();
    return teamAverageNow();
  }

  /** A rating as of the last {@link #refresh()}, without reading the clock. */
  ManagerRating ratingAsOfLastExpiry(long managerId, double avg) {
    int[] t = totals.get(managerId);
    int won = t == null ? 0 : t[0];
    int lost = t == null ? 0 : t[1];
    double denominator = won + lost + priorStrength;
    double value = denominator == 0 ? avg : (won + priorStrength * avg) / denominator;
    return new ManagerRating(managerId, won, lost, value);
  }

  /** The team's won / (won + lost) over the window; 0 until the team has a decided deal. */
  public double teamAverage() {
    expire();
    return teamAverageNow();
  }

  /** Deals decided by the whole team in the window. */
  public long teamDecided() {
    expire();
    return teamWon + teamLost;
  }

  /**
   * Forgets every recorded deal, so that the window can be replayed from the database (the periodic
   * rebuild that brings instances back in line with each other).
   */
  public void clear() {
    buckets.clear();
    totals.clear();
    teamWon = 0;
    teamLost = 0;
  }

  public int windowDays() {
    return windowDays;
  }

  public double priorStrength() {
    return priorStrength;
  }

  private double teamAverageNow() {
    long decided = teamWon + teamLost;
    return decided == 0 ? 0.0 : (double) teamWon / decided;
  }

  private boolean record(long managerId, Instant at, int slot) {
    Objects.requireNonNull(at, "at");
    expire();
    long day = Math.floorDiv(at.getEpochSecond(), SECONDS_PER_DAY);
    if (day < firstDayInWindow()) {
      return false;
    }
    buckets.computeIfAbsent(day, d -> new HashMap<>()).computeIfAbsent(managerId, id -> new int[2])[slot]++;
    totals.computeIfAbsent(managerId, id -> new int[2])[slot]++;
    if (slot == 0) {
      teamWon++;
    } else {
      teamLost++;
    }
    return true;
  }

  private long firstDayInWindow() {
    return today - windowDays + 1;
  }

  /** Drops the buckets that left the window; does nothing until the day changes. */
  private void expire() {
    long now = Math.floorDiv(clock.instant().getEpochSecond(), SECONDS_PER_DAY);
    if (now <= today) {
      return; // a clock stepping back does not bring expired buckets back; they are gone
    }
    today = now;
    long first = firstDayInWindow();
    Iterator<Map.Entry<Long, Map<Long, int[]>>> it = buckets.headMap(first, false).entrySet().iterator();
    while (it.hasNext()) {
      for (Map.Entry<Long, int[]> e : it.next().getValue().entrySet()) {
        int[] t = totals.get(e.getKey());
        t[0] -= e.getValue()[0];
        t[1] -= e.getValue()[1];
        teamWon -= e.getValue()[0];
        teamLost -= e.getValue()[1];
        if (t[0] == 0 && t[1] == 0) {
          totals.remove(e.getKey());
        }
      }
      it.remove();
    }
  }
}
