package ru.dozvon.phone;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneId;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The lead's zone by number: one zone for a landline's area code, none for numbers that roam (mobiles). */
class NumberZonesTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "+7 423 222-33-44|Asia/Vladivostok",   // Vladivostok landline
      "+7 4012 53-00-00|Europe/Kaliningrad", // Kaliningrad landline
      "+7 495 123-45-67|Europe/Moscow",      // Moscow landline
      "+7 383 222-33-44|Asia/Novosibirsk",   // Novosibirsk landline
      "+7 916 123-45-67|",                   // a Russian mobile maps to every Russian zone: unknown
      "+375 17 222-33-44|Europe/Minsk",      // Belarus, one zone
      "8 800 555-35-35|",                    // toll-free: nowhere in particular
  })
  void zoneByNumber(String number, String zone) {
    assertThat(NumberZones.zoneOf(PhoneNumbers.parse(number)))
        .isEqualTo(zone == null ? Optional.empty() : Optional.of(ZoneId.of(zone)));
  }
}
