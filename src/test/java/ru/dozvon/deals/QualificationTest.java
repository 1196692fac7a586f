package ru.dozvon.deals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QualificationTest {

  private final Qualification qualification = Funnel.defaults().qualification();

  private static Map<String, Integer> points(Integer icpFit, Integer readiness, Integer need, Integer channel) {
    Map<String, Integer> map = new HashMap<>();
    map.put("icp_fit", icpFit);
    map.put("readiness", readiness);
    map.put("need", need);
    map.put("channel", channel);
    return map;
  }

  @ParameterizedTest(name = "{0}+{1}+{2}+{3} = {4} -> {5}")
  @CsvSource({
      "1, 1, 1, 1, 4,  GREEN",
      "3, 3, 3, 1, 10, GREEN",
      "3, 3, 3, 2, 11, YELLOW",
      "5, 1, 5, 4, 15, YELLOW",
      "4, 4, 4, 4, 16, RED",
      "5, 5, 5, 2, 17, RED",
      "5, 5, 5, 5, 20, RED"})
  void scoresAndColours(int icpFit, int readiness, int need, int channel, int total, Priority colour) {
    Qualification.Score score = qualification.score(points(icpFit, readiness, need, channel));

    assertThat(score.total()).isEqualTo(total);
    assertThat(score.max()).isEqualTo(20);
    assertThat(score.points()).containsEntry("need", need).hasSize(4);
    assertThat(qualification.priority(Optional.of(score), Optional.empty())).isEqualTo(colour);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
      need=0          | score.need      | 0 is out of range (expected 1..5 points)
      need=6          | score.need      | 6 is out of range (expected 1..5 points)
      icp_fit=-1      | score.icp_fit   | -1 is out of range
      channel=        | score.channel   | missing (expected 1..5 points)
      budget=3        | score.budget    | unknown criterion (expected one of icp_fit, readiness, need, channel)
      """)
  void refusesBadScoresNamingTheCriterion(String change, String field, String message) {
    Map<String, Integer> points = points(3, 3, 3, 3);
    String key = change.substring(0, change.indexOf('='));
    String value = change.substring(change.indexOf('=') + 1);
    points.put(key, value.isEmpty() ? null : Integer.valueOf(value));

    assertThatThrownBy(() -> qualification.score(points)).isInstanceOfSatisfying(InvalidScoreException.class, e -> {
      assertThat(e.field()).isEqualTo(field);
      assertThat(e.getMessage()).startsWith(field + ": " + message.strip());
    });
  }

  @Test
  void aMissingCriterionIsNamed() {
    Map<String, Integer> points = points(3, 3, 3, 3);
    points.remove("readiness");

    assertThatThrownBy(() -> qualification.score(points))
        .isInstanceOfSatisfying(InvalidScoreException.class, e -> assertThat(e.field()).isEqualTo("score.readiness"));
  }

  @Test
  void noScoreAtAllIsNamed() {
    assertThatThrownBy(() -> qualification.score(null))
        .isInstanceOfSatisfying(InvalidScoreException.class, e -> assertThat(e.field()).isEqualTo("score"));
  }

  @ParameterizedTest(name = "score={0} by hand={1} -> {2}")
  @CsvSource(nullValues = "-", value = {
      "20, GREEN,  GREEN",
      "4,  RED,    RED",
      "12, YELLOW, YELLOW",
      "-,  RED,    RED",
      "-,  -,      GREEN",
      "12, -,      YELLOW"})
  void aColourSetByHandWins(Integer total, Priority byHand, Priority expected) {
    Optional<Qualification.Score> score = Optional.ofNullable(total)
        .map(t -> new Qualification.Score(Map.of(), t, 20));

    assertThat(qualification.priority(score, Optional.ofNullable(byHand))).isEqualTo(expected);
  }

  @ParameterizedTest(name = "red_from={0} yellow_from={1}: total {2} -> {3}")
  @CsvSource({
      "3, 2, 1, GREEN", "3, 2, 2, YELLOW", "3, 2, 3, RED",
      "5, 4, 3, GREEN", "5, 4, 4, YELLOW", "5, 4, 5, RED"})
  void thresholdsAreConfigurable(int redFrom, int yellowFrom, int total, Priority expected) {
    Qualification one = new Qualification(new QualificationConfig(
        List.of(new Criterion("need", "Потребность")), redFrom, yellowFrom, Priority.YELLOW));

    assertThat(one.priorityFor(total)).isEqualTo(expected);
    assertThat(one.priority(Optional.empty(), Optional.empty())).isEqualTo(Priority.YELLOW);
  }

  @ParameterizedTest(name = "red_from={0} yellow_from={1}")
  @CsvSource(delimiter = '|', textBlock = """
      16 | 4  | funnel.qualification.priority.yellow_from: 4 is out of range (expected 5..20
      16 | 21 | funnel.qualification.priority.yellow_from: 21 is out of range
      21 | 11 | funnel.qualification.priority.red_from: 21 is out of range (expected 12..20
      11 | 11 | funnel.qualification.priority.red_from: 11 is out of range
      10 | 11 | funnel.qualification.priority.red_from: 10 is out of range
      """)
  void unreachableOrOverlappingThresholdsAreRefused(int redFrom, int yellowFrom, String message) {
    List<Criterion> four = FunnelConfig.defaults().qualification().criteria();

    assertThatThrownBy(() -> new QualificationConfig(four, redFrom, yellowFrom, Priority.GREEN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(message);
  }
}
