package ru.dozvon.telephony;

import ru.dozvon.call.CallDirection;
import ru.dozvon.call.CallOutcome;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ru.dozvon.deals.CallFacts;
import ru.dozvon.phone.PhoneNumbers;

/** The unrecorded-calls file on a real file system. */
class UnrecordedCallFileTest {

  @TempDir
  Path dir;
  final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  static CallFacts call(String id, String phone) {
    Instant t = Instant.parse("2026-11-24T09:00:00Z");
    return new CallFacts(id, CallDirection.INBOUND, CallOutcome.NO_ANSWER, true, phone == null ? null : PhoneNumbers.parse(phone),
        phone == null ? "anonymous" : phone, phone == null, "74951234567", null, "sales", t, null, t.plusSeconds(30),
        30, 0, false);
  }

  @Test
  void keptCallsComeBackInOrderWithEveryFieldAndRecordedOnesDoNot() throws Exception {
    UnrecordedCallFile spool = new UnrecordedCallFile(vertx, dir.resolve("sub/unrecorded-calls.jsonl"));
    CallFacts a = call("1.1", "+79161234567");
    CallFacts b = call("1.2", null);
    CallFacts c = new CallFacts("1.3", CallDirection.INBOUND, CallOutcome.ANSWERED, false, PhoneNumbers.parse("84951234567"), "84951234567",
        false, "74951234567", "101", null, Instant.parse("2026-11-24T09:00:00Z"), Instant.parse("2026-11-24T09:00:05Z"),
        Instant.parse("2026-11-24T09:01:00Z"), 5, 55, true);
    spool.kept(a).compose(x -> spool.kept(b)).compose(x -> spool.kept(c)).compose(x -> spool.recorded("1.2"))
        .await(10, TimeUnit.SECONDS);

    assertThat(new UnrecordedCallFile(vertx, dir.resolve("sub/unrecorded-calls.jsonl")).load().await(10, TimeUnit.SECONDS))
        .containsExactly(a, c);
  }

  @Test
  void aTornLastLineFromACrashIsSkippedAndTheRestKept() throws Exception {
    Path file = dir.resolve("unrecorded-calls.jsonl");
    UnrecordedCallFile spool = new UnrecordedCallFile(vertx, file);
    CallFacts a = call("2.1", "+79161234568");
    spool.kept(a).await(10, TimeUnit.SECONDS);
    Files.writeString(file, "+{\"pbxCallId\":\"2.2\",\"direc", StandardOpenOption.APPEND);

    assertThat(spool.load().await(10, TimeUnit.SECONDS)).containsExactly(a);
    CallFacts b = call("2.3", "+79161234560"); // written after the torn line: starts a line of its own
    spool.kept(b).await(10, TimeUnit.SECONDS);
    assertThat(spool.load().await(10, TimeUnit.SECONDS)).containsExactly(a, b);
  }

  @Test
  void clearEmptiesTheFileAndNoFileMeansNothingWaits() throws Exception {
    Path file = dir.resolve("unrecorded-calls.jsonl");
    UnrecordedCallFile spool = new UnrecordedCallFile(vertx, file);
    assertThat(spool.load().await(10, TimeUnit.SECONDS)).isEmpty();
    spool.kept(call("3.1", "+79161234569")).compose(x -> spool.clear()).await(10, TimeUnit.SECONDS);
    assertThat(Files.size(file)).isZero();
    assertThat(spool.load().await(10, TimeUnit.SECONDS)).isEqualTo(List.of());
  }
}
