package ru.dozvon.telephony.testami;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** A replayed capture is a new call from the new caller, ending at the instant asked, its spacing kept. */
class FreshCallTest {

  private static final Pattern STAMP = Pattern.compile("Timestamp: (\\d+\\.\\d{6})\r\n");
  private static final Pattern LINKEDID = Pattern.compile("Linkedid: (\\S+)\r\n");

  private static List<Double> stamps(String text) {
    return STAMP.matcher(text).results().map(m -> Double.parseDouble(m.group(1))).toList();
  }

  @Test
  void eachReplayIsAnotherCallEndingAtTheInstantAsked() {
    String captured = new String(Transcript.load("ami/pjsip/missed.ami").bytes(), StandardCharsets.ISO_8859_1);
    Instant end = Instant.parse("2026-12-01T08:00:00Z");
    String one = new String(FreshCall.of("ami/pjsip/missed.ami", "+79161234567", "+79160000001", end),
        StandardCharsets.ISO_8859_1);
    String two = new String(FreshCall.of("ami/pjsip/missed.ami", "+79161234567", "+79160000002", end),
        StandardCharsets.ISO_8859_1);

    assertThat(one).doesNotContain("+79161234567").contains("CallerIDNum: +79160000001\r\n");
    assertThat(one).doesNotContain("Event: SuccessfulAuth");
    List<String> ids1 = LINKEDID.matcher(one).results().map(m -> m.group(1)).distinct().toList();
    List<String> ids2 = LINKEDID.matcher(two).results().map(m -> m.group(1)).distinct().toList();
    List<String> idsCaptured = LINKEDID.matcher(captured).results().map(m -> m.group(1)).distinct().toList();
    assertThat(ids1).hasSize(1).doesNotContainAnyElementsOf(idsCaptured).doesNotContainAnyElementsOf(ids2);
    assertThat(one).doesNotContain("PJSIP/pstn-trunk-00000000").doesNotContain("PJSIP/102-00000001");

    List<Double> before = stamps(captured.substring(captured.indexOf("Event: Newchannel")));
    List<Double> after = stamps(one);
    assertThat(after).hasSameSizeAs(before);
    assertThat(after.get(after.size() - 1)).isEqualTo(end.getEpochSecond(), org.assertj.core.data.Offset.offset(1e-6));
    double spanBefore = before.get(before.size() - 1) - before.get(0);
    double spanAfter = after.get(after.size() - 1) - after.get(0);
    assertThat(spanAfter).isEqualTo(spanBefore, org.assertj.core.data.Offset.offset(1e-5));
    assertThat(one.split("\r\n\r\n")).hasSize(captured.substring(captured.indexOf("Event: Newchannel"))
        .split("\r\n\r\n").length);
  }
}
