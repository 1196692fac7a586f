package ru.dozvon.dialing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static ru.dozvon.dialing.Fixtures.at;
import static ru.dozvon.dialing.Fixtures.local;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CallingWindowTest {

  @ParameterizedTest(name = "{0} {1} open={3}")
  @CsvSource({
      // zone, local time, days, open
      "Europe/Moscow, 2026-03-03T11:00, MON-FRI, true",
      "Europe/Moscow, 2026-03-03T10:00, MON-FRI, true",
      "Europe/Moscow, 2026-03-03T09:59:59, MON-FRI, false",
      "Europe/Moscow, 2026-03-03T18:59:59, MON-FRI, true",
      "Europe/Moscow, 2026-03-03T19:00, MON-FRI, false",
      "Europe/Moscow, 2026-03-03T03:00, MON-FRI, false",
      "Europe/Moscow, 2026-03-07T12:00, MON-FRI, false",
      "Europe/Moscow, 2026-03-07T12:00, MON-SAT, true",
      "Europe/Moscow, 2026-03-08T12:00, 'MON,TUE,SAT', false",
      "Europe/Moscow, 2026-11-04T12:00, MON-FRI, false",
      "Europe/Moscow, 2026-11-05T12:00, MON-FRI, true",
      "Europe/Berlin, 2026-03-29T12:00, MON-SUN, true",
      "Europe/Berlin, 2026-10-25T10:00, MON-SUN, true",
      "Europe/Berlin, 2026-10-25T09:30, MON-SUN, false",
  })
  void isOpen(String zone, String localTime, String days, boolean open) {
    ZoneId z = ZoneId.of(zone);
    assertThat(Fixtures.window(z, days).isOpen(at(localTime, z))).isEqualTo(open);
  }

  @ParameterizedTest(name = "{0} from {1} -> {3}")
  @CsvSource({
      // zone, from (local), days, next opening (local)
      "Europe/Moscow, 2026-03-03T11:00, MON-FRI, 2026-03-03T11:00",
      "Europe/Moscow, 2026-03-03T03:00, MON-FRI, 2026-03-03T10:00",
      "Europe/Moscow, 2026-03-03T19:00, MON-FRI, 2026-03-04T10:00",
      "Europe/Moscow, 2026-03-06T18:30, MON-FRI, 2026-03-06T18:30",
      "Europe/Moscow, 2026-03-06T19:30, MON-FRI, 2026-03-09T10:00",
      "Europe/Moscow, 2026-03-07T10:30, MON-FRI, 2026-03-09T10:00",
      "Europe/Moscow, 2026-11-03T19:30, MON-FRI, 2026-11-05T10:00",
      "Europe/Moscow, 2026-11-04T00:00, MON-FRI, 2026-11-05T10:00",
      "Europe/Moscow, 2026-12-30T20:00, MON-FRI, 2027-01-11T10:00",
      "Europe/Moscow, 2026-03-06T20:00, 'MON,TUE,SAT', 2026-03-07T10:00",
      "Europe/Moscow, 2026-03-07T20:00, 'MON,TUE,SAT', 2026-03-09T10:00",
      "Europe/Moscow, 2026-03-04T09:00, 'MON,TUE,SAT', 2026-03-07T10:00",
      "Europe/Berlin, 2026-03-27T19:30, MON-FRI, 2026-03-30T10:00",
      "Europe/Berlin, 2026-03-28T19:30, MON-SUN, 2026-03-29T10:00",
      "Europe/Berlin, 2026-03-29T02:30, MON-SUN, 2026-03-29T10:00",
      "Europe/Berlin, 2026-10-24T22:00, MON-SUN, 2026-10-25T10:00",
      "Europe/Berlin, 2026-10-25T02:30, MON-SUN, 2026-10-25T10:00",
  })
  void nextOpening(String zone, String from, String days, String expected) {
    ZoneId z = ZoneId.of(zone);
    CallingWindow w = Fixtures.window(z, days);
    Instant opening = w.nextOpening(at(from, z));
    assertThat(local(opening, z)).isEqualTo(expected);
    assertThat(w.isOpen(opening)).isTrue();
    assertThat(opening).isAfterOrEqualTo(at(from, z));
  }

  @Test
  void openingAfterSpringForwardIsTenOClockSummerTimeNotWinterTime() {
    CallingWindow w = Fixtures.window(Fixtures.BERLIN, "MON-SUN");
    Instant saturday = w.nextOpening(at("2026-03-28T05:00", Fixtures.BERLIN));
    Instant sunday = w.nextOpening(at("2026-03-29T05:00", Fixtures.BERLIN));
    assertThat(saturday).isEqualTo(Instant.parse("2026-03-28T09:00:00Z"));
    assertThat(sunday).isEqualTo(Instant.parse("2026-03-29T08:00:00Z"));
    assertThat(Duration.between(saturday, sunday)).isEqualTo(Duration.ofHours(23));
  }

  @Test
  void openingAfterFallBackIsTenOClockWinterTime() {
    CallingWindow w = Fixtures.window(Fixtures.BERLIN, "MON-SUN");
    Instant sunday = w.nextOpening(at("2026-10-25T00:30", Fixtures.BERLIN));
    assertThat(sunday).isEqualTo(Instant.parse("2026-10-25T09:00:00Z"));
  }

  @Test
  void hoursInsideTheSpringGapOpenWhenTheLocalTimeFirstExists() {
    // 02:00-04:00 Berlin on 29 March 2026: 02:00-03:00 does not exist, the window opens at 03:00 CEST.
    CallingWindow w = new CallingWindow(Fixtures.BERLIN, LocalTime.of(2, 0), LocalTime.of(4, 0),
        Fixtures.allWeek(), Set.of());
    assertThat(w.nextOpening(at("2026-03-29T00:30", Fixtures.BERLIN)))
        .isEqualTo(Instant.parse("2026-03-29T01:00:00Z"));
    // 02:30-03:30 does not exist at all that night: next opening is Monday.
    CallingWindow vanished = new CallingWindow(Fixtures.BERLIN, LocalTime.of(2, 30), LocalTime.of(3, 30),
        Fixtures.allWeek(), Set.of());
    assertThat(local(vanished.nextOpening(at("2026-03-29T00:30", Fixtures.BERLIN)), Fixtures.BERLIN))
        .isEqualTo("2026-03-30T02:30");
  }

  @Test
  void hoursInsideTheAutumnOverlapAreOpenBothTimes() {
    CallingWindow w = new CallingWindow(Fixtures.BERLIN, LocalTime.of(2, 0), LocalTime.of(3, 0),
        Fixtures.allWeek(), Set.of());
    assertThat(w.isOpen(Instant.parse("2026-10-25T00:30:00Z"))).isTrue(); // 02:30 CEST
    assertThat(w.isOpen(Instant.parse("2026-10-25T01:30:00Z"))).isTrue(); // 02:30 CET
    assertThat(w.isOpen(Instant.parse("2026-10-25T02:00:00Z"))).isFalse(); // 03:00 CET
  }

  @Test
  void windowWhoseEveryDayIsAHolidayFailsClearly() {
    LocalDate start = LocalDate.of(2026, 1, 1);
    Set<LocalDate> all = Set.copyOf(start.datesUntil(start.plusYears(4)).toList());
    CallingWindow w = new CallingWindow(Fixtures.MOSCOW, LocalTime.of(10, 0), LocalTime.of(19, 0),
        EnumSet.allOf(DayOfWeek.class), all);
    assertThatThrownBy(() -> w.nextOpening(at("2026-01-01T12:00", Fixtures.MOSCOW)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("no opening");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "10:00-19:00, 10:00, 19:00",
      "09:30 - 18:00, 09:30, 18:00",
      "00:00-24:00, 00:00, 23:59:59.999999999",
      "8:00-17:00, 08:00, 17:00",
      "8-17, , ",
      "10:00-19:60, , ",
  })
  void parsesHours(String text, String opens, String closes) {
    if (opens == null) {
      assertThatThrownBy(() -> CallingWindow.Hours.parse(text)).hasMessageContaining("expected e.g. 10:00-19:00");
      return;
    }
    CallingWindow.Hours h = CallingWindow.Hours.parse(text);
    assertThat(h.opens()).isEqualTo(LocalTime.parse(opens));
    assertThat(h.closes()).isEqualTo(LocalTime.parse(closes));
  }

  @ParameterizedTest(name = "''{0}''")
  @CsvSource(value = {
      "10-19| is not calling hours",
      "19:00-10:00| closes before it opens",
      "10:00-10:00| closes before it opens",
      "10:00| is not calling hours",
      "10:00-19:00-20:00| is not calling hours",
      "ten-seven| is not calling hours",
      "| is not calling hours",
  }, delimiter = '|')
  void refusesBadHours(String text, String problem) {
    assertThatThrownBy(() -> CallingWindow.Hours.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("'" + (text == null ? "null" : text) + "'")
        .hasMessageContaining(problem)
        .hasMessageContaining("expected e.g. 10:00-19:00");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(value = {
      "MON-FRI| MONDAY,TUESDAY,WEDNESDAY,THURSDAY,FRIDAY",
      "mon-fri| MONDAY,TUESDAY,WEDNESDAY,THURSDAY,FRIDAY",
      "MON,TUE,SAT| MONDAY,TUESDAY,SATURDAY",
      "MON-WED, SAT| MONDAY,TUESDAY,WEDNESDAY,SATURDAY",
      "FRI-MON| FRIDAY,SATURDAY,SUNDAY,MONDAY",
      "SUN| SUNDAY",
      "MONDAY-FRIDAY| MONDAY,TUESDAY,WEDNESDAY,THURSDAY,FRIDAY",
      "MON-SUN| MONDAY,TUESDAY,WEDNESDAY,THURSDAY,FRIDAY,SATURDAY,SUNDAY",
  }, delimiter = '|')
  void parsesDays(String text, String expected) {
    Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
    for (String d : expected.split(",")) {
      days.add(DayOfWeek.valueOf(d.strip()));
    }
    assertThat(CallingWindow.parseDays(text)).isEqualTo(days);
  }

  @ParameterizedTest(name = "''{0}''")
  @CsvSource(value = {
      "MON-FRY| 'FRY' is not a day",
      "MO-FR| 'MO' is not a day",
      "MON,,FRI| '' is not a day",
      "MON-TUE-WED| is not calling days",
      "1-5| '1' is not a day",
      "| is not calling days",
  }, delimiter = '|')
  void refusesBadDays(String text, String problem) {
    assertThatThrownBy(() -> CallingWindow.parseDays(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(problem)
        .hasMessageContaining("expected e.g. MON-FRI or MON,TUE,SAT");
  }

  @Test
  void refusesAnEmptyOrInvertedWindow() {
    assertThatThrownBy(() -> new CallingWindow(Fixtures.MOSCOW, LocalTime.of(19, 0), LocalTime.of(10, 0),
        EnumSet.of(DayOfWeek.MONDAY), Set.of())).hasMessageContaining("open before they close");
    assertThatThrownBy(() -> new CallingWindow(Fixtures.MOSCOW, LocalTime.of(10, 0), LocalTime.of(19, 0),
        Set.of(), Set.of())).hasMessageContaining("days must not be empty");
  }

  @ParameterizedTest(name = "after {0} -> {1}")
  @CsvSource({
      "2026-03-03, 2026-03-04",
      "2026-03-06, 2026-03-09",
      "2026-11-03, 2026-11-05",
      "2026-12-30, 2027-01-11",
  })
  void nextCallingDay(String date, String expected) {
    assertThat(Fixtures.moscow().nextCallingDayAfter(LocalDate.parse(date))).isEqualTo(LocalDate.parse(expected));
  }
}
