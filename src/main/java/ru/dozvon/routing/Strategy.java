package ru.dozvon.routing;

import java.util.Arrays;
import java.util.stream.Collectors;

/** How leads are split between eligible managers (DOMAIN.md section 4, seed 001). */
public enum Strategy {
  /** Equal split in a stable cycle by manager id. */
  ROUND_ROBIN("round_robin"),
  /** The manager with the fewest deals in work. */
  LEAST_LOADED("least_loaded"),
  /** Random, in proportion to the smoothed conversion rating. */
  CONVERSION("conversion"),
  /** Equal split, but managers proven to be below a conversion threshold get nothing. */
  MIN_CONVERSION("min_conversion"),
  /** Lead score percentile is mapped onto the managers ranked by rating. */
  BEST_TO_BEST("best_to_best");

  private final String configName;

  Strategy(String configName) {
    this.configName = configName;
  }

  /** The name used in config and in stored decisions. */
  public String configName() {
    return configName;
  }

  /** The strategy with this config name, or null. */
  public static Strategy byConfigName(String name) {
    for (Strategy s : values()) {
      if (s.configName.equals(name)) {
        return s;
      }
    }
    return null;
  }

  /** All config names, for error messages. */
  public static String allConfigNames() {
    return Arrays.stream(values()).map(Strategy::configName).collect(Collectors.joining(", "));
  }
}
