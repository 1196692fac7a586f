package ru.dozvon.reports;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Stage-to-stage conversion of a cohort of deals: how many got at least as far as each stage.
 *
 * @param leads the cohort's size
 * @param stages each stage in order with the deals that reached it or went further
 * @param byStatus the cohort's deals by status now (OPEN, WON, LOST, INVALID)
 */
public record FunnelReport(long leads, List<Row> stages, Map<String, Long> byStatus) {

  /**
   * @param share reached / leads (null with no lead)
   * @param conversionFromPrevious reached / reached of the previous stage (null for the first, or after 0)
   */
  public record Row(ReportSettings.StageInfo stage, long reached, Double share, Double conversionFromPrevious) {
  }

  /**
   * @param furthest deals by the 1-based position of the furthest stage they reached (0, or an unknown
   *     position: the deal never left the first stage)
   */
  public static FunnelReport of(List<ReportSettings.StageInfo> stages, Map<Integer, Long> furthest,
                                Map<String, Long> byStatus) {
    int n = stages.size();
    long[] atLeast = new long[n + 2];
    long leads = 0;
    for (Map.Entry<Integer, Long> e : furthest.entrySet()) {
      int pos = Math.max(1, Math.min(n, e.getKey()));
      atLeast[pos] += e.getValue();
      leads += e.getValue();
    }
    for (int i = n - 1; i >= 1; i--) {
      atLeast[i] += atLeast[i + 1];
    }
    List<Row> rows = new ArrayList<>(n);
    for (int i = 1; i <= n; i++) {
      long reached = atLeast[i];
      Double conv = i == 1 || atLeast[i - 1] == 0 ? null : (double) reached / atLeast[i - 1];
      rows.add(new Row(stages.get(i - 1), reached, leads == 0 ? null : (double) reached / leads, conv));
    }
    return new FunnelReport(leads, rows, Map.copyOf(byStatus));
  }
}
