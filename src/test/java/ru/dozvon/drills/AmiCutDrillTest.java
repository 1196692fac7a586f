package ru.dozvon.drills;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link AmiCutDrill} at CI size: 8 calls per kind and fate (96 calls); {@code -Ddrill.calls=N} for N per group. */
class AmiCutDrillTest {

  @TempDir
  Path work;

  @Test
  void theAmiLinkCutInTheMiddleOfCallsLosesNoneDoublesNoneAndLeavesNoneInProgress() throws Exception {
    int n = Integer.getInteger("drill.calls", 8);
    AmiCutDrill.Result r = AmiCutDrill.run(n, work);
    System.out.println(r);
    assertThat(r.wrong()).as("calls stored wrong or not at all").isEmpty();
    assertThat(r.stored()).as("every call the PBX reported stored").isEqualTo(r.pbxCalls());
    assertThat(r.distinct()).as("none twice").isEqualTo(r.stored());
    assertThat(r.missedRight()).as("missed calls, each with its deal").isEqualTo(r.missedExpected());
    assertThat(r.dealsDistinct()).as("one deal per missed call (each from its own number)").isEqualTo(r.missedExpected());
    assertThat(r.contactRight()).as("answered calls: contact made").isEqualTo(r.contactExpected());
    assertThat(r.liveAfter()).as("calls left in progress").isZero();
    assertThat(r.pendingAfter()).isZero();
  }
}
