package ru.dozvon.bench;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.LoggerFactory;
import ru.dozvon.App;
import ru.dozvon.Main;
import ru.dozvon.config.AppConfig;
import ru.dozvon.config.ConfigLoader;
import ru.dozvon.live.FeedEvent;
import ru.dozvon.store.Database;
import ru.dozvon.support.ChildJvm;
import ru.dozvon.telephony.testami.TestAmiServer;
import ru.dozvon.telephony.testami.Transcript;

/**
 * The whole path of a missed call, from the PBX's socket to the people watching (issue 14). The test AMI server
 * writes {@code missed.ami} (84 events a call: the Local-channel shape, a queue ringing an operator's phone that
 * nobody answers) over TCP into the real App: Asterisk-Java, mapper, tracker, group commit, embedded PostgreSQL with
 * durability on (fsync, synchronous_commit), the live feed, real HTTP clients on the SSE stream.
 *
 * <p>Every call is new: its Linkedids (the epoch part), its caller's number (the cycle number) and the operator it
 * rings (one of {@code operators} extensions 200..299, each a manager off shift, so the deal waits unassigned as in
 * {@link AmiEndToEndBenchmark}) are rewritten per cycle. The operators' phones are {@code Local/{ext}@operator-phone}
 * ({@code telephony.operator_dial}), so the DialBegin to that device pops the caller's card on that operator's stream
 * and the phone's state changes are stored, as in the service.
 *
 * <p>Open loop: call {@code k} of a phase is due at {@code start + k/rate}; the sender writes each call's bytes (its
 * Hangups among them) in one socket write when due, whatever the service does, and keeps the moment the write
 * returned. Measured per call, from that moment:
 * <ul>
 *   <li><b>commit</b>: the deal committed (the {@code deal.created} feed event's time, taken right after the commit);
 *   <li><b>SSE deal</b>: {@code deal.created} read on the staff live stream by an HTTP client;
 *   <li><b>ring</b>: the {@code call.ringing} screen pop read on the ringing operator's stream (the DialBegin is in
 *       the same write, before the Hangups).
 * </ul>
 * Then: deals a second at saturation (calls written as fast as the socket takes them) against the raw single-row
 * insert limit measured in the same run on the same database (autocommitted one-row inserts, as many at once as the
 * pool has connections); the JVM's RSS and heap while sustaining the last rate; the service's start-up on an
 * initialised data folder ({@code Main} in a JVM of its own, to "Dozvon is up").
 *
 * <p>Lines starting with {@code RESULT} are for {@code bench/paired.sh}, which runs this against an older commit and
 * alternates.
 *
 * <p>{@code bench/run.sh WholePathBenchmark [rates=10,100,500] [seconds=20] [operators=20] [saturationCalls=20000]
 * [startups=3]}
 */
public final class WholePathBenchmark {

  private static final String ADMIN = "bench-admin-token-0123456789";
  private static final Pattern OPERATOR = Pattern.compile("(?<=[/ ])102(?=[@\r])");

  private WholePathBenchmark() {
  }

  /** A call's bytes with the operator's extension rewritten too (the id and caller are {@link CallCycles}'). */
  private static final class Calls {
    final CallCycles cycles;
    final int operators;

    /** Where the operator's extension stands in every call's bytes (the rewrites keep every length). */
    final int[] at;

    Calls(CallCycles cycles, int operators) {
      this.cycles = cycles;
      this.operators = operators;
      ByteArrayOutputStream out = new ByteArrayOutputStream(40_000);
      cycles.write(0, out);
      Matcher m = OPERATOR.matcher(new String(out.toByteArray(), StandardCharsets.ISO_8859_1));
      List<Integer> found = new ArrayList<>();
      while (m.find()) {
        found.add(m.start());
      }
      this.at = found.stream().mapToInt(Integer::intValue).toArray();
    }

    byte[] bytes(long k) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(40_000);
      cycles.write(k, out);
      byte[] b = out.toByteArray();
      byte[] e = extension(k).getBytes(StandardCharsets.ISO_8859_1);
      for (int i : at) {
        System.arraycopy(e, 0, b, i, 3);
      }
      return b;
    }

