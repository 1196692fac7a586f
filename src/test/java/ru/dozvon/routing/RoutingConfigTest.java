package ru.dozvon.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

class RoutingConfigTest {

  @SuppressWarnings("unchecked")
  private static Map<String, Object> section(String yaml) {
    Map<String, Object> root = (Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromString(yaml);
    return (Map<String, Object>) root.get("routing");
  }

  @Test
  void theShippedSectionIsTheDefault() throws IOException {
    String yaml = Files.readString(Path.of("config/application.yaml"));

    assertThat(RoutingConfig.fromMap(section(yaml))).isEqualTo(RoutingConfig.DEFAULTS);
  }

  @Test
  void readsEverySetting() {
    RoutingConfig c = RoutingConfig.fromMap(section("""
        routing:
          strategy: min_conversion
          perSource: {web_form: best_to_best, missed_call: round_robin}
          rating: {windowDays: 30, priorStrength: 12.5}
          minConversion: {threshold: 0.05, minDecidedDeals: 20}
          bestToBest: {scoreWindow: 200}
        """));

    assertThat(c).isEqualTo(new RoutingConfig(Strategy.MIN_CONVERSION,
        Map.of("web_form", Strategy.BEST_TO_BEST, "missed_call", Strategy.ROUND_ROBIN), 30, 12.5, 0.05, 20, 200));
    assertThat(c.strategyFor("web_form")).isEqualTo(Strategy.BEST_TO_BEST);
    assertThat(c.strategyFor("chat")).isEqualTo(Strategy.MIN_CONVERSION);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "strategy: least_loaded | LEAST_LOADED | 90 | 50.0",
      "rating: {windowDays: 7} | CONVERSION | 7 | 50.0",
      "rating: {priorStrength: 0} | CONVERSION | 90 | 0.0",
      "rating: {priorStrength: 3} | CONVERSION | 90 | 3.0",
      "perSource: | CONVERSION | 90 | 50.0",
  })
  void absentKeysKeepTheirDefaults(String line, Strategy strategy, int window, double k) {
    RoutingConfig c = RoutingConfig.fromMap(section("routing:\n  " + line + "\n"));

    assertThat(c.strategy()).isEqualTo(strategy);
    assertThat(c.ratingWindowDays()).isEqualTo(window);
    assertThat(c.priorStrength()).isEqualTo(k);
    assertThat(c.minDecidedDeals()).isEqualTo(RoutingConfig.DEFAULTS.minDecidedDeals());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "strategy: fastest | routing.strategy: 'fastest' is not a strategy (expected one of round_robin, least_loaded, "
          + "conversion, min_conversion, best_to_best)",
      "strategy: 3 | routing.strategy: 3 is not a strategy",
      "perSource: {fax: conversion} | routing.perSource.fax: 'fax' is not a lead source (expected one of chat, email,",
      "perSource: {chat: random} | routing.perSource.chat: 'random' is not a strategy",
      "perSource: [chat] | routing.perSource: [chat] is not a mapping",
      "rating: {windowDays: 0} | routing.rating.windowDays: 0 is not a whole number of days >= 1, e.g. 90",
      "rating: {windowDays: 90d} | routing.rating.windowDays: '90d' is not a whole number of days >= 1",
      "rating: {windowDays: 1.5} | routing.rating.windowDays: 1.5 is not a whole number of days",
      "rating: {priorStrength: -1} | routing.rating.priorStrength: -1 is not a number of deals >= 0",
      "rating: {priorStrength: .nan} | routing.rating.priorStrength: NaN is not a number of deals >= 0",
      "rating: {window: 90} | routing.rating.window: unknown key (expected one of windowDays, priorStrength)",
      "minConversion: {threshold: 2} | routing.minConversion.threshold: 2 is not a fraction within 0..1",
      "minConversion: {threshold: '5%'} | routing.minConversion.threshold: '5%' is not a fraction within 0..1",
      "minConversion: {minDecidedDeals: -3} | routing.minConversion.minDecidedDeals: -3 is not a whole number >= 0",
      "bestToBest: {scoreWindow: 0} | routing.bestToBest.scoreWindow: 0 is not a whole number of leads >= 1",
      "bestToBest: 5 | routing.bestToBest: 5 is not a mapping",
      "strategyy: conversion | routing.strategyy: unknown key (expected one of strategy, perSource, rating,",
  })
  void badValuesAreNamedWithTheirPathAndTheExpectedForm(String line, String message) {
    assertThatThrownBy(() -> RoutingConfig.fromMap(section("routing:\n  " + line + "\n")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(message);
  }

  @Test
  void aMissingSectionMeansDefaults() {
    assertThat(RoutingConfig.fromMap(null)).isEqualTo(RoutingConfig.DEFAULTS);
  }
}
