package ru.dozvon.telephony;

import ru.dozvon.call.CallDirection;
import ru.dozvon.call.CallOutcome;
import ru.dozvon.support.MovableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Two calls at once, bad input, idle expiry, late events and resync after a reconnect. */
class CallTrackerBehaviourTest {

  private static final TrackerSettings SETTINGS = TrackerSettings.defaults();

  @Test
  void theSameNumberMissingTwiceAtOnceGivesTwoMissedCalls() {
    List<CallRecord> records = Replay.of("ami/scenarios/same_number_twice.ami");

    assertThat(records).extracting(CallRecord::linkedid, CallRecord::outcome, CallRecord::operatorExtension)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("1795555600.101", CallOutcome.CALLER_ABANDONED, null),
            org.assertj.core.groups.Tuple.tuple("1795555600.100", CallOutcome.NO_ANSWER, null));
    assertThat(records).allSatisfy(r -> {
      assertThat(r.missed()).isTrue();
      assertThat(r.customerNumber().e164()).isEqualTo("+79161234567");
    });
  }

  static Stream<TelephonyEvent> emptyEvents() {
    return Stream.of(
        new TelephonyEvent.NewChannel(null, null, null, null, null, null, null, null),
        new TelephonyEvent.NewCallerId(null, null, null, null, null, null, null),
        new TelephonyEvent.NewState(null, null, null, null, null, null, null, null),
        new TelephonyEvent.DialBegin(null, null, null, null, null, null, null, null, null),
        new TelephonyEvent.DialEnd(null, null, null, null, null, null, null, null, null, null),
        new TelephonyEvent.Hangup(null, null, null, null, null, null, null, null),
        new TelephonyEvent.QueueCallerJoin(null, null, null, null),
        new TelephonyEvent.QueueCallerAbandon(null, null, null, null, null),
        new TelephonyEvent.QueueCallerLeave(null, null, null, null),
        new TelephonyEvent.AgentConnect(null, null, null, null, null, null, null),
        new TelephonyEvent.AgentComplete(null, null, null, null, null, null, null),
        new TelephonyEvent.Cdr(null, null, null, null, null),
        new TelephonyEvent.OriginateResponse(null, null, false, null, null, null),
        new TelephonyEvent.OutcomeMarker(null, null, null, null),
        new TelephonyEvent.DialStatusSet(null, null, null, ""),
        new TelephonyEvent.DialStatusSet(null, "1795554549.0", "1795554549.0", null),
        new TelephonyEvent.OutcomeMarker(null, "1795554549.0", "1795554549.0", null),
        new TelephonyEvent.ChannelSnapshot(null, null, null, null, null, null, null, null, null, null),
        // a linkedid but nothing else
        new TelephonyEvent.Hangup(null, "x.1", null, null, null, null, null, null),
        new TelephonyEvent.DialEnd(null, "x.2", null, null, null, null, null, null, null, null),
        new TelephonyEvent.AgentConnect(null, "x.3", null, null, null, null, null),
        new TelephonyEvent.NewChannel(null, "", " ", null, null, null, null, null));
  }

  @ParameterizedTest
  @MethodSource("emptyEvents")
  void eventsWithMissingFieldsNeitherThrowNorDisturbOtherCalls(TelephonyEvent bad) {
    Replay replay = new Replay();
    List<Map<String, Object>> blocks = AmiTranscript.blocks("ami/pjsip/missed.ami");
    List<TelephonyEvent> events = AmiTranscript.events(blocks, replay.mapper);
    for (TelephonyEvent e : events) {
      replay.feed(e);
      assertThatCode(() -> replay.feed(bad)).doesNotThrowAnyException();
    }
    replay.ended.addAll(replay.tracker.expire());

    assertThat(replay.ended).filteredOn(r -> r.linkedid().equals("1795554549.0"))
        .singleElement().satisfies(r -> {
          assertThat(r.outcome()).isEqualTo(CallOutcome.NO_ANSWER);
          assertThat(r.missed()).isTrue();
          assertThat(r.partial()).isFalse();
        });
  }

  @Test
  void aHangupOfAnUnknownCallIsRecordedAsPartialAndLosesNoOtherCall() {
    Replay replay = new Replay();
    replay.feed(new TelephonyEvent.Hangup(null, "9.9", "9.9", "PJSIP/pstn-trunk-00000099",
        "from-trunk", "74951234567", "+79250000001", 16));
    replay.feed(AmiTranscript.blocks("ami/pjsip/missed.ami"));

    assertThat(replay.ended).extracting(CallRecord::linkedid).containsExactly("9.9", "1795554549.0");
    CallRecord orphan = replay.ended.get(0);
    assertThat(orphan.partial()).isTrue();
    assertThat(orphan.direction()).isEqualTo(CallDirection.INBOUND);
    assertThat(orphan.customerNumber().e164()).isEqualTo("+79250000001");
  }

  @Test
  void aPartialCallWaitsForItsFirstChannelBeforeEnding() {
    Replay replay = new Replay();
    // Only the operator's leg is heard of: the caller's channel is still up somewhere.
    replay.feed(new TelephonyEvent.Hangup(null, "7.1", "7.2", "PJSIP/102-00000002", "operators", "s", "102", 0));
    assertThat(replay.ended).isEmpty();
    assertThat(replay.tracker.liveCalls()).isEqualTo(1);

    replay.feed(new TelephonyEvent.Hangup(null, "7.1", "7.1", "PJSIP/pstn-trunk-00000001", "from-trunk",
        "74951234567", "+79161234567", 16));
    assertThat(replay.ended).singleElement().satisfies(r -> {
      assertThat(r.partial()).isTrue();
      assertThat(r.missed()).isTrue();
    });
  }

  @ParameterizedTest
  @CsvSource({"ami/missed.ami", "ami/pjsip/answered.ami", "ami/queue_abandon.ami", "ami/c2c_busy.ami"})
  void eventsAfterTheEndNeitherReopenNorDuplicate(String file) {
    Replay replay = new Replay();
    replay.feed(AmiTranscript.blocks(file)).feed(AmiTranscript.blocks(file));

    assertThat(replay.ended).hasSize(1);
    assertThat(replay.tracker.liveCalls()).isZero();
    assertThat(replay.tracker.ignoredEvents()).isPositive();
  }

  @Test
  void memoryOfEndedCallsIsBounded() {
    TrackerSettings small = new TrackerSettings(SETTINGS.inboundContexts(), Set.of(),
        SETTINGS.outboundContexts(), "DOZVON_OUTCOME", Duration.ofHours(1), 2);
    Replay replay = new Replay(small, java.time.Clock.fixed(Replay.T0, java.time.ZoneOffset.UTC));
    replay.feed(AmiTranscript.blocks("ami/missed.ami"))
        .feed(AmiTranscript.blocks("ami/missed.ami")); // remembered: ignored
    replay.feed(AmiTranscript.blocks("ami/answered.ami"))
        .feed(AmiTranscript.blocks("ami/c2c_busy.ami"))
        .feed(AmiTranscript.blocks("ami/missed.ami")); // forgotten after two newer calls

    assertThat(replay.ended).extracting(CallRecord::linkedid)
        .containsExactly("1795551887.0", "1795551893.4", "1795551949.36", "1795551887.0");
  }

  @Test
  void aCallWhoseEventsStopIsClosedAfterTheIdleTimeout() {
    MovableClock clock = new MovableClock(Replay.T0);
    Replay replay = new Replay(SETTINGS, clock);
    List<Map<String, Object>> blocks = AmiTranscript.blocks("ami/pjsip/answered.ami");
    int cut = indexOf(blocks, "BridgeEnter");
    replay.feed(blocks.subList(0, cut));

    clock.advance(SETTINGS.idleTimeout().minusSeconds(1));
    assertThat(replay.tracker.expire()).isEmpty();
    clock.advance(Duration.ofSeconds(1));
    List<CallRecord> expired = replay.tracker.expire();

    assertThat(expired).singleElement().satisfies(r -> {
      assertThat(r.expired()).isTrue();
      assertThat(r.outcome()).isEqualTo(CallOutcome.ANSWERED);
      assertThat(r.operatorExtension()).isEqualTo("101");
    });
    assertThat(replay.tracker.liveCalls()).isZero();
    replay.feed(blocks.subList(cut, blocks.size()));
    assertThat(replay.ended).isEmpty();
  }

  @Test
  void aCallInProgressAcrossAReconnectIsStillFollowedAndEndedOnce() {
    List<Map<String, Object>> blocks = AmiTranscript.blocks("ami/pjsip/answered.ami");
    int cut = indexOf(blocks, "BridgeEnter");
    Replay replay = new Replay().feed(blocks.subList(0, cut));

    replay.tracker.markResyncStarted();
    replay.feed(snapshot("PJSIP/pstn-trunk-00000002", "1795554557.2", "1795554557.2", "from-trunk",
        "74951234567", "+79031112233", "b-1", "0:00:02"));
    replay.feed(snapshot("PJSIP/101-00000003", "1795554557.3", "1795554557.2", "operators", "",
        "101", "b-1", "0:00:01"));
    assertThat(replay.tracker.resyncDone()).isEmpty();
    replay.feed(blocks.subList(cut, blocks.size()));

    assertThat(replay.ended).singleElement().satisfies(r -> {
      assertThat(r.outcome()).isEqualTo(CallOutcome.ANSWERED);
      assertThat(r.operatorExtension()).isEqualTo("101");
      assertThat(r.partial()).isFalse();
    });
  }

  @Test
  void aCallThatEndedWhileDisconnectedIsClosedByTheResync() {
    List<Map<String, Object>> blocks = AmiTranscript.blocks("ami/pjsip/missed.ami");
    Replay replay = new Replay().feed(blocks.subList(0, indexOf(blocks, "Hangup")));
    replay.feed(AmiTranscript.blocks("ami/pjsip/answered.ami").subList(0, 5));

    replay.tracker.markResyncStarted();
    // Only the answered call's trunk channel is still up; the missed call is gone.
    replay.feed(snapshot("PJSIP/pstn-trunk-00000002", "1795554557.2", "1795554557.2", "from-trunk",
        "74951234567", "+79031112233", null, "0:00:01"));
    List<CallRecord> closed = replay.tracker.resyncDone();

    assertThat(closed).singleElement().satisfies(r -> {
      assertThat(r.linkedid()).isEqualTo("1795554549.0");
      assertThat(r.partial()).isTrue();
      assertThat(r.missed()).isTrue();
      assertThat(r.outcome()).isEqualTo(CallOutcome.NO_ANSWER);
    });
    assertThat(replay.tracker.liveCalls()).isEqualTo(1);
  }

  @Test
  void aCallAnsweredWhileDisconnectedIsSeenAnsweredFromTheSnapshot() {
    Replay replay = new Replay();
    replay.tracker.markResyncStarted();
    replay.feed(snapshot("PJSIP/pstn-trunk-00000020", "5.1", "5.1", "from-trunk", "74951234567",
        "+79161234567", "b-7", "0:01:00"));
    replay.feed(snapshot("PJSIP/102-00000021", "5.2", "5.1", "operators", "", "102", "b-7", "0:00:50"));
    assertThat(replay.tracker.resyncDone()).isEmpty();
    replay.feed(new TelephonyEvent.Hangup(null, "5.1", "5.2", "PJSIP/102-00000021", "operators", "", "102", 16));
    replay.feed(new TelephonyEvent.Hangup(null, "5.1", "5.1", "PJSIP/pstn-trunk-00000020", "from-trunk",
        "74951234567", "+79161234567", 16));

    assertThat(replay.ended).singleElement().satisfies(r -> {
      assertThat(r.outcome()).isEqualTo(CallOutcome.ANSWERED);
      assertThat(r.operatorExtension()).isEqualTo("102");
      assertThat(r.partial()).isTrue();
      assertThat(r.missed()).isFalse();
    });
  }

  /** A CoreShowChannel answer, built from its AMI text by Asterisk-Java and mapped. */
  private static TelephonyEvent snapshot(String channel, String uniqueid, String linkedid, String context,
      String exten, String callerIdNum, String bridgeId, String duration) {
    Map<String, Object> block = new LinkedHashMap<>();
    block.put("event", "CoreShowChannel");
    block.put("actionid", "resync-1");
    block.put("channel", channel);
    block.put("uniqueid", uniqueid);
    block.put("linkedid", linkedid);
    block.put("context", context);
    if (!exten.isEmpty()) {
      block.put("extension", exten);
    }
    block.put("calleridnum", callerIdNum);
    block.put("channelstatedesc", "Up");
    if (bridgeId != null) {
      block.put("bridgeid", bridgeId);
    }
    block.put("duration", duration);
    return new AmiEventMapper("DOZVON_OUTCOME").map(AmiTranscript.build(block));
  }

  private static int indexOf(List<Map<String, Object>> blocks, String event) {
    List<String> names = new ArrayList<>();
    blocks.forEach(b -> names.add(AmiTranscript.name(b)));
    return names.indexOf(event);
  }

  @Test
  void liveCallsCountsCallsInProgress() {
    Replay replay = new Replay();
    replay.feed(new TelephonyEvent.NewChannel(Instant.EPOCH, "1.1", "1.1", "PJSIP/a-1", "from-trunk", "1", "+79161234567", "Ring"));
    replay.feed(new TelephonyEvent.NewChannel(Instant.EPOCH, "2.1", "2.1", "PJSIP/a-2", "from-trunk", "1", "+79161234568", "Ring"));
    assertThat(replay.tracker.liveCalls()).isEqualTo(2);
  }
}
