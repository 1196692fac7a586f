package ru.dozvon.bench;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import org.asteriskjava.manager.ManagerConnection;
import org.asteriskjava.manager.ManagerConnectionFactory;
import org.asteriskjava.manager.event.DialEvent;
import org.asteriskjava.manager.event.ManagerEvent;
import org.asteriskjava.manager.event.ShutdownEvent;
import org.slf4j.LoggerFactory;
import java.time.Clock;
import ru.dozvon.telephony.AmiClient;
import ru.dozvon.telephony.AmiEventMapper;
import ru.dozvon.telephony.CallRecord;
import ru.dozvon.telephony.CallTracker;
import ru.dozvon.telephony.TelephonyEvent;
import ru.dozvon.telephony.TrackerSettings;
import ru.dozvon.telephony.AmiListener;
import ru.dozvon.telephony.AmiSettings;
import ru.dozvon.telephony.testami.TestAmiServer;
import ru.dozvon.telephony.testami.Transcript;

/**
 * AMI throughput over loopback: the test AMI server blasts N events cycled from a transcript.
 * Run A: Asterisk-Java alone, a listener that counts. Run B: the same through {@link AmiClient}
 * with a mapper (default keeps ~20%: Newchannel, Dial*, Hangup, Cdr, Queue*, Agent*) and a Vert.x
 * handler that counts. Prints events/s, B/A, and drops (Asterisk-Java's "queue is full" ERRORs, and
 * delivered vs sent).
 *
 * Run C: the real pipeline, the real {@link AmiEventMapper} and a real {@link CallTracker} fed every
 * event on the event loop, counting the calls it closes. Every cycle of the transcript is rewritten
 * into a new call ({@link CallCycles}), in all three runs, so C must close exactly one call a cycle.
 *
 * <p>{@code bench/run.sh AmiThroughputBenchmark [events=2000000] [transcript=ami/missed.ami] [rounds=2] [noB|onlyC]}
 * (noB: runs A and C only; onlyC: C alone, round after round, for a profiler).
 */
public final class AmiThroughputBenchmark {

  /** Sent after the blast; none of the transcripts contains it, so its arrival marks the end. */
  private static final String SENTINEL = "Event: Shutdown\r\nPrivilege: system,all\r\nShutdown: Cleanly\r\nRestart: False\r\n\r\n";
  private static final String USER = "bench";
  private static final String SECRET = "bench-secret";

  private AmiThroughputBenchmark() {
  }