    String extension(long k) {
      return Integer.toString(200 + (int) (k % operators));
    }
  }

  /** Per-call moments of one phase, by the call's index in the whole run. */
  private static final class Moments {
    final long from;
    final int n;
    final long[] writtenNanos;
    final long[] writtenEpochMicros;
    final AtomicLongArray commitMicros;
    final AtomicLongArray sseNanos;
    final AtomicLongArray ringNanos;
    Cpu cpu;

    Moments(long from, int n) {
      this.from = from;
      this.n = n;
      writtenNanos = new long[n];
      writtenEpochMicros = new long[n];
      commitMicros = new AtomicLongArray(n);
      sseNanos = new AtomicLongArray(n);
      ringNanos = new AtomicLongArray(n);
    }

    boolean has(long k) {
      return k >= from && k < from + n;
    }
  }

  private static volatile Moments current;
  private static int poolSize;

  public static void main(String[] args) throws Exception {
    int[] rates = Arrays.stream((args.length > 0 ? args[0] : "10,100,500").split(",")).mapToInt(Integer::parseInt)
        .toArray();
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    int operators = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    int saturation = args.length > 3 ? Integer.parseInt(args[3]) : 20_000;
    int startups = args.length > 4 ? Integer.parseInt(args[4]) : 3;
    if (operators < 1 || operators > 100) {
      throw new IllegalArgumentException("operators: 1..100");
    }
    ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger("org.asteriskjava").setLevel(Level.ERROR);
    Transcript t = Transcript.load("ami/missed.ami");
    Calls calls = new Calls(new CallCycles(t, 10_000_000), operators);
    long epoch = calls.cycles.epochOf(0);
    Path dir = Files.createTempDirectory("dozvon-bench-whole");
    Path dataDir = Files.createDirectories(dir.resolve("data"));
    Vertx clients = Vertx.vertx();
    System.out.printf(Locale.ROOT, "Whole path: missed.ami (%d events a call) at %s calls/s, %d s each; %d operators;"
            + " JVM %s, %d processors, max heap %d MB; load average %s; %s%n", t.size(), Arrays.toString(rates), seconds,
        operators, Runtime.version(), Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20, AmiThroughputBenchmark.loadAverage(), Instant.now());
    try (TestAmiServer pbx = TestAmiServer.start("bench", "bench-secret");
         Database db = Database.embedded(dir.resolve("pg"), 0, pgSettings())) {
      db.migrate();
      Map<String, String> env = new HashMap<>();
      env.put("DOZVON_HTTP_PORT", "0");
      env.put("DOZVON_ADMIN_TOKEN", ADMIN);
      env.put("DOZVON_DATA_DIR", dataDir.toString());
      env.put("DOZVON_AMI_HOST", "127.0.0.1");
      env.put("DOZVON_AMI_PORT", Integer.toString(pbx.port()));
      env.put("DOZVON_AMI_USER", "bench");
      env.put("DOZVON_AMI_SECRET", "bench-secret");
      env.put("DOZVON_OPERATOR_DIAL", "Local/{ext}@operator-phone");
      AppConfig cfg = ConfigLoader.load(env, Path.of(""));
      App app = App.start(cfg, db, Clock.systemUTC()).await(180, TimeUnit.SECONDS); // a loaded machine starts slowly
      poolSize = cfg.database().poolSize();
      List<AutoCloseable> streams = new ArrayList<>();
      try {
        showSettings(app);
        WebClient web = WebClient.create(clients, new WebClientOptions().setDefaultHost("localhost")
            .setDefaultPort(app.httpPort()));
        Map<String, String> tokens = new HashMap<>();
        for (int i = 0; i < operators; i++) {
          String ext = Integer.toString(200 + i);
          var r = web.post("/api/managers").bearerTokenAuthentication(ADMIN).sendJsonObject(new JsonObject()
              .put("name", "Оператор " + ext).put("extension", ext).put("maxActiveDeals", 10)).await();
          if (r.statusCode() != 201) {
            throw new IllegalStateException("manager " + ext + ": " + r.statusCode() + " " + r.bodyAsString());
          }
          tokens.put(ext, r.bodyAsJsonObject().getString("token"));
        }
        // committed: the feed event made right after the commit (its time: the service's clock, as microseconds)
        app.feed().subscribe(e -> {
          if ("deal.created".equals(e.type()) && e.data() != null) {
            Moments m = current;
            long k = callOf(e.data().getString("phone"));
            if (m != null && m.has(k)) {
              m.commitMicros.compareAndSet((int) (k - m.from), 0, micros(e.at()));
            }
          }
        });
        streams.add(sse(clients, app.httpPort(), ADMIN, (type, data, nanos) -> {
          if ("deal.created".equals(type)) {
            Moments m = current;
            long k = callOf(data.getJsonObject("data").getString("phone"));
            if (m != null && m.has(k)) {
              m.sseNanos.compareAndSet((int) (k - m.from), 0, nanos);
            }
          }
        }));
        for (var op : tokens.entrySet()) {
          streams.add(sse(clients, app.httpPort(), op.getValue(), (type, data, nanos) -> {
            if ("call.ringing".equals(type)) {
              String id = data.getJsonObject("data").getString("pbxCallId");
              Moments m = current;
              long k = id == null ? -1 : Long.parseLong(id.substring(0, id.indexOf('.'))) - epoch;
              if (m != null && m.has(k) && op.getKey().equals(calls.extension(k))) {
                m.ringNanos.compareAndSet((int) (k - m.from), 0, nanos);
              }
            }
          }));
        }
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!"CONNECTED".equals(app.telephony().state()) && System.nanoTime() < deadline) {
          Thread.sleep(50); // a benchmark's main thread, not a test
        }
        Thread.sleep(500); // the resync after login
        long next = 0;
        int warm = Integer.parseInt(System.getenv().getOrDefault("BENCH_WARMUP", "10"));
        // BENCH_WARMUP_RATE: the warm-up's rate (default the last rate, at most 500/s); one the service sustains
        // leaves no backlog for the measured rates, while the JIT compiles the path
        int warmRate = Integer.parseInt(System.getenv().getOrDefault("BENCH_WARMUP_RATE",
            Integer.toString(Math.min(500, rates[rates.length - 1]))));
        Moments w = paced(app, pbx, calls, next, warmRate, warm, null);
        next += w.n;
        report("warm-up", w, app);
        long sampler = sampleWaits(app);
        Memory mem = null;
        for (int i = 0; i < rates.length; i++) {
          boolean last = i == rates.length - 1;
          Memory sampled = last ? new Memory() : null;
          Moments m = paced(app, pbx, calls, next, rates[i], seconds, sampled);
          next += m.n;
          report("rate " + rates[i] + "/s", m, app);
          if (last) {
            mem = sampled;
          }
        }
        System.out.printf(Locale.ROOT, "memory while sustaining %d/s: %s%n", rates[rates.length - 1], mem);
        System.out.printf(Locale.ROOT, "RESULT memory rate=%d rss_max_mb=%.0f heap_used_max_mb=%.0f heap_committed_max_mb=%.0f%n",
            rates[rates.length - 1], mem.rssMax / 1048576.0, mem.heapMax / 1048576.0, mem.committedMax / 1048576.0);
        if (saturation > 0) {
          saturation(app, pbx, calls, next, saturation);
          next += saturation;
        }
        stages(app);
        topStatements(app, sampler);
      } finally {
        for (AutoCloseable s : streams) {
          s.close();
        }
        app.stop().await(30, TimeUnit.SECONDS);
      }
    } finally {
      clients.close().await();
    }
    if (startups > 0) {
      startUp(dir.resolve("service"), dir, startups);
    }
    deleteTree(dir);
    System.exit(0);
  }

  private static long micros(Instant at) {
    return at.getEpochSecond() * 1_000_000L + at.getNano() / 1000;
  }

  /** The call's index from its caller's number: +7916 then the cycle number in 7 digits. */
  private static long callOf(String phone) {
    if (phone == null || phone.length() != 12 || !phone.startsWith("+7916")) {
      return -1;
    }
    return Long.parseLong(phone.substring(5));
  }

  /** Sends {@code rate} calls a second for {@code seconds}, open loop, and waits for their deals and pops. */
  private static Moments paced(App app, TestAmiServer pbx, Calls calls, long from, int rate, int seconds, Memory mem)
      throws Exception {
    int n = rate * seconds;
    Moments m = new Moments(from, n);
    current = m;
    long sampler = mem == null ? -1 : app.vertx().setPeriodic(500, id -> mem.sample());
    long[] cpuFrom = Cpu.ticks();
    long wallFrom = System.nanoTime();
    long start = System.nanoTime() + 5_000_000L;
    long maxLag = 0;
    byte[] nextBytes = calls.bytes(from);
    for (int i = 0; i < n; i++) {
      long due = start + i * 1_000_000_000L / rate;
      long now;
      while ((now = System.nanoTime()) < due) {
        long left = due - now;
        if (left > 200_000) {
          LockSupport.parkNanos(left - 100_000);
        } else {
          Thread.onSpinWait();
        }
      }
      pbx.sendRaw(nextBytes);
      m.writtenNanos[i] = System.nanoTime();
      m.writtenEpochMicros[i] = micros(Instant.now());
      maxLag = Math.max(maxLag, m.writtenNanos[i] - due);
      if (i + 1 < n) {
        nextBytes = calls.bytes(from + i + 1);
      }
    }
    waitFor(m, 30);
    if (sampler >= 0) {
      app.vertx().cancelTimer(sampler);
    }
    System.out.printf(Locale.ROOT, "  sender: %,d calls written, latest write %.1f ms after its due time%n", n, maxLag / 1e6);
    m.cpu = Cpu.since(cpuFrom, System.nanoTime() - wallFrom, n);
    return m;
  }

  /** Waits until every call has its three moments, or nothing new came for {@code quietSeconds}. */
  private static void waitFor(Moments m, int quietSeconds) throws InterruptedException {
    long last = -1;
    long since = System.nanoTime();
    while (System.nanoTime() - since < quietSeconds * 1_000_000_000L) {
      long got = 0;
      for (int i = 0; i < m.n; i++) {
        got += (m.commitMicros.get(i) != 0 ? 1 : 0) + (m.sseNanos.get(i) != 0 ? 1 : 0) + (m.ringNanos.get(i) != 0 ? 1 : 0);
      }
      if (got == 3L * m.n) {
        return;
      }
      if (got != last) {
        last = got;
        since = System.nanoTime();
      }
      Thread.sleep(20); // the benchmark's own thread polling, not a test
    }
  }

  private static void report(String name, Moments m, App app) {
    long[] commit = new long[m.n];
    long[] sse = new long[m.n];
    long[] ring = new long[m.n];
    int c = 0;
    int s = 0;
    int r = 0;
    for (int i = 0; i < m.n; i++) {
      if (m.commitMicros.get(i) != 0) {
        commit[c++] = (m.commitMicros.get(i) - m.writtenEpochMicros[i]) * 1000;
      }
      if (m.sseNanos.get(i) != 0) {
        sse[s++] = m.sseNanos.get(i) - m.writtenNanos[i];
      }
      if (m.ringNanos.get(i) != 0) {
        ring[r++] = m.ringNanos.get(i) - m.writtenNanos[i];
      }
    }
    String rate = name.startsWith("rate ") ? name.substring(5, name.indexOf('/')) : "warmup";
    System.out.printf(Locale.ROOT, "%s: %,d calls; load average %s%n", name, m.n, AmiThroughputBenchmark.loadAverage());
    line(rate, "commit", "hangup written -> deal committed", Arrays.copyOf(commit, c), m.n);
    line(rate, "sse_deal", "hangup written -> deal.created read on the SSE stream", Arrays.copyOf(sse, s), m.n);
    line(rate, "ring", "DialBegin written -> call.ringing read on the operator's stream", Arrays.copyOf(ring, r), m.n);
    if (m.cpu != null) {
      System.out.println("  " + m.cpu);
      System.out.printf(Locale.ROOT, "RESULT cpu rate=%s %s%n", rate, m.cpu.result());
    }
  }

  private static void line(String rate, String key, String what, long[] nanos, int n) {
    Arrays.sort(nanos);
    if (nanos.length == 0) {
      System.out.printf(Locale.ROOT, "  %-62s none of %,d%n", what, n);
      System.out.printf(Locale.ROOT, "RESULT %s rate=%s n=0 of=%d%n", key, rate, n);
      return;
    }
    System.out.printf(Locale.ROOT, "  %-62s %,6d of %,6d: p50 %7.1f  p99 %7.1f  p99.9 %7.1f  max %7.1f ms%n", what,
        nanos.length, n, ms(nanos, 0.5), ms(nanos, 0.99), ms(nanos, 0.999), nanos[nanos.length - 1] / 1e6);
    System.out.printf(Locale.ROOT, "RESULT %s rate=%s n=%d of=%d p50=%.1f p99=%.1f p99.9=%.1f max=%.1f%n", key, rate,
        nanos.length, n, ms(nanos, 0.5), ms(nanos, 0.99), ms(nanos, 0.999), nanos[nanos.length - 1] / 1e6);
  }

  private static double ms(long[] sorted, double p) {
    int idx = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
    return sorted[Math.max(0, idx)] / 1e6;
  }

  /**
   * Calls written as fast as the socket takes them (about 48 KiB a write), then the raw limit: one-row inserts, each
   * its own transaction, as many at once as the pool has connections, for as long as the calls took.
   */
  private static void saturation(App app, TestAmiServer pbx, Calls calls, long from, int n) throws Exception {
    Moments m = new Moments(from, n);
    current = m;
    long start = System.nanoTime();
    long startMicros = micros(Instant.now());
    ByteArrayOutputStream chunk = new ByteArrayOutputStream(64 * 1024);
    for (int i = 0; i < n; i++) {
      chunk.writeBytes(calls.bytes(from + i));
      if (chunk.size() >= 48 * 1024 || i == n - 1) {
        pbx.sendRaw(chunk.toByteArray());
        chunk.reset();
      }
    }
    long written = System.nanoTime();
    waitFor(m, 30);
    long lastCommit = 0;
    int committed = 0;
    for (int i = 0; i < n; i++) {
      long c = m.commitMicros.get(i);
      if (c != 0) {
        committed++;
        lastCommit = Math.max(lastCommit, c);
      }
    }
    double dealSeconds = (lastCommit - startMicros) / 1e6;
    double deals = committed / dealSeconds;
    System.out.printf(Locale.ROOT, "saturation: %,d calls written in %.2f s; %,d deals committed in %.2f s = %,.0f deals/s%n",
        n, (written - start) / 1e9, committed, dealSeconds, deals);
    double inserts = rawInserts(app, Math.max(5.0, Math.min(dealSeconds, 20.0)));
    System.out.printf(Locale.ROOT, "raw single-row inserts (autocommit, %d at once): %,.0f/s; deals/s over that: %.2f%n",
        poolSize, inserts, deals / inserts);
    System.out.printf(Locale.ROOT, "RESULT saturation deals_per_s=%.0f raw_inserts_per_s=%.0f ratio=%.3f%n", deals, inserts,
        deals / inserts);
  }

  private static double rawInserts(App app, double seconds) throws Exception {
    app.pool().query("CREATE TABLE IF NOT EXISTS bench_raw (id bigserial PRIMARY KEY, pbx_call_id text NOT NULL,"
        + " at timestamptz NOT NULL DEFAULT now())").execute().await();
    int lanes = poolSize;
    AtomicLong done = new AtomicLong();
    long end = System.nanoTime() + (long) (seconds * 1e9);
    java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(lanes);
    var ctx = app.vertx().getOrCreateContext();
    long start = System.nanoTime();
    for (int l = 0; l < lanes; l++) {
      int lane = l;
      ctx.runOnContext(v -> insertLoop(app, lane, done, end, finished));
    }
    finished.await();
    return done.get() / ((System.nanoTime() - start) / 1e9);
  }

  private static void insertLoop(App app, int lane, AtomicLong done, long end, java.util.concurrent.CountDownLatch finished) {
    if (System.nanoTime() >= end) {
      finished.countDown();
      return;
    }
    app.pool().preparedQuery("INSERT INTO bench_raw (pbx_call_id) VALUES ($1)")
        .execute(io.vertx.sqlclient.Tuple.of("raw." + lane + "." + done.get()))
        .onComplete(ar -> {
          if (ar.succeeded()) {
            done.incrementAndGet();
          }
          insertLoop(app, lane, done, end, finished);
        });
  }

  /** The stage meters this code has ({@code dozvon_stage_*}), if any: where the time went. */
  private static void stages(App app) {
    var timers = app.meters().registry().getMeters().stream()
        .filter(x -> x.getId().getName().startsWith("dozvon_stage_") || x.getId().getName().startsWith("dozvon.stage."))
        .filter(x -> x instanceof io.micrometer.core.instrument.Timer || x instanceof io.micrometer.core.instrument.DistributionSummary)
        .toList();
    if (timers.isEmpty()) {
      return;
    }
    System.out.println("stage meters over the whole run (count, mean, max, p50/p99 from the histogram):");
    for (var x : timers) {
      if (x instanceof io.micrometer.core.instrument.Timer timer) {
        var snap = timer.takeSnapshot();
        StringBuilder p = new StringBuilder();
        for (var v : snap.percentileValues()) {
          p.append(String.format(Locale.ROOT, " p%s=%.2f", v.percentile() * 100, v.value(TimeUnit.MILLISECONDS)));
        }
        System.out.printf(Locale.ROOT, "  %-44s %s count %,d mean %.2f ms max %.1f ms%s%n", x.getId().getName(),
            x.getId().getTags(), snap.count(), snap.mean(TimeUnit.MILLISECONDS), snap.max(TimeUnit.MILLISECONDS), p);
      } else if (x instanceof io.micrometer.core.instrument.DistributionSummary d) {
        var snap = d.takeSnapshot();
        System.out.printf(Locale.ROOT, "  %-44s %s count %,d mean %.1f max %.0f%n", x.getId().getName(),
            x.getId().getTags(), snap.count(), snap.mean(), snap.max());
      }
    }
  }

  /** RSS of this JVM (the service, the test PBX and the clients) and its heap, sampled. */
  /**
   * CPU time spent from the first call written until the last one's moments were read: this JVM (the service with
   * the test PBX and the HTTP clients) and every PostgreSQL process, from {@code /proc} (clock ticks of 10 ms).
   * Per call it is comparable across machines of one kind, where latency is not (it depends on headroom).
   */
  record Cpu(double wallSeconds, int calls, double javaSeconds, double pgSeconds) {

    /** This JVM's ticks and the sum of every postgres process's (utime + stime). */
    static long[] ticks() {
      long java = 0;
      long pg = 0;
      String self = Long.toString(ProcessHandle.current().pid());
      try (var dirs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
        for (Path d : dirs) {
          String stat;
          try {
            stat = Files.readString(d.resolve("stat"));
          } catch (Exception gone) {
            continue;
          }
          int open = stat.indexOf('(');
          int close = stat.lastIndexOf(')');
          String comm = stat.substring(open + 1, close);
          String[] f = stat.substring(close + 2).split(" ");
          long t = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14 and 15)
          if (d.getFileName().toString().equals(self)) {
            java += t;
          } else if (comm.equals("postgres")) {
            pg += t;
          }
        }
      } catch (Exception e) {
        return new long[] {-1, -1};
      }
      return new long[] {java, pg};
    }

    static Cpu since(long[] from, long wallNanos, int calls) {
      long[] now = ticks();
      return from[0] < 0 || now[0] < 0 ? null
          : new Cpu(wallNanos / 1e9, calls, (now[0] - from[0]) / 100.0, (now[1] - from[1]) / 100.0);
    }

    String result() {
      return String.format(Locale.ROOT, "java_ms_per_call=%.2f pg_ms_per_call=%.2f java_cores=%.2f pg_cores=%.2f",
          javaSeconds * 1000 / calls, pgSeconds * 1000 / calls, javaSeconds / wallSeconds, pgSeconds / wallSeconds);
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "cpu over %.1f s: this JVM %.1f s (%.2f ms a call, %.2f cores), PostgreSQL "
              + "%.1f s (%.2f ms a call, %.2f cores)", wallSeconds, javaSeconds, javaSeconds * 1000 / calls,
          javaSeconds / wallSeconds, pgSeconds, pgSeconds * 1000 / calls, pgSeconds / wallSeconds);
    }
  }

  private static final class Memory {
    long rssMax;
    long heapMax;
    long committedMax;
    long samples;

    synchronized void sample() {
      var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
      rssMax = Math.max(rssMax, rss());
      heapMax = Math.max(heapMax, heap.getUsed());
      committedMax = Math.max(committedMax, heap.getCommitted());
      samples++;
    }

    static long rss() {
      try {
        for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
          if (l.startsWith("VmRSS:")) {
            return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
          }
        }
      } catch (Exception e) {
        return -1;
      }
      return -1;
    }

    @Override
    public synchronized String toString() {
      return String.format(Locale.ROOT, "RSS max %.0f MB (this JVM: the service with the test PBX and the HTTP clients;"
          + " PostgreSQL apart), heap used max %.0f MB, heap committed max %.0f MB (%d samples)", rssMax / 1048576.0,
          heapMax / 1048576.0, committedMax / 1048576.0, samples);
    }
  }

  /**
   * {@code Main} in a JVM of its own on the data folder of this run (initialised, migrated, the embedded server
   * stopped): from the process started to "Dozvon is up", {@code times} times, each stopped with SIGTERM.
   */
  private static void startUp(Path dataDir, Path dir, int times) throws Exception {
    Files.createDirectories(dataDir);
    // ChildJvm passes this JVM's class path on; bench/run.sh gives it relative to the project, the child runs elsewhere
    System.setProperty("java.class.path", Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
        .map(e -> Path.of(e).toAbsolutePath().toString()).collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator)));
    Map<String, String> env = Map.of("DOZVON_DATA_DIR", dataDir.toString(), "DOZVON_HTTP_PORT", "0",
        "DOZVON_ADMIN_TOKEN", ADMIN);
    // the first start initialises the folder's own embedded database; not timed
    List<Double> took = new ArrayList<>();
    for (int i = 0; i <= times; i++) {
      long t0 = System.nanoTime();
      ChildJvm child = ChildJvm.start("startup-" + i, Main.class, env, dir);
      try {
        child.awaitLine(Pattern.compile("Dozvon is up"), Duration.ofSeconds(120));
        double s = (System.nanoTime() - t0) / 1e9;
        if (i > 0) {
          took.add(s);
        }
        System.out.printf(Locale.ROOT, "start-up %s: %.2f s to \"Dozvon is up\"%n", i == 0 ? "(first: initialises the folder)" : "#" + i, s);
      } finally {
        child.process.destroy(); // SIGTERM: a clean stop, the embedded server stopped too
        if (!child.process.waitFor(60, TimeUnit.SECONDS)) {
          child.close();
        }
      }
    }
    double best = took.stream().mapToDouble(Double::doubleValue).min().orElse(-1);
    double worst = took.stream().mapToDouble(Double::doubleValue).max().orElse(-1);
    System.out.printf(Locale.ROOT, "RESULT startup best_s=%.2f worst_s=%.2f n=%d%n", best, worst, took.size());
    ChildJvm.killAllServing(dataDir);
  }

  /**
   * Server settings of the run's database: BENCH_PGSS=1 loads pg_stat_statements (the statements that took the
   * database's time, and what active backends waited on, are printed at the end); BENCH_PG="name=value;..." sets
   * others (an experiment, e.g. synchronous_commit=off, never a figure for the doc).
   */
  private static Map<String, String> pgSettings() {
    Map<String, String> out = new HashMap<>();
    if (System.getenv("BENCH_PGSS") != null) {
      out.put("shared_preload_libraries", "pg_stat_statements");
    }
    String more = System.getenv("BENCH_PG");
    if (more != null && !more.isBlank()) {
      for (String kv : more.split(";")) {
        String[] p = kv.split("=", 2);
        out.put(p[0].trim(), p[1].trim());
      }
    }
    return out;
  }

  private static final Map<String, Integer> WAITS = new java.util.concurrent.ConcurrentHashMap<>();

  /** With BENCH_PGSS: samples what the active backends wait on, every 20 ms, while the rates run. */
  private static long sampleWaits(App app) {
    if (System.getenv("BENCH_PGSS") == null) {
      return -1;
    }
    app.pool().query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements").execute().await();
    app.pool().query("SELECT pg_stat_statements_reset()").execute().await();
    return app.vertx().setPeriodic(20, id -> app.pool().query("""
            SELECT state || ' ' || coalesce(wait_event_type || '/' || wait_event, 'CPU') || '  '
                   || left(regexp_replace(query, '\\s+', ' ', 'g'), 70)
            FROM pg_stat_activity WHERE state <> 'idle' AND pid <> pg_backend_pid() AND backend_type = 'client backend'""")
        .execute().onSuccess(rows -> rows.forEach(r -> WAITS.merge(r.getString(0), 1, Integer::sum))));
  }

  private static void topStatements(App app, long sampler) {
    if (sampler < 0) {
      return;
    }
    app.vertx().cancelTimer(sampler);
    var rows = app.pool().query("""
            SELECT calls, round(total_exec_time) AS total_ms, round(mean_exec_time::numeric, 3) AS mean_ms,
                   wal_records, left(regexp_replace(query, '\\s+', ' ', 'g'), 100) AS q
            FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 20""").execute().await();
    System.out.println("pg_stat_statements (calls, total ms, mean ms, WAL records):");
    rows.forEach(r -> System.out.printf(Locale.ROOT, "  %8d %8s %8s %8d  %s%n", r.getLong(0), r.getValue(1),
        r.getValue(2), r.getLong(3), r.getString(4)));
    System.out.println("backends not idle, sampled every 20 ms (state, wait, statement):");
    WAITS.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(25)
        .forEach(e -> System.out.printf(Locale.ROOT, "  %6d  %s%n", e.getValue(), e.getKey()));
  }

  private static void showSettings(App app) {
    var rows = app.pool().query("SELECT name, setting FROM pg_settings WHERE name IN "
        + "('fsync','synchronous_commit','full_page_writes','wal_sync_method') ORDER BY name").execute().await();
    StringBuilder sb = new StringBuilder("PostgreSQL:");
    for (var r : rows) {
      sb.append(' ').append(r.getString(0)).append('=').append(r.getString(1));
    }
    System.out.println(sb + "; pool " + poolSize);
  }

  /** One live stream read by a real HTTP client: each event's type, JSON and arrival time. */
  @FunctionalInterface
  private interface Sink {
    void event(String type, JsonObject json, long nanos);
  }

  private static AutoCloseable sse(Vertx vertx, int port, String token, Sink sink) throws Exception {
    HttpClient client = vertx.createHttpClient();
    StringBuilder text = new StringBuilder();
    client.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("localhost").setPort(port)
            .setURI("/api/live/stream").putHeader("Authorization", "Bearer " + token))
        .compose(req -> req.send())
        .map(res -> {
          res.handler(buf -> {
            long now = System.nanoTime();
            text.append(buf.toString(StandardCharsets.UTF_8));
            int end;
            while ((end = text.indexOf("\n\n")) >= 0) {
              String block = text.substring(0, end);
              text.delete(0, end + 2);
              if (block.startsWith("id: ")) {
                block = block.substring(block.indexOf('\n') + 1); // the event's id (replay), then the event
              }
              int data = block.indexOf("data: ");
              if (block.startsWith("event: ") && data >= 0) {
                String type = block.substring(7, block.indexOf('\n'));
                if (!type.equals("snapshot")) {
                  sink.event(type, new JsonObject(block.substring(data + 6)), now);
                }
              }
            }
          });
          return res;
        })
        .await(10, TimeUnit.SECONDS);
    return () -> client.close().await();
  }

  private static void deleteTree(Path dir) throws Exception {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
