package ru.dozvon.drills;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link SigkillDrill}: a burst of up to 1,500 missed calls, SIGKILL once 300 are written ahead, restart. */
class SigkillDrillTest {

  @TempDir
  Path work;

  @Test
  void killedDuringABurstAndRestartedEveryCallWrittenAheadIsStoredOnceInFlightOnesIncluded() throws Exception {
    SigkillDrill.Result r = SigkillDrill.run(Integer.getInteger("drill.calls", 1500), 300, work);
    System.out.println(r);
    assertThat(r.journaled()).isGreaterThanOrEqualTo(300);
    assertThat(r.inFlightAtKill()).as("calls whose write was in flight at the kill (the case the journal is for)")
        .isGreaterThan(0);
    assertThat(r.allJournaledStored()).as("every call written ahead is stored after the restart").isTrue();
    assertThat(r.onlyJournaledStored()).as("nothing stored that was not written ahead").isTrue();
    assertThat(r.storedAfter()).as("none twice").isEqualTo(r.distinctAfter());
    assertThat(r.deals()).as("one deal per missed call").isEqualTo(r.storedAfter());
    assertThat(r.prefix()).as("the stored calls are the first of the burst, with no hole").isTrue();
  }
}