  /** What one run measured. */
  public record Result(String name, long sent, long seen, long delivered, long expectedDelivered, double seconds,
             long pumpDrops, long handoffs, double cpuSeconds) {
    double eventsPerSecond() {
      return sent / seconds;
    }

    /** Process CPU time per event (all threads: the test server's blaster too), in microseconds. */
    double cpuMicrosPerEvent() {
      return cpuSeconds * 1e6 / sent;
    }

    long lost() {
      return sent - seen + (expectedDelivered - delivered);
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%-28s %,12d events in %6.2f s = %,10.0f events/s, CPU %.2f us/event  (handler got %,d of %,d; pump drops %d; lost %d%s)",
          name, sent, seconds, eventsPerSecond(), cpuMicrosPerEvent(), delivered, expectedDelivered, pumpDrops, lost(),
          handoffs == 0 ? "" : String.format(Locale.ROOT, "; %,d context hops, %.0f events per hop", handoffs,
              (double) delivered / handoffs));
    }
  }

  public static void main(String[] args) throws Exception {
    long n = args.length > 0 ? Long.parseLong(args[0]) : 2_000_000;
    String resource = args.length > 1 ? args[1] : "ami/missed.ami";
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    boolean withB = args.length <= 3 || !args[3].equals("noB");
    boolean onlyC = args.length > 3 && args[3].equals("onlyC");
    Transcript t = Transcript.load(resource);
    ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger("org.asteriskjava").setLevel(Level.ERROR);
    // Every cycle a new call (fresh Linkedid/Uniqueids), whole cycles only, for all three runs alike.
    CallCycles calls = new CallCycles(t, 10_000_000); // and a new caller number per call
    long cycles = n / t.size();
    n = cycles * t.size();
    final long events = n;
    Blast blast = server -> calls.blast(server, cycles);

    System.out.printf(Locale.ROOT, "AMI throughput: %,d events = %,d calls cycled from %s (%d events/cycle, ids and caller rewritten per cycle), %d rounds%n",
        n, cycles, resource, t.size(), rounds);
    System.out.printf(Locale.ROOT, "JVM %s, %d processors, load average %s%n", Runtime.version(),
        Runtime.getRuntime().availableProcessors(), loadAverage());
    Vertx vertx = Vertx.vertx();
    try {
      long warmCycles = Math.min(cycles, 300_000 / t.size());
      Blast warmBlast = server -> calls.blast(server, warmCycles);
      long warm = warmCycles * t.size();
      if (onlyC) { // for a profiler: the real pipeline alone, round after round
        for (int r = 1; r <= rounds; r++) {
          System.out.println("  " + runTracker(vertx, blast, events, cycles));
        }
        return;
      }
      System.out.println("warm-up:");
      System.out.println("  " + runAsteriskJavaAlone(warmBlast, warm));
      System.out.println("  " + runThroughClient(vertx, warmBlast, warm, "B AmiClient, counting", KEEP_CALL_EVENTS, batch -> { }));
      System.out.println("  " + runTracker(vertx, warmBlast, warm, warmCycles));
      List<String> table = new java.util.ArrayList<>();
      long lost = 0;
      long drops = 0;
      boolean allClosed = true;
      for (int r = 1; r <= rounds; r++) {
        System.out.println("round " + r + " (load average " + loadAverage() + "):");
        Result a = runAsteriskJavaAlone(blast, events);
        System.out.println("  " + a);
        Result b = null;
        if (withB) {
          b = runThroughClient(vertx, blast, events, "B AmiClient, counting", KEEP_CALL_EVENTS, batch -> { });
          System.out.println("  " + b);
        }
        TrackerResult c = runTracker(vertx, blast, events, cycles);
        System.out.println("  " + c);
        lost += a.lost() + (b == null ? 0 : b.lost()) + c.run().lost();
        drops += a.pumpDrops() + (b == null ? 0 : b.pumpDrops()) + c.run().pumpDrops();
        allClosed &= c.closed() == cycles;
        table.add(String.format(Locale.ROOT, "| %d | %,.0f | %s | %,.0f | %s | **%.0f%%** | %.2f / %.2f | %d/%s/%d | %d/%s/%d | %,d of %,d | %,.0f | %s |",
            r, a.eventsPerSecond(), b == null ? "-" : String.format(Locale.ROOT, "%,.0f", b.eventsPerSecond()),
            c.run().eventsPerSecond(),
            b == null ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * b.eventsPerSecond() / a.eventsPerSecond()),
            100 * c.run().eventsPerSecond() / a.eventsPerSecond(),
            a.cpuMicrosPerEvent(), c.run().cpuMicrosPerEvent(),
            a.pumpDrops(), b == null ? "-" : Long.toString(b.pumpDrops()), c.run().pumpDrops(),
            a.lost(), b == null ? "-" : Long.toString(b.lost()), c.run().lost(),
            c.closed(), cycles, c.closed() / c.run().seconds(), loadAverage()));
      }
      System.out.println("| round | A events/s | B events/s | C events/s | B/A | C/A | CPU us/event A / C | pump drops A/B/C | lost A/B/C | C calls closed | C calls/s | load avg after |");
      System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
      table.forEach(System.out::println);
      System.out.printf(Locale.ROOT, "lost %d, pump drops %d, every C run closed every call: %s%n", lost, drops, allClosed);
    } finally {
      vertx.close().await();
    }
  }

  /** What run C measured: the client run, and what the tracker made of it. */
  public record TrackerResult(Result run, long closed, long missed, long ignored, long malformed) {
    @Override
    public String toString() {
      return run + String.format(Locale.ROOT, "%n    tracker: %,d calls closed (%,d missed), %,.0f calls/s; %,d events ignored; %,d malformed",
          closed, missed, closed / run.seconds(), ignored, malformed);
    }
  }

  /**
   * Run C: the real pipeline. The real {@link AmiEventMapper} on Asterisk-Java's thread, and on the
   * event loop a real {@link CallTracker} fed every event; counts the calls it closes.
   */
  public static TrackerResult runTracker(Vertx vertx, Blast blast, long n, long expectedCalls) throws Exception {
    TrackerSettings settings = TrackerSettings.defaults();
    AmiEventMapper mapper = new AmiEventMapper(settings.markerVariable());
    CallTracker tracker = new CallTracker(settings, Clock.systemUTC());
    long[] closed = new long[2];
    Result run = runThroughClient(vertx, blast, n, "C AmiClient+mapper+tracker", mapper::map,
        (List<TelephonyEvent> batch) -> {
          for (int i = 0, size = batch.size(); i < size; i++) {
            List<CallRecord> ended = tracker.accept(batch.get(i));
            for (int j = 0; j < ended.size(); j++) {
              closed[0]++;
              if (ended.get(j).missed()) {
                closed[1]++;
              }
            }
          }
        });
    // the handler ran on the event loop; its end mark's completion makes these writes visible here
    return new TrackerResult(run, closed[0], closed[1], tracker.ignoredEvents(), mapper.malformed());
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  static String loadAverage() {
    try {
      String[] f = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (java.io.IOException e) {
      return "?";
    }
  }

  /** The default mapper of run B: keeps the events a call tracker needs (about 20% of the traffic). */
  public static final Function<ManagerEvent, ManagerEvent> KEEP_CALL_EVENTS = new Function<>() {
    private final ClassValue<Boolean> keep = new ClassValue<>() {
      @Override
      protected Boolean computeValue(Class<?> type) {
        String n = type.getSimpleName();
        return n.equals("NewChannelEvent") || n.startsWith("Dial") || n.equals("HangupEvent")
            || n.equals("CdrEvent") || n.startsWith("Queue") || n.startsWith("Agent");
      }
    };

    @Override
    public ManagerEvent apply(ManagerEvent e) {
      return keep.get(e.getClass()) ? e : null;
    }
  };

  /** Run A: Asterisk-Java's own connection and a listener that only counts. */
  public static Result runAsteriskJavaAlone(Transcript t, long n) throws Exception {
    return runAsteriskJavaAlone(server -> server.blast(t, n), n);
  }

  /** Run A with a blast of its own ({@code n} events in all). */
  public static Result runAsteriskJavaAlone(Blast blast, long n) throws Exception {
    try (TestAmiServer server = TestAmiServer.start(USER, SECRET); DropCounter drops = DropCounter.attach()) {
      ManagerConnection conn = new ManagerConnectionFactory("127.0.0.1", server.port(), USER, SECRET)
          .createManagerConnection();
      AtomicLong seen = new AtomicLong();
      CompletableFuture<Long> end = new CompletableFuture<>();
      conn.addEventListener(e -> {
        if (e instanceof ShutdownEvent) {
          end.complete(System.nanoTime());
        } else if (e.getClass() != DialEvent.class) { // DialEvent: Asterisk-Java's legacy copy of DialBegin
          seen.incrementAndGet();
        }
      });
      conn.login();
      seen.set(0); // the login's own events (ConnectEvent, FullyBooted) are not part of the blast
      long cpu = processCpuNanos();
      long start = System.nanoTime();
      blastAndEnd(server, blast);
      long stop = await(end, seen);
      cpu = processCpuNanos() - cpu;
      conn.logoff();
      return new Result("A Asterisk-Java alone", n, seen.get(), seen.get(), seen.get(), (stop - start) / 1e9, drops.count(), 0,
          cpu / 1e9);
    }
  }

  /**
   * Run B: through {@link AmiClient}. The mapper runs on Asterisk-Java's thread; the handler gets
   * the batches on a Vert.x event loop.
   */
  public static <E> Result runThroughClient(Vertx vertx, Transcript t, long n, Function<ManagerEvent, ? extends E> mapper,
                        Consumer<List<E>> handler) throws Exception {
    return runThroughClient(vertx, server -> server.blast(t, n), n, "B AmiClient, mapper+Vert.x", mapper, handler);
  }

  /** The same with a blast of its own ({@code n} events in all) and a name for the printout. */
  public static <E> Result runThroughClient(Vertx vertx, Blast blast, long n, String name,
                        Function<ManagerEvent, ? extends E> mapper,
                        Consumer<List<E>> handler) throws Exception {
    try (TestAmiServer server = TestAmiServer.start(USER, SECRET); DropCounter drops = DropCounter.attach()) {
      AtomicLong seen = new AtomicLong();
      AtomicLong kept = new AtomicLong();
      AtomicLong delivered = new AtomicLong();
      AtomicLong hops = new AtomicLong();
      CompletableFuture<Long> end = new CompletableFuture<>();
      CompletableFuture<Void> connected = new CompletableFuture<>();
      Object endMark = new Object();
      Function<ManagerEvent, Object> counting = e -> {
        if (e instanceof ShutdownEvent) {
          return endMark;
        }
        if (e.getClass() != DialEvent.class) {
          seen.incrementAndGet();
        }
        Object m = mapper.apply(e);
        if (m != null) {
          kept.incrementAndGet();
        }
        return m;
      };
      AmiListener<Object> listener = new AmiListener<>() {
        @Override
        @SuppressWarnings("unchecked")
        public void onEvents(List<Object> batch) {
          hops.incrementAndGet();
          int size = batch.size();
          if (batch.get(size - 1) == endMark) {
            batch = batch.subList(0, size - 1);
            delivered.addAndGet(batch.size());
            handler.accept((List<E>) batch);
            end.complete(System.nanoTime());
          } else {
            delivered.addAndGet(size);
            handler.accept((List<E>) batch);
          }
        }

        @Override
        public void onConnected() {
        }

        @Override
        public void onResyncComplete() {
          connected.complete(null);
        }

        @Override
        public void onDisconnected(String reason) {
          System.out.println("  disconnected: " + reason);
        }
      };
      AmiSettings settings = new AmiSettings("127.0.0.1", server.port(), USER, SECRET, Duration.ofSeconds(5),
          Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(1),
          Duration.ofSeconds(10));
      AmiClient<Object> client = new AmiClient<>(vertx, settings, counting, listener,
          new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
      client.start().await();
      connected.get(10, TimeUnit.SECONDS);
      seen.set(0); // the resync answers are not part of the blast
      kept.set(0);
      delivered.set(0);
      hops.set(0);
      long cpu = processCpuNanos();
      long start = System.nanoTime();
      blastAndEnd(server, blast);
      long stop = await(end, delivered);
      cpu = processCpuNanos() - cpu;
      client.stop().await();
      return new Result(name, n, seen.get(), delivered.get(), kept.get(), (stop - start) / 1e9,
          drops.count(), hops.get(), cpu / 1e9);
    }
  }

  /** Starts sending the events to the logged-in client; returns the sending thread. */
  @FunctionalInterface
  public interface Blast {
    Thread start(TestAmiServer server);
  }

  private static void blastAndEnd(TestAmiServer server, Blast blast) throws InterruptedException {
    Thread blaster = blast.start(server);
    blaster.join();
    server.sendRaw(SENTINEL);
  }

  /** Waits for the end mark; gives up when the count stops moving for 10 s (events were lost). */
  private static long await(CompletableFuture<Long> end, AtomicLong progress) throws Exception {
    long last = -1;
    while (true) {
      try {
        return end.get(10, TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        long now = progress.get();
        if (now == last) {
          System.out.println("  end mark never arrived: the sentinel was dropped");
          return System.nanoTime();
        }
        last = now;
      }
    }
  }

  /** Counts Asterisk-Java's "queue is full" ERROR lines: its only trace of a dropped event. */
  private static final class DropCounter extends AppenderBase<ILoggingEvent> implements AutoCloseable {
    private final AtomicLong drops = new AtomicLong();
    private ch.qos.logback.classic.Logger logger;

    static DropCounter attach() {
      LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
      DropCounter c = new DropCounter();
      c.setContext(ctx);
      c.start();
      c.logger = ctx.getLogger("org.asteriskjava.manager.internal.AsyncEventPump");
      c.logger.addAppender(c);
      c.logger.setAdditive(false); // counted here; thousands of full event dumps on the console help nobody
      return c;
    }

    @Override
    protected void append(ILoggingEvent e) {
      if (e.getLevel() == Level.ERROR && e.getMessage() != null && e.getMessage().contains("queue is full")) {
        drops.incrementAndGet();
      }
    }

    long count() {
      return drops.get();
    }

    @Override
    public void close() {
      logger.detachAppender(this);
      logger.setAdditive(true);
      stop();
    }
  }
}
