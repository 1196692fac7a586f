package ru.dozvon.reports;

import java.util.List;
import java.util.Map;

/**
 * What reports need to know of the funnel's settings, as plain values (the reports feature does not depend on
 * deals; App hands these over).
 *
 * @param stages the funnel's stages in order without the closing one (the won stage last among them)
 * @param lossReasons, winReasons, invalidReasons code -> name, in the settings' order
 */
public record ReportSettings(List<StageInfo> stages, Map<String, String> lossReasons, Map<String, String> winReasons,
                             Map<String, String> invalidReasons) {

  /** One stage of the funnel. */
  public record StageInfo(String code, String name, boolean won) {
  }

  public ReportSettings {
    stages = List.copyOf(stages);
    lossReasons = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(lossReasons));
    winReasons = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(winReasons));
    invalidReasons = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(invalidReasons));
  }

  public String[] stageCodes() {
    return stages.stream().map(StageInfo::code).toArray(String[]::new);
  }
}
