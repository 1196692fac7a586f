package ru.dozvon.telephony;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BackoffTest {

  @ParameterizedTest
  @CsvSource({
      // min ms, max ms, failures, expected ms
      "1000, 60000,  0,  1000",
      "1000, 60000,  1,  2000",
      "1000, 60000,  2,  4000",
      "1000, 60000,  5, 32000",
      "1000, 60000,  6, 60000",
      "1000, 60000, 40, 60000",
      "1000, 60000, 1000000, 60000",
      "1000, 60000, -3,  1000",
      "50,   400,    3,   400",
      "50,   400,    2,   200",
      "500,  500,    9,   500",
      "60000, 3600000, 31, 3600000",
  })
  void delayDoublesUpToTheCap(long min, long max, int failures, long expected) {
    Backoff b = new Backoff(Duration.ofMillis(min), Duration.ofMillis(max));
    assertThat(b.delay(failures)).isEqualTo(Duration.ofMillis(expected));
  }

  @ParameterizedTest
  @CsvSource({"0, 100", "200, 100", "-5, 100"})
  void nonsenseBoundsAreRefused(long min, long max) {
    assertThatThrownBy(() -> new Backoff(Duration.ofMillis(min), Duration.ofMillis(max)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
