package ru.dozvon.telephony;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import ru.dozvon.call.CallOutcome;
import ru.dozvon.support.MovableClock;

/** The bounds on the tracker's state: channels per call and calls followed at once (telephony.max-*). */
class CallTrackerCapsTest {

  private static final String CALL = "1700000000.1";

  @Test
  void aCallWithTenThousandChannelsKeepsOnlyTheCapAndStillEndsOnce() {
    TrackerSettings capped = TrackerSettings.defaults().withCaps(50, 1000);
    Replay replay = new Replay(capped, new MovableClock(Replay.T0));
    replay.feed(newChannel(CALL, CALL, "PJSIP/pstn-trunk-00000001", "from-trunk", "+79161234567"));
    for (int i = 2; i <= 10_001; i++) {
      replay.feed(newChannel(CALL, "1700000000." + i, "Local/10" + i + "@operators-0000;1", "operators", null));
    }
    assertThat(replay.tracker.channelsCapped()).isEqualTo(10_001 - 50);

    // a normal call meanwhile is followed as ever
    replay.feed(AmiTranscript.blocks("ami/missed.ami"));
    assertThat(replay.ended).singleElement().satisfies(r -> assertThat(r.missed()).isTrue());

    for (int i = 2; i <= 10_001; i++) {
      replay.feed(hangup(CALL, "1700000000." + i, "operators"));
    }
    assertThat(replay.ended).hasSize(1); // the root is still up
    replay.feed(hangup(CALL, CALL, "from-trunk"));

    assertThat(replay.ended).hasSize(2);
    assertThat(replay.ended.get(1)).satisfies(r -> {
      assertThat(r.linkedid()).isEqualTo(CALL);
      assertThat(r.missed()).isTrue();
      assertThat(r.customerNumber().e164()).isEqualTo("+79161234567");
    });
    assertThat(replay.tracker.liveCalls()).isZero();
  }

  @Test
  void pastTheLiveCallCapForgedPartialCallsAreClosedFirstAndARealCallInProgressIsKept() {
    MovableClock clock = new MovableClock(Replay.T0);
    TrackerSettings capped = TrackerSettings.defaults().withCaps(1000, 100);
    Replay replay = new Replay(capped, clock);
    List<Map<String, Object>> missed = AmiTranscript.blocks("ami/missed.ami");
    int half = missed.size() / 2;
    replay.feed(missed.subList(0, half)); // a real call rings, heard from its start

    clock.advance(java.time.Duration.ofSeconds(1));
    for (int i = 0; i < 1_000; i++) { // forged: states of channels of calls nobody saw start, never ending
      replay.feed(new TelephonyEvent.NewState(null, "99." + i, "99." + i + "7", "PJSIP/x-" + i, "junk", "s",
          null, "6"));
    }

    assertThat(replay.tracker.liveCalls()).isLessThanOrEqualTo(100);
    assertThat(replay.tracker.callsEvicted()).isGreaterThanOrEqualTo(900);
    assertThat(replay.ended).hasSize((int) replay.tracker.callsEvicted())
        .allSatisfy(r -> {
          assertThat(r.expired()).isTrue();
          assertThat(r.linkedid()).startsWith("99.");
        });

    replay.feed(missed.subList(half, missed.size()));
    assertThat(replay.ended).filteredOn(r -> !r.linkedid().startsWith("99.")).singleElement().satisfies(r -> {
      assertThat(r.expired()).isFalse();
      assertThat(r.missed()).isTrue();
      assertThat(r.outcome()).isNotEqualTo(CallOutcome.ANSWERED);
    });
  }

  @Test
  void atTheLiveCallCapTheLeastRecentlyActiveCallsGoFirst() {
    MovableClock clock = new MovableClock(Replay.T0);
    Replay replay = new Replay(TrackerSettings.defaults().withCaps(1000, 3), clock);
    for (String id : List.of("1.1", "2.1", "3.1")) {
      replay.feed(newChannel(id, id, "PJSIP/t-" + id, "from-trunk", "+7916123456" + id.charAt(0)));
      clock.advance(java.time.Duration.ofSeconds(1));
    }
    replay.feed(newChannel("1.1", "1.2", "PJSIP/101-1", "operators", null)); // call 1 is active again
    clock.advance(java.time.Duration.ofSeconds(1));
    replay.feed(newChannel("4.1", "4.1", "PJSIP/t-4", "from-trunk", "+79161234564"));

    assertThat(replay.ended).extracting(CallRecord::linkedid).containsExactly("2.1");
    assertThat(replay.ended.get(0).expired()).isTrue();
    assertThat(replay.tracker.knows("1.1")).isTrue();
    assertThat(replay.tracker.knows("3.1")).isTrue();
    assertThat(replay.tracker.liveCalls()).isEqualTo(3);
  }

  private static TelephonyEvent newChannel(String linkedid, String uniqueid, String channel, String context,
      String caller) {
    return new TelephonyEvent.NewChannel(null, linkedid, uniqueid, channel, context, "74951234567", caller, "4");
  }

  private static TelephonyEvent hangup(String linkedid, String uniqueid, String context) {
    return new TelephonyEvent.Hangup(null, linkedid, uniqueid, "ch-" + uniqueid, context, "s", null, 16);
  }
}
