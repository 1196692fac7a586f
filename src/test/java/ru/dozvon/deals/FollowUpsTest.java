package ru.dozvon.deals;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import ru.dozvon.time.WorkingTime;

/** The follow-up cadences as pure rules (DOMAIN 7): the default settings, Moscow 10:00-19:00 MON-FRI, 4 Nov off. */
class FollowUpsTest {

  static final ZoneId MSK = ZoneId.of("Europe/Moscow");
  static final WorkingTime WORK = new WorkingTime(MSK, LocalTime.of(10, 0), LocalTime.of(19, 0),
      EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY), Set.of(LocalDate.parse("2026-11-04")));
  static final FollowUps RULES = FollowUps.DEFAULT;

  static Instant msk(String local) {
    return LocalDateTime.parse(local).atZone(MSK).toInstant();
  }

  @ParameterizedTest(name = "no answer at {0}: «Перезвонить» due {1}")
  @CsvSource(delimiter = '|', textBlock = """
      2026-11-24T11:00 | 2026-11-24T14:00
      2026-11-24T17:30 | 2026-11-25T11:30
      2026-11-27T18:00 | 2026-11-30T12:00
      2026-11-28T12:00 | 2026-11-30T13:00
      2026-11-03T18:30 | 2026-11-05T12:30
      """)
  void noAnswer(String at, String due) {
    FollowUps.Planned p = RULES.noAnswer(msk(at), WORK).orElseThrow();
    assertThat(p.spec().dueAt()).isEqualTo(msk(due));
    assertThat(p.spec().title()).isEqualTo("Перезвонить");
    assertThat(p.cadence()).isEqualTo(FollowUps.NO_ANSWER);
  }

  @ParameterizedTest(name = "thinking: previous {0}, now {1}: due {2}")
  @CsvSource(delimiter = '|', textBlock = """
      2026-11-24T11:00 | 2026-11-24T11:00 | 2026-12-01T11:00
      2026-11-27T18:30 | 2026-11-27T18:30 | 2026-12-04T18:30
      2026-10-28T15:00 | 2026-10-28T15:00 | 2026-11-05T10:00
      2026-11-24T11:00 | 2026-12-09T12:00 | 2026-12-15T11:00
      """)
  void thinkingWeekly(String previous, String now, String due) {
    FollowUps.Planned p = RULES.thinking(msk(previous), 2, msk(now), WORK).orElseThrow();
    assertThat(p.spec().dueAt()).isEqualTo(msk(due));
    assertThat(p.why()).startsWith("call 2: ");
  }

  @ParameterizedTest(name = "offer sent {0}, deadline {1}")
  @CsvSource(delimiter = '|', textBlock = """
      2026-11-24T12:00 |            | 2026-11-26T12:00 2026-12-01T12:00 2026-12-08T12:00
      2026-11-24T12:00 | 2026-12-14 | 2026-11-26T12:00 2026-12-01T12:00 2026-12-08T12:00 2026-12-11T10:00
      2026-11-24T12:00 | 2026-12-10 | 2026-11-26T12:00 2026-12-01T12:00 2026-12-08T12:00 2026-12-09T10:00
      2026-11-24T12:00 | 2026-11-24 | 2026-11-26T12:00 2026-12-01T12:00 2026-12-08T12:00
      2026-11-27T18:00 | 2026-11-30 | 2026-12-01T18:00 2026-12-04T18:00 2026-12-11T18:00
      2026-11-24T12:00 | 2026-11-26 | 2026-11-26T12:00 2026-12-01T12:00 2026-12-08T12:00 2026-11-25T10:00
      """)
  void offerSent(String at, String deadline, String dues) {
    List<Instant> expected = Arrays.stream(dues.split(" ")).map(FollowUpsTest::msk).toList();
    List<FollowUps.Planned> planned = RULES.offerSent(msk(at),
        Optional.ofNullable(deadline).map(LocalDate::parse), WORK);
    assertThat(planned.stream().map(p -> p.spec().dueAt()).toList()).isEqualTo(expected);
    assertThat(planned.stream().filter(p -> p.cadence().equals(FollowUps.CLIENT_DEADLINE)).count())
        .isEqualTo(expected.size() - 3L);
  }

  @ParameterizedTest(name = "last contact {0}, now {1}: cold {2}")
  @CsvSource(delimiter = '|', textBlock = """
      2026-09-01T12:00 | 2026-09-30T12:00 | false
      2026-09-01T12:00 | 2026-10-01T12:00 | true
      2026-09-01T12:00 | 2026-12-01T12:00 | true
      """)
  void cold(String last, String now, boolean cold) {
    assertThat(RULES.isCold(msk(last), msk(now))).isEqualTo(cold);
  }

  @ParameterizedTest(name = "a zero duration turns {0} off")
  @CsvSource({"noAnswer", "thinking", "cold"})
  void zeroTurnsOff(String which) {
    FollowUps off = new FollowUps(Duration.ZERO, Duration.ZERO, "offer_sent", List.of(), "client_deadline", Duration.ZERO);
    Instant now = msk("2026-11-24T12:00");
    switch (which) {
      case "noAnswer" -> assertThat(off.noAnswer(now, WORK)).isEmpty();
      case "thinking" -> assertThat(off.thinking(now, 1, now, WORK)).isEmpty();
      default -> assertThat(off.isCold(now.minus(Duration.ofDays(400)), now)).isFalse();
    }
  }
}
