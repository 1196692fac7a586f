package ru.dozvon.simpbx;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each captured call rendered as a new one: its ids, numbers, operators and times are the new call's, nothing else. */
class TemplateTest {

  static List<Map<String, String>> events(String text) {
    List<Map<String, String>> out = new ArrayList<>();
    for (String chunk : text.split("\r\n\r\n")) {
      if (chunk.isBlank()) {
        continue;
      }
      Map<String, String> m = new LinkedHashMap<>();
      for (String line : chunk.split("\r\n")) {
        int c = line.indexOf(':');
        m.merge(line.substring(0, c), line.substring(c + 1).strip(), (a, b) -> a + "|" + b);
      }
      out.add(m);
    }
    return out;
  }

  static String render(Template t, Binding b) {
    StringBuilder sb = new StringBuilder();
    long now = System.currentTimeMillis() * 1000;
    b.render(0, t.blocks.size(), t.partStart[0] == 0 ? 0 : now - t.partStart[0], 0, sb, null);
    return sb.toString();
  }

  @ParameterizedTest
  @ValueSource(strings = {"pjsip/missed", "pjsip/answered", "pjsip/queue_answered", "pjsip/c2c_answer",
      "pjsip/c2c_noanswer", "pjsip/c2c_congestion", "pjsip/c2c_unavailable", "pjsip/c2c_operator_unregistered",
      "local/missed", "local/answered", "local/queue_abandon", "local/queue_answered", "local/c2c_answer",
      "local/c2c_noanswer", "local/c2c_busy"})
  void aRenderedCallHasItsOwnIdsNumbersAndOperators(String name) {
    Template t = Template.load("simpbx/" + name + ".ami", name.startsWith("local") ? Shape.LOCAL : Shape.PJSIP);
    String original;
    try (var in = getClass().getClassLoader().getResourceAsStream("simpbx/" + name + ".ami")) {
      original = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    List<String> exts = List.of("205", "206");
    Binding b = new Binding(t, new Counters(), new Random(1), exts,
        exts.stream().map(t.shape::device).toList(), "+79035550417");
    b.actionId = "dozvon-attempt-9-1";
    b.variables = List.of("__DOZVON_DEAL=9");
    String text = render(t, b);
    List<Map<String, String>> events = events(text);

    assertThat(t.customerCore).hasSize(10);
    assertThat(text).doesNotContain(t.customerCore).contains("9035550417");
    for (String old : t.exts) {
      assertThat(text).doesNotContain("PJSIP/" + old + "-").doesNotContain("Local/" + old + "@");
    }
    int varSets = t.firstNewchannel >= 0 ? 1 : 0;
    assertThat(events).hasSize(t.blocks.size() + varSets);
    for (Map<String, String> e : events) {
      for (String key : List.of("Uniqueid", "Linkedid", "DestUniqueid", "DestLinkedid")) {
        String v = e.get(key);
        if (v != null && v.matches("\\d+\\.\\d+")) {
          assertThat(v).as("%s of %s", key, e.get("Event")).matches("\\d{10}\\.[0-9]+");
          assertThat(original).as("ids are the call's own").doesNotContain(key + ": " + v + "\r\n");
        }
      }
      String ts = e.get("Timestamp");
      if (ts != null) {
        double at = Double.parseDouble(ts);
        assertThat(at).isCloseTo(System.currentTimeMillis() / 1000.0, org.assertj.core.data.Offset.offset(120.0));
      }
    }
    // one call: every channel shares the first channel's Uniqueid as its Linkedid
    String first = events.stream().filter(e -> "Newchannel".equals(e.get("Event"))).map(e -> e.get("Uniqueid"))
        .findFirst().orElse(null);
    if (first != null) {
      assertThat(events.stream().map(e -> e.get("Linkedid")).filter(v -> v != null && v.matches("\\d+\\.\\d+"))
          .distinct()).containsExactly(first);
    }
    if (name.contains("c2c_")) {
      Map<String, String> ore = events.stream().filter(e -> "OriginateResponse".equals(e.get("Event"))).findFirst()
          .orElseThrow();
      assertThat(ore.get("ActionID")).isEqualTo("dozvon-attempt-9-1");
    }
  }

  @Test
  void theBusyVariantSaysBusyWhereTheNoAnswerCaptureSaidNoAnswer() {
    Template t = Templates.busy("simpbx/pjsip/c2c_noanswer.ami");
    String text = render(t, new Binding(t, new Counters(), new Random(1), List.of("101"), List.of("PJSIP/101"),
        "+79161234562"));
    assertThat(text).contains("DialStatus: BUSY", "Cause: 17\r\nCause-txt: User busy", "Disposition: BUSY")
        .doesNotContain("NOANSWER");
  }

  @Test
  void customersAnswerByTheLastDigit() {
    assertThat(Customers.byNumber("+79160000000")).isEqualTo(Customers.Answer.ANSWER);
    assertThat(Customers.byNumber("+79160000001")).isEqualTo(Customers.Answer.NOANSWER);
    assertThat(Customers.byNumber("+79160000002")).isEqualTo(Customers.Answer.BUSY);
    assertThat(Customers.byNumber("+79160000003")).isEqualTo(Customers.Answer.CONGESTION);
    assertThat(Customers.byNumber("+79160000004")).isEqualTo(Customers.Answer.CHANUNAVAIL);
    assertThat(Customers.byNumber("+79160000006")).isEqualTo(Customers.Answer.NOANSWER);
    assertThat(Customers.byNumber("+79160000007")).isEqualTo(Customers.Answer.BUSY);
    assertThat(Customers.byNumber("+79160000009")).isEqualTo(Customers.Answer.ANSWER);
  }
}
