package ru.dozvon.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Deadlines in working time (DOMAIN 7): 10:00-19:00 MON-FRI, Moscow, 4 Nov and the New Year days off. */
class WorkingTimeTest {

  static final ZoneId MSK = ZoneId.of("Europe/Moscow");
  static final WorkingTime MOSCOW = new WorkingTime(MSK, LocalTime.of(10, 0), LocalTime.of(19, 0),
      EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY),
      Set.of(LocalDate.parse("2026-11-04"), LocalDate.parse("2026-12-31"), LocalDate.parse("2027-01-01"),
          LocalDate.parse("2027-01-04"), LocalDate.parse("2027-01-05"), LocalDate.parse("2027-01-06"),
          LocalDate.parse("2027-01-07"), LocalDate.parse("2027-01-08")));

  @ParameterizedTest(name = "{0}: {1} + {2} = {3}")
  @CsvSource(delimiter = '|', textBlock = """
      30 min at 18:50 Friday: Monday 10:20   | 2026-11-27T18:50 | 30m | 2026-11-30T10:20
      4 h at 17:00 Tuesday: Wednesday 12:00  | 2026-11-24T17:00 | 4h  | 2026-11-25T12:00
      30 min inside the day                  | 2026-11-24T11:00 | 30m | 2026-11-24T11:30
      30 min at night: from the opening      | 2026-11-24T03:00 | 30m | 2026-11-24T10:30
      30 min on Saturday: Monday 10:30       | 2026-11-28T12:00 | 30m | 2026-11-30T10:30
      4 h ending at the closing minute       | 2026-11-24T15:00 | 4h  | 2026-11-24T19:00
      4 h on the eve of 4 Nov: Thursday      | 2026-11-03T17:00 | 4h  | 2026-11-05T12:00
      9 h: one whole working day             | 2026-11-24T10:00 | 9h  | 2026-11-24T19:00
      12 h: into the next day                | 2026-11-24T12:00 | 12h | 2026-11-25T15:00
      1 day on Tuesday: Wednesday same time  | 2026-11-24T17:00 | 1d  | 2026-11-25T17:00
      1 day on Friday: Monday                | 2026-11-27T15:00 | 1d  | 2026-11-30T15:00
      1 day on the eve of 4 Nov: Thursday    | 2026-11-03T15:00 | 1d  | 2026-11-05T15:00
      1 day on Friday night: Tuesday opening | 2026-11-27T20:00 | 1d  | 2026-12-01T10:00
      2 days on Thursday: Monday             | 2026-11-26T11:00 | 2d  | 2026-11-30T11:00
      1 day on 30 Dec: after New Year        | 2026-12-30T12:00 | 1d  | 2027-01-11T12:00
      1 week: the same weekday               | 2026-11-24T11:00 | 7d  | 2026-12-01T11:00
      2 weeks: the same weekday              | 2026-11-27T18:00 | 14d | 2026-12-11T18:00
      1 week onto a holiday: the next day    | 2026-10-28T11:00 | 7d  | 2026-11-05T10:00
      1 day 2 h: a working day, then hours   | 2026-11-24T18:00 | 1d2h | 2026-11-26T11:00
      nothing: the next working moment       | 2026-11-28T12:00 | 0   | 2026-11-30T10:00
      """)
  void deadlines(String name, String start, String within, String due) {
    Instant from = LocalDateTime.parse(start).atZone(MSK).toInstant();
    Instant expected = LocalDateTime.parse(due).atZone(MSK).toInstant();
    assertThat(MOSCOW.plus(from, Durations.parse(within))).isEqualTo(expected);
  }

  @ParameterizedTest(name = "round the clock: {0} + {1}")
  @CsvSource(delimiter = '|', textBlock = """
      2026-11-27T18:50:00Z | 30m
      2026-11-28T03:00:00Z | 1d
      """)
  void roundTheClockIsElapsedTime(String start, String within) {
    Instant from = Instant.parse(start);
    Duration d = Durations.parse(within);
    assertThat(WorkingTime.ALWAYS.plus(from, d)).isEqualTo(from.plus(d));
  }
}
