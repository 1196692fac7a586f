package ru.dozvon.telephony.cdr;

import static org.assertj.core.api.Assertions.assertThat;
import static ru.dozvon.telephony.cdr.CdrRows.at;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import ru.dozvon.call.CallDirection;
import ru.dozvon.call.CallOutcome;
import ru.dozvon.deals.CallFacts;

/** CDR rows shaped as Asterisk 22 writes them (several per call, gaps where unanswered=no drops a record). */
class CdrRulesTest {

  private final CdrRules rules = new CdrRules(Set.of("from-trunk", "from-pstn"), Set.of("click-to-call"));

  static Map<String, CdrRow[]> shapes() {
    return Map.ofEntries(
        Map.entry("pjsipMissed", CdrRows.pjsipMissed()),
        Map.entry("cancelled", CdrRows.cancelled()),
        Map.entry("pjsipQueueAnsweredByPbxOnly", CdrRows.pjsipQueueAnsweredByPbxOnly()),
        Map.entry("ringAllBusyAndNoAnswer", CdrRows.ringAllNobody("NO ANSWER", "BUSY")),
        Map.entry("ringAllBothBusy", CdrRows.ringAllNobody("BUSY", "BUSY")),
        Map.entry("ringAllUnreachable", CdrRows.ringAllNobody("FAILED", "BUSY")),
        Map.entry("withheld", CdrRows.withheld()),
        Map.entry("voicemail", CdrRows.voicemail()),
        Map.entry("clickToCall", CdrRows.clickToCall()),
        Map.entry("internal", CdrRows.internal()),
        Map.entry("localMissedWithGap", CdrRows.localMissedWithGap()),
        Map.entry("localAnswered", CdrRows.localAnswered()),
        Map.entry("localQueueAbandoned", CdrRows.localQueueAbandoned()),
        Map.entry("localQueueAnswered", CdrRows.localQueueAnswered()));
  }

  private CdrRules.Verdict judge(String shape) {
    List<CdrRules.Verdict> all = rules.judgeAll(List.of(shapes().get(shape)));
    assertThat(all).as("the rows of one call make one group").hasSize(1);
    return all.get(0);
  }

