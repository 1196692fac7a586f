package ru.dozvon.deals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SpeedToLeadTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "PT0S,       IDEAL",
      "PT4M59S,    IDEAL",
      "PT5M,       IDEAL",
      "PT20M,      IDEAL",
      "PT20M1S,    NORMAL",
      "PT1H,       NORMAL",
      "PT3H,       NORMAL",
      "PT3H0.001S, ACCEPTABLE",
      "PT3H1S,     ACCEPTABLE",
      "PT12H,      ACCEPTABLE",
      "PT12H1S,    BAD",
      "P2D,        BAD"})
  void bucketsIncludeTheirUpperEdge(Duration sinceArrival, SpeedToLead.Bucket bucket) {
    assertThat(SpeedToLead.bucket(sinceArrival)).isEqualTo(bucket);
  }

  @Test
  void negativeTimesAreRefused() {
    assertThatThrownBy(() -> SpeedToLead.bucket(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void histogramEdgesAreFiveAndTwentyMinutesThreeAndTwelveHours() {
    assertThat(SpeedToLead.histogramEdgesSeconds()).containsExactly(300, 1200, 10_800, 43_200);
    assertThat(SpeedToLead.histogramEdges()).containsExactlyElementsOf(SpeedToLead.HISTOGRAM_EDGES);
    // The array is a copy: a caller cannot change the edges the metrics class uses.
    SpeedToLead.histogramEdges()[0] = Duration.ZERO;
    assertThat(SpeedToLead.histogramEdges()[0]).isEqualTo(Duration.ofMinutes(5));
  }

  @ParameterizedTest(name = "arrived +{0}s, contact +{1}s -> {2}s")
  @CsvSource({"0, 0, 0", "0, 299, 299", "100, 40, 0", "0, 43201, 43201"})
  void timeFromArrivalToFirstContact(long arrived, long contact, long expected) {
    Instant t = Instant.parse("2025-03-03T09:00:00Z");

    assertThat(SpeedToLead.between(t.plusSeconds(arrived), t.plusSeconds(contact)))
        .isEqualTo(Duration.ofSeconds(expected));
  }
}
