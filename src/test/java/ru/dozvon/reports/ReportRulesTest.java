package ru.dozvon.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import ru.dozvon.errors.InvalidInput;

/** The pure rules of the reports, table by table. */
class ReportRulesTest {

  static final ZoneId MOSCOW = ZoneId.of("Europe/Moscow");
  static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  @Test
  void aPeriodRunsFromLocalMidnightToTheNextDaysMidnight() {
    ReportPeriod p = ReportPeriod.parse("2026-11-02", "2026-11-08", Instant.EPOCH, MOSCOW);
    assertThat(p.start()).isEqualTo(Instant.parse("2026-11-01T21:00:00Z"));
    assertThat(p.end()).isEqualTo(Instant.parse("2026-11-08T21:00:00Z"));
    // across the autumn clock change in Berlin the day of 25 October 2026 is 25 hours long
    ReportPeriod dst = ReportPeriod.parse("2026-10-25", "2026-10-25", Instant.EPOCH, BERLIN);
    assertThat(dst.start()).isEqualTo(Instant.parse("2026-10-24T22:00:00Z"));
    assertThat(dst.end()).isEqualTo(Instant.parse("2026-10-25T23:00:00Z"));
  }

  @Test
  void withoutDatesThePeriodIsTheThirtyDaysUpToToday() {
    // 2026-11-09 00:10 in Moscow is still the 8th in UTC
    ReportPeriod p = ReportPeriod.parse(null, " ", Instant.parse("2026-11-08T21:10:00Z"), MOSCOW);
    assertThat(p.to()).isEqualTo(LocalDate.of(2026, 11, 9));
    assertThat(p.from()).isEqualTo(LocalDate.of(2026, 10, 11));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "2026-1-01  | 2026-02-01 | from",
      "2026-02-29 | 2026-03-01 | from",
      "2026-01-01 | 01.02.2026 | to",
      "2026-03-02 | 2026-03-01 | to",
      "2025-01-01 | 2026-01-02 | to",
      "2026-01-01x | 2026-01-02 | from"})
  void badPeriodsNameTheirField(String from, String to, String field) {
    assertThatThrownBy(() -> ReportPeriod.parse(from, to, Instant.EPOCH, MOSCOW))
        .isInstanceOfSatisfying(InvalidInput.class, e -> assertThat(e.field()).isEqualTo(field));
  }

  @Test
  void aLeapYearIsTheLongestPeriod() {
    assertThat(ReportPeriod.parse("2028-01-01", "2028-12-31", Instant.EPOCH, MOSCOW).to()).isEqualTo("2028-12-31");
    assertThatThrownBy(() -> ReportPeriod.parse("2027-12-31", "2028-12-31", Instant.EPOCH, MOSCOW))
        .isInstanceOf(InvalidInput.class);
  }

  @Test
  void funnelCountsADealForEveryStageUpToItsFurthest() {
    var stages = List.of(new ReportSettings.StageInfo("a", "A", false), new ReportSettings.StageInfo("b", "B", false),
        new ReportSettings.StageInfo("c", "C", true));
    // 0: never left the first stage; 9: out of range, counted at the last
    FunnelReport f = FunnelReport.of(stages, Map.of(0, 2L, 1, 3L, 2, 4L, 3, 0L, 9, 1L), Map.of("OPEN", 10L));
    assertThat(f.leads()).isEqualTo(10);
    assertThat(f.stages().stream().map(FunnelReport.Row::reached)).containsExactly(10L, 5L, 1L);
    assertThat(f.stages().get(1).conversionFromPrevious()).isEqualTo(0.5);
    assertThat(f.stages().get(2).conversionFromPrevious()).isEqualTo(0.2);
    assertThat(f.stages().get(0).conversionFromPrevious()).isNull();
    FunnelReport empty = FunnelReport.of(stages, Map.of(), Map.of());
    assertThat(empty.stages().get(1).share()).isNull();
    assertThat(empty.stages().get(1).conversionFromPrevious()).isNull();
  }

  @Test
  void theHeatmapReadsBucketsInTheZonesOwnHoursAlsoHalfHourOnes() {
    long monday0930utc = Instant.parse("2026-11-02T09:30:00Z").getEpochSecond() / Heatmap.BUCKET_SECONDS;
    Heatmap kolkata = Heatmap.of(Map.of(monday0930utc, 3L), ZoneId.of("Asia/Kolkata")); // 15:00 there
    assertThat(kolkata.cells()[0][15]).isEqualTo(3);
    Heatmap moscow = Heatmap.of(Map.of(monday0930utc, 3L), MOSCOW);                      // 12:30 there
    assertThat(moscow.cells()[0][12]).isEqualTo(3);
    long sunday2245utc = Instant.parse("2026-11-01T21:15:00Z").getEpochSecond() / Heatmap.BUCKET_SECONDS;
    Heatmap turn = Heatmap.of(Map.of(sunday2245utc, 1L, monday0930utc, 1L), MOSCOW);     // Monday 00:15 in Moscow
    assertThat(turn.cells()[0][0]).isEqualTo(1);
    assertThat(turn.peak()).isEqualTo(new Heatmap.Peak(java.time.DayOfWeek.MONDAY, 0, 1));
    assertThat(Heatmap.of(Map.of(), MOSCOW).peak()).isNull();
  }

  @Test
  void ladderStepsCountOutcomesCancelledAndOpenApart() {
    LadderReport l = LadderReport.of(List.of(
        new LadderReport.Count(1, "DONE", "REACHED", 2), new LadderReport.Count(1, "DONE", "BUSY", 1),
        new LadderReport.Count(1, "CANCELLED", null, 4), new LadderReport.Count(1, "PENDING", null, 1),
        new LadderReport.Count(3, "DONE", "NO_ANSWER", 5), new LadderReport.Count(null, "DONE", "REACHED_CALL_LATER", 1)));
    assertThat(l.steps()).hasSize(2);
    LadderReport.Step one = l.steps().get(0);
    assertThat(one.attempts()).isEqualTo(8);
    assertThat(one.cancelled()).isEqualTo(4);
    assertThat(one.open()).isEqualTo(1);
    assertThat(one.reachedShare()).isEqualTo(2.0 / 3);
    assertThat(l.steps().get(1).step()).isEqualTo(3);
    assertThat(l.steps().get(1).reachedShare()).isEqualTo(0.0);
    assertThat(l.outsideLadder().reachedShare()).isEqualTo(1.0);
    assertThat(LadderReport.of(List.of()).outsideLadder().reachedShare()).isNull();
  }

  @Test
  void reasonsListEveryConfiguredOneThenUnknownOnesMostFirst() {
    var configured = new java.util.LinkedHashMap<String, String>();
    configured.put("x", "икс");
    configured.put("y", "игрек");
    configured.put("z", "зет");
    ReasonShares r = ReasonShares.of(configured, Map.of("z", 2L, "old", 1L));
    assertThat(r.total()).isEqualTo(3);
    assertThat(r.reasons().stream().map(ReasonShares.Row::code)).containsExactly("z", "old", "x", "y");
    assertThat(r.reasons().get(1).name()).isEqualTo("old");
    assertThat(r.reasons().get(0).share()).isEqualTo(2.0 / 3);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "=SUM(A1:A9)   | '=SUM(A1:A9)",
      "+7 916        | '+7 916",
      "-2+3          | '-2+3",
      "@cmd          | '@cmd",
      "Анна          | Анна"})
  void textThatWouldBeAFormulaIsLedByAnApostrophe(String text, String cell) {
    assertThat(Csv.cell(text)).isEqualTo(cell);
  }

  @Test
  void csvCellsAndRows() {
    assertThat(Csv.cell(0.25)).isEqualTo("0,25");
    assertThat(Csv.cell(2.0 / 3)).isEqualTo("0,6667");
    assertThat(Csv.cell(-3L)).isEqualTo("-3");          // numbers are numbers, not formulas
    assertThat(Csv.cell(1.0)).isEqualTo("1");
    assertThat(Csv.cell(null)).isEmpty();
    assertThat(Csv.cell("\tx")).isEqualTo("'\tx");
    byte[] bytes = Csv.table(List.of("a", "b"), List.of(List.of("x;y", "say \"hi\""), java.util.Arrays.asList(null, 1.5)));
    String text = new String(bytes, StandardCharsets.UTF_8);
    assertThat(text).isEqualTo("\uFEFFa;b\r\n\"x;y\";\"say \"\"hi\"\"\"\r\n\"\";1,5\r\n"); // an empty first field is written ""
  }
}
