package ru.dozvon.telephony.testami;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The test PBX's answer to an Originate: a captured transcript rewritten for it, the OriginateResponse placed. */
class OriginatePlanTest {

  static final AmiMessage ORIGINATE = new AmiMessage(new LinkedHashMap<>(Map.of("action", "Originate",
      "actionid", "825658265_7#dozvon-attempt-17-3", "channel", "PJSIP/205", "context", "click-to-call",
      "exten", "+79169998877", "variable", "__DOZVON_DEAL=42\n__DOZVON_ATTEMPT=17")));

  static List<Map<String, String>> events(OriginatePlan plan) {
    List<byte[]> parts = plan.events(ORIGINATE, 1_800_000_000_000_000L);
    String text = new String(parts.get(0), StandardCharsets.ISO_8859_1) + new String(parts.get(1),
        StandardCharsets.ISO_8859_1);
    List<Map<String, String>> out = new ArrayList<>();
    for (String block : text.split("\r\n\r\n")) {
      Map<String, String> m = new LinkedHashMap<>();
      for (String line : block.split("\r\n")) {
        int colon = line.indexOf(": ");
        if (colon > 0) {
          m.putIfAbsent(line.substring(0, colon), line.substring(colon + 2));
        }
      }
      if (!m.isEmpty()) {
        out.add(m);
      }
    }
    return out;
  }

  @Test
  void theTranscriptIsRewrittenForThisOriginate() {
    var events = events(OriginatePlan.of("ami/pjsip/c2c_answer.ami"));
    int n = events.stream().map(e -> e.get("Event")).toList().indexOf("Newchannel");
    Map<String, String> first = events.get(n);
    assertThat(first.get("Channel")).startsWith("PJSIP/205-").doesNotContain("0000000f");
    assertThat(first.get("CallerIDNum")).isEqualTo("205");
    assertThat(first.get("Timestamp")).startsWith("1800000000.");
    String root = first.get("Uniqueid");
    assertThat(root).isNotEqualTo("1795554595.15");
    // the variables, as VarSet of the originated channel, right after its Newchannel
    assertThat(events.subList(n + 1, n + 3)).allSatisfy(v -> {
      assertThat(v.get("Event")).isEqualTo("VarSet");
      assertThat(v.get("Uniqueid")).isEqualTo(root);
    });
    assertThat(events.subList(n + 1, n + 3).stream().map(v -> v.get("Variable") + "=" + v.get("Value")))
        .containsExactly("__DOZVON_DEAL=42", "__DOZVON_ATTEMPT=17");
    assertThat(events.stream().filter(e -> "DeviceStateChange".equals(e.get("Event"))).map(e -> e.get("Device")))
        .doesNotContain("PJSIP/101");
    assertThat(events.stream().filter(e -> "click-to-call".equals(e.get("Context"))).map(e -> e.get("Exten")))
        .containsOnly("+79169998877");
    assertThat(events.stream().map(e -> e.get("Linkedid")).filter(l -> l != null).distinct()).containsExactly(root);
    Map<String, String> ore = events.stream().filter(e -> "OriginateResponse".equals(e.get("Event"))).findFirst()
        .orElseThrow();
    assertThat(ore.get("ActionID")).isEqualTo("825658265_7#dozvon-attempt-17-3");
    assertThat(ore.get("Response")).isEqualTo("Success");
    assertThat(ore.get("Uniqueid")).isEqualTo(root);
    // played again: fresh ids, so the tracker sees another call
    var again = events(OriginatePlan.of("ami/pjsip/c2c_answer.ami"));
    assertThat(again.stream().filter(e -> "Newchannel".equals(e.get("Event"))).findFirst().orElseThrow()
        .get("Uniqueid")).isNotEqualTo(root);
  }

  @Test
  void theOriginateResponseEarlyAsRecordedOrLate() {
    List<String> recorded = events(OriginatePlan.of("ami/pjsip/c2c_answer.ami")).stream().map(e -> e.get("Event"))
        .toList();
    List<String> early = events(OriginatePlan.of("ami/pjsip/c2c_answer.ami").early()).stream()
        .map(e -> e.get("Event")).toList();
    List<String> late = events(OriginatePlan.of("ami/pjsip/c2c_answer.ami").late()).stream().map(e -> e.get("Event"))
        .toList();
    assertThat(early.get(0)).isEqualTo("OriginateResponse");
    assertThat(early).doesNotContain("FullyBooted");
    assertThat(late.get(late.size() - 1)).isEqualTo("OriginateResponse");
    assertThat(late.subList(0, late.size() - 1)).contains("Hangup");
    int at = recorded.indexOf("OriginateResponse");
    assertThat(at).isPositive().isLessThan(recorded.indexOf("Hangup"));
  }

  @Test
  void aFailureWithoutAnyChannel() {
    var events = events(OriginatePlan.failure(0));
    assertThat(events).singleElement().satisfies(e -> {
      assertThat(e.get("Event")).isEqualTo("OriginateResponse");
      assertThat(e.get("Response")).isEqualTo("Failure");
      assertThat(e.get("Reason")).isEqualTo("0");
      assertThat(e.get("Uniqueid")).isEqualTo("<unknown>");
      assertThat(e.get("Channel")).isEqualTo("PJSIP/205");
    });
  }
}
