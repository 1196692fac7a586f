package ru.dozvon.drills;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link DbRestartDrill} at its documented size: 1,000 missed calls, at most 100 held in memory. */
class DbRestartDrillTest {

  @TempDir
  Path work;

  @Test
  void theDatabaseRestartedDuringAThousandMissedCallsLeavesExactlyOneDealEachWithBoundedBuffering()
      throws Exception {
    int calls = Integer.getInteger("drill.calls", 1000);
    DbRestartDrill.Result r = DbRestartDrill.run(calls, 100, work);
    System.out.println(r);
    assertThat(r.stored()).as("calls stored").isEqualTo(calls);
    assertThat(r.distinctStored()).as("none twice").isEqualTo(calls);
    assertThat(r.deals()).as("one deal per missed call (each from its own number)").isEqualTo(calls);
    assertThat(r.distinctDeals()).isEqualTo(calls);
    assertThat(r.peakBuffered()).as("calls held in memory at once").isLessThanOrEqualTo(100);
    assertThat(r.peakJournalOnly()).as("beyond the bound, calls waited in the journal only").isGreaterThan(0);
  }
}
