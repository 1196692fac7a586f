package ru.dozvon.drills;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link AmiFuzzDrill} at CI size: 40 normal calls among the fuzz; {@code -Dfuzz.seed=N}, {@code -Ddrill.calls=N}. */
class AmiFuzzDrillTest {

  @TempDir
  Path work;

  @Test
  void aFuzzedAmiStreamCrashesNothingLosesNoNormalCallAndStaysBounded() throws Exception {
    int calls = Integer.getInteger("drill.calls", 40);
    AmiFuzzDrill.Result r = AmiFuzzDrill.run(calls, Long.getLong("fuzz.seed", 14), work);
    System.out.println(r);
    assertThat(r.healthStatus()).as("the service answers HTTP").isEqualTo(200);
    assertThat(r.connectedAtEnd()).as("the AMI link is up").isTrue();
    assertThat(r.reconnects()).as("the fuzz never broke the connection").isZero();
    assertThat(r.stored()).as("every normal call stored").isEqualTo(calls);
    assertThat(r.distinct()).as("none twice").isEqualTo(calls);
    assertThat(r.missedWithDeal()).as("each a missed call with its deal").isEqualTo(calls);
    assertThat(r.distinctDeals()).isEqualTo(calls);
    assertThat(r.logLines()).as("log lines for about " + (r.fuzzPieces() + 113_000) + " bad events (rate-limited)")
        .isLessThan(500);
    assertThat(r.liveCallsAfter()).as("calls followed, at most telephony.max-live-calls")
        .isLessThanOrEqualTo(AmiFuzzDrill.MAX_LIVE_CALLS);
    assertThat(r.callsEvicted()).as("forged calls closed at the cap")
        .isGreaterThanOrEqualTo(AmiFuzzDrill.FORGED_CALLS - AmiFuzzDrill.MAX_LIVE_CALLS);
    assertThat(r.channelsCapped()).as("channels of the huge call not followed")
        .isGreaterThanOrEqualTo(AmiFuzzDrill.HUGE_CALL_CHANNELS - AmiFuzzDrill.MAX_CHANNELS);
    assertThat(r.inputDropped().get("event_type_cap")).as("new event names past the cap").isPositive();
    assertThat(r.heapAfterMb() - r.heapBeforeMb()).as("heap growth after a full GC, MB").isLessThan(200);
  }
}
