package ru.dozvon.telephony;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ru.dozvon.deals.CallFacts;

/** The write-ahead journal of ended calls on a real file system. */
class EndedCallJournalTest {

  @TempDir
  Path dir;
  final Vertx vertx = Vertx.vertx();
  final Context context = vertx.getOrCreateContext();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private <T> T on(Supplier<Future<T>> work) throws Exception {
    CompletableFuture<T> out = new CompletableFuture<>();
    context.runOnContext(v -> work.get().onComplete(ar -> {
      if (ar.succeeded()) {
        out.complete(ar.result());
      } else {
        out.completeExceptionally(ar.cause());
      }
    }));
    return out.get(20, TimeUnit.SECONDS);
  }

  private EndedCallJournal journal(JournalSettings s) {
    return new EndedCallJournal(dir, s, new SimpleMeterRegistry());
  }

  private static CallFacts call(int i) {
    return UnrecordedCallFileTest.call("1795" + i + ".0", "+7916" + String.format("%07d", i));
  }

  private List<Path> segments() throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().matches("segment-\\d+\\.jsonl")).sorted().toList();
    }
  }

  private List<String> lines() throws Exception {
    List<String> all = new ArrayList<>();
    for (Path p : segments()) {
      all.addAll(Files.readAllLines(p));
    }
    return all;
  }

  @Test
  void callsWrittenAheadAndNotCommittedComeBackAtTheNextOpenWithEveryFieldOldestFirst() throws Exception {
    EndedCallJournal j = journal(JournalSettings.defaults());
    assertThat(on(() -> j.open(100))).isEmpty();
    on(() -> j.append(call(1)).compose(x -> j.append(call(2))).compose(x -> j.append(call(3))));
    assertThat(lines()).as("on disk once the appends completed").hasSize(3).allMatch(l -> l.startsWith("+{"));
    j.committed(call(2).pbxCallId());
    on(j::close);
    assertThat(lines()).contains("-" + call(2).pbxCallId());

    EndedCallJournal next = journal(JournalSettings.defaults());
    assertThat(on(() -> next.open(100))).containsExactly(call(1), call(3));
    assertThat(next.uncommitted()).isEqualTo(2);
    // the same call appended again while not stored is not written twice
    on(() -> next.append(call(1)));
    next.committed(call(1).pbxCallId());
    next.committed(call(3).pbxCallId());
    on(next::close);
    EndedCallJournal third = journal(JournalSettings.defaults());
    assertThat(on(() -> third.open(100))).isEmpty();
    on(third::close);
  }

  @Test
  void aTornLastLineFromAKillIsSkippedAndTheRestReplayed() throws Exception {
    EndedCallJournal j = journal(JournalSettings.defaults());
    on(() -> j.open(10));
    on(() -> j.append(call(1)));
    on(j::close);
    Files.writeString(segments().get(0), "+{\"pbxCallId\":\"17952.0\",\"direc", StandardOpenOption.APPEND);
    EndedCallJournal next = journal(JournalSettings.defaults());
    assertThat(on(() -> next.open(10))).containsExactly(call(1));
    on(() -> next.append(call(3)));
    assertThat(Files.readAllLines(segments().get(segments().size() - 1))).as("a new segment, starting clean")
        .hasSize(1).allMatch(l -> l.startsWith("+{"));
    on(next::close);
  }

  @Test
  void segmentsRotateAndAreDeletedOnceEveryCallInThemIsCommitted() throws Exception {
    EndedCallJournal j = journal(JournalSettings.defaults().withSizes(64 * 1024, 1 << 20));
    on(() -> j.open(10));
    for (int i = 0; i < 600; i++) {
      int n = i;
      on(() -> j.append(call(n)));
    }
    assertThat(segments().size()).as("about 600 lines of some 500 bytes in 64 KB segments").isGreaterThan(3);
    for (int i = 0; i < 599; i++) {
      j.committed(call(i).pbxCallId());
    }
    on(() -> j.takeSpilled(1)); // a round trip through the journal's thread: the commits are done
    List<Path> left = segments();
    assertThat(left).as("only the segment holding the last call, and the one being written").hasSizeLessThanOrEqualTo(2);
    on(j::close);
    EndedCallJournal next = journal(JournalSettings.defaults().withSizes(64 * 1024, 1 << 20));
    assertThat(on(() -> next.open(10))).containsExactly(call(599));
    on(next::close);
  }

  @Test
  void pastTheSizeCapAppendsFailTheJournalSaysFullAndRecoversWhenCallsAreStored() throws Exception {
    EndedCallJournal j = journal(JournalSettings.defaults().withSizes(64 * 1024, 128 * 1024));
    on(() -> j.open(10));
    int written = 0;
    Throwable refused = null;
    for (int i = 0; i < 1000 && refused == null; i++) {
      int n = i;
      try {
        on(() -> j.append(call(n)));
        written++;
      } catch (java.util.concurrent.ExecutionException e) {
        refused = e.getCause();
      }
    }
    assertThat(refused).isInstanceOf(EndedCallJournal.JournalFull.class);
    assertThat(j.full()).isTrue();
    assertThat(j.bytes()).isLessThanOrEqualTo(128 * 1024);
    assertThat(written).isBetween(200, 300);
    for (int i = 0; i < written; i++) {
      j.committed(call(i).pbxCallId());
    }
    on(() -> j.takeSpilled(1));
    // a commit frees the closed segments; the one being written is freed once it rotates
    on(() -> j.append(call(5000)));
    for (int i = 5001; i < 5200 && j.full(); i++) {
      int n = i;
      on(() -> j.append(call(n)));
    }
    assertThat(j.full()).as("room again").isFalse();
    on(j::close);
  }

  @Test
  void spilledCallsComeBackOldestFirstAsManyAsAsked() throws Exception {
    EndedCallJournal j = journal(JournalSettings.defaults());
    on(() -> j.open(10));
    for (int i = 0; i < 5; i++) {
      int n = i;
      on(() -> j.append(call(n)));
    }
    j.spilled(call(3).pbxCallId());
    j.spilled(call(1).pbxCallId());
    j.spilled(call(4).pbxCallId());
    assertThat(on(() -> j.takeSpilled(2))).containsExactly(call(1), call(3));
    assertThat(j.spilledCount()).isEqualTo(1);
    assertThat(on(() -> j.takeSpilled(10))).containsExactly(call(4));
    assertThat(on(() -> j.takeSpilled(10))).isEmpty();
    on(j::close);

    // at the next start, beyond the limit the calls stay in the journal only
    EndedCallJournal next = journal(JournalSettings.defaults());
    assertThat(on(() -> next.open(2))).containsExactly(call(0), call(1));
    assertThat(next.spilledCount()).isEqualTo(3);
    assertThat(on(() -> next.takeSpilled(10))).containsExactly(call(2), call(3), call(4));
    on(next::close);
  }

  @Test
  void withAnIntervalAppendsCompleteOnceWrittenAndAreFsyncedLater() throws Exception {
    JournalSettings s = new JournalSettings(true, Duration.ofMillis(200), 16L << 20, 1L << 30, 100);
    EndedCallJournal j = journal(s);
    on(() -> j.open(10));
    on(() -> j.append(call(1)));
    assertThat(lines()).hasSize(1); // in the OS's hands: a killed process loses nothing
    on(j::close);
  }

  @Test
  void settingsAreReadWithTheirKeysNamedOnBadValues() {
    JournalSettings s = JournalSettings.fromMap(Map.of("journal", Map.of("fsync", "1s", "max_size", "2GB",
        "segment_size", "8MB", "max_buffered_calls", "500", "enabled", "false")));
    assertThat(s).isEqualTo(new JournalSettings(false, Duration.ofSeconds(1), 8L << 20, 2L << 30, 500));
    assertThat(JournalSettings.fromMap(Map.of())).isEqualTo(JournalSettings.defaults());
    assertThat(JournalSettings.defaults().fsyncPerBatch()).isTrue();
    assertThatThrownBy(() -> JournalSettings.fromMap(Map.of("journal", Map.of("fsync", "sometimes"))))
        .hasMessageStartingWith("telephony.journal.fsync: 'sometimes' is not batch or a duration");
    assertThatThrownBy(() -> JournalSettings.fromMap(Map.of("journal", Map.of("max_size", "lots"))))
        .hasMessageStartingWith("telephony.journal.max_size: 'lots' is not a size");
    assertThatThrownBy(() -> JournalSettings.fromMap(Map.of("journal", Map.of("max_buffered_calls", "0"))))
        .hasMessageStartingWith("telephony.journal.max_buffered_calls: '0' is out of range");
    assertThatThrownBy(() -> JournalSettings.fromMap(Map.of("journal", Map.of("enabled", "yes please"))))
        .hasMessageStartingWith("telephony.journal.enabled: 'yes please' is not a boolean");
    assertThatThrownBy(() -> JournalSettings.fromMap(Map.of("journal", Map.of("size", "1GB"))))
        .hasMessageStartingWith("telephony.journal.size: unknown key");
  }
}
