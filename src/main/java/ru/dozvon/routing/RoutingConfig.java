package ru.dozvon.routing;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Routing settings, the {@code routing} section of the application config.
 *
 * @param strategy strategy for sources without an override
 * @param perSource strategy overrides by lead source ({@code web_form: best_to_best})
 * @param ratingWindowDays rolling window of the conversion rating, in days
 * @param priorStrength k: how many deals' worth of the team average smooths each rating
 * @param minConversion min_conversion threshold on the smoothed rating (0..1)
 * @param minDecidedDeals decided deals in the window before min_conversion judges a manager
 * @param scoreWindow best_to_best: how many recent lead scores define a score's percentile
 */
public record RoutingConfig(
    Strategy strategy,
    Map<String, Strategy> perSource,
    int ratingWindowDays,
    double priorStrength,
    double minConversion,
    int minDecidedDeals,
    int scoreWindow) {

  /** Lead sources known to the domain (DOMAIN.md section 1); overrides for other names are refused. */
  public static final Set<String> KNOWN_SOURCES =
      Set.of("missed_call", "inbound_call", "web_form", "chat", "email", "messenger", "manual");

  public static final RoutingConfig DEFAULTS =
      new RoutingConfig(Strategy.CONVERSION, Map.of(), 90, 50.0, 0.01, 30, 1000);

  public RoutingConfig {
    Objects.requireNonNull(strategy, "strategy");
    perSource = Map.copyOf(perSource);
    for (String source : perSource.keySet()) {
      if (!KNOWN_SOURCES.contains(source)) {
        throw new IllegalArgumentException("unknown lead source '" + source + "'");
      }
    }
    require(ratingWindowDays >= 1, "ratingWindowDays must be >= 1");
    require(priorStrength >= 0 && Double.isFinite(priorStrength), "priorStrength must be >= 0");
    require(minConversion >= 0 && minConversion <= 1, "minConversion must be within 0..1");
    require(minDecidedDeals >= 0, "minDecidedDeals must be >= 0");
    require(scoreWindow >= 1, "scoreWindow must be >= 1");
  }

  /** The strategy for leads from this source. */
  public Strategy strategyFor(String source) {
    return perSource.getOrDefault(source, strategy);
  }

  /**
   * Reads the section as snakeyaml-engine loads it (the map under {@code routing:}); absent keys keep
   * their defaults, unknown keys are refused so a typo does not pass silently.
   *
   * @throws IllegalArgumentException naming the key path, the bad value and the expected form
   */
  public static RoutingConfig fromMap(Map<String, Object> section) {
    if (section == null) {
      return DEFAULTS;
    }
    ConfigNode root = new ConfigNode("routing", section);
    root.allowOnly("strategy", "perSource", "rating", "minConversion", "bestToBest");
    Strategy strategy = root.has("strategy") ? strategyAt(root, "strategy") : DEFAULTS.strategy;
    Map<String, Strategy> perSource = new LinkedHashMap<>();
    if (root.has("perSource")) {
      ConfigNode sources = root.section("perSource");
      for (String source : sources.keys()) {
        if (!KNOWN_SOURCES.contains(source)) {
          throw new IllegalArgumentException(sources.path(source) + ": '" + source
              + "' is not a lead source (expected one of " + String.join(", ", new TreeSet<>(KNOWN_SOURCES)) + ")");
        }
        perSource.put(source, strategyAt(sources, source));
      }
    }
    ConfigNode rating = root.has("rating") ? root.section("rating") : ConfigNode.empty("routing.rating");
    rating.allowOnly("windowDays", "priorStrength");
    ConfigNode min = root.has("minConversion") ? root.section("minConversion") : ConfigNode.empty("routing.minConversion");
    min.allowOnly("threshold", "minDecidedDeals");
    ConfigNode b2b = root.has("bestToBest") ? root.section("bestToBest") : ConfigNode.empty("routing.bestToBest");
    b2b.allowOnly("scoreWindow");
    return new RoutingConfig(
        strategy,
        perSource,
        rating.intAtLeast("windowDays", 1, DEFAULTS.ratingWindowDays, "a whole number of days >= 1, e.g. 90"),
        rating.number("priorStrength", 0, Double.MAX_VALUE, DEFAULTS.priorStrength,
            "a number of deals >= 0, e.g. 50"),
        min.number("threshold", 0, 1, DEFAULTS.minConversion, "a fraction within 0..1, e.g. 0.02"),
        min.intAtLeast("minDecidedDeals", 0, DEFAULTS.minDecidedDeals, "a whole number >= 0, e.g. 30"),
        b2b.intAtLeast("scoreWindow", 1, DEFAULTS.scoreWindow, "a whole number of leads >= 1, e.g. 1000"));
  }

  private static Strategy strategyAt(ConfigNode node, String key) {
    Object raw = node.raw(key);
    Strategy s = raw instanceof String text ? Strategy.byConfigName(text) : null;
    if (s == null) {
      throw new IllegalArgumentException(node.path(key) + ": " + ConfigNode.show(raw)
          + " is not a strategy (expected one of " + Strategy.allConfigNames() + ")");
    }
    return s;
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
