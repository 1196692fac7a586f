package ru.dozvon.reports;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Closed deals of one status by reason: every configured reason (also at 0), then any other found in the data. */
public record ReasonShares(long total, List<Row> reasons) {

  /** @param share count / total (null when total is 0) */
  public record Row(String code, String name, long count, Double share) {
  }

  /**
   * @param configured code -> name in the settings' order
   * @param counted code -> deals; a deal closed without a reason code is counted under {@code ""}
   */
  public static ReasonShares of(Map<String, String> configured, Map<String, Long> counted) {
    Map<String, Long> counts = new LinkedHashMap<>();
    configured.keySet().forEach(k -> counts.put(k, 0L));
    counted.forEach((k, v) -> counts.merge(k, v, Long::sum));
    long total = counts.values().stream().mapToLong(Long::longValue).sum();
    List<String> order = new ArrayList<>(counts.keySet());
    List<Row> rows = new ArrayList<>();
    for (String code : order) {
      long n = counts.get(code);
      rows.add(new Row(code, configured.getOrDefault(code, code.isEmpty() ? "без причины" : code), n,
          total == 0 ? null : (double) n / total));
    }
    // most first; ties keep the settings' order (the sort is stable)
    rows.sort(Comparator.comparingLong(Row::count).reversed());
    return new ReasonShares(total, rows);
  }
}
