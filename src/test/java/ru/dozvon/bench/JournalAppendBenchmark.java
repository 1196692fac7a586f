package ru.dozvon.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import ru.dozvon.call.CallDirection;
import ru.dozvon.call.CallOutcome;
import ru.dozvon.deals.CallFacts;
import ru.dozvon.phone.PhoneNumbers;
import ru.dozvon.telephony.EndedCallJournal;
import ru.dozvon.telephony.JournalSettings;

/**
 * Cost per call of the write-ahead journal: bench/run.sh JournalAppendBenchmark [calls] [perSecond].
 *
 * <p>Appends {@code calls} ended calls (real {@link CallFacts}, about 440 bytes of JSON each) from a Vert.x event
 * loop at {@code perSecond} (0: as fast as possible), marks each committed once its append completes (as the
 * service does after the database write), and reports per mode (fsync per batch, fsync every 1 s) the append
 * latency (append to completion: what the hot path waits before the database write) p50/p99/p99.9, the loop's CPU
 * time per call, fsyncs done and calls per fsync. The journal folder is in target/.
 */
public final class JournalAppendBenchmark {

  private JournalAppendBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    int calls = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
    int perSecond = args.length > 1 ? Integer.parseInt(args[1]) : 0;
    System.out.printf("JournalAppendBenchmark: %d calls, %s%n", calls,
        perSecond == 0 ? "as fast as possible" : perSecond + " calls/s");
    for (String mode : new String[] {"batch", "1s", "batch", "1s"}) { // twice: the first round warms up
      run(mode, calls, perSecond);
    }
  }

  private static void run(String mode, int calls, int perSecond) throws Exception {
    Path dir = Files.createTempDirectory(Path.of("target"), "journal-bench-");
    JournalSettings s = new JournalSettings(true, mode.equals("batch") ? Duration.ZERO : Duration.ofSeconds(1),
        64L << 20, 4L << 30, 10_000);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Vertx vertx = Vertx.vertx();
    Context ctx = vertx.getOrCreateContext();
    EndedCallJournal journal = new EndedCallJournal(dir, s, registry);
    CompletableFuture<Void> opened = new CompletableFuture<>();
    ctx.runOnContext(v -> journal.open(10).onComplete(ar -> opened.complete(null)));
    opened.get(30, TimeUnit.SECONDS);
    long[] latency = new long[calls];
    CompletableFuture<Long> done = new CompletableFuture<>();
    int[] completed = {0};
    long[] cpu = {0};
    Instant t = Instant.parse("2026-12-01T09:00:00Z");
    long start = System.nanoTime();
    ctx.runOnContext(v -> {
      long intervalNs = perSecond == 0 ? 0 : 1_000_000_000L / perSecond;
      int[] next = {0};
      Runnable[] step = new Runnable[1];
      step[0] = () -> {
        long c0 = threadCpu();
        long due = start + (long) next[0] * intervalNs;
        while (next[0] < calls && (intervalNs == 0 || System.nanoTime() >= due)) {
          int k = next[0]++;
          CallFacts call = new CallFacts("1795" + (100000 + k) + ".0", CallDirection.INBOUND, CallOutcome.NO_ANSWER,
              true, PhoneNumbers.parse("+7916" + String.format("%07d", k % 10_000_000)), "+7916", false,
              "74951234567", null, "sales", t, null, t.plusSeconds(30), 30, 0, false);
          long a = System.nanoTime();
          journal.append(call).onComplete(ar -> {
            latency[k] = System.nanoTime() - a;
            journal.committed(call.pbxCallId());
            if (++completed[0] == calls) {
              done.complete(System.nanoTime() - start);
            }
          });
          due = start + (long) next[0] * intervalNs;
          if (intervalNs == 0 && k % 500 == 499) {
            break; // let completions run
          }
        }
        cpu[0] += threadCpu() - c0;
        if (next[0] < calls) {
          if (intervalNs == 0) {
            vertx.runOnContext(x -> step[0].run());
          } else {
            vertx.setTimer(1, x -> step[0].run());
          }
        }
      };
      step[0].run();
    });
    long wall = done.get(600, TimeUnit.SECONDS);
    CompletableFuture<Void> closed = new CompletableFuture<>();
    ctx.runOnContext(v -> journal.close().onComplete(ar -> closed.complete(null)));
    closed.get(30, TimeUnit.SECONDS);
    long fsyncs = registry.find("dozvon.journal.fsync").timer() == null ? 0
        : registry.find("dozvon.journal.fsync").timer().count();
    Arrays.sort(latency);
    System.out.printf("  fsync %-5s: %,d calls in %.2f s (%.0f calls/s); append->durable p50 %.2f ms, p99 %.2f ms,"
            + " p99.9 %.2f ms; event-loop CPU %.1f us/call; %d fsyncs (%.1f calls each)%n", mode, calls, wall / 1e9,
        calls / (wall / 1e9), latency[calls / 2] / 1e6, latency[(int) (calls * 0.99)] / 1e6,
        latency[(int) (calls * 0.999)] / 1e6, cpu[0] / 1e3 / calls, fsyncs,
        fsyncs == 0 ? 0.0 : (double) calls / fsyncs);
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private static long threadCpu() {
    return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
  }
}