  @ParameterizedTest(name = "{0}: {1} {2}")
  @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
      pjsipMissed                 | MISSED           | NO_ANSWER   | 1795554549.0  | +79161234567 | -       | 5  | 5
      cancelled                   | MISSED           | NO_ANSWER   | 1795555000.40 | +79161234567 | -       | 5  | 5
      pjsipQueueAnsweredByPbxOnly | MISSED           | NO_ANSWER   | 1795560000.10 | +79257654321 | support | 40 | 39
      ringAllBusyAndNoAnswer      | MISSED           | NO_ANSWER   | 1795561000.20 | +79031112233 | -       | 20 | 20
      ringAllBothBusy             | MISSED           | BUSY        | 1795561000.20 | +79031112233 | -       | 20 | 20
      ringAllUnreachable          | MISSED           | UNAVAILABLE | 1795561000.20 | +79031112233 | -       | 20 | 20
      withheld                    | MISSED           | NO_ANSWER   | 1795562000.30 | -            | -       | 9  | 9
      voicemail                   | MISSED           | VOICEMAIL   | 1795563000.40 | +79161112233 | -       | 45 | 20
      localMissedWithGap          | MISSED           | NO_ANSWER   | 1795551887.0  | +79161234567 | -       | 3  | 3
      localQueueAbandoned         | MISSED           | NO_ANSWER   | 1795551900.8  | +79257654321 | support | 3  | 3
      localAnswered               | REACHED_OPERATOR | -           | 1795551893.4  | -            | -       | -  | -
      localQueueAnswered          | REACHED_OPERATOR | -           | 1795551913.20 | -            | -       | -  | -
      clickToCall                 | NOT_INBOUND      | -           | 1795564000.50 | -            | -       | -  | -
      internal                    | NOT_INBOUND      | -           | 1795565000.60 | -            | -       | -  | -
      """)
  void eachShapeIsReadAsAsteriskMeantIt(String shape, CdrRules.Kind kind, CallOutcome outcome, String linkedid,
                                        String phone, String queue, Integer waitSeconds, Integer ringSeconds) {
    CdrRules.Verdict v = judge(shape);
    assertThat(v.kind()).isEqualTo(kind);
    assertThat(v.group().linkedid()).as("grouped by linkedid: the AMI path's PBX call id").isEqualTo(linkedid);
    if (kind != CdrRules.Kind.MISSED) {
      assertThat(v.facts()).isNull();
      return;
    }
    CallFacts f = v.facts();
    assertThat(f.pbxCallId()).isEqualTo(linkedid);
    assertThat(f.direction()).isEqualTo(CallDirection.INBOUND);
    assertThat(f.missed()).isTrue();
    assertThat(f.outcome()).isEqualTo(outcome);
    assertThat(f.customer() == null ? null : f.customer().e164()).isEqualTo(phone);
    assertThat(f.withheld()).isEqualTo(phone == null);
    assertThat(f.companyNumber()).isEqualTo("74951234567");
    assertThat(f.queue()).isEqualTo(queue);
    assertThat(f.operatorExtension()).isNull();
    assertThat(f.answeredAt()).as("no operator answered, whatever the PBX did").isNull();
    assertThat(f.waitSeconds()).isEqualTo(waitSeconds);
    assertThat(f.ringSeconds()).isEqualTo(ringSeconds);
    assertThat(f.talkSeconds()).isZero();
    assertThat(f.startedAt()).isBeforeOrEqualTo(f.endedAt());
  }

  @Test
  void aQueueCallAnsweredByThePbxIsStillMissedButOneAnsweredByAnOperatorIsNot() {
    // both have ANSWERED rows; only one has a party B that answered
    assertThat(Stream.of(CdrRows.pjsipQueueAnsweredByPbxOnly()).anyMatch(r -> "ANSWERED".equals(r.disposition())))
        .isTrue();
    assertThat(judge("pjsipQueueAnsweredByPbxOnly").kind()).isEqualTo(CdrRules.Kind.MISSED);
    assertThat(judge("localQueueAnswered").kind()).isEqualTo(CdrRules.Kind.REACHED_OPERATOR);
  }

  @Test
  void theCallsFirstTimesAreTheEarliestStartAndTheLatestEnd() {
    CallFacts f = judge("localQueueAbandoned").facts();
    assertThat(f.startedAt()).isEqualTo(at("2026-11-24 20:25:00"));
    assertThat(f.endedAt()).isEqualTo(at("2026-11-24 20:25:03"));
  }

  @Test
  void rowsOfManyCallsInAnyOrderAreGroupedByLinkedidWithTheSameVerdicts() {
    List<CdrRow> rows = new ArrayList<>();
    // the ring-all shapes are variants of one call (one linkedid): one of them is in
    shapes().forEach((name, shape) -> {
      if (!name.equals("ringAllBothBusy") && !name.equals("ringAllUnreachable")) {
        rows.addAll(List.of(shape));
      }
    });
    Map<String, CdrRules.Kind> expected = null;
    for (long seed = 1; seed <= 20; seed++) {
      Collections.shuffle(rows, new Random(seed));
      Map<String, CdrRules.Kind> kinds = rules.judgeAll(rows).stream()
          .collect(Collectors.toMap(v -> v.group().linkedid(), CdrRules.Verdict::kind));
      if (expected == null) {
        expected = kinds;
        assertThat(kinds).hasSize(12);
        assertThat(kinds.values().stream().filter(k -> k == CdrRules.Kind.MISSED)).hasSize(8);
      }
      assertThat(kinds).as("seed " + seed).isEqualTo(expected);
    }
  }

  @Test
  void theSeveralRowsOfOneCallAreOneGroupOrderedByStartAndSequence() {
    List<CdrRules.Group> groups = CdrRules.group(List.of(CdrRows.localQueueAnswered()));
    assertThat(groups).hasSize(1);
    assertThat(groups.get(0).rows()).extracting(CdrRow::sequence).containsExactly(20, 21, 23);
    assertThat(groups.get(0).lastEnd()).isEqualTo(at("2026-11-24 20:25:17"));
  }

  @Test
  void onlyOperatorSideRowsOfACallAreNotEnoughToCallItInbound() {
    // unanswered=no and a caller still on the line: only the operator's Local half wrote its row so far
    CdrRow operatorHalf = CdrRows.localAnswered()[0];
    assertThat(rules.judgeAll(List.of(operatorHalf))).extracting(CdrRules.Verdict::kind)
        .containsExactly(CdrRules.Kind.NOT_INBOUND);
  }

  @Test
  void aRowWithoutLinkedidIsGroupedByItsUniqueid() {
    CdrRow r = CdrRows.pjsipMissed()[0];
    CdrRow noLinkedid = new CdrRow(r.start(), r.answer(), r.end(), r.src(), r.dst(), r.dcontext(), r.clid(),
        r.channel(), r.dstchannel(), r.lastapp(), r.lastdata(), r.duration(), r.billsec(), r.disposition(),
        r.amaflags(), r.accountcode(), r.uniqueid(), r.userfield(), r.peeraccount(), null, r.sequence());
    assertThat(CdrRules.group(List.of(noLinkedid))).extracting(CdrRules.Group::linkedid)
        .containsExactly("1795554549.0");
  }

  @Test
  void otherInboundContextsAreHonoured() {
    CdrRules other = new CdrRules(Set.of("ext-queues"), Set.of());
    assertThat(other.judgeAll(List.of(CdrRows.pjsipMissed()))).extracting(CdrRules.Verdict::kind)
        .containsExactly(CdrRules.Kind.NOT_INBOUND);
  }

}
