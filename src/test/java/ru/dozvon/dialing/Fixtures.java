package ru.dozvon.dialing;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import ru.dozvon.phone.PhoneNumber;
import ru.dozvon.phone.PhoneNumbers;

/** Shared test data: zones, numbers, windows and a local-time shorthand. */
final class Fixtures {

  static final ZoneId MOSCOW = ZoneId.of("Europe/Moscow");
  static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  static final PhoneNumber MOBILE = PhoneNumbers.parse("+7 916 123-45-67");
  static final PhoneNumber LANDLINE = PhoneNumbers.parse("+7 495 123-45-67");
  /** A Berlin landline: the lead's zone is the Berlin company's own. */
  static final PhoneNumber BERLIN_LANDLINE = PhoneNumbers.parse("+49 30 12345678");
  /** A few Russian weekday holidays of 2026-2027 (a subset of config/application.yaml). */
  static final Set<LocalDate> HOLIDAYS = Set.copyOf(Stream.concat(
      Stream.of("2026-11-04", "2026-12-31").map(LocalDate::parse),
      LocalDate.parse("2027-01-01").datesUntil(LocalDate.parse("2027-01-09"))).toList());

  private Fixtures() {
  }

  /**
   * Seed 001's own limits (mobiles 3 a day, 2 hours apart): not the default any more (the ladder's 1-hour steps
   * win), kept for the tests that show how a larger gap stretches the ladder.
   */
  static final NumberLimits SEED_001 = new NumberLimits(new NumberLimits.Limit(3, java.time.Duration.ofHours(2)),
      NumberLimits.Limit.NONE, new NumberLimits.Limit(3, java.time.Duration.ofHours(2)));

  static CallingWindow window(ZoneId zone, String days) {
    return new CallingWindow(zone, LocalTime.of(10, 0), LocalTime.of(19, 0),
        CallingWindow.parseDays(days), HOLIDAYS);
  }

  static CallingWindow moscow() {
    return window(MOSCOW, "MON-FRI");
  }

  static Instant at(String localDateTime, ZoneId zone) {
    return LocalDateTime.parse(localDateTime).atZone(zone).toInstant();
  }

  static String local(Instant t, ZoneId zone) {
    return t.atZone(zone).toLocalDateTime().toString();
  }

  static PhoneNumber number(String kind) {
    return switch (kind) {
      case "MOBILE" -> MOBILE;
      case "LANDLINE" -> LANDLINE;
      case "BERLIN_LANDLINE" -> BERLIN_LANDLINE;
      default -> throw new IllegalArgumentException(kind);
    };
  }

  static List<String> split(String pipeSeparated) {
    return pipeSeparated.isBlank() ? List.of() : Arrays.stream(pipeSeparated.split("\\|")).map(String::strip).toList();
  }

  static Set<DayOfWeek> allWeek() {
    return Set.of(DayOfWeek.values());
  }
}
